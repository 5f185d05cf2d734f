{#
    OpenAI Usage API completions buckets. input_tokens includes cached and cache-write tokens; the
    disjoint uncached count is input_uncached_tokens when the page has it, else input - cached - write.
#}
with

source as (
    select * from {{ source('raw_openai_usage', 'openai_usage_results') }}
    where result_kind = 'completions'
),

renamed as (
    select
        ---------- ids and grouping dimensions (null unless the page was grouped by them)
        'openai' as provider,
        project_id as provider_project_id,
        api_key_id as provider_api_key_id,
        user_id_hash,
        model,
        coalesce(is_batch, false) as is_batch,
        service_tier,

        ---------- tokens (made disjoint)
        coalesce(
            input_uncached_tokens,
            coalesce(input_tokens, 0) - coalesce(input_cached_tokens, 0) - coalesce(input_cache_write_tokens, 0)
        ) as input_tokens,
        coalesce(input_cached_tokens, 0) as cache_read_tokens,
        coalesce(input_cache_write_tokens, 0) as cache_write_tokens,
        0 as cache_write_1h_tokens,
        coalesce(output_tokens, 0) as output_tokens,
        coalesce(input_tokens, 0) as total_input_tokens,
        coalesce(num_model_requests, 0) as request_count,

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
