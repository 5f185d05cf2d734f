{#
    The finance partner's month, per cost center and owner team: what the ledger charges (list, net of
    shared-cost allocations, effective after invoice discounts, charged after transfer multipliers), how
    much of the team's own list cost was production burn (prod environment, an intent that counts as
    production in seeds/request_intents.csv, or no intent) vs experimental, the budget envelope with the
    month-end forecast and variance (rpt_budget_vs_actual), and whether the month is ready to charge
    (rpt_chargeback_readiness). Ledger columns sum to fct_chargeback_monthly exactly.
#}
with ledger as (
    select
        billing_month,
        cost_center,
        owner_team,
        sum(list_cost_usd) as list_cost_usd,
        sum(net_cost_usd) as net_cost_usd,
        sum(effective_cost_usd) as effective_cost_usd,
        sum(charged_cost_usd) as charged_cost_usd
    from {{ ref('fct_chargeback_monthly') }}
    group by billing_month, cost_center, owner_team
),

burn as (
    select
        attempts.billing_month,
        attempts.cost_center,
        attempts.owner_team,
        coalesce(sum(
            case
                when attempts.environment = 'prod' and coalesce(intents.is_production_burn, true)
                    then attempts.list_cost_usd
            end
        ), 0) as production_list_cost_usd,
        coalesce(sum(
            case
                when not (attempts.environment = 'prod' and coalesce(intents.is_production_burn, true))
                    then attempts.list_cost_usd
            end
        ), 0) as experimental_list_cost_usd
    from {{ ref('fct_ai_requests') }} as attempts
    left join {{ ref('request_intents') }} as intents
        on attempts.request_intent = intents.request_intent
    group by attempts.billing_month, attempts.cost_center, attempts.owner_team
)

select
    ledger.billing_month,
    ledger.cost_center,
    ledger.owner_team,
    ledger.list_cost_usd,
    ledger.net_cost_usd,
    ledger.effective_cost_usd,
    ledger.charged_cost_usd,
    coalesce(burn.production_list_cost_usd, 0) as production_list_cost_usd,
    coalesce(burn.experimental_list_cost_usd, 0) as experimental_list_cost_usd,
    budgets.budget_usd,
    budgets.forecast_usd,
    budgets.variance_usd as forecast_variance_usd,
    budgets.is_over_budget,
    readiness.readiness_status,
    readiness.blocking_reasons
from ledger
left join burn
    on
        ledger.billing_month = burn.billing_month
        and ledger.cost_center = burn.cost_center
        and ledger.owner_team = burn.owner_team
left join {{ ref('rpt_budget_vs_actual') }} as budgets
    on
        ledger.billing_month = budgets.billing_month
        and ledger.cost_center = budgets.cost_center
        and ledger.owner_team = budgets.owner_team
left join {{ ref('rpt_chargeback_readiness') }} as readiness
    on
        ledger.billing_month = readiness.billing_month
        and ledger.owner_team = readiness.owner_team
