{#  Each provider-month's invoice discounts and credits are allocated to ledger lines to the cent. #}
{{ config(meta={'dagster': {'ref': {'name': 'fct_chargeback_monthly'}}}) }}

with

allocated as (
    select
        provider,
        billing_month,
        sum(discount_usd) as allocated_discount_usd,
        sum(case when net_cost_usd > 0 then 1 else 0 end) as lines_with_cost
    from {{ ref('fct_chargeback_monthly') }}
    group by 1, 2
),

invoiced as (
    select
        provider,
        billing_month,
        invoice_discount_usd + invoice_credit_usd as invoice_discount_usd
    from {{ ref('int_invoice_totals') }}
)

select
    invoiced.provider,
    invoiced.billing_month,
    invoiced.invoice_discount_usd,
    allocated.allocated_discount_usd
from invoiced
inner join allocated
    on
        invoiced.provider = allocated.provider
        and invoiced.billing_month = allocated.billing_month
where
    allocated.lines_with_cost > 0
    and allocated.allocated_discount_usd <> invoiced.invoice_discount_usd
