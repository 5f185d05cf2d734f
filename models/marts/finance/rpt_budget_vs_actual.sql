{#
    Budget vs actual effective cost per month, cost center and owner team, with a month-end forecast at
    the month's average daily spend so far (days covered by data, not calendar days, so a late feed does
    not look like a saving).
#}
with

ledger as (
    select * from {{ ref('fct_chargeback_monthly') }}
),

budgets as (
    select * from {{ ref('budgets') }}
),

coverage as (
    select
        billing_month,
        max(request_date) as data_through
    from {{ ref('fct_ai_requests') }}
    group by 1
),

actuals as (
    select
        billing_month,
        cost_center,
        owner_team,
        sum(effective_cost_usd) as actual_usd
    from ledger
    where owner_team not in ('unallocated', 'platform-shared')
    group by 1, 2, 3
),

joined as (
    select
        coalesce(actuals.billing_month, budgets.budget_month) as billing_month,
        coalesce(actuals.cost_center, budgets.cost_center) as cost_center,
        coalesce(actuals.owner_team, budgets.owner_team) as owner_team,
        budgets.budget_usd,
        coalesce(actuals.actual_usd, 0) as actual_usd
    from actuals
    full outer join budgets
        on
            actuals.billing_month = budgets.budget_month
            and actuals.cost_center = budgets.cost_center
            and actuals.owner_team = budgets.owner_team
),

with_days as (
    select
        joined.*,
        coalesce(
            {{ dbt.datediff('joined.billing_month', 'coverage.data_through', 'day') }} + 1, 0
        ) as days_elapsed,
        {{ dbt.datediff(
            'joined.billing_month', dbt.dateadd('month', 1, 'joined.billing_month'), 'day'
        ) }} as days_in_month
    from joined
    left join coverage
        on joined.billing_month = coverage.billing_month
),

forecast as (
    select
        with_days.*,
        case
            when days_elapsed > 0 then actual_usd / days_elapsed * days_in_month
        end as forecast_usd
    from with_days
),

final as (
    select
        forecast.*,
        forecast_usd - budget_usd as variance_usd,
        case when budget_usd > 0 then (forecast_usd - budget_usd) / budget_usd end as variance_share,
        coalesce(forecast_usd > budget_usd, false) as is_over_budget
    from forecast
)

select * from final
