{#
    Bedrock model invocation log records in the usage envelope. Counts are already disjoint in this format
    (inputTokenCount excludes cache reads and writes); guardrail-intervened records carry no counts and are
    an error outcome. modelId stays as logged (foundation model, cross-region profile or inference-profile
    ARN); seeds/model_aliases.csv maps it to the billable model.
#}
with

source as (
    select * from {{ source('raw_bedrock', 'bedrock_invocations') }}
),

renamed as (
    select
        ---------- ids
        {{ dbt.concat(["'bedrock:'", "request_id"]) }} as request_id,
        {{ dbt.concat(["'bedrock:'", "request_id"]) }} as root_request_id,
        cast(null as {{ dbt.type_string() }}) as trace_id,
        request_id as provider_request_id,
        identity_role as api_key_id,
        identity_arn_hash,
        account_id,
        cast(null as {{ dbt.type_string() }}) as tenant_id_hash,
        cast(null as {{ dbt.type_string() }}) as end_user_id_hash,

        ---------- routing
        'aws_bedrock' as provider,
        model_id as requested_model,
        model_id as selected_model,
        cast(null as {{ dbt.type_string() }}) as route_policy_version,
        cast(null as {{ dbt.type_string() }}) as route_reason,
        false as is_fallback,
        false as is_batch,
        'default' as service_tier,
        operation,
        region,
        coalesce(inference_region, region) as inference_region,

        ---------- tags as logged (requestMetadata)
        tag_owner_team as owner_team_tag,
        tag_project_id as project_id_tag,
        tag_feature as feature_tag,
        tag_cost_center as cost_center_tag,
        tag_environment as environment_tag,
        tag_request_intent as request_intent,
        tag_service as service,
        tag_prompt_template as prompt_template,
        tag_workflow_id as workflow_id,

        ---------- outcome
        1 as attempt_number,
        0 as retry_count,
        case when error_code is null and not is_guardrail_intervened then 200 end as status_code,
        case
            when error_code is not null then error_code
            when is_guardrail_intervened then 'guardrail_intervened'
        end as error_category,
        case when error_code is not null or is_guardrail_intervened then 'error' else 'success' end
            as outcome_status,
        latency_ms,
        coalesce(is_guardrail_intervened, false) as is_guardrail_intervened,

        ---------- tokens (disjoint as logged)
        coalesce(input_tokens, 0) as input_tokens,
        coalesce(cache_read_tokens, 0) as cache_read_tokens,
        coalesce(cache_write_tokens, 0) as cache_write_tokens,
        coalesce(cache_write_1h_tokens, 0) as cache_write_1h_tokens,
        coalesce(output_tokens, 0) as output_tokens,
        0 as reasoning_tokens,

        ---------- money
        cast(null as decimal(28, 12)) as provider_reported_cost_usd,

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
