"""Adapter for the in-house gateway's request log (SPEC "The gateway log format"): one JSON object a line.

Parsing, validation and redaction happen in one DuckDB statement over the file's lines: each line is
parsed once (all fields pulled out in one `json_extract` call), no line's values ever become SQL text,
and a million lines cost seconds, not minutes.
"""

from __future__ import annotations

from orchestration.ingest.privacy import HASHED_TAG_KEYS, TEXT_KEYS, salted_hash_sql
from orchestration.ingest.records import Fields

TOKEN_FIELDS = (
    "input_tokens",
    "cache_read_tokens",
    "cache_write_tokens",
    "cache_write_1h_tokens",
    "output_tokens",
    "reasoning_tokens",
)
TAG_FIELDS = (
    "owner_team",
    "project_id",
    "feature",
    "cost_center",
    "environment",
    "request_intent",
    "service",
    "tenant_id",
    "end_user_id",
    "prompt_template",
    "workflow_id",
)
STRING_FIELDS = (
    "request_id",
    "root_request_id",
    "trace_id",
    "provider_request_id",
    "timestamp",
    "provider",
    "requested_model",
    "selected_model",
    "route_policy_version",
    "route_reason",
    "service_tier",
    "error_category",
    "outcome_status",
    "api_key_id",
)
INTEGER_FIELDS = ("attempt", "status_code", "latency_ms", "retry_count")
BOOLEAN_FIELDS = ("fallback_used", "is_batch")
REQUIRED_FIELDS = ("request_id", "timestamp", "provider", "selected_model")

MAX_TOKENS_PER_ATTEMPT = 100_000_000  # far above any context window; larger is a broken counter
MAX_VALUE_CHARS = 256
RFC3339 = r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$"

# Every JSON path the adapter reads, in the order of the extracted list.
PATHS: tuple[str, ...] = (
    *STRING_FIELDS,
    *INTEGER_FIELDS,
    *BOOLEAN_FIELDS,
    "provider_reported_cost_usd",
    "usage",
    "tags",
    *(f"usage.{name}" for name in TOKEN_FIELDS),
    *(f"tags.{name}" for name in TAG_FIELDS),
)
_INDEX = {path: i + 1 for i, path in enumerate(PATHS)}


def _json_path(path: str) -> str:
    return "$." + ".".join(f'"{part}"' for part in path.split("."))


# The whole line's fields come out of one extraction, in the order of PATHS.
FIELDS = Fields("doc", "fields", tuple(_json_path(path) for path in PATHS))


def value(path: str) -> str:
    """The field as text (JSON strings unquoted); null when absent or JSON null. A column of `valued`."""
    return f"value_{_INDEX[path]}"


def json_kind(path: str) -> str:
    """The field's JSON type: NULL (absent or null), VARCHAR, BIGINT, UBIGINT, DOUBLE, ... A column of `valued`."""
    return f"kind_{_INDEX[path]}"


def _valued_columns() -> str:
    """Every field's text and JSON type, worked out once per line: the checks and the typed columns use them
    many times over."""
    return ",\n        ".join(
        f"{FIELDS.text(_json_path(path))} as {value(path)}, {FIELDS.kind(_json_path(path))} as {json_kind(path)}"
        for path in PATHS
    )


def _checks() -> list[tuple[str, str]]:
    """(condition, reason) pairs; the first that holds is the line's reject reason."""
    checks: list[tuple[str, str]] = [
        ("decode_error is not null", "decode_error"),
        ("doc is null", "'invalid_json: the line is not a complete JSON value'"),
        ("doc_type <> 'OBJECT'", "'not_a_json_object: the line is a JSON ' || lower(doc_type)"),
    ]
    checks += [(f"{json_kind(name)} = 'NULL'", f"'missing_required_field: {name}'") for name in REQUIRED_FIELDS]
    for name in STRING_FIELDS:
        checks += [
            (f"{json_kind(name)} not in ('NULL', 'VARCHAR')", f"'invalid_type: {name} must be a string'"),
            (
                f"length({value(name)}) > {MAX_VALUE_CHARS}",
                f"'value_too_long: {name} is longer than {MAX_VALUE_CHARS} characters'",
            ),
        ]
    timestamp = f"try_cast({value('timestamp')} as timestamptz)"
    checks += [
        (f"length({value('request_id')}) = 0", "'missing_required_field: request_id is empty'"),
        (
            f"not regexp_full_match({value('timestamp')}, '{RFC3339}')",
            "'invalid_timestamp: timestamp is not RFC 3339 (e.g. 2026-10-01T12:00:00.123Z)'",
        ),
        (f"{timestamp} is null", "'invalid_timestamp: timestamp is not a real date and time'"),
        (
            f"year({timestamp}) not between 2000 and 2099",
            "'timestamp_out_of_range: timestamp must fall between 2000 and 2099'",
        ),
        (f"{json_kind('usage')} not in ('NULL', 'OBJECT')", "'invalid_type: usage must be an object'"),
        (f"{json_kind('tags')} not in ('NULL', 'OBJECT')", "'invalid_type: tags must be an object'"),
    ]
    checks += [
        (
            f"{json_kind(name)} not in ('NULL', 'BIGINT', 'UBIGINT')",
            f"'invalid_type: {name} must be an integer'",
        )
        for name in INTEGER_FIELDS
    ]
    checks += [
        (
            f"try_cast({value('attempt')} as hugeint) not between 1 and 1000",
            "'invalid_value: attempt must be between 1 and 1000'",
        ),
        (
            f"try_cast({value('retry_count')} as hugeint) not between 0 and 1000",
            "'invalid_value: retry_count must be between 0 and 1000'",
        ),
        (
            f"try_cast({value('status_code')} as hugeint) not between 0 and 999",
            "'invalid_value: status_code must be between 0 and 999'",
        ),
        (
            f"try_cast({value('latency_ms')} as hugeint) not between 0 and 86400000",
            "'invalid_value: latency_ms must be between 0 and one day'",
        ),
    ]
    checks += [
        (f"{json_kind(name)} not in ('NULL', 'BOOLEAN')", f"'invalid_type: {name} must be true or false'")
        for name in BOOLEAN_FIELDS
    ]
    for name in TOKEN_FIELDS:
        path = f"usage.{name}"
        checks += [
            (
                f"{json_kind(path)} not in ('NULL', 'BIGINT', 'UBIGINT')",
                f"'invalid_type: {path} must be a whole number'",
            ),
            (f"try_cast({value(path)} as hugeint) < 0", f"'negative_token_count: {path} is below zero'"),
            (
                f"try_cast({value(path)} as hugeint) > {MAX_TOKENS_PER_ATTEMPT}",
                f"'token_count_out_of_range: {path} is above {MAX_TOKENS_PER_ATTEMPT:,}'",
            ),
        ]
    checks.append(
        (
            f"{json_kind('provider_reported_cost_usd')} not in ('NULL', 'BIGINT', 'UBIGINT', 'DOUBLE')",
            "'invalid_type: provider_reported_cost_usd must be a number'",
        )
    )
    for name in TAG_FIELDS:
        path = f"tags.{name}"
        checks += [
            (f"{json_kind(path)} not in ('NULL', 'VARCHAR')", f"'invalid_type: {path} must be a string'"),
            (
                f"length({value(path)}) > {MAX_VALUE_CHARS}",
                f"'value_too_long: {path} is longer than {MAX_VALUE_CHARS} characters'",
            ),
        ]
    return checks


def _payload_sql() -> str:
    """The payload as received, minus text fields, with salted hashes in place of raw ids (JSON merge
    patch: a null removes a key)."""
    drop = ", ".join(f"'{key}', null" for key in TEXT_KEYS)
    hashed = ", ".join(f"'{key}', hash_{key}" for key in HASHED_TAG_KEYS)
    has_ids = " or ".join(f"{value('tags.' + key)} is not null" for key in HASHED_TAG_KEYS)
    return (
        f"case when {has_ids} "
        f"then json_merge_patch(doc, json_object({drop}, 'tags', json_object({hashed}))) "
        f"else json_merge_patch(doc, json_object({drop})) end"
    )


def _typed_columns() -> list[str]:
    def text(path: str, alias: str | None = None) -> str:
        return f"{value(path)} as {alias or path.replace('.', '_')}"

    def cast(path: str, sql_type: str, alias: str | None = None) -> str:
        return f"try_cast({value(path)} as {sql_type}) as {alias or path.replace('.', '_')}"

    timestamp_utc = f"cast(timezone('UTC', try_cast({value('timestamp')} as timestamptz)) as timestamp)"
    return [
        text("request_id"),
        text("root_request_id"),
        cast("attempt", "bigint"),
        text("trace_id"),
        text("provider_request_id"),
        f"{timestamp_utc} as timestamp_utc",
        *(text(name) for name in ("provider", "requested_model", "selected_model", "route_policy_version")),
        text("route_reason"),
        cast("fallback_used", "boolean"),
        *(cast(f"usage.{name}", "bigint") for name in TOKEN_FIELDS),
        cast("is_batch", "boolean"),
        text("service_tier"),
        cast("status_code", "bigint"),
        text("error_category"),
        text("outcome_status"),
        cast("latency_ms", "bigint"),
        cast("retry_count", "bigint"),
        text("api_key_id"),
        *(text(f"tags.{name}") for name in TAG_FIELDS if name not in HASHED_TAG_KEYS),
        *(f"hash_{name} as tags_{name}_hash" for name in HASHED_TAG_KEYS),
        cast("provider_reported_cost_usd", "double"),
        f"cast({_payload_sql()} as varchar) as payload",
    ]


class GatewayAdapter:
    source = "gateway"
    table = "gateway_requests"
    file_patterns = ("**/*.jsonl", "**/*.jsonl.gz", "**/*.json", "**/*.json.gz")

    columns_ddl = ",\n".join(
        [
            "request_id varchar",
            "root_request_id varchar",
            "attempt bigint",
            "trace_id varchar",
            "provider_request_id varchar",
            "timestamp_utc timestamp",
            "provider varchar",
            "requested_model varchar",
            "selected_model varchar",
            "route_policy_version varchar",
            "route_reason varchar",
            "fallback_used boolean",
            *(f"usage_{name} bigint" for name in TOKEN_FIELDS),
            "is_batch boolean",
            "service_tier varchar",
            "status_code bigint",
            "error_category varchar",
            "outcome_status varchar",
            "latency_ms bigint",
            "retry_count bigint",
            "api_key_id varchar",
            *(f"tags_{name} varchar" for name in TAG_FIELDS if name not in HASHED_TAG_KEYS),
            *(f"tags_{name}_hash varchar" for name in HASHED_TAG_KEYS),
            "provider_reported_cost_usd double",
            "payload varchar",
        ]
    )

    def select_parsed_sql(self) -> str:
        reason = "case " + " ".join(f"when {cond} then {why}" for cond, why in _checks()) + " end"
        columns = ",\n    ".join(_typed_columns())
        # Salted id hashes go both into their columns and into the payload: hash once.
        hashes = ", ".join(f"{salted_hash_sql(value('tags.' + key))} as hash_{key}" for key in HASHED_TAG_KEYS)
        return f"""
with docs as (
    select
        line_number,
        decode_error,
        case when decode_error is null and json_valid(line_text) then cast(line_text as json) end as doc
    from landing_lines
),
extracted as (
    select *, json_type(doc) as doc_type, {FIELDS.select()} from docs
),
valued as (
    select
        *,
        {_valued_columns()}
    from extracted
),
checked as (
    select *, {reason} as reject_reason, {hashes} from valued
)
select
    line_number,
    reject_reason,
    {columns}
from checked
"""
