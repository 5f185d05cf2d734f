{#
    The canonical usage envelope: the columns every request-level source is mapped onto, in order.
    One list, so the union, the de-duplication and the fact cannot drift apart.
#}
{% macro usage_envelope_columns() -%}
    {{ return([
        'source_system', 'request_id', 'root_request_id', 'trace_id', 'provider_request_id', 'api_key_id',
        'tenant_id_hash', 'end_user_id_hash', 'provider', 'requested_model', 'selected_model',
        'route_policy_version', 'route_reason', 'is_fallback', 'is_batch', 'service_tier',
        'owner_team_tag', 'project_id_tag', 'feature_tag', 'cost_center_tag', 'environment_tag',
        'request_intent', 'service', 'prompt_template', 'workflow_id',
        'attempt_number', 'retry_count', 'status_code', 'error_category', 'outcome_status', 'latency_ms',
        'input_tokens', 'cache_read_tokens', 'cache_write_tokens', 'cache_write_1h_tokens', 'output_tokens',
        'reasoning_tokens', 'provider_reported_cost_usd', 'requested_at', 'source_file', 'source_line',
        'loaded_at'
    ]) }}
{%- endmacro %}
