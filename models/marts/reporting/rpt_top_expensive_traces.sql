{#
    The week's most expensive traces (a trace is one end-to-end job: its trace id, else its root request,
    else the attempt alone), with the diagnostics the review asks for: input- or output-heavy, retries,
    cache hit rate, prompt template and how that template's spend moved against the prior week.
    Drill down with `trace_key`: fct_ai_requests rows where coalesce(trace_id, root_request_id,
    request_id) = trace_key. Keeps the top `top_traces_per_week` traces of each week.
#}
with attempts as {{ inline_cte() }} (
    select
        {{ iso_week_start('request_date') }} as week_start,
        coalesce(trace_id, root_request_id, request_id) as trace_key,
        request_id,
        root_request_id,
        coalesce(prompt_template, 'none') as prompt_template,
        owner_team,
        feature,
        selected_model,
        requested_at,
        is_retry,
        coalesce(total_input_tokens, 0) as total_input_tokens,
        coalesce(cache_read_tokens, 0) as cache_read_tokens,
        coalesce(output_tokens, 0) as output_tokens,
        coalesce(input_cost_usd, 0) + coalesce(cache_read_cost_usd, 0) + coalesce(cache_write_cost_usd, 0)
        + coalesce(cache_write_1h_cost_usd, 0) as input_side_cost_usd,
        coalesce(output_cost_usd, 0) + coalesce(reasoning_cost_usd, 0) as output_side_cost_usd,
        coalesce(list_cost_usd, 0) as list_cost_usd
    from {{ ref('fct_ai_requests') }}
),

template_weeks as (
    select
        week_start,
        prompt_template,
        sum(list_cost_usd) as spend_usd
    from attempts
    group by week_start, prompt_template
),

{#
    Totals for every trace are plain sums; only the top traces of each week are then described (their
    request ids, distinct requests and leading attempt), so the month's attempts are never sorted or listed
    whole.
#}
traces as (
    select
        week_start,
        trace_key,
        count(*) as attempts,
        sum(case when is_retry then 1 else 0 end) as retries,
        sum(list_cost_usd) as cost_usd,
        sum(input_side_cost_usd) as input_side_cost_usd,
        sum(output_side_cost_usd) as output_side_cost_usd,
        sum(total_input_tokens) as input_tokens,
        sum(cache_read_tokens) as cache_read_tokens,
        sum(output_tokens) as output_tokens,
        min(requested_at) as first_requested_at,
        max(requested_at) as last_requested_at
    from attempts
    group by week_start, trace_key
),

ranked as (
    select
        traces.*,
        row_number() over (
            partition by traces.week_start
            order by traces.cost_usd desc, traces.trace_key asc
        ) as cost_rank
    from traces
),

top_traces as (
    select * from ranked
    where cost_rank <= {{ var('top_traces_per_week') }}
),

top_attempts as (
    select attempts.*
    from attempts
    inner join top_traces
        on
            attempts.week_start = top_traces.week_start
            and attempts.trace_key = top_traces.trace_key
),

trace_requests as (
    select
        week_start,
        trace_key,
        count(distinct coalesce(root_request_id, request_id)) as requests,
        {{ dbt.listagg("request_id", "', '", "order by requested_at, request_id", 20) }} as request_ids
    from top_attempts
    group by week_start, trace_key
),

-- the attributes of a trace's most expensive attempt describe the trace
leading_attempts as (
    select
        week_start,
        trace_key,
        prompt_template,
        owner_team,
        feature,
        selected_model,
        row_number() over (
            partition by week_start, trace_key
            order by list_cost_usd desc, requested_at asc, request_id asc
        ) as attempt_rank
    from top_attempts
)

select
    {{ iso_week_label('top_traces.week_start') }} as iso_week,
    top_traces.week_start,
    top_traces.cost_rank,
    top_traces.trace_key,
    leading_attempts.owner_team,
    leading_attempts.feature,
    leading_attempts.prompt_template,
    leading_attempts.selected_model as top_model,
    top_traces.attempts,
    trace_requests.requests,
    top_traces.retries,
    top_traces.cost_usd,
    top_traces.input_side_cost_usd,
    top_traces.output_side_cost_usd,
    case
        when top_traces.input_side_cost_usd >= top_traces.output_side_cost_usd then 'input heavy' else 'output heavy'
    end as cost_profile,
    top_traces.input_tokens,
    top_traces.cache_read_tokens,
    top_traces.output_tokens,
    case
        when top_traces.input_tokens > 0
            then cast(top_traces.cache_read_tokens as {{ type_double() }}) / top_traces.input_tokens
    end as cache_hit_rate,
    this_week.spend_usd as template_spend_usd,
    prior_week.spend_usd as template_prior_spend_usd,
    case
        when prior_week.spend_usd > 0
            then
                100 * cast(this_week.spend_usd - prior_week.spend_usd as {{ type_double() }})
                / cast(prior_week.spend_usd as {{ type_double() }})
    end as template_wow_change_pct,
    top_traces.first_requested_at,
    top_traces.last_requested_at,
    trace_requests.request_ids
from top_traces
inner join trace_requests
    on
        top_traces.week_start = trace_requests.week_start
        and top_traces.trace_key = trace_requests.trace_key
inner join leading_attempts
    on
        top_traces.week_start = leading_attempts.week_start
        and top_traces.trace_key = leading_attempts.trace_key
        and leading_attempts.attempt_rank = 1
left join template_weeks as this_week
    on
        top_traces.week_start = this_week.week_start
        and leading_attempts.prompt_template = this_week.prompt_template
left join template_weeks as prior_week
    on
        {{ dbt.datediff('prior_week.week_start', 'top_traces.week_start', 'day') }} = 7
        and leading_attempts.prompt_template = prior_week.prompt_template
