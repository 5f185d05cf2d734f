"""Adapters for LiteLLM proxy logs (FORMATS.md section 1).

- `LiteLLMPayloadAdapter`: StandardLoggingPayload objects, one per `.json` file as the S3/GCS loggers
  write them (read whole, pretty-printed or not), or one per line in `.jsonl` files.
- `LiteLLMSpendLogsAdapter`: `LiteLLM_SpendLogs` table exports (files named `*spend_logs*`), CSV with a
  header or JSON lines; `metadata` and `request_tags` may be JSON text inside the field.

Token semantics: LiteLLM's `prompt_tokens` includes cache reads and cache writes. The raw columns keep the
counts as logged; staging makes them disjoint. `response_cost` is LiteLLM's own price; when
`response_cost_failure_debug_info` is set LiteLLM could not price the call and logged 0, so that 0 is not a
cost (`is_cost_missing`).
"""

from __future__ import annotations

from orchestration.ingest.records import (
    TAG_COLUMNS_DDL,
    Fields,
    Shared,
    checked_select,
    count_checks,
    decimal_number,
    docs_cte,
    document_checks,
    drop_keys_patch,
    epoch_seconds_timestamp,
    hashed,
    long_value_checks,
    lowered_entries,
    required_text_checks,
    tag_columns_sql,
    tag_list_entries,
    timestamp_checks,
    utc_timestamp,
)

# Keys that carry prompt or completion text, raw user identity, or a large price table copy.
PAYLOAD_DROP_KEYS = (
    "messages",
    "response",
    "model_map_information",
    "model_parameters",
    "end_user",
    "requester_ip_address",
    "user_agent",
    "error_str",
    "error_information",
    "proxy_server_request",
    "guardrail_information",
)
METADATA_DROP_KEYS = (
    "user_api_key_user_id",
    "user_api_key_user_email",
    "user_api_key_end_user_id",
    "requester_ip_address",
    "user_agent",
    "requester_metadata",
    "requester_custom_headers",
    "prompt_management_metadata",
    "mcp_tool_call_metadata",
    "vector_store_request_metadata",
    "user_api_key_auth_metadata",
    "model_map_information",
    "proxy_server_request",
    "error_information",
)

SPEND_LOGS_DROP_KEYS = (
    "messages",
    "response",
    "proxy_server_request",
    "user",
    "end_user",
    "requester_ip_address",
    "metadata",
)

COMMON_DDL = ",\n".join(
    [
        "response_id varchar",
        "litellm_call_id varchar",
        "trace_id varchar",
        "session_id varchar",
        "call_type varchar",
        "status varchar",
        "custom_llm_provider varchar",
        "model varchar",
        "model_group varchar",
        "model_id varchar",
        "start_time timestamp",
        "end_time timestamp",
        "prompt_tokens bigint",
        "completion_tokens bigint",
        "cache_read_tokens bigint",
        "cache_creation_tokens bigint",
        "cache_creation_1h_tokens bigint",
        "reasoning_tokens bigint",
        "response_cost_usd double",
        "is_cost_missing boolean",
        "api_key_hash varchar",
        "api_key_alias varchar",
        "team_id varchar",
        "team_alias varchar",
        "organization_id varchar",
        "user_id_hash varchar",
        "end_user_id_hash varchar",
        "attempted_retries bigint",
        "error_code varchar",
        "request_tags varchar",
        TAG_COLUMNS_DDL,
        "payload varchar",
    ]
)


def _usage_columns(usage: Fields) -> dict[str, str]:
    """Cache and reasoning counts from a LiteLLM usage object (OpenAI-style details or Anthropic-style)."""
    return {
        "cache_read": (
            f"coalesce({usage.text('$.prompt_tokens_details.cached_tokens')}, "
            f"{usage.text('$.cache_read_input_tokens')})"
        ),
        "cache_creation": (
            f"coalesce({usage.text('$.prompt_tokens_details.cache_creation_tokens')}, "
            f"{usage.text('$.prompt_tokens_details.cache_write_tokens')}, "
            f"{usage.text('$.cache_creation_input_tokens')})"
        ),
        "cache_creation_1h": (
            f"coalesce({usage.text('$.prompt_tokens_details.cache_creation_token_details.ephemeral_1h_input_tokens')}"
            f", {usage.text('$.cache_creation.ephemeral_1h_input_tokens')})"
        ),
        "reasoning": usage.text("$.completion_tokens_details.reasoning_tokens"),
    }


def _record_fields() -> tuple[Fields, Fields, Fields]:
    """The record (column `rec`), its metadata object (`metadata_json`) and its usage object (`usage_json`),
    each read by one extraction."""
    return Fields("rec", "rec_fields"), Fields("metadata_json", "metadata_fields"), Fields("usage_json", "usage_fields")


def _record_sql(
    *,
    docs: str,
    rec: Fields,
    metadata: Fields,
    usage: Fields,
    tags_json: str,
    metadata_json: str,
    usage_json: str,
    start_time: str,
    end_time: str,
    response_cost: str,
    is_cost_missing: str,
    api_key_hash: str,
    user_id: str,
    end_user_id: str,
    response_id: str,
    payload: str,
) -> str:
    """The checked, typed select shared by both LiteLLM shapes, over `docs` (CTEs ending in `docs`: line
    number, decode error, the record as JSON `doc`). `rec`, `metadata` and `usage` come from
    _record_fields(); `tags_json`, `metadata_json` and `usage_json` say where the request tags and the
    metadata and usage objects are (usage may read metadata)."""
    shared = Shared()
    counts = _usage_columns(usage)
    fields = {
        "prompt_tokens": shared(rec.text("$.prompt_tokens")),
        "completion_tokens": shared(rec.text("$.completion_tokens")),
        "cache_read_tokens": shared(counts["cache_read"]),
        "cache_creation_tokens": shared(counts["cache_creation"]),
        "cache_creation_1h_tokens": shared(counts["cache_creation_1h"]),
        "reasoning_tokens": shared(counts["reasoning"]),
    }
    response_id, model = shared(response_id), shared(rec.text("$.model"))
    start_time, response_cost = shared(start_time), shared(response_cost)
    checks = document_checks("rec")
    checks += required_text_checks({"id": response_id, "model": model})
    checks += long_value_checks({"id": response_id, "model": model})
    checks += timestamp_checks(start_time, "startTime")
    for label, value_sql in fields.items():
        checks += count_checks(value_sql, label)
    read, write = (
        f"coalesce(try_cast({fields[k]} as hugeint), 0)" for k in ("cache_read_tokens", "cache_creation_tokens")
    )
    checks.append(
        (
            f"coalesce(try_cast({fields['prompt_tokens']} as hugeint), 0) < {read} + {write}",
            "'inconsistent_token_counts: prompt_tokens (which includes cache tokens) is below cache read + write'",
        )
    )
    checks.append(
        (
            f"coalesce(try_cast({fields['cache_creation_1h_tokens']} as hugeint), 0) > {write}",
            "'inconsistent_token_counts: 1-hour cache writes exceed all cache writes'",
        )
    )
    checks.append(
        (
            f"{response_cost} is not null and try_cast({response_cost} as double) is null",
            "'invalid_type: response_cost must be a number'",
        )
    )
    entries = [
        shared(lowered_entries(metadata.json("$.spend_logs_metadata"))),
        shared(tag_list_entries("tags_json")),
    ]
    columns = [
        f"nullif({response_id}, '') as response_id",
        f"nullif({rec.text('$.litellm_call_id')}, '') as litellm_call_id",
        f"nullif({rec.text('$.trace_id')}, '') as trace_id",
        f"nullif({rec.text('$.session_id')}, '') as session_id",
        f"{rec.text('$.call_type')} as call_type",
        f"lower({rec.text('$.status')}) as status",
        f"lower(nullif({rec.text('$.custom_llm_provider')}, '')) as custom_llm_provider",
        f"{model} as model",
        f"nullif({rec.text('$.model_group')}, '') as model_group",
        f"nullif({rec.text('$.model_id')}, '') as model_id",
        f"{start_time} as start_time",
        f"{end_time} as end_time",
        *(f"try_cast({decimal_number(value_sql)} as bigint) as {label}" for label, value_sql in fields.items()),
        f"try_cast({response_cost} as double) as response_cost_usd",
        f"{is_cost_missing} as is_cost_missing",
        f"nullif({api_key_hash}, '') as api_key_hash",
        f"nullif({metadata.text('$.user_api_key_alias')}, '') as api_key_alias",
        f"coalesce(nullif({rec.text('$.team_id')}, ''), {metadata.text('$.user_api_key_team_id')}) as team_id",
        f"{metadata.text('$.user_api_key_team_alias')} as team_alias",
        f"coalesce(nullif({rec.text('$.organization_id')}, ''), {metadata.text('$.user_api_key_org_id')})"
        " as organization_id",
        f"{hashed(user_id)} as user_id_hash",
        f"{hashed(end_user_id)} as end_user_id_hash",
        f"try_cast({metadata.text('$.attempted_retries')} as bigint) as attempted_retries",
        f"nullif(coalesce({rec.text('$.error_information.error_code')}, "
        f"{metadata.text('$.error_information.error_code')}), '') as error_code",
        "cast(tags_json as varchar) as request_tags",
        *tag_columns_sql(entries),
        f"cast({payload} as varchar) as payload",
    ]
    return f"""
with {docs},
records as (
    select
        line_number,
        decode_error,
        doc as rec,
        {rec.select()}
    from docs
),
parts as (
    select *, {tags_json} as tags_json, {metadata_json} as metadata_json from records
),
with_metadata as (
    select *, {metadata.select()} from parts
),
with_usage as (
    select *, {usage_json} as usage_json from with_metadata
),
extracted as (
    select *, {usage.select()} from with_usage
),
found as (
    select
        *,
        {shared.select_list()}
    from extracted
),
{checked_select("found", checks, columns)}
"""


class LiteLLMPayloadAdapter:
    source = "litellm"
    table = "litellm_payloads"
    file_patterns = ("**/*.json", "**/*.json.gz", "**/*.jsonl", "**/*.jsonl.gz")
    document_patterns = ("*.json", "*.json.gz")
    exclude_patterns = ("*spend_logs*",)
    columns_ddl = COMMON_DDL

    def select_parsed_sql(self) -> str:
        rec, metadata, usage = _record_fields()
        scrubbed_metadata = drop_keys_patch("metadata_json", METADATA_DROP_KEYS)
        payload = (
            # A merge patch only adds and replaces keys: drop metadata whole, then put the scrubbed copy back.
            f"case when json_type(metadata_json) = 'OBJECT' then json_merge_patch("
            f"{drop_keys_patch('rec', (*PAYLOAD_DROP_KEYS, 'metadata'))}, "
            f"json_object('metadata', {scrubbed_metadata})) "
            f"else {drop_keys_patch('rec', PAYLOAD_DROP_KEYS)} end"
        )
        return _record_sql(
            docs=docs_cte(),
            rec=rec,
            metadata=metadata,
            usage=usage,
            tags_json=rec.json("$.request_tags"),
            metadata_json=rec.json("$.metadata"),
            usage_json=(
                f"coalesce({rec.json('$.metadata.usage_object')}, {rec.json('$.hidden_params.usage_object')}, "
                f"{rec.json('$.response.usage')})"
            ),
            start_time=epoch_seconds_timestamp(rec.text("$.startTime")),
            end_time=epoch_seconds_timestamp(rec.text("$.endTime")),
            response_cost=rec.text("$.response_cost"),
            is_cost_missing=f"({rec.kind('$.response_cost_failure_debug_info')} <> 'NULL')",
            api_key_hash=metadata.text("$.user_api_key_hash"),
            user_id=metadata.text("$.user_api_key_user_id"),
            end_user_id=(
                f"coalesce(nullif({rec.text('$.end_user')}, ''), "
                f"nullif({metadata.text('$.user_api_key_end_user_id')}, ''), "
                f"{rec.text('$.model_parameters.user')})"
            ),
            response_id=rec.text("$.id"),
            payload=payload,
        )


# One CSV field: a quoted string with "" escapes, or anything up to the next comma.
CSV_FIELD = r'(?:^|,)("(?:[^"]|"")*"|[^,]*)'


def _csv_unquote(field: str) -> str:
    inner = f"substr({field}, 2, length({field}) - 2)"
    return f"(case when starts_with({field}, '\"') then replace({inner}, '\"\"', '\"') else {field} end)"


class LiteLLMSpendLogsAdapter:
    source = "litellm"
    table = "litellm_spend_logs"
    file_patterns = (
        "**/*spend_logs*.csv",
        "**/*spend_logs*.jsonl",
        "**/*spend_logs*.jsonl.gz",
        "**/*spend_logs*.csv.gz",
    )
    columns_ddl = COMMON_DDL

    def select_parsed_sql(self) -> str:
        rec, metadata, usage = _record_fields()

        # JSON exports may hold metadata and request_tags as JSON text (as the table's Json columns dump).
        def maybe_text_json(path: str) -> str:
            value = rec.json(path)
            return f"(case when json_type({value}) = 'VARCHAR' then try_cast({value} ->> '$' as json) else {value} end)"

        csv_fields = f"regexp_extract_all(line_text, '{CSV_FIELD}', 1)"
        docs = f"""
lines as (
    select *, (select min(line_number) from landing_lines) as first_line from landing_lines
),
header_line as (
    select list_transform({csv_fields}, lambda f: trim({_csv_unquote("f")})) as header
    from lines
    where line_number = first_line and not starts_with(ltrim(line_text), '{{')
),
split as (
    select
        lines.*,
        header_line.header,
        case when header_line.header is not null then {csv_fields} end as fields
    from lines
    left join header_line on true
    where header_line.header is null or lines.line_number > lines.first_line
),
docs as (
    select
        line_number,
        decode_error,
        case
            when decode_error is not null then null
            when header is null then
                case when json_valid(line_text) then cast(line_text as json) end
            when len(fields) = len(header) then to_json(map_from_entries(list_transform(
                list_zip(header, fields),
                lambda pair: {{'k': pair[1], 'v': nullif({_csv_unquote("pair[2]")}, '')}}
            )))
        end as doc
    from split
)"""
        return _record_sql(
            docs=docs,
            rec=rec,
            metadata=metadata,
            usage=usage,
            tags_json=maybe_text_json("$.request_tags"),
            metadata_json=maybe_text_json("$.metadata"),
            usage_json=metadata.json("$.usage_object"),
            start_time=utc_timestamp(rec.text("$.startTime")),
            end_time=utc_timestamp(rec.text("$.endTime")),
            response_cost=rec.text("$.spend"),
            # SpendLogs rows carry no pricing-failure flag; a zero spend with tokens is unknown cost.
            is_cost_missing=(
                f"(try_cast({rec.text('$.spend')} as double) = 0 and "
                f"coalesce(try_cast({rec.text('$.total_tokens')} as double), 0) > 0)"
            ),
            api_key_hash=rec.text("$.api_key"),
            user_id=rec.text("$.user"),
            end_user_id=rec.text("$.end_user"),
            response_id=rec.text("$.request_id"),
            payload=(
                f"json_merge_patch({drop_keys_patch('rec', SPEND_LOGS_DROP_KEYS)}, "
                f"json_object('metadata', {drop_keys_patch('metadata_json', METADATA_DROP_KEYS)}))"
            ),
        )
