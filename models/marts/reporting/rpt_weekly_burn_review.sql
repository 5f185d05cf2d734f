{#
    The weekly burn review: one row per ISO week and cost center x project x feature x owner team, with what
    the review discusses: spend this week and last, what it was spent on (model and intent mix, route),
    how much of it was errors or retries, and the owner's comment, classification and next action
    (seeds/owner_comments.csv). A line that spent last week and nothing this week is still listed.
    Spend is list cost from fct_ai_requests: the ledger's discounts and allocations are monthly.
#}
{%- set line_grain = ['cost_center', 'project_id', 'feature', 'owner_team'] -%}
{#- the grain of a review line: week and line, for group by and window partitions -#}
{%- set week_line = 'week_start, ' ~ line_grain | join(', ') -%}

with requests as {{ inline_cte() }} (
    select
        {{ iso_week_start('request_date') }} as week_start,
        coalesce(cost_center, 'unallocated') as cost_center,
        coalesce(project_id, 'unallocated') as project_id,
        coalesce(feature, 'unallocated') as feature,
        coalesce(owner_team, 'unallocated') as owner_team,
        coalesce(selected_model, 'unknown') as selected_model,
        coalesce(request_intent, 'none') as request_intent,
        coalesce(route_reason, 'none') as route_reason,
        coalesce(list_cost_usd, 0) as list_cost_usd,
        case when is_failed or is_retry then 1 else 0 end as is_error_or_retry
    from {{ ref('fct_ai_requests') }}
),

weekly as (
    select
        week_start,
        cost_center,
        project_id,
        feature,
        owner_team,
        count(*) as requests,
        sum(list_cost_usd) as spend_usd,
        sum(is_error_or_retry) as error_or_retry_requests
    from requests
    group by {{ week_line }}
),

weeks as (
    select distinct week_start from weekly
),

review_lines as (
    select
        week_start,
        cost_center,
        project_id,
        feature,
        owner_team
    from weekly
    union
    select
        weeks.week_start,
        previous_week.cost_center,
        previous_week.project_id,
        previous_week.feature,
        previous_week.owner_team
    from weekly as previous_week
    inner join weeks
        on {{ dbt.datediff('previous_week.week_start', 'weeks.week_start', 'day') }} = 7
),

model_spend as (
    select
        week_start,
        cost_center,
        project_id,
        feature,
        owner_team,
        selected_model,
        sum(list_cost_usd) as spend_usd,
        count(*) as requests
    from requests
    group by {{ week_line }}, selected_model
),

model_shares as (
    select
        model_spend.*,
        -- share of the line's spend; a line with no priced spend falls back to its share of requests
        case
            when sum(spend_usd) over (partition by {{ week_line }}) > 0
                then
                    cast(spend_usd as {{ type_double() }})
                    / cast(sum(spend_usd) over (partition by {{ week_line }}) as {{ type_double() }})
            else
                cast(requests as {{ type_double() }})
                / sum(requests) over (partition by {{ week_line }})
        end as share,
        row_number() over (
            partition by {{ week_line }}
            order by spend_usd desc, requests desc, selected_model asc
        ) as model_rank
    from model_spend
),

model_mix as (
    select
        week_start,
        cost_center,
        project_id,
        feature,
        owner_team,
        {{ dbt.listagg(
            dbt.concat(["selected_model", "' '", share_as_percent_text('share')]),
            "', '",
            "order by model_rank",
            3
        ) }} as model_mix,
        max(case when model_rank = 1 then selected_model end) as top_model,
        max(case when model_rank = 1 then share end) as top_model_share
    from model_shares
    group by {{ week_line }}
),

intent_counts as (
    select
        week_start,
        cost_center,
        project_id,
        feature,
        owner_team,
        request_intent,
        count(*) as requests
    from requests
    group by {{ week_line }}, request_intent
),

intent_shares as (
    select
        intent_counts.*,
        cast(requests as {{ type_double() }})
        / sum(requests) over (partition by {{ week_line }}) as share,
        row_number() over (
            partition by {{ week_line }}
            order by requests desc, request_intent asc
        ) as intent_rank
    from intent_counts
),

intent_mix as (
    select
        week_start,
        cost_center,
        project_id,
        feature,
        owner_team,
        {{ dbt.listagg(
            dbt.concat(["request_intent", "' '", share_as_percent_text('share')]),
            "', '",
            "order by intent_rank",
            3
        ) }} as intent_mix
    from intent_shares
    group by {{ week_line }}
),

route_counts as (
    select
        week_start,
        cost_center,
        project_id,
        feature,
        owner_team,
        route_reason,
        row_number() over (
            partition by {{ week_line }}
            order by count(*) desc, route_reason
        ) as route_rank
    from requests
    group by {{ week_line }}, route_reason
),

lines as (
    select
        {{ iso_week_label('review_lines.week_start') }} as iso_week,
        review_lines.week_start,
        review_lines.cost_center,
        review_lines.project_id,
        review_lines.feature,
        review_lines.owner_team,
        coalesce(current_week.requests, 0) as requests,
        coalesce(prior_week.requests, 0) as prior_requests,
        cast(coalesce(current_week.spend_usd, 0) as decimal(38, 12)) as current_spend_usd,
        cast(coalesce(prior_week.spend_usd, 0) as decimal(38, 12)) as prior_spend_usd,
        model_mix.model_mix,
        model_mix.top_model,
        model_mix.top_model_share,
        intent_mix.intent_mix,
        route_counts.route_reason as top_route_reason,
        cast(current_week.error_or_retry_requests as {{ type_double() }})
        / current_week.requests as error_or_retry_rate
    from review_lines
    left join weekly as current_week
        on
            {{ columns_match('review_lines', 'current_week', ['week_start'] + line_grain) }}
    left join weekly as prior_week
        on
            {{ dbt.datediff('prior_week.week_start', 'review_lines.week_start', 'day') }} = 7
            and {{ columns_match('review_lines', 'prior_week', line_grain) }}
    left join model_mix
        on
            {{ columns_match('review_lines', 'model_mix', ['week_start'] + line_grain) }}
    left join intent_mix
        on
            {{ columns_match('review_lines', 'intent_mix', ['week_start'] + line_grain) }}
    left join route_counts
        on
            {{ columns_match('review_lines', 'route_counts', ['week_start'] + line_grain) }}
            and route_counts.route_rank = 1
),

final as (
    select
        lines.*,
        lines.current_spend_usd - lines.prior_spend_usd as variance_usd,
        case
            when lines.prior_spend_usd > 0
                then
                    100 * cast(lines.current_spend_usd - lines.prior_spend_usd as {{ type_double() }})
                    / cast(lines.prior_spend_usd as {{ type_double() }})
        end as variance_pct,
        comments.owner_comment,
        coalesce(comments.classification, 'unknown') as classification,
        comments.next_action,
        comments.commented_by,
        row_number() over (
            partition by lines.week_start
            order by lines.current_spend_usd desc, lines.cost_center asc, lines.project_id asc, lines.feature asc, lines.owner_team asc
        ) as spend_rank
    from lines
    left join {{ ref('owner_comments') }} as comments
        on
            {{ columns_match('lines', 'comments', ['iso_week'] + line_grain) }}
)

select
    *,
    spend_rank <= 10 as is_top_10
from final
