{# OpenAI Costs API buckets: amounts are in USD (amount.value, read as a decimal). #}
with

source as (
    select * from {{ source('raw_openai_usage', 'openai_usage_results') }}
    where result_kind = 'costs'
),

renamed as (
    select
        ---------- grouping dimensions
        'openai' as provider,
        project_id as provider_project_id,
        api_key_id as provider_api_key_id,
        line_item,
        quantity,

        ---------- money
        cast(amount_value as {{ dbt.type_numeric() }}) as amount_usd,
        currency,

        ---------- timestamps
        bucket_start as bucket_start_at,
        bucket_end as bucket_end_at,

        ---------- lineage
        result_position,
        load_id,
        source_file,
        source_line,
        file_sha256,
        loaded_at
    from source
)

select * from renamed
