{#
    One row per attempt (int_usage_attempts_matched): the canonical copy's figures (tokens, status, model,
    timestamp, lineage), completed with what it lacks from the best copy of each other source in
    precedence order (tags, ids, reported cost: macros/usage/usage_envelope_columns.sql). Adds how many
    copies and sources saw the attempt, how they were matched, and the retry, failure and billability
    flags, the request date and billing month.

    Incremental: the attempts whose copies int_usage_attempts_matched rewrote since the last build, each
    from all its copies; an attempt key no copy carries any more is deleted.
#}
{%- set sources = ['gateway', 'litellm', 'bedrock', 'otel'] -%}
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

matched as (
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

best_per_source as (
    select * from matched
    where source_copy_rank = 1
),

attempt_stats as (
    select
        attempt_key,
        count(*) as copies_seen,
        count(distinct source_system) as sources_seen,
        max(case match_basis when 'fallback_key' then 3 when 'provider_request_id' then 2 else 1 end)
            as match_basis_rank
    from matched
    group by 1
),

enriched as (
    select
        {%- for column in usage_envelope_columns() %}
            {%- if column in enrichable %}
                coalesce(
                    {%- for source in sources %}
                        from_{{ source }}.{{ column }}{{ ',' if not loop.last }}
                    {%- endfor %}
                ) as {{ column }},
            {%- else %}
                canonical.{{ column }},
            {%- endif %}
        {%- endfor %}
        canonical.attempt_key,
        attempt_stats.copies_seen,
        attempt_stats.sources_seen,
        case attempt_stats.match_basis_rank
            when 3 then 'fallback_key'
            when 2 then 'provider_request_id'
            else 'request_id'
        end as match_basis
    from canonical
    inner join attempt_stats
        on canonical.attempt_key = attempt_stats.attempt_key
    {%- for source in sources %}
        left join best_per_source as from_{{ source }}
            on
                canonical.attempt_key = from_{{ source }}.attempt_key
                and from_{{ source }}.source_system = '{{ source }}'
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
