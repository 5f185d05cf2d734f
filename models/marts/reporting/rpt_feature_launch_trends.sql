{#
    Spend and volume around each feature launch (seeds/features.csv launched_on): the seven days before the
    launch day against the launch day and the six days after it.
#}
with launches as (
    select
        feature,
        feature_name,
        cast(launched_on as date) as launched_on
    from {{ ref('features') }}
    where launched_on is not null
),

around as (
    select
        launches.feature,
        case
            when attempts.request_date < launches.launched_on then 'before' else 'after'
        end as side,
        count(*) as attempts,
        count(distinct attempts.tenant_id_hash) as tenants,
        coalesce(sum(attempts.list_cost_usd), 0) as list_cost_usd
    from launches
    inner join {{ ref('fct_ai_requests') }} as attempts
        on
            launches.feature = attempts.feature
            and {{ dbt.datediff('launches.launched_on', 'attempts.request_date', 'day') }} between -7 and 6
    group by
        launches.feature,
        case when attempts.request_date < launches.launched_on then 'before' else 'after' end
)

select
    launches.feature,
    launches.feature_name,
    launches.launched_on,
    coalesce(before_launch.attempts, 0) as attempts_week_before,
    coalesce(after_launch.attempts, 0) as attempts_week_after,
    coalesce(before_launch.list_cost_usd, 0) as cost_week_before_usd,
    coalesce(after_launch.list_cost_usd, 0) as cost_week_after_usd,
    coalesce(before_launch.tenants, 0) as tenants_week_before,
    coalesce(after_launch.tenants, 0) as tenants_week_after,
    case
        when before_launch.attempts > 0
            then
                100 * cast(coalesce(after_launch.attempts, 0) - before_launch.attempts as {{ type_double() }})
                / before_launch.attempts
    end as attempts_change_pct,
    case
        when before_launch.list_cost_usd > 0
            then
                100 * cast(coalesce(after_launch.list_cost_usd, 0) - before_launch.list_cost_usd as {{ type_double() }})
                / cast(before_launch.list_cost_usd as {{ type_double() }})
    end as cost_change_pct
from launches
left join around as before_launch
    on launches.feature = before_launch.feature and before_launch.side = 'before'
left join around as after_launch
    on launches.feature = after_launch.feature and after_launch.side = 'after'
