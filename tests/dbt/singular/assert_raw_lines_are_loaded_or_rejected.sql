{#  Nothing lost at load: for every loaded file, lines read = rows loaded + lines rejected. #}
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
