{#
    Anthropic usage report (messages) buckets. Counts are already disjoint: uncached input, cache reads,
    5-minute and 1-hour cache writes, output.
#}
with

source as (
    select * from {{ source('raw_anthropic_usage', 'anthropic_usage_results') }}
    where result_kind = 'messages'
),

renamed as (
    select
        ---------- grouping dimensions (null unless the report was grouped by them)
        'anthropic' as provider,
        workspace_id as provider_workspace_id,
        api_key_id as provider_api_key_id,
        model,
        coalesce(service_tier = 'batch', false) as is_batch,
        service_tier,
        context_window,
        inference_geo,

        ---------- tokens (disjoint as reported)
        coalesce(uncached_input_tokens, 0) as input_tokens,
        coalesce(cache_read_input_tokens, 0) as cache_read_tokens,
        coalesce(cache_creation_5m_input_tokens, 0) as cache_write_tokens,
        coalesce(cache_creation_1h_input_tokens, 0) as cache_write_1h_tokens,
        coalesce(output_tokens, 0) as output_tokens,
        coalesce(web_search_requests, 0) as web_search_requests,

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
