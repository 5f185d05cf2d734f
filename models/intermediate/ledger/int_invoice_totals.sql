{#  Invoice figures per provider and billing month: usage, invoice-time discounts and credits, tax. #}
with

invoice_lines as (
    select * from {{ ref('stg_invoices__lines') }}
),

totals as (
    select
        provider,
        billing_month,
        count(distinct invoice_id) as invoice_count,
        coalesce(sum(case when line_type = 'usage' then amount_usd end), 0) as invoice_usage_usd,
        coalesce(sum(case when line_type = 'discount' then amount_usd end), 0) as invoice_discount_usd,
        coalesce(sum(case when line_type = 'credit' then amount_usd end), 0) as invoice_credit_usd,
        coalesce(sum(case when line_type = 'tax' then amount_usd end), 0) as invoice_tax_usd,
        sum(amount_usd) as invoice_total_usd
    from invoice_lines
    group by 1, 2
)

select * from totals
