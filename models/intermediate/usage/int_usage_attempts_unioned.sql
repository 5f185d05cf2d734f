{#
    Every request-level source in one envelope (macros/usage/usage_envelope_columns.sql), one row per
    logged copy of an attempt, with the source in source_system and source_table. Token counts are disjoint
    in every branch (staging converts each source's semantics). OTel contributes its inference spans only.
    Copies of one attempt are matched in int_usage_attempts_matched.

    Incremental: raw tables are append-only (a file is loaded once, in one transaction), so a run appends
    the copies loaded after the newest copy already here.
#}
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='append_new_columns') }}
{%- set branches = [
    ('gateway', 'gateway_requests', 'stg_gateway__requests', none),
    ('litellm', 'litellm_payloads', 'stg_litellm__payloads', none),
    ('litellm', 'litellm_spend_logs', 'stg_litellm__spend_logs', none),
    ('bedrock', 'bedrock_invocations', 'stg_bedrock__invocations', none),
    ('otel', 'otel_spans', 'stg_otel__spans', 'is_inference'),
] -%}

with

{% for source_system, source_table, model, condition in branches %}
    {%- set filters = [condition] if condition else [] -%}
    {%- if is_incremental() -%}
        {%- do filters.append(
            "loaded_at > (select coalesce(max(loaded_at), cast('1900-01-01' as timestamp)) from " ~ this ~ ")"
        ) -%}
    {%- endif %}
    {{ source_table }} as (
        select
            '{{ source_system }}' as source_system,
            '{{ source_table }}' as source_table,
            {{ usage_envelope_columns()[2:] | join(',\n            ') }}
        from {{ ref(model) }}
        {%- if filters %}
            where {{ filters | join(' and ') }}
        {%- endif %}
    ),
{% endfor %}

unioned as (
    {% for source_system, source_table, model, condition in branches %}
        select * from {{ source_table }}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {% endfor %}
)

select * from unioned
