{#
    How well spend is tagged, per day: for each required tag (var required_tags) the share of attempts and of
    list cost carrying it present and valid; the unallocated share; attempts with an attribution issue;
    blocked requests from the gateway audit; untagged spend (an attempt missing a required tag) and its
    average over the last seven days with data. Violations by team and key: rpt_attribution_violations_daily.
#}
{%- set required_tags = var('required_tags') %}
with attempts as (
    select
        request_date,
        coalesce(list_cost_usd, 0) as list_cost_usd,
        attribution_status,
        coalesce(missing_required_tags, '') <> '' as is_untagged,
        {%- for tag in required_tags %}
            not ({{ tag_listed('missing_required_tags', tag) }})
            and not ({{ tag_listed('invalid_required_tags', tag) }}) as has_{{ tag }},
        {%- endfor %}
        coalesce(attribution_issues, '') <> '' as has_issue
    from {{ ref('fct_ai_requests') }}
),

blocked as (
    select
        cast(blocked_at as date) as request_date,
        count(*) as blocked_requests
    from {{ ref('stg_gateway_audit__events') }}
    group by cast(blocked_at as date)
),

daily as (
    select
        request_date,
        count(*) as attempts,
        sum(list_cost_usd) as list_cost_usd,
        {%- for tag in required_tags %}
            cast(sum(case when has_{{ tag }} then 1 else 0 end) as {{ type_double() }}) / count(*)
                as {{ tag }}_request_share,
            cast(sum(case when has_{{ tag }} then list_cost_usd else 0 end) as {{ type_double() }})
            / nullif(cast(sum(list_cost_usd) as {{ type_double() }}), 0) as {{ tag }}_cost_share,
        {%- endfor %}
        cast(sum(case when attribution_status = 'unallocated' then 1 else 0 end) as {{ type_double() }})
        / count(*) as unallocated_request_share,
        cast(sum(case when attribution_status = 'unallocated' then list_cost_usd else 0 end) as {{ type_double() }})
        / nullif(cast(sum(list_cost_usd) as {{ type_double() }}), 0) as unallocated_cost_share,
        sum(case when has_issue then 1 else 0 end) as attempts_with_issues,
        sum(case when is_untagged then 1 else 0 end) as untagged_attempts,
        sum(case when is_untagged then list_cost_usd else 0 end) as untagged_cost_usd
    from attempts
    group by request_date
)

select
    daily.*,
    coalesce(blocked.blocked_requests, 0) as blocked_requests,
    avg(daily.untagged_cost_usd) over (
        order by daily.request_date rows between 6 preceding and current row
    ) as untagged_cost_usd_7d_avg
from daily
left join blocked on daily.request_date = blocked.request_date
