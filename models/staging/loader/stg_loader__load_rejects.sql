{# The loader's quarantine: one row per record (or file) that could not be loaded, with the reason. #}
with

source as (
    select * from {{ source('raw', 'load_rejects') }}
),

renamed as (
    select
        load_id,
        source,
        source_file,
        source_line,
        file_sha256,
        reason,
        line_sha256,
        line_bytes,
        loaded_at
    from source
)

select * from renamed
