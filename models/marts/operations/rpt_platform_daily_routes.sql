{#  The platform's daily traffic per provider, selected model and route reason (see rpt_platform_daily). #}
select
    request_date,
    provider,
    coalesce(selected_model, 'unknown') as selected_model,
    coalesce(route_reason, 'none') as route_reason,
    count(*) as attempts,
    cast(sum(case when is_fallback then 1 else 0 end) as {{ type_double() }}) / count(*) as fallback_rate,
    sum(case when is_retry then 1 else 0 end) as retry_attempts,
    sum(case when is_failed then 1 else 0 end) as failed_attempts,
    {{ percentile_cont('latency_ms', 0.5) }} as latency_p50_ms,
    {{ percentile_cont('latency_ms', 0.95) }} as latency_p95_ms,
    sum(total_input_tokens) as input_tokens,
    sum(output_tokens) as output_tokens,
    coalesce(sum(list_cost_usd), 0) as list_cost_usd
from {{ ref('fct_ai_requests') }}
group by request_date, provider, coalesce(selected_model, 'unknown'), coalesce(route_reason, 'none')
