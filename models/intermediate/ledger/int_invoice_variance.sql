{#
    Invoice usage vs ledger list cost per provider and month: the variance that decides whether a month
    can be charged back (and later posted). Positive variance = the invoice is higher than the ledger.
#}
with

ledger as (
    select
        provider,
        billing_month,
        sum(list_cost_usd) as ledger_list_cost_usd
    from {{ ref('int_ledger_lines_direct') }}
    group by 1, 2
),

invoices as (
    select * from {{ ref('int_invoice_totals') }}
),

compared as (
    select
        coalesce(ledger.provider, invoices.provider) as provider,
        coalesce(ledger.billing_month, invoices.billing_month) as billing_month,
        coalesce(ledger.ledger_list_cost_usd, 0) as ledger_list_cost_usd,
        invoices.invoice_usage_usd,
        invoices.invoice_usage_usd - coalesce(ledger.ledger_list_cost_usd, 0) as variance_usd,
        case
            when invoices.invoice_usage_usd > 0
                then
                    cast(abs(invoices.invoice_usage_usd - coalesce(ledger.ledger_list_cost_usd, 0)) as {{ type_double() }})
                    / cast(invoices.invoice_usage_usd as {{ type_double() }})
        end as variance_share
    from ledger
    full outer join invoices
        on
            ledger.provider = invoices.provider
            and ledger.billing_month = invoices.billing_month
)

select * from compared
