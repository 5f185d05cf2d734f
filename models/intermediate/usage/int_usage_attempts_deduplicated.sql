{#
    One row per attempt (int_usage_attempts_matched): the canonical copy's figures (tokens, status, model,
    timestamp, lineage), completed with what it lacks from the best copy of each other source in
    precedence order (tags, ids, reported cost: macros/usage/usage_envelope_columns.sql). Adds how many
    copies and sources saw the attempt, how they were matched, and the retry, failure and billability
    flags, the request date and billing month.

    Incremental: the attempts whose copies int_usage_attempts_matched rewrote since the last build, each
    from all its copies; an attempt key no copy carries any more is deleted.
#}
{%- set sources = usage_source_systems() -%}
{%- set enrichable = usage_enrichable_columns() -%}
{%- set incremental_run = can_run_incrementally('deduplicated_at') -%}
{{ config(
    materialized=request_grain_materialization(),
    incremental_strategy=request_grain_strategy(),
    unique_key='attempt_key',
    on_schema_change='append_new_columns',
    post_hook="{{ delete_keys_missing_upstream(ref('int_usage_attempts_matched'), 'attempt_key') }}",
) }}

with

matched as {{ inline_cte() }} (
    select * from {{ ref('int_usage_attempts_matched') }}
    {%- if incremental_run %}
        where attempt_key in (
            select attempt_key from {{ ref('int_usage_attempts_matched') }}
            where {{ built_since_last_run('matched_at', 'deduplicated_at') }}
        )
    {%- endif %}
),

canonical as (
    select * from matched
    where is_canonical
),

{#
    The canonical copy is the first copy of the best source present, so completing it from the first
    copy of every other source in precedence order is the same as taking each source's best copy in that
    order. Each other source's first copies (at most one per attempt) are joined to the canonical copy by
    attempt key: hash joins, whose tables DuckDB counts against its memory cap and spills. (An aggregate
    folding them into one row per attempt kept a text state per attempt and column outside that cap: 5.7 GB
    at 10M requests with DuckDB capped at 2 GB.) The first source in precedence is never among them: when
    it logged the attempt, its first copy is the canonical one.
#}
{%- for system in sources[1:] %}
    first_{{ system }} as (
        select
            attempt_key,
            {{ enrichable | join(', ') }}
        from matched
        where is_first_of_source and not is_canonical and source_system = '{{ system }}'
    ),
{% endfor %}

enriched as (
    select
        {%- for column in usage_envelope_columns() %}
            {%- if column in enrichable %}
                coalesce(
                    canonical.{{ column }},
                    {%- for system in sources[1:] %}
                        first_{{ system }}.{{ column }}{{ ',' if not loop.last }}
                    {%- endfor %}
                ) as {{ column }},
            {%- else %}
                canonical.{{ column }},
            {%- endif %}
        {%- endfor %}
        canonical.attempt_key,
        canonical.copies_seen,
        canonical.sources_seen,
        canonical.attempt_match_basis as match_basis
    from
        canonical
    {%- for system in sources[1:] %}
    left join first_{{ system }}
        on canonical.attempt_key = first_{{ system }}.attempt_key
    {%- endfor %}
),

flagged as (
    select
        *,
        (attempt_number > 1 or request_id <> root_request_id) as is_retry,
        (outcome_status <> 'success') as is_failed,
        (
            input_tokens + cache_read_tokens + cache_write_tokens + cache_write_1h_tokens + output_tokens
        ) > 0 as is_billable,
        cast({{ dbt.date_trunc('day', 'requested_at') }} as date) as request_date,
        cast({{ dbt.date_trunc('month', 'requested_at') }} as date) as billing_month,
        {{ dbt.current_timestamp() }} as deduplicated_at
    from enriched
)

select * from flagged
