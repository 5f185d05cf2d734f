{#
    OTLP spans, one row per span. GenAI inference spans (a gen_ai operation that calls a model) are marked
    is_inference and carry the usage envelope; other spans (HTTP, tool execution, orchestration) are kept
    for lineage. OTel's gen_ai.usage.input_tokens includes cache reads and cache creation: uncached input =
    input - read - creation. The conventions have no 5-minute / 1-hour split, so cache creation counts as
    5-minute writes.
#}
with

source as (
    select * from {{ source('raw_otel', 'otel_spans') }}
),

renamed as (
    select
        ---------- ids
        {{ dbt.concat(["'otel:'", "trace_id", "':'", "span_id"]) }} as request_id,
        {{ dbt.concat(["'otel:'", "trace_id", "':'", "span_id"]) }} as root_request_id,
        trace_id,
        span_id,
        parent_span_id,
        response_id as provider_request_id,
        api_key_id,
        tenant_id_hash,
        end_user_id_hash,
        span_position,

        ---------- span
        span_name,
        span_kind,
        service_name,
        operation_name,
        coalesce(
            is_genai
            and coalesce(operation_name, 'chat') in (
                'chat', 'text_completion', 'generate_content', 'embeddings', 'completion'
            ),
            false
        ) as is_inference,

        ---------- routing
        {{ normalize_provider('provider_name') }} as provider,
        request_model as requested_model,
        coalesce(response_model, request_model) as selected_model,
        cast(null as {{ dbt.type_string() }}) as route_policy_version,
        cast(null as {{ dbt.type_string() }}) as route_reason,
        false as is_fallback,
        false as is_batch,
        coalesce(service_tier, 'default') as service_tier,

        ---------- tags as logged (span attributes, else resource attributes)
        tag_owner_team as owner_team_tag,
        tag_project_id as project_id_tag,
        tag_feature as feature_tag,
        tag_cost_center as cost_center_tag,
        tag_environment as environment_tag,
        tag_request_intent as request_intent,
        coalesce(tag_service, service_name) as service,
        tag_prompt_template as prompt_template,
        tag_workflow_id as workflow_id,

        ---------- outcome (status code 2 = ERROR)
        1 as attempt_number,
        0 as retry_count,
        case when status_code = 2 then cast(null as {{ dbt.type_int() }}) else 200 end as status_code,
        error_type as error_category,
        case when status_code = 2 then 'error' else 'success' end as outcome_status,
        {{ dbt.datediff('start_time', 'end_time', 'millisecond') }} as latency_ms,

        ---------- tokens (made disjoint)
        coalesce(input_tokens, 0) - coalesce(cache_read_tokens, 0) - coalesce(cache_creation_tokens, 0)
            as input_tokens,
        coalesce(cache_read_tokens, 0) as cache_read_tokens,
        coalesce(cache_creation_tokens, 0) as cache_write_tokens,
        0 as cache_write_1h_tokens,
        coalesce(output_tokens, 0) as output_tokens,
        coalesce(reasoning_tokens, 0) as reasoning_tokens,

        ---------- money (the conventions have no cost attribute)
        cast(null as decimal(28, 12)) as provider_reported_cost_usd,

        ---------- timestamps
        start_time as requested_at,

        ---------- lineage
        load_id,
        source_file,
        source_line,
        file_sha256,
        loaded_at
    from source
)

select * from renamed
