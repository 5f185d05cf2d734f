{#
    One row per attempt. A line logged twice (same request_id) is kept once: the first loaded copy wins,
    and the number of copies seen stays on the row so nothing disappears without a trace.
#}
with

attempts as (
    select * from {{ ref('int_usage_attempts_unioned') }}
),

ranked as (
    select
        *,
        row_number() over (
            partition by request_id
            order by loaded_at, source_file, source_line
        ) as copy_rank,
        count(*) over (partition by request_id) as copies_seen
    from attempts
),

deduplicated as (
    select
        {%- for column in usage_envelope_columns() %}
            {{ column }},
        {%- endfor %}
        copies_seen,
        (attempt_number > 1 or request_id <> root_request_id) as is_retry,
        (outcome_status <> 'success') as is_failed,
        (
            input_tokens + cache_read_tokens + cache_write_tokens + cache_write_1h_tokens + output_tokens
        ) > 0 as is_billable,
        cast({{ dbt.date_trunc('day', 'requested_at') }} as date) as request_date,
        cast({{ dbt.date_trunc('month', 'requested_at') }} as date) as billing_month
    from ranked
    where copy_rank = 1
)

select * from deduplicated
