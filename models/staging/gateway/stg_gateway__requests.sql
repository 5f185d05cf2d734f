{#
    The gateway log, renamed and cast. Token counts are already disjoint in this format (input excludes
    cache reads and writes), so normalizing means only: absent = 0.
#}
with

source as (
    select * from {{ source('raw', 'gateway_requests') }}
),

renamed as (
    select
        ---------- ids
        request_id,
        coalesce(root_request_id, request_id) as root_request_id,
        trace_id,
        provider_request_id,
        api_key_id,
        tags_tenant_id_hash as tenant_id_hash,
        tags_end_user_id_hash as end_user_id_hash,

        ---------- routing
        lower(provider) as provider,
        requested_model,
        selected_model,
        route_policy_version,
        route_reason,
        coalesce(fallback_used, false) as is_fallback,
        coalesce(is_batch, false) as is_batch,
        coalesce(service_tier, 'default') as service_tier,

        ---------- tags as logged (normalized downstream)
        tags_owner_team as owner_team_tag,
        tags_project_id as project_id_tag,
        tags_feature as feature_tag,
        tags_cost_center as cost_center_tag,
        tags_environment as environment_tag,
        tags_request_intent as request_intent,
        tags_service as service,
        tags_prompt_template as prompt_template,
        tags_workflow_id as workflow_id,

        ---------- outcome
        coalesce(attempt, 1) as attempt_number,
        coalesce(retry_count, 0) as retry_count,
        status_code,
        error_category,
        coalesce(outcome_status, 'success') as outcome_status,
        latency_ms,

        ---------- tokens (disjoint)
        coalesce(usage_input_tokens, 0) as input_tokens,
        coalesce(usage_cache_read_tokens, 0) as cache_read_tokens,
        coalesce(usage_cache_write_tokens, 0) as cache_write_tokens,
        coalesce(usage_cache_write_1h_tokens, 0) as cache_write_1h_tokens,
        coalesce(usage_output_tokens, 0) as output_tokens,
        coalesce(usage_reasoning_tokens, 0) as reasoning_tokens,

        ---------- money
        -- Exact decimals from here on: sums of the reported costs do not depend on the order rows are added in.
        cast(provider_reported_cost_usd as decimal(28, 12)) as provider_reported_cost_usd,

        ---------- timestamps
        timestamp_utc as requested_at,

        ---------- lineage
        load_id,
        source_file,
        source_line,
        file_sha256,
        loaded_at
    from source
)

select * from renamed
