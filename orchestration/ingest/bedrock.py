"""Adapter for AWS Bedrock model invocation logs (FORMATS.md section 4): one record per line, JSON lines,
often gzip (`.json.gz` as the S3 delivery writes them).

Bedrock's counts are already disjoint: inputTokenCount excludes cache reads and writes. The 1-hour share of
the cache writes exists only in the model's response body (Anthropic `usage.cache_creation`); it is read
before the bodies are dropped. `modelId` may be a foundation model, a cross-region profile (`us.`,
`global.`) or an application-inference-profile ARN; billable models come from seeds/model_aliases.csv.
The caller ARN is stored as a salted hash; for assumed roles the role (without the session name, which is
often a person's name) is kept readable for attribution.
"""

from __future__ import annotations

from orchestration.ingest.records import (
    TAG_COLUMNS_DDL,
    checked_select,
    count_checks,
    docs_cte,
    document_checks,
    drop_keys_patch,
    hashed,
    jtext,
    long_value_checks,
    lowered_entries,
    required_text_checks,
    tag_columns_sql,
    timestamp_checks,
    utc_timestamp,
)

ANTHROPIC_BODY_USAGE = "$.output.outputBodyJson.usage"


class BedrockAdapter:
    source = "bedrock"
    table = "bedrock_invocations"
    file_patterns = ("**/*.json", "**/*.json.gz", "**/*.jsonl", "**/*.jsonl.gz")
    exclude_patterns = ("amazon-bedrock-logs-permission-check*",)
    columns_ddl = ",\n".join(
        [
            "request_id varchar",
            "timestamp_utc timestamp",
            "account_id varchar",
            "identity_arn_hash varchar",
            "identity_role varchar",
            "region varchar",
            "inference_region varchar",
            "operation varchar",
            "model_id varchar",
            "input_tokens bigint",
            "cache_read_tokens bigint",
            "cache_write_tokens bigint",
            "cache_write_1h_tokens bigint",
            "output_tokens bigint",
            "stop_reason varchar",
            "is_guardrail_intervened boolean",
            "error_code varchar",
            "latency_ms bigint",
            TAG_COLUMNS_DDL,
            "payload varchar",
        ]
    )

    def select_parsed_sql(self) -> str:
        counts = {
            "input.inputTokenCount": jtext("rec", "$.input.inputTokenCount"),
            "input.cacheReadInputTokenCount": jtext("rec", "$.input.cacheReadInputTokenCount"),
            "input.cacheWriteInputTokenCount": jtext("rec", "$.input.cacheWriteInputTokenCount"),
            "output.outputTokenCount": jtext("rec", "$.output.outputTokenCount"),
            "usage.cache_creation.ephemeral_1h_input_tokens": jtext(
                "rec", f"{ANTHROPIC_BODY_USAGE}.cache_creation.ephemeral_1h_input_tokens"
            ),
        }
        timestamp = utc_timestamp(jtext("rec", "$.timestamp"))
        write = f"coalesce(try_cast({counts['input.cacheWriteInputTokenCount']} as bigint), 0)"
        write_1h = f"coalesce(try_cast({counts['usage.cache_creation.ephemeral_1h_input_tokens']} as bigint), 0)"
        required = {
            "requestId": jtext("rec", "$.requestId"),
            "timestamp": jtext("rec", "$.timestamp"),
            "modelId": jtext("rec", "$.modelId"),
        }
        checks = document_checks("rec")
        checks += required_text_checks(required)
        checks += long_value_checks({"requestId": required["requestId"]})
        checks.append((f"length({required['modelId']}) > 2048", "'value_too_long: modelId is longer than 2048'"))
        checks += timestamp_checks(timestamp, "timestamp")
        for label, value_sql in counts.items():
            checks += count_checks(value_sql, label)
        checks.append(
            (
                f"{write_1h} > {write}",
                "'inconsistent_token_counts: 1-hour cache writes exceed cacheWriteInputTokenCount'",
            )
        )
        stop_reason = (
            f"coalesce({jtext('rec', '$.output.outputBodyJson.stopReason')}, "
            f"{jtext('rec', '$.output.outputBodyJson.stop_reason')})"
        )
        guardrail_action = jtext("rec", '$.output.outputBodyJson."amazon-bedrock-guardrailAction"')
        guardrail = (
            f"(lower(coalesce({stop_reason}, '')) = 'guardrail_intervened' "
            f"or upper(coalesce({guardrail_action}, '')) = 'INTERVENED')"
        )
        invocation_latency = jtext(
            "rec", '$.output.outputBodyJson."amazon-bedrock-invocationMetrics".invocationLatency'
        )
        arn = jtext("rec", "$.identity.arn")
        role = f"case when {arn} like '%:assumed-role/%' then regexp_extract({arn}, '^(.*:assumed-role/[^/]+)', 1) end"
        # Bodies hold prompt and completion text: only their shape-free metadata survives.
        scrubbed_input = drop_keys_patch("json_extract(rec, '$.input')", ("inputBodyJson", "inputBodyS3Path"))
        scrubbed_output = drop_keys_patch("json_extract(rec, '$.output')", ("outputBodyJson", "outputBodyS3Path"))
        # A merge patch only adds and replaces keys: drop the sections whole, then put the scrubbed ones back.
        payload = (
            f"json_merge_patch({drop_keys_patch('rec', ('input', 'output', 'identity'))}, json_object("
            f"'input', coalesce({scrubbed_input}, json_object()), "
            f"'output', coalesce({scrubbed_output}, json_object())))"
        )
        columns = [
            f"{required['requestId']} as request_id",
            f"{timestamp} as timestamp_utc",
            f"{jtext('rec', '$.accountId')} as account_id",
            f"{hashed(arn)} as identity_arn_hash",
            f"{role} as identity_role",
            f"{jtext('rec', '$.region')} as region",
            f"{jtext('rec', '$.inferenceRegion')} as inference_region",
            f"{jtext('rec', '$.operation')} as operation",
            f"{required['modelId']} as model_id",
            f"try_cast({counts['input.inputTokenCount']} as bigint) as input_tokens",
            f"try_cast({counts['input.cacheReadInputTokenCount']} as bigint) as cache_read_tokens",
            f"case when {counts['input.cacheWriteInputTokenCount']} is not null then {write} - {write_1h} end"
            " as cache_write_tokens",
            f"{write_1h} as cache_write_1h_tokens",
            f"try_cast({counts['output.outputTokenCount']} as bigint) as output_tokens",
            f"{stop_reason} as stop_reason",
            f"{guardrail} as is_guardrail_intervened",
            f"nullif({jtext('rec', '$.errorCode')}, '') as error_code",
            f"try_cast(coalesce({jtext('rec', '$.output.outputBodyJson.metrics.latencyMs')}, "
            f"{invocation_latency}) as bigint) as latency_ms",
            *tag_columns_sql([lowered_entries("json_extract(rec, '$.requestMetadata')")]),
            f"cast(case when json_type(rec) = 'OBJECT' then {payload} end as varchar) as payload",
        ]
        return f"""
with {docs_cte()},
records as (
    select line_number, decode_error, doc as rec from docs
),
{checked_select("records", checks, columns)}
"""
