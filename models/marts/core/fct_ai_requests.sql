{#
    The priced, attributed fact: one row per billable attempt (an attempt that consumed tokens, whatever
    its status). Every figure a ledger, report or contract shows is a sum over these rows.

    Incremental: the rows that differ from the priced attempts (new, re-priced or re-attributed) replace
    theirs by request_id; a request id no billable attempt carries any more is deleted. The comparison
    keeps the mart free of build-time columns, so a rebuild gives the same rows.
#}
{{ config(
    materialized=request_grain_materialization(),
    incremental_strategy=request_grain_strategy(),
    unique_key='request_id',
    on_schema_change='append_new_columns',
    post_hook="{{ delete_keys_missing_upstream(ref('int_attempts_priced'), 'request_id', 'is_billable') }}",
) }}

with

priced as (
    select * from {{ ref('int_attempts_priced') }}
    where is_billable
),

final as (
    select
        ---------- ids
        request_id,
        root_request_id,
        trace_id,
        provider_request_id,
        api_key_id,
        tenant_id_hash,
        end_user_id_hash,
        source_system,

        ---------- attribution
        environment,
        environment_source,
        owner_team,
        cost_center,
        project_id,
        feature,
        attribution_status,
        attribution_severity,
        attribution_issues,
        enforcement_exception_id,
        missing_required_tags,
        invalid_required_tags,
        ad_hoc_tags,
        request_intent,
        service,
        prompt_template,
        workflow_id,

        ---------- routing and outcome
        provider,
        requested_model,
        selected_model,
        billable_model,
        route_policy_version,
        route_reason,
        service_tier,
        attempt_number,
        retry_count,
        status_code,
        error_category,
        outcome_status,
        latency_ms,

        ---------- tokens (disjoint)
        input_tokens,
        cache_read_tokens,
        cache_write_tokens,
        cache_write_1h_tokens,
        output_tokens,
        reasoning_tokens,

        ---------- pricing
        pricing_status,
        price_version,
        price_source,
        price_processing,
        price_service_tier,
        is_long_context_tier,
        total_input_tokens,
        input_cost_usd,
        cache_read_cost_usd,
        cache_write_cost_usd,
        cache_write_1h_cost_usd,
        output_cost_usd,
        reasoning_cost_usd,
        list_cost_usd,
        provider_reported_cost_usd,

        ---------- flags
        is_retry,
        is_failed,
        is_fallback,
        is_batch,
        is_model_aliased,
        copies_seen,
        sources_seen,
        match_basis,

        ---------- dates
        request_date,
        billing_month,
        requested_at,

        ---------- lineage
        source_file,
        source_line
    from priced
),

changed as (
    select * from final
    {%- if is_incremental() %}
        except
        select * from {{ this }}
    {%- endif %}
)

select * from changed
