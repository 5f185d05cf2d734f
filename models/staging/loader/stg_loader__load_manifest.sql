{# The loader's manifest: one row per landing file seen, with the records read, loaded and rejected. #}
with

source as (
    select * from {{ source('raw', 'load_manifest') }}
),

renamed as (
    select
        load_id,
        source,
        source_file,
        file_sha256,
        status as load_status,
        duplicate_of,
        file_bytes,
        lines_read as records_read,
        rows_loaded,
        rows_rejected,
        loaded_at
    from source
)

select * from renamed
