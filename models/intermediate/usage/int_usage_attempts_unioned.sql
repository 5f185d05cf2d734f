{#
    Every request-level source in one envelope (macros/usage/usage_envelope_columns.sql), one row per
    logged attempt. Copies of one attempt are reconciled in int_usage_attempts_deduplicated.
#}
with

gateway as (
    select
        'gateway' as source_system,
        {{ usage_envelope_columns()[1:] | join(',\n        ') }}
    from {{ ref('stg_gateway__requests') }}
),

unioned as (
    select * from gateway
)

select * from unioned
