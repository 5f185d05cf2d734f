{#  Provider invoice lines, one row per line; discounts and credits are negative amounts. #}
with

source as (
    select * from {{ source('raw_invoices', 'invoice_lines') }}
),

renamed as (
    select
        ---------- ids
        invoice_id,
        lower(provider) as provider,

        ---------- line
        lower(line_type) as line_type,
        description,
        cast(amount_usd as decimal(18, 2)) as amount_usd,
        currency,

        ---------- dates
        billing_period_start,
        billing_period_end,
        cast({{ dbt.date_trunc('month', 'billing_period_start') }} as date) as billing_month,

        ---------- lineage
        source_file,
        source_line,
        loaded_at
    from source
)

select * from renamed
