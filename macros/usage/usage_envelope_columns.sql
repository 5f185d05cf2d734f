{#
    The canonical usage envelope: the columns every request-level source is mapped onto, in order.
    One list, so the union, the de-duplication and the fact cannot drift apart. The first two name the
    source system and the raw table a row came from; the union sets them, staging models give the rest.
#}
{% macro usage_envelope_columns() -%}
    {{ return([
        'source_system', 'source_table', 'request_id', 'root_request_id', 'trace_id', 'provider_request_id',
        'api_key_id', 'tenant_id_hash', 'end_user_id_hash', 'provider', 'requested_model', 'selected_model',
        'route_policy_version', 'route_reason', 'is_fallback', 'is_batch', 'service_tier',
        'owner_team_tag', 'project_id_tag', 'feature_tag', 'cost_center_tag', 'environment_tag',
        'request_intent', 'service', 'prompt_template', 'workflow_id',
        'attempt_number', 'retry_count', 'status_code', 'error_category', 'outcome_status', 'latency_ms',
        'input_tokens', 'cache_read_tokens', 'cache_write_tokens', 'cache_write_1h_tokens', 'output_tokens',
        'reasoning_tokens', 'provider_reported_cost_usd', 'requested_at', 'source_file', 'source_line',
        'loaded_at'
    ]) }}
{%- endmacro %}

{#
    Envelope columns a de-duplicated attempt takes from the best copy that has them when its winning copy
    lacks them (tags, ids, reported cost); the others always come from the winning copy.
#}
{% macro usage_enrichable_columns() -%}
    {{ return([
        'root_request_id', 'trace_id', 'provider_request_id', 'api_key_id', 'tenant_id_hash', 'end_user_id_hash',
        'requested_model', 'route_policy_version', 'route_reason',
        'owner_team_tag', 'project_id_tag', 'feature_tag', 'cost_center_tag', 'environment_tag',
        'request_intent', 'service', 'prompt_template', 'workflow_id',
        'status_code', 'error_category', 'latency_ms', 'provider_reported_cost_usd'
    ]) }}
{%- endmacro %}

{#
    Request-level sources in de-duplication precedence (first wins): our gateway log is the system of
    record; LiteLLM logs carry keys, teams and LiteLLM's own cost; Bedrock logs the provider's own record;
    OTel spans are sampled telemetry. Within LiteLLM, the full logging payload beats the SpendLogs row.
#}
{% macro usage_source_precedence() -%}
    {{ return([
        ('gateway', 'gateway_requests'),
        ('litellm', 'litellm_payloads'),
        ('litellm', 'litellm_spend_logs'),
        ('bedrock', 'bedrock_invocations'),
        ('otel', 'otel_spans')
    ]) }}
{%- endmacro %}

{#  The source systems, in precedence order (LiteLLM's two tables are one system). #}
{% macro usage_source_systems() -%}
    {{ return(usage_source_precedence() | map('first') | unique | list) }}
{%- endmacro %}

{% macro usage_source_rank(source_table_column) -%}
    case {{ source_table_column }}
    {%- for source_system, source_table in usage_source_precedence() %}
        when '{{ source_table }}' then {{ loop.index }}
    {%- endfor %}
    end
{%- endmacro %}
