-- rpt_finance_monthly carries every cent of the ledger: per month, its list, effective and charged cost
-- equal fct_chargeback_monthly's. Returns the months that differ.
with report as (
    select
        billing_month,
        sum(list_cost_usd) as list_cost_usd,
        sum(effective_cost_usd) as effective_cost_usd,
        sum(charged_cost_usd) as charged_cost_usd
    from {{ ref('rpt_finance_monthly') }}
    group by billing_month
),

ledger as (
    select
        billing_month,
        sum(list_cost_usd) as list_cost_usd,
        sum(effective_cost_usd) as effective_cost_usd,
        sum(charged_cost_usd) as charged_cost_usd
    from {{ ref('fct_chargeback_monthly') }}
    group by billing_month
)

select ledger.billing_month
from ledger
left join report on ledger.billing_month = report.billing_month
where
    report.billing_month is null
    or report.list_cost_usd <> ledger.list_cost_usd
    or report.effective_cost_usd <> ledger.effective_cost_usd
    or report.charged_cost_usd <> ledger.charged_cost_usd
