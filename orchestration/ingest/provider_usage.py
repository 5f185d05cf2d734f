"""Adapters for provider admin usage and cost pages saved as JSON (FORMATS.md sections 2.1, 2.2, 3.1, 3.2).

A saved page (`.json`, read whole) or one page per line (`.jsonl`) yields one record per bucket result.
Usage and cost results of one provider share a table; `result_kind` tells them apart.

- OpenAI completions usage: `input_tokens` includes cached and cache-write tokens (kept as logged here;
  staging makes them disjoint). Costs: `amount.value` in USD (read as a decimal, never a float).
- Anthropic messages usage: counts are already disjoint (uncached, cache read, 5-minute and 1-hour cache
  writes, nested `cache_creation` or the flat variant). Costs: `amount` is a decimal string in cents.
"""

from __future__ import annotations

from orchestration.ingest.records import (
    MAX_BUCKET_TOKENS,
    checked_select,
    count_checks,
    docs_cte,
    document_checks,
    hashed,
    jtext,
    timestamp_checks,
    utc_timestamp,
)

OPENAI_USAGE_OBJECT = "organization.usage.completions.result"
OPENAI_COST_OBJECT = "organization.costs.result"


def _results_sql(start_key: str) -> str:
    """docs -> one row per bucket result, keeping one row (with a null result) for unreadable pages."""
    positioned = "list_transform({0}, lambda x, i: {{'i': i, 'v': x}})"
    return f"""
buckets as (
    select
        line_number,
        decode_error,
        doc,
        unnest(
            case
                when json_type(json_extract(doc, '$.data')) = 'ARRAY'
                    then {positioned.format("json_extract(doc, '$.data[*]')")}
                else [{{'i': 0, 'v': null::json}}]
            end
        ) as bucket_item
    from docs
),
results as (
    select
        *,
        bucket_item.v as bucket,
        unnest(
            case
                when json_type(json_extract(bucket_item.v, '$.results')) = 'ARRAY'
                    then {positioned.format("json_extract(bucket_item.v, '$.results[*]')")}
                else [{{'i': 0, 'v': null::json}}]
            end
        ) as result_item
    from buckets
),
records as (
    select
        line_number,
        decode_error,
        doc,
        bucket,
        result_item.v as result,
        bucket_item.i || '.' || result_item.i as result_position,
        json_extract_string(bucket, '$.{start_key}') as bucket_start_text
    from results
)"""


def _page_checks() -> list[tuple[str, str]]:
    return [
        *document_checks("doc"),
        (
            "json_type(json_extract(doc, '$.data')) <> 'ARRAY'",
            "'missing_required_field: data (the page has no buckets)'",
        ),
        ("bucket is null", "'invalid_type: a bucket must be an object'"),
        ("result is null", "'missing_required_field: results'"),
        ("json_type(result) <> 'OBJECT'", "'invalid_type: a result must be an object'"),
    ]


class OpenAIUsageAdapter:
    source = "openai_usage"
    table = "openai_usage_results"
    file_patterns = ("**/*.json", "**/*.json.gz", "**/*.jsonl", "**/*.jsonl.gz")
    document_patterns = ("*.json", "*.json.gz")
    columns_ddl = ",\n".join(
        [
            "result_position varchar",
            "result_kind varchar",
            "bucket_start timestamp",
            "bucket_end timestamp",
            "project_id varchar",
            "user_id_hash varchar",
            "api_key_id varchar",
            "model varchar",
            "is_batch boolean",
            "service_tier varchar",
            "input_tokens bigint",
            "input_cached_tokens bigint",
            "input_cache_write_tokens bigint",
            "input_uncached_tokens bigint",
            "output_tokens bigint",
            "num_model_requests bigint",
            "amount_value decimal(38, 12)",
            "currency varchar",
            "line_item varchar",
            "quantity double",
        ]
    )

    def select_parsed_sql(self) -> str:
        kind = (
            f"case coalesce({jtext('result', '$.object')}, "
            f"case when json_extract(result, '$.amount') is not null then '{OPENAI_COST_OBJECT}' end) "
            f"when '{OPENAI_USAGE_OBJECT}' then 'completions' when '{OPENAI_COST_OBJECT}' then 'costs' end"
        )
        counts = {
            name: jtext("result", f"$.{name}")
            for name in (
                "input_tokens",
                "input_cached_tokens",
                "input_cache_write_tokens",
                "input_uncached_tokens",
                "output_tokens",
                "num_model_requests",
            )
        }

        def as_int(name: str) -> str:
            return f"coalesce(try_cast({counts[name]} as hugeint), 0)"

        start = "make_timestamp(cast(try_cast(bucket_start_text as bigint) * 1000000 as bigint))"
        end = "make_timestamp(cast(try_cast(json_extract_string(bucket, '$.end_time') as bigint) * 1000000 as bigint))"
        amount = jtext("result", "$.amount.value")
        checks = _page_checks()
        checks += [
            (f"({kind}) is null", "'unsupported_result: ' || coalesce(" + jtext("result", "$.object") + ", 'unknown')"),
            ("try_cast(bucket_start_text as bigint) is null", "'invalid_timestamp: start_time must be unix seconds'"),
            *timestamp_checks(start, "start_time"),
        ]
        for name, value_sql in counts.items():
            checks += count_checks(value_sql, name, MAX_BUCKET_TOKENS)
        checks += [
            (
                f"{as_int('input_tokens')} < {as_int('input_cached_tokens')} + {as_int('input_cache_write_tokens')}",
                "'inconsistent_token_counts: input_tokens (which includes cached and cache-write tokens) is below "
                "input_cached_tokens + input_cache_write_tokens'",
            ),
            (
                f"({kind}) = 'costs' and try_cast({amount} as decimal(38, 12)) is null",
                "'invalid_amount: amount.value must be a number'",
            ),
            (
                f"({kind}) = 'costs' and lower(coalesce({jtext('result', '$.amount.currency')}, 'usd')) <> 'usd'",
                "'unsupported_currency: only USD amounts are supported'",
            ),
        ]
        columns = [
            "result_position",
            f"{kind} as result_kind",
            f"{start} as bucket_start",
            f"{end} as bucket_end",
            f"{jtext('result', '$.project_id')} as project_id",
            f"{hashed(jtext('result', '$.user_id'))} as user_id_hash",
            f"{jtext('result', '$.api_key_id')} as api_key_id",
            f"{jtext('result', '$.model')} as model",
            f"try_cast({jtext('result', '$.batch')} as boolean) as is_batch",
            f"{jtext('result', '$.service_tier')} as service_tier",
            *(f"try_cast({value_sql} as bigint) as {name}" for name, value_sql in counts.items()),
            f"try_cast({amount} as decimal(38, 12)) as amount_value",
            f"lower({jtext('result', '$.amount.currency')}) as currency",
            f"{jtext('result', '$.line_item')} as line_item",
            f"try_cast({jtext('result', '$.quantity')} as double) as quantity",
        ]
        return f"""
with {docs_cte()},
{_results_sql("start_time")},
{checked_select("records", checks, columns)}
"""


class AnthropicUsageAdapter:
    source = "anthropic_usage"
    table = "anthropic_usage_results"
    file_patterns = ("**/*.json", "**/*.json.gz", "**/*.jsonl", "**/*.jsonl.gz")
    document_patterns = ("*.json", "*.json.gz")
    columns_ddl = ",\n".join(
        [
            "result_position varchar",
            "result_kind varchar",
            "bucket_start timestamp",
            "bucket_end timestamp",
            "api_key_id varchar",
            "workspace_id varchar",
            "model varchar",
            "service_tier varchar",
            "context_window varchar",
            "inference_geo varchar",
            "uncached_input_tokens bigint",
            "cache_read_input_tokens bigint",
            "cache_creation_5m_input_tokens bigint",
            "cache_creation_1h_input_tokens bigint",
            "output_tokens bigint",
            "web_search_requests bigint",
            "amount_cents decimal(38, 12)",
            "currency varchar",
            "description varchar",
            "cost_type varchar",
            "token_type varchar",
        ]
    )

    def select_parsed_sql(self) -> str:
        kind = (
            "case when json_extract(result, '$.amount') is not null then 'cost' "
            "when json_extract(result, '$.uncached_input_tokens') is not null "
            "or json_extract(result, '$.output_tokens') is not null then 'messages' end"
        )
        counts = {
            "uncached_input_tokens": jtext("result", "$.uncached_input_tokens"),
            "cache_read_input_tokens": jtext("result", "$.cache_read_input_tokens"),
            "cache_creation.ephemeral_5m_input_tokens": (
                f"coalesce({jtext('result', '$.cache_creation.ephemeral_5m_input_tokens')}, "
                f"{jtext('result', '$.cache_creation_5m_input_tokens')})"
            ),
            "cache_creation.ephemeral_1h_input_tokens": (
                f"coalesce({jtext('result', '$.cache_creation.ephemeral_1h_input_tokens')}, "
                f"{jtext('result', '$.cache_creation_1h_input_tokens')})"
            ),
            "output_tokens": jtext("result", "$.output_tokens"),
            "server_tool_use.web_search_requests": jtext("result", "$.server_tool_use.web_search_requests"),
        }
        start = utc_timestamp("bucket_start_text")
        # The amount is a decimal string in the lowest currency unit (cents); a number is accepted too.
        amount = jtext("result", "$.amount")
        checks = _page_checks()
        checks += [
            (f"({kind}) is null", "'unsupported_result: neither a usage nor a cost result'"),
            *timestamp_checks(start, "starting_at"),
        ]
        for name, value_sql in counts.items():
            checks += count_checks(value_sql, name, MAX_BUCKET_TOKENS)
        checks += [
            (
                f"({kind}) = 'cost' and try_cast({amount} as decimal(38, 12)) is null",
                "'invalid_amount: amount must be a decimal string in cents'",
            ),
            (
                f"({kind}) = 'cost' and upper(coalesce({jtext('result', '$.currency')}, 'USD')) <> 'USD'",
                "'unsupported_currency: only USD amounts are supported'",
            ),
        ]
        columns = [
            "result_position",
            f"{kind} as result_kind",
            f"{start} as bucket_start",
            f"{utc_timestamp(jtext('bucket', '$.ending_at'))} as bucket_end",
            f"{jtext('result', '$.api_key_id')} as api_key_id",
            f"{jtext('result', '$.workspace_id')} as workspace_id",
            f"{jtext('result', '$.model')} as model",
            f"{jtext('result', '$.service_tier')} as service_tier",
            f"{jtext('result', '$.context_window')} as context_window",
            f"{jtext('result', '$.inference_geo')} as inference_geo",
            *(
                f"try_cast({value_sql} as bigint) as {name}"
                for name, value_sql in zip(
                    (
                        "uncached_input_tokens",
                        "cache_read_input_tokens",
                        "cache_creation_5m_input_tokens",
                        "cache_creation_1h_input_tokens",
                        "output_tokens",
                        "web_search_requests",
                    ),
                    counts.values(),
                    strict=True,
                )
            ),
            f"try_cast({amount} as decimal(38, 12)) as amount_cents",
            f"upper({jtext('result', '$.currency')}) as currency",
            f"{jtext('result', '$.description')} as description",
            f"{jtext('result', '$.cost_type')} as cost_type",
            f"{jtext('result', '$.token_type')} as token_type",
        ]
        return f"""
with {docs_cte()},
{_results_sql("starting_at")},
{checked_select("records", checks, columns)}
"""
