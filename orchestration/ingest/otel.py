"""Adapter for OpenTelemetry spans exported as OTLP/JSON (FORMATS.md section 5): one
`{"resourceSpans": [...]}` object per line, each line yielding one record per span.

Encoding variants accepted: trace and span ids in hex (OTLP/JSON) or base64 (generic protobuf JSON),
int64 values as decimal strings or numbers, enums as integers or names. GenAI attributes are read under
their current and deprecated names (`gen_ai.system`, `gen_ai.usage.prompt_tokens`, ...). Ownership tags
come from span attributes, else resource attributes. Every span is kept (`is_genai` marks inference
spans); message content attributes and user ids never reach the stored attributes.
"""

from __future__ import annotations

from orchestration.ingest.privacy import TEXT_KEYS
from orchestration.ingest.records import (
    TAG_COLUMNS_DDL,
    TAG_KEYS,
    Fields,
    Shared,
    checked_select,
    count_checks,
    decimal_number,
    docs_cte,
    document_checks,
    hashed,
    salted_hash_sql,
)

USER_KEYS = ("enduser.id", "user.id", "end_user_id", "gen_ai.user.id")
TENANT_KEYS = ("tenant.id", "tenant_id")
API_KEY_KEYS = ("api_key_id", "gateway.api_key_id")
STATUS_CODES = {"STATUS_CODE_UNSET": 0, "STATUS_CODE_OK": 1, "STATUS_CODE_ERROR": 2}
SPAN_KINDS = {
    "SPAN_KIND_UNSPECIFIED": 0,
    "SPAN_KIND_INTERNAL": 1,
    "SPAN_KIND_SERVER": 2,
    "SPAN_KIND_CLIENT": 3,
    "SPAN_KIND_PRODUCER": 4,
    "SPAN_KIND_CONSUMER": 5,
}


def _entries(attributes_json: str) -> str:
    """OTLP attributes as {k, v} entries, every value as text (arrays and maps as JSON text). Each
    attribute is parsed once: its key and every value kind come out of one json_extract."""
    parts = ", ".join(
        f"'{path}'"
        for path in (
            "$.key",
            "$.value.stringValue",
            "$.value.intValue",
            "$.value.doubleValue",
            "$.value.boolValue",
            "$.value.arrayValue",
            "$.value.kvlistValue",
        )
    )
    text = (
        "coalesce(f[2] ->> '$', f[3] ->> '$', f[4] ->> '$', f[5] ->> '$', cast(f[6] as varchar), cast(f[7] as varchar))"
    )
    return (
        f"coalesce(list_transform(list_transform(json_extract({attributes_json}, '$[*]'), "
        f"lambda a: json_extract(a, [{parts}])), lambda f: {{'k': f[1] ->> '$', 'v': {text}}}), [])"
    )


def _attr(keys: tuple[str, ...], *entry_lists: str) -> str:
    found = [
        f"nullif(list_filter({entries}, lambda e: e.k = '{key}')[1].v, '')" for entries in entry_lists for key in keys
    ]
    return "coalesce(" + ", ".join(found) + ")"


def _id_hex(text_sql: str, hex_length: int) -> str:
    """Hex ids as lower-case hex; base64 ids (generic protobuf JSON) decoded to hex; otherwise null."""
    return (
        f"case when regexp_full_match({text_sql}, '[0-9a-fA-F]{{{hex_length}}}') then lower({text_sql}) "
        f"when regexp_full_match({text_sql}, '[A-Za-z0-9+/]+={{0,2}}') "
        f"and octet_length(try(from_base64({text_sql}))) = {hex_length // 2} "
        f"then lower(hex(try(from_base64({text_sql})))) end"
    )


def _enum(text_sql: str, names: dict[str, int]) -> str:
    whens = " ".join(f"when '{name}' then {number}" for name, number in names.items())
    return f"coalesce(try_cast({text_sql} as integer), case upper({text_sql}) {whens} end)"


def _nanos_timestamp(text_sql: str) -> str:
    return f"make_timestamp(cast(try_cast({text_sql} as hugeint) // 1000 as bigint))"


class OtelSpansAdapter:
    source = "otel"
    table = "otel_spans"
    file_patterns = ("**/*.json", "**/*.json.gz", "**/*.jsonl", "**/*.jsonl.gz")
    columns_ddl = ",\n".join(
        [
            "span_position varchar",
            "trace_id varchar",
            "span_id varchar",
            "parent_span_id varchar",
            "span_name varchar",
            "span_kind integer",
            "status_code integer",
            "start_time timestamp",
            "end_time timestamp",
            "service_name varchar",
            "is_genai boolean",
            "operation_name varchar",
            "provider_name varchar",
            "request_model varchar",
            "response_model varchar",
            "response_id varchar",
            "input_tokens bigint",
            "output_tokens bigint",
            "cache_read_tokens bigint",
            "cache_creation_tokens bigint",
            "reasoning_tokens bigint",
            "error_type varchar",
            "service_tier varchar",
            "api_key_id varchar",
            "end_user_id_hash varchar",
            "tenant_id_hash varchar",
            TAG_COLUMNS_DDL,
            "attributes varchar",
        ]
    )

    def select_parsed_sql(self) -> str:
        span_attrs, resource_attrs = "span_attrs", "resource_attrs"
        # The span's fields come out of one extraction (CTE `records`), then each attribute lookup and id
        # (CTE `found`) is worked out once; the checks and the typed columns read those columns.
        fields, once = Fields("span", "span_fields"), Shared("found")

        def field(path: str) -> str:
            return fields.text(path)

        def attr(*keys: str) -> str:
            return once(_attr(keys, span_attrs, resource_attrs))

        counts = {
            "gen_ai.usage.input_tokens": attr("gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens"),
            "gen_ai.usage.output_tokens": attr("gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens"),
            "gen_ai.usage.cache_read.input_tokens": attr("gen_ai.usage.cache_read.input_tokens"),
            "gen_ai.usage.cache_creation.input_tokens": attr("gen_ai.usage.cache_creation.input_tokens"),
            "gen_ai.usage.reasoning.output_tokens": attr("gen_ai.usage.reasoning.output_tokens"),
        }
        trace_id = once(_id_hex(field("$.traceId"), 32))
        span_id = once(_id_hex(field("$.spanId"), 16))
        start = once(_nanos_timestamp(field("$.startTimeUnixNano")))

        def as_int(label: str) -> str:
            return f"coalesce(try_cast({decimal_number(counts[label])} as bigint), 0)"

        checks = document_checks("doc")
        checks += [
            ("resource_spans is null", "'missing_required_field: resourceSpans'"),
            ("span is null", "'missing_required_field: spans'"),
            (f"{trace_id} is null", "'invalid_id: traceId must be 16 bytes in hex or base64'"),
            (f"{span_id} is null", "'invalid_id: spanId must be 8 bytes in hex or base64'"),
            (f"{start} is null", "'invalid_timestamp: startTimeUnixNano is not a number of nanoseconds'"),
            (f"year({start}) not between 2000 and 2099", "'timestamp_out_of_range: startTimeUnixNano'"),
        ]
        for label, value_sql in counts.items():
            checks += count_checks(value_sql, label)
        checks.append(
            (
                f"{as_int('gen_ai.usage.input_tokens')} < {as_int('gen_ai.usage.cache_read.input_tokens')} "
                f"+ {as_int('gen_ai.usage.cache_creation.input_tokens')}",
                "'inconsistent_token_counts: gen_ai.usage.input_tokens (which includes cache tokens) "
                "is below cache read + cache creation'",
            )
        )
        hidden = (*TEXT_KEYS, *USER_KEYS, *TENANT_KEYS)
        hidden_sql = ", ".join(f"'{key}'" for key in hidden)
        kept_attributes = (
            f"to_json(list_filter({span_attrs}, lambda e: e.k not in ({hidden_sql}) "
            "and e.k not like 'gen_ai.prompt%' and e.k not like 'gen_ai.completion%'))"
        )
        operation = attr("gen_ai.operation.name")
        provider = attr("gen_ai.provider.name", "gen_ai.system")
        tags = [f"{attr(*keys)} as tag_{tag}" for tag, keys in TAG_KEYS.items()]
        columns = [
            "span_position",
            f"{trace_id} as trace_id",
            f"{span_id} as span_id",
            f"{_id_hex(field('$.parentSpanId'), 16)} as parent_span_id",
            f"{field('$.name')} as span_name",
            f"{_enum(field('$.kind'), SPAN_KINDS)} as span_kind",
            f"coalesce({_enum(field('$.status.code'), STATUS_CODES)}, 0) as status_code",
            f"{start} as start_time",
            f"{_nanos_timestamp(field('$.endTimeUnixNano'))} as end_time",
            f"{once(_attr(('service.name',), resource_attrs))} as service_name",
            f"({operation} is not null or {provider} is not null) as is_genai",
            f"{operation} as operation_name",
            f"lower({provider}) as provider_name",
            f"{attr('gen_ai.request.model')} as request_model",
            f"{attr('gen_ai.response.model')} as response_model",
            f"{attr('gen_ai.response.id')} as response_id",
            *(
                f"try_cast({decimal_number(counts[label])} as bigint) as {name}"
                for label, name in zip(
                    counts,
                    ("input_tokens", "output_tokens", "cache_read_tokens", "cache_creation_tokens", "reasoning_tokens"),
                    strict=True,
                )
            ),
            f"{attr('error.type')} as error_type",
            f"{attr('openai.response.service_tier', 'openai.request.service_tier')} as service_tier",
            f"{attr(*API_KEY_KEYS)} as api_key_id",
            f"{hashed(attr(*USER_KEYS))} as end_user_id_hash",
            f"{salted_hash_sql(attr(*TENANT_KEYS))} as tenant_id_hash",
            *tags,
            f"cast({kept_attributes} as varchar) as attributes",
        ]
        span_attributes = fields.json("$.attributes")

        def positioned(list_sql: str) -> str:
            return f"list_transform({list_sql}, lambda x, i: {{'i': i, 'v': x}})"

        return f"""
with {docs_cte()},
resources as (
    select
        line_number,
        decode_error,
        doc,
        unnest(
            case
                when json_type(json_extract(doc, '$.resourceSpans')) = 'ARRAY'
                    then {positioned("json_extract(doc, '$.resourceSpans[*]')")}
                else [{{'i': 0, 'v': null::json}}]
            end
        ) as resource_item
    from docs
),
resource_parts as (
    select
        *,
        resource_item.v as resource_spans,
        {_entries("json_extract(resource_item.v, '$.resource.attributes')")} as resource_attrs
    from resources
),
scopes as (
    select
        *,
        unnest(
            case
                when resource_spans is not null then {positioned("json_extract(resource_spans, '$.scopeSpans[*]')")}
                else [{{'i': 0, 'v': null::json}}]
            end
        ) as scope_item
    from resource_parts
),
spans as (
    select
        *,
        unnest(
            case
                when scope_item.v is not null then {positioned("json_extract(scope_item.v, '$.spans[*]')")}
                else [{{'i': 0, 'v': null::json}}]
            end
        ) as span_item
    from scopes
),
records as (
    select
        line_number,
        decode_error,
        doc,
        resource_spans,
        resource_attrs,
        span_item.v as span,
        resource_item.i || '.' || scope_item.i || '.' || span_item.i as span_position,
        {fields.select()}
    from spans
),
span_fields as (
    select
        *,
        {_entries(span_attributes)} as span_attrs
    from records
),
found as (
    select
        *,
        {once.select_list()}
    from span_fields
),
{checked_select("found", checks, columns)}
"""
