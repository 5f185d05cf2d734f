{#
    The two LiteLLM raw tables share their columns (orchestration/ingest/litellm.py), so they are staged by
    one macro. LiteLLM's prompt_tokens includes cache reads and writes: uncached input = prompt - read -
    write; 1-hour writes are the part of the writes the usage object marks as 1-hour. A response_cost of 0
    that LiteLLM flagged as a pricing failure is no cost at all (null), never a zero.
#}
{% macro stage_litellm(source_relation) -%}
with

source as (
    select * from {{ source_relation }}
),

renamed as (
    select
        ---------- ids
        {{ dbt.concat(["'litellm:'", "response_id"]) }} as request_id,
        {{ dbt.concat(["'litellm:'", "response_id"]) }} as root_request_id,
        trace_id,
        response_id as provider_request_id,
        litellm_call_id,
        coalesce(api_key_alias, api_key_hash) as api_key_id,
        team_id as litellm_team_id,
        cast(null as {{ dbt.type_string() }}) as tenant_id_hash,
        end_user_id_hash,
        user_id_hash,

        ---------- routing
        {{ normalize_provider(
            "coalesce(custom_llm_provider, case when " ~ dbt.position("'/'", "model") ~ " > 0 then "
            ~ dbt.split_part("model", "'/'", 1) ~ " end)"
        ) }} as provider,
        coalesce(model_group, model) as requested_model,
        case
            when {{ dbt.position("'/'", "model") }} > 0
                then {{ dbt.right("model", dbt.length("model") ~ " - " ~ dbt.position("'/'", "model")) }}
            else model
        end as selected_model,
        cast(null as {{ dbt.type_string() }}) as route_policy_version,
        cast(null as {{ dbt.type_string() }}) as route_reason,
        false as is_fallback,
        false as is_batch,
        'default' as service_tier,

        ---------- tags as logged (request_tags key:value, spend_logs_metadata)
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
        1 + coalesce(attempted_retries, 0) as attempt_number,
        coalesce(attempted_retries, 0) as retry_count,
        case when status = 'failure' then cast(null as {{ dbt.type_int() }}) else 200 end as status_code,
        error_code as error_category,
        case when status = 'failure' then 'error' else 'success' end as outcome_status,
        {{ dbt.datediff('start_time', 'end_time', 'millisecond') }} as latency_ms,

        ---------- tokens (made disjoint)
        coalesce(prompt_tokens, 0) - coalesce(cache_read_tokens, 0) - coalesce(cache_creation_tokens, 0)
            as input_tokens,
        coalesce(cache_read_tokens, 0) as cache_read_tokens,
        coalesce(cache_creation_tokens, 0) - coalesce(cache_creation_1h_tokens, 0) as cache_write_tokens,
        coalesce(cache_creation_1h_tokens, 0) as cache_write_1h_tokens,
        coalesce(completion_tokens, 0) as output_tokens,
        coalesce(reasoning_tokens, 0) as reasoning_tokens,

        ---------- money
        case when is_cost_missing then null else cast(response_cost_usd as decimal(28, 12)) end
            as provider_reported_cost_usd,
        coalesce(is_cost_missing, false) as is_source_cost_missing,

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
{%- endmacro %}
