{# Anthropic cost report buckets: amount is a decimal string in cents, converted to USD here. #}
with

source as (
    select * from {{ source('raw_anthropic_usage', 'anthropic_usage_results') }}
    where result_kind = 'cost'
),

renamed as (
    select
        ---------- grouping dimensions (populated when grouped by description)
        'anthropic' as provider,
        workspace_id as provider_workspace_id,
        model,
        description,
        cost_type,
        token_type,
        service_tier,

        ---------- money
        cast(amount_cents as {{ dbt.type_numeric() }}) / 100 as amount_usd,
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
