{#
    Money conservation: every cent of fct_ai_requests is on the ledger, per month, before and after
    allocation (allocations move cost between lines, they never create or lose it).
#}
{{ config(meta={'dagster': {'ref': {'name': 'fct_chargeback_monthly'}}}) }}

with

fact as (
    select
        billing_month,
        coalesce(sum(list_cost_usd), 0) as list_cost_usd,
        count(*) as attempt_count
    from {{ ref('fct_ai_requests') }}
    group by 1
),

ledger as (
    select
        billing_month,
        coalesce(sum(list_cost_usd), 0) as list_cost_usd,
        coalesce(sum(net_cost_usd), 0) as net_cost_usd,
        sum(attempt_count) as attempt_count
    from {{ ref('fct_chargeback_monthly') }}
    group by 1
)

select
    coalesce(fact.billing_month, ledger.billing_month) as billing_month,
    fact.list_cost_usd as fact_list_cost_usd,
    ledger.list_cost_usd as ledger_list_cost_usd
from fact
full outer join ledger
    on fact.billing_month = ledger.billing_month
where
    fact.billing_month is null
    or ledger.billing_month is null
    or fact.list_cost_usd <> ledger.list_cost_usd
    or fact.list_cost_usd <> ledger.net_cost_usd
    or fact.attempt_count <> ledger.attempt_count
