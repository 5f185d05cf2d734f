{#
    What the platform team watches each day: traffic through the gateway (attempts, fallbacks, retries,
    latency, tokens, cost), blocked requests from the gateway audit and untagged traffic (attempts missing
    a required tag). One row per day; rpt_platform_daily_routes has the same figures per provider,
    selected model and route reason. Latency percentiles interpolate linearly between attempts.
#}
with attempts as (
    select * from {{ ref('fct_ai_requests') }}
),

blocked as (
    select
        cast(blocked_at as date) as request_date,
        count(*) as blocked_requests,
        sum(case when reason_code = 'missing_required_ai_attribution' then 1 else 0 end) as blocked_untagged_requests
    from {{ ref('stg_gateway_audit__events') }}
    group by cast(blocked_at as date)
),

daily as (
    select
        request_date,
        count(*) as attempts,
        count(distinct root_request_id) as requests,
        sum(case when is_fallback then 1 else 0 end) as fallback_attempts,
        sum(case when is_retry then 1 else 0 end) as retry_attempts,
        sum(case when is_failed then 1 else 0 end) as failed_attempts,
        {{ percentile_cont('latency_ms', 0.5) }} as latency_p50_ms,
        {{ percentile_cont('latency_ms', 0.95) }} as latency_p95_ms,
        sum(input_tokens) as input_tokens,
        sum(cache_read_tokens) as cache_read_tokens,
        sum(cache_write_tokens + cache_write_1h_tokens) as cache_write_tokens,
        sum(output_tokens) as output_tokens,
        sum(reasoning_tokens) as reasoning_tokens,
        sum(case when coalesce(missing_required_tags, '') <> '' then 1 else 0 end) as untagged_attempts,
        coalesce(sum(case when coalesce(missing_required_tags, '') <> '' then list_cost_usd end), 0)
            as untagged_cost_usd,
        coalesce(sum(list_cost_usd), 0) as list_cost_usd
    from attempts
    group by request_date
),

days as (
    select request_date from daily
    union
    select request_date from blocked
)

select
    days.request_date,
    coalesce(daily.attempts, 0) as attempts,
    coalesce(daily.requests, 0) as requests,
    cast(daily.fallback_attempts as {{ type_double() }}) / daily.attempts as fallback_rate,
    coalesce(daily.retry_attempts, 0) as retry_attempts,
    coalesce(daily.failed_attempts, 0) as failed_attempts,
    daily.latency_p50_ms,
    daily.latency_p95_ms,
    coalesce(daily.input_tokens, 0) as input_tokens,
    coalesce(daily.cache_read_tokens, 0) as cache_read_tokens,
    coalesce(daily.cache_write_tokens, 0) as cache_write_tokens,
    coalesce(daily.output_tokens, 0) as output_tokens,
    coalesce(daily.reasoning_tokens, 0) as reasoning_tokens,
    coalesce(daily.untagged_attempts, 0) as untagged_attempts,
    coalesce(daily.untagged_cost_usd, 0) as untagged_cost_usd,
    coalesce(blocked.blocked_requests, 0) as blocked_requests,
    coalesce(blocked.blocked_untagged_requests, 0) as blocked_untagged_requests,
    coalesce(daily.list_cost_usd, 0) as list_cost_usd
from days
left join daily on days.request_date = daily.request_date
left join blocked on days.request_date = blocked.request_date
