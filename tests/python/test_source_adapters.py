"""Every source adapter straight through the shared loader (no dbt): typed columns as the format means
them, the awkward cases, quarantine with reasons, privacy, and nothing loaded twice."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from source_fixtures import TRACE_1, write_sources_landing

from orchestration.ingest.assets import ADAPTERS
from orchestration.ingest.loader import connect_warehouse, ensure_raw_tables, load_source

SALT = "adapter-test-salt"
# Text the fixtures carry that must never reach the warehouse (prompts, completions, people's ids).
FORBIDDEN = (
    "secret",
    "dave@example.com",
    "carol",
    "end-user-7",
    "erin@example.com",
    "alice@example.com",
    "tenant-0042",
)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory) -> tuple[Path, dict[str, tuple[int, int, int]]]:
    workdir = tmp_path_factory.mktemp("adapters")
    landing = write_sources_landing(workdir / "landing")
    warehouse = workdir / "w.duckdb"
    con = connect_warehouse(warehouse)
    try:
        ensure_raw_tables(con, ADAPTERS)
        reports = {}
        for adapter in ADAPTERS:
            report = load_source(con, adapter, landing, SALT)
            reports[adapter.table] = (report.lines_read, report.rows_loaded, report.rows_rejected)
        again = [load_source(con, adapter, landing, SALT) for adapter in ADAPTERS]
        assert all(f.status == "already_loaded" for report in again for f in report.files)
    finally:
        con.close()
    return warehouse, reports


def rows(warehouse: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_records_read_equal_rows_loaded_plus_rejected_per_table(loaded):
    _, reports = loaded
    assert reports == {
        "gateway_requests": (3, 2, 1),
        "litellm_payloads": (4, 3, 1),  # the .json object (read whole) + 3 JSON lines, one broken
        "litellm_spend_logs": (1, 1, 0),
        "bedrock_invocations": (3, 3, 0),
        "otel_spans": (5, 4, 1),  # four spans from one line, and a line that is not JSON
        "openai_usage_results": (3, 3, 0),
        "anthropic_usage_results": (2, 2, 0),
        "gateway_audit_events": (3, 2, 1),
    }


def test_litellm_payload_keeps_counts_as_logged_and_flags_unpriced_calls(loaded):
    warehouse, _ = loaded
    got = rows(
        warehouse,
        "select response_id, custom_llm_provider, model, prompt_tokens, completion_tokens, cache_read_tokens, "
        "cache_creation_tokens, response_cost_usd, is_cost_missing, trace_id, api_key_alias, tag_owner_team, "
        "tag_feature, tag_cost_center, tag_environment, start_time from raw.litellm_payloads order by 1",
    )
    assert [row[:15] for row in got] == [
        (
            "chatcmpl-three",
            "openai",
            "gpt-4o-mini",
            1000,
            100,
            800,
            None,
            0.00015,
            False,
            TRACE_1,
            "key-search-prod",
            "search",
            "query-rewrite",
            "cc-1010",
            "prod",
        ),
        (
            "msg_l2",
            "anthropic",
            "anthropic/claude-sonnet-4-5-20250929",
            1000,
            100,
            800,
            100,
            0.002415,
            False,
            "b1c2",
            "key-search-prod",
            "search",
            "query-rewrite",
            "cc-1010",
            "prod",
        ),
        (
            "msg_l3",
            "anthropic",
            "anthropic/claude-3-5-sonnet-20241022",
            2000,
            500,
            None,
            None,
            0.0,
            True,
            "b1c3",
            "key-search-prod",
            "search",
            "query-rewrite",
            "cc-1010",
            "prod",
        ),
    ]
    assert str(got[0][15]) == "2026-08-03 10:00:00.250000"  # epoch-seconds float to the microsecond


def test_litellm_spend_logs_csv_reads_json_inside_quoted_fields(loaded):
    warehouse, _ = loaded
    assert rows(
        warehouse,
        "select response_id, model, prompt_tokens, completion_tokens, response_cost_usd, api_key_alias, "
        "tag_owner_team, tag_feature, tag_cost_center, start_time from raw.litellm_spend_logs",
    ) == [
        (
            "chatcmpl-s1",
            "gpt-4o-mini-2024-07-18",
            500,
            50,
            0.000105,
            "key-search-prod",
            "search",
            "query-rewrite",
            "cc-1010",
            rows(warehouse, "select timestamp '2026-08-03 11:00:00'")[0][0],
        )
    ]


def test_bedrock_splits_cache_writes_and_keeps_profile_arns(loaded):
    warehouse, _ = loaded
    assert rows(
        warehouse,
        "select request_id, model_id, input_tokens, cache_read_tokens, cache_write_tokens, cache_write_1h_tokens, "
        "output_tokens, is_guardrail_intervened, identity_role, tag_owner_team, tag_cost_center "
        "from raw.bedrock_invocations order by 1",
    ) == [
        (
            "b1",
            "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/search-sonnet",
            1000,
            2000,
            400,
            200,
            300,
            False,
            "arn:aws:sts::123456789012:assumed-role/search-app",
            "search",
            "cc-1010",
        ),
        (
            "b2",
            "anthropic.claude-3-5-sonnet-20240620-v1:0",
            2000,
            0,
            0,
            0,
            100,
            False,
            *rows(warehouse, "select 'arn:aws:sts::123456789012:assumed-role/search-app', 'search', 'cc-1010'")[0],
        ),
        (
            "b3",
            "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
            None,
            None,
            None,
            0,
            None,
            True,
            "arn:aws:sts::123456789012:assumed-role/search-app",
            "search",
            "cc-1010",
        ),
    ]


def test_otel_decodes_base64_ids_string_ints_and_deprecated_names(loaded):
    warehouse, _ = loaded
    got = rows(
        warehouse,
        "select span_position, trace_id, span_id, is_genai, provider_name, response_id, input_tokens, "
        "cache_read_tokens, cache_creation_tokens, output_tokens, span_kind, tag_owner_team, tag_feature "
        "from raw.otel_spans order by span_position",
    )
    assert got == [
        (
            "1.1.1",
            TRACE_1,
            "eee19b7ec3c1b174",
            True,
            "openai",
            "chatcmpl-three",
            1000,
            800,
            None,
            100,
            3,
            "search",
            None,
        ),
        (
            "1.1.2",
            "4bf92f3577b34da6a3ce929d0e0e4736",
            "00f067aa0ba902b7",
            True,
            "anthropic",
            "msg_o2",
            5000,
            3000,
            1000,
            200,
            3,
            "search",
            "answer-summaries",
        ),
        (
            "1.1.3",
            "4bf92f3577b34da6a3ce929d0e0e4736",
            "53995c3f42cd8ad8",
            False,
            None,
            None,
            None,
            None,
            None,
            None,
            2,
            "search",
            None,
        ),  # fmt: skip
        (
            "1.1.4",
            "0af7651916cd43dd8448eb211c80319c",
            "a3ce929d0e0e4736",
            True,
            "anthropic",
            None,
            300,
            None,
            None,
            20,
            3,
            "search",
            None,
        ),  # fmt: skip
    ]


def test_provider_pages_one_row_per_bucket_result(loaded):
    warehouse, _ = loaded
    assert rows(
        warehouse,
        "select result_kind, project_id, api_key_id, model, input_tokens, input_cached_tokens, "
        "input_cache_write_tokens, input_uncached_tokens, output_tokens, amount_value "
        "from raw.openai_usage_results order by result_kind, model",
    ) == [
        ("completions", "proj_search", None, "gpt-4o-mini-2024-07-18", 1500, 800, None, None, 150, None),
        ("completions", None, "key_ds_notebooks", "gpt-5.6-terra", 1000, 400, 100, 500, 500, None),
        (
            "costs",
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            rows(warehouse, "select 0.06::decimal(38, 12)")[0][0],
        ),
    ]
    assert rows(
        warehouse,
        "select result_kind, workspace_id, uncached_input_tokens, cache_read_input_tokens, "
        "cache_creation_5m_input_tokens, cache_creation_1h_input_tokens, output_tokens, cast(amount_cents as varchar) "
        "from raw.anthropic_usage_results order by result_kind",
    ) == [
        ("cost", None, None, None, None, None, None, "123.450000000000"),
        ("messages", "wrkspc_search", 100, 800, 60, 40, 100, None),
    ]


def test_rejects_name_the_reason_and_keep_no_text(loaded):
    warehouse, _ = loaded
    assert rows(warehouse, "select source, source_line, reason, line_bytes > 0 from raw.load_rejects order by 1") == [
        ("gateway", 3, "invalid_json: the line is not a complete JSON value", True),
        ("gateway_audit", 3, "missing_required_field: timestamp", True),
        ("litellm", 3, "invalid_timestamp: startTime is not a real date and time", True),
        ("otel", 2, "invalid_json: the line is not a complete JSON value", True),
    ]


def test_no_prompt_completion_or_personal_id_is_stored(loaded):
    warehouse, _ = loaded
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        tables = [
            row[0]
            for row in con.execute(
                "select table_name from information_schema.tables where table_schema = 'raw'"
            ).fetchall()
        ]
        for table in tables:
            text = con.execute(f"select cast(list(t) as varchar) from raw.{table} as t").fetchone()[0] or ""
            for needle in FORBIDDEN:
                assert needle not in text, (table, needle)
        hashes = con.execute(
            "select end_user_id_hash, user_id_hash from raw.litellm_payloads where response_id = 'chatcmpl-three'"
        ).fetchone()
        assert all(value is not None and len(value) == 64 for value in hashes)
    finally:
        con.close()
