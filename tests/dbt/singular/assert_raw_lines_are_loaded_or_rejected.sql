{#  Nothing lost at load: for every loaded file, records read = rows loaded + records rejected. #}
{{ config(meta={'dagster': {'ref': {'name': 'stg_gateway__requests'}}}) }}

with

manifest as (
    select
        load_id,
        source_file,
        lines_read
    from {{ source('raw', 'load_manifest') }}
    where status = 'loaded'
),

loaded as (
    select
        load_id,
        count(*) as row_count
    from (
        select load_id from {{ source('raw', 'gateway_requests') }}
        union all
        select load_id from {{ source('raw_invoices', 'invoice_lines') }}
        union all
        select load_id from {{ source('raw_litellm', 'litellm_payloads') }}
        union all
        select load_id from {{ source('raw_litellm', 'litellm_spend_logs') }}
        union all
        select load_id from {{ source('raw_bedrock', 'bedrock_invocations') }}
        union all
        select load_id from {{ source('raw_otel', 'otel_spans') }}
        union all
        select load_id from {{ source('raw_openai_usage', 'openai_usage_results') }}
        union all
        select load_id from {{ source('raw_anthropic_usage', 'anthropic_usage_results') }}
        union all
        select load_id from {{ source('raw_gateway_audit', 'gateway_audit_events') }}
    ) as loaded_rows
    group by 1
),

rejected as (
    select
        load_id,
        count(*) as row_count
    from {{ source('raw', 'load_rejects') }}
    group by 1
)

select
    manifest.source_file,
    manifest.lines_read,
    coalesce(loaded.row_count, 0) as rows_loaded,
    coalesce(rejected.row_count, 0) as rows_rejected
from manifest
left join loaded
    on manifest.load_id = loaded.load_id
left join rejected
    on manifest.load_id = rejected.load_id
where manifest.lines_read <> coalesce(loaded.row_count, 0) + coalesce(rejected.row_count, 0)
