{#
    One plain-English paragraph per ISO week, built from the review's figures: which team ran furthest over
    its budget envelope, the feature that drove the change, and whether the review asked for a routing
    change. The weekly envelope is the team's monthly budget (seeds/budgets.csv) spread evenly over the days
    of each month, summed over the week's seven days, so a week across a month end takes a share of each.
#}
with review as (
    select * from {{ ref('rpt_weekly_burn_review') }}
),

day_offsets as (
    {% for offset in range(7) -%}
        select {{ offset }} as day_offset {% if not loop.last %}
            union all {% endif %}
    {%- endfor %}
),

team_budgets as (
    select
        cast(budget_month as date) as budget_month,
        owner_team,
        sum(budget_usd) as budget_usd
    from {{ ref('budgets') }}
    group by cast(budget_month as date), owner_team
),

week_days as (
    select distinct
        review.week_start,
        cast({{ dbt.dateadd('day', 'day_offsets.day_offset', 'review.week_start') }} as date) as day
    from review
    cross join day_offsets
),

team_envelopes as (
    select
        week_days.week_start,
        team_budgets.owner_team,
        sum(
            team_budgets.budget_usd
            / {{ dbt.datediff(
                'team_budgets.budget_month',
                dbt.dateadd('month', 1, 'team_budgets.budget_month'),
                'day'
            ) }}
        ) as envelope_usd
    from week_days
    inner join team_budgets
        on cast({{ dbt.date_trunc('month', 'week_days.day') }} as date) = team_budgets.budget_month
    group by week_days.week_start, team_budgets.owner_team
),

team_spend as (
    select
        week_start,
        owner_team,
        sum(current_spend_usd) as spend_usd
    from review
    group by week_start, owner_team
),

over_envelope as (
    select
        team_spend.week_start,
        team_spend.owner_team,
        coalesce(teams.team_name, team_spend.owner_team) as team_name,
        team_spend.spend_usd,
        team_envelopes.envelope_usd,
        team_spend.spend_usd - team_envelopes.envelope_usd as over_usd,
        row_number() over (
            partition by team_spend.week_start
            order by team_spend.spend_usd - team_envelopes.envelope_usd desc, team_spend.owner_team
        ) as over_rank
    from team_spend
    inner join team_envelopes
        on
            team_spend.week_start = team_envelopes.week_start
            and team_spend.owner_team = team_envelopes.owner_team
    left join {{ ref('owner_teams') }} as teams
        on team_spend.owner_team = teams.owner_team
    where team_spend.spend_usd > team_envelopes.envelope_usd
),

feature_change as (
    select
        review.week_start,
        review.feature,
        coalesce(max(features.feature_name), review.feature) as feature_name,
        sum(review.current_spend_usd) as spend_usd,
        sum(review.prior_spend_usd) as prior_spend_usd,
        sum(review.requests) as requests,
        sum(review.prior_requests) as prior_requests,
        sum(review.current_spend_usd) - sum(review.prior_spend_usd) as change_usd
    from review
    left join {{ ref('features') }} as features
        on review.feature = features.feature
    group by review.week_start, review.feature
),

drivers as (
    select
        feature_change.*,
        row_number() over (
            partition by week_start
            order by change_usd desc, feature asc
        ) as driver_rank
    from feature_change
),

routing as (
    select
        week_start,
        {{ dbt.listagg("feature", "', '", "order by feature") }} as route_down_features
    from review
    where next_action = 'route down'
    group by week_start
),

weeks as (
    select
        week_start,
        min(iso_week) as iso_week,
        sum(current_spend_usd) as total_spend_usd,
        sum(prior_spend_usd) as prior_total_spend_usd,
        sum(case when is_top_10 then current_spend_usd else 0 end) as top_10_spend_usd
    from review
    group by week_start
),

figures as (
    select
        weeks.iso_week,
        weeks.week_start,
        weeks.total_spend_usd,
        weeks.prior_total_spend_usd,
        weeks.total_spend_usd - weeks.prior_total_spend_usd as total_variance_usd,
        case
            when weeks.prior_total_spend_usd > 0
                then
                    100 * cast(weeks.total_spend_usd - weeks.prior_total_spend_usd as {{ type_double() }})
                    / cast(weeks.prior_total_spend_usd as {{ type_double() }})
        end as total_variance_pct,
        weeks.top_10_spend_usd,
        over_envelope.owner_team as over_envelope_team,
        over_envelope.team_name as over_envelope_team_name,
        over_envelope.spend_usd as over_envelope_team_spend_usd,
        over_envelope.envelope_usd as over_envelope_team_envelope_usd,
        over_envelope.over_usd as over_envelope_usd,
        case
            when over_envelope.envelope_usd > 0
                then
                    100 * cast(over_envelope.over_usd as {{ type_double() }})
                    / cast(over_envelope.envelope_usd as {{ type_double() }})
        end as over_envelope_pct,
        drivers.feature as driver_feature,
        drivers.feature_name as driver_feature_name,
        drivers.change_usd as driver_change_usd,
        case
            when drivers.prior_spend_usd > 0
                then
                    100 * cast(drivers.change_usd as {{ type_double() }})
                    / cast(drivers.prior_spend_usd as {{ type_double() }})
        end as driver_change_pct,
        case
            when drivers.prior_requests > 0
                then
                    100 * cast(drivers.requests - drivers.prior_requests as {{ type_double() }})
                    / drivers.prior_requests
        end as driver_requests_change_pct,
        routing.route_down_features
    from weeks
    left join over_envelope
        on weeks.week_start = over_envelope.week_start and over_envelope.over_rank = 1
    left join drivers
        on weeks.week_start = drivers.week_start and drivers.driver_rank = 1 and drivers.change_usd > 0
    left join routing
        on weeks.week_start = routing.week_start
)

select
    figures.*,
    {{ dbt.concat([
        "case when over_envelope_team is null then 'Every team stayed within its weekly budget envelope'"
        ~ " else " ~ dbt.concat([
            "over_envelope_team_name",
            "' exceeded its weekly budget envelope by '",
            share_as_percent_text('over_envelope_pct / 100'),
            "' ('", usd_text('over_envelope_usd'), "')'"
        ]) ~ " end",
        "'; '",
        "case when prior_total_spend_usd = 0 then 'no prior week to compare'"
        ~ " when driver_feature is null then " ~ dbt.concat([
            "'no feature grew; total spend '", usd_text('total_spend_usd'),
            "' vs '", usd_text('prior_total_spend_usd'), "' last week'"
        ])
        ~ " when driver_change_pct is null then " ~ dbt.concat([
            "driver_feature_name", "' is new this week ('", usd_text('driver_change_usd'), "')'"
        ])
        ~ " else " ~ dbt.concat([
            "driver_feature_name",
            "' spend up '", share_as_percent_text('driver_change_pct / 100'),
            "' (+'", usd_text('driver_change_usd'), "') on '",
            "case when driver_requests_change_pct >= 0 then "
            ~ dbt.concat([share_as_percent_text('driver_requests_change_pct / 100'), "' more requests'"])
            ~ " else "
            ~ dbt.concat([share_as_percent_text('-driver_requests_change_pct / 100'), "' fewer requests'"])
            ~ " end"
        ]) ~ " end",
        "'; '",
        "case when route_down_features is null then 'no routing change recommended'"
        ~ " else " ~ dbt.concat(["'routing change recommended for '", "route_down_features"]) ~ " end",
        "'.'"
    ]) }} as summary_text
from figures
