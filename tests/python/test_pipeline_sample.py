"""The whole pipeline on a generated sample: every cent accounted for, and a second run changes nothing.

The expected total is recomputed here in plain Python from the raw JSONL lines and seeds/model_prices.csv,
independently of the SQL (its own parsing, de-duplication, alias and effective-dated price lookup).
"""

from __future__ import annotations

import csv
import gzip
import json
import os
import re
from collections import defaultdict
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
from click.testing import CliRunner
from helpers import query, run_on

from orchestration.cli import main
from orchestration.pipeline import format_summary
from orchestration.sample.generator import UNKNOWN_MODEL
from orchestration.settings import SEEDS_DIR

TOKEN_KINDS = ("input_tokens", "cache_read_tokens", "cache_write_tokens", "cache_write_1h_tokens", "output_tokens")
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def _price_book():
    aliases = {
        (r["provider"], r["logged_model"]): r["billable_model"]
        for r in csv.DictReader((SEEDS_DIR / "model_aliases.csv").open())
    }
    prices = defaultdict(list)
    for r in csv.DictReader((SEEDS_DIR / "model_prices.csv").open()):
        prices[(r["provider"], r["model"])].append(r)
    return aliases, prices


def _cost(record: dict, aliases, prices) -> Decimal | None:
    provider = record["provider"]
    model = aliases.get((provider, record["selected_model"]), record["selected_model"])
    when = datetime.fromisoformat(record["timestamp"].replace("Z", "+00:00")).astimezone(UTC).replace(tzinfo=None)
    for row in prices.get((provider, model), []):
        start = datetime.fromisoformat(row["effective_from"])
        end = datetime.fromisoformat(row["effective_to"]) if row["effective_to"] else datetime.max
        if start <= when < end:
            rate = {k: Decimal(v) if v else None for k, v in row.items() if k.endswith("_usd_per_mtok")}
            input_rate = rate["input_usd_per_mtok"]
            write_rate = rate["cache_write_usd_per_mtok"] or input_rate
            per_kind = {
                "input_tokens": input_rate,
                "cache_read_tokens": rate["cache_read_usd_per_mtok"] or input_rate,
                "cache_write_tokens": write_rate,
                "cache_write_1h_tokens": rate["cache_write_1h_usd_per_mtok"] or write_rate,
                "output_tokens": rate["output_usd_per_mtok"],
            }
            usage = record.get("usage") or {}
            return sum((Decimal(usage.get(k, 0)) * per_kind[k] for k in TOKEN_KINDS), Decimal(0)) / Decimal(10**6)
    return None


def _valid(record) -> bool:
    if not isinstance(record, dict):
        return False
    if not all(isinstance(record.get(k), str) and record.get(k) for k in ("request_id", "provider", "selected_model")):
        return False
    if not isinstance(record.get("timestamp"), str) or not RFC3339.match(record["timestamp"]):
        return False
    usage = record.get("usage") or {}
    return all(isinstance(usage.get(k, 0), int) and usage.get(k, 0) >= 0 for k in usage)


def _bedrock_records(landing: Path):
    """Bedrock invocation records as the independent reader sees them: counts disjoint, the 1-hour part of
    the cache writes in the response body, priced as provider aws_bedrock."""
    for path in sorted((landing / "bedrock").rglob("*.json.gz")):
        for raw in gzip.decompress(path.read_bytes()).decode("utf-8").splitlines():
            record = json.loads(raw)
            tokens_in, tokens_out = record.get("input", {}), record.get("output", {})
            body_usage = (tokens_out.get("outputBodyJson") or {}).get("usage") or {}
            writes_1h = (body_usage.get("cache_creation") or {}).get("ephemeral_1h_input_tokens", 0)
            yield {
                "request_id": record["requestId"],
                "provider": "aws_bedrock",
                "selected_model": record["modelId"],
                "timestamp": record["timestamp"],
                "usage": {
                    "input_tokens": tokens_in.get("inputTokenCount", 0),
                    "cache_read_tokens": tokens_in.get("cacheReadInputTokenCount", 0),
                    "cache_write_tokens": tokens_in.get("cacheWriteInputTokenCount", 0) - writes_1h,
                    "cache_write_1h_tokens": writes_1h,
                    "output_tokens": tokens_out.get("outputTokenCount", 0),
                },
            }


def independent_totals(landing: Path) -> dict[str, Decimal]:
    aliases, prices = _price_book()
    seen: set[str] = set()
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for path in sorted((landing / "gateway").rglob("*.jsonl")):
        for raw in path.read_text(encoding="utf-8").splitlines():
            try:
                record = json.loads(raw)
            except json.JSONDecodeError:
                continue
            if not _valid(record) or record["request_id"] in seen:
                continue
            seen.add(record["request_id"])
            cost = _cost(record, aliases, prices)
            if cost is not None:
                totals[record["timestamp"][:7]] += cost
    # LiteLLM and OTel copies of gateway attempts add nothing; Bedrock traffic bypasses the gateway.
    for record in _bedrock_records(landing):
        cost = _cost(record, aliases, prices)
        if cost is not None:
            totals[record["timestamp"][:7]] += cost
    return dict(totals)


def _mart_snapshot(warehouse: Path) -> dict[str, list[tuple]]:
    return {
        table: query(warehouse, f"select * from marts.{table} order by all")
        for table in ("fct_ai_requests", "fct_chargeback_monthly")
    }


def test_sample_run_succeeds_and_contracts_pass(sample_run):
    _, _, summary, _ = sample_run
    assert summary.success, (summary.failed_steps, summary.dbt_failures)
    assert summary.contracts and all(c.passed for c in summary.contracts), summary.contracts
    assert summary.rows_rejected_now >= 3


def test_a_model_without_a_price_is_named_with_what_to_do(sample_run):
    """An unknown model is null-priced, never zero: the run summary names it and says how to price it."""
    _, warehouse_dir, summary, _ = sample_run
    assert summary.unpriced_models == [f"openai/{UNKNOWN_MODEL}"]
    unpriced = query(
        warehouse_dir / "warehouse.duckdb",
        "select count(*), count(list_cost_usd) from marts.fct_ai_requests where pricing_status <> 'priced'",
    )
    assert unpriced == [(summary.unpriced_attempts, 0)] and summary.unpriced_attempts > 0
    (line,) = [text for text in format_summary(summary).splitlines() if "no price for" in text]
    assert line == (
        f"  no price for       openai/{UNKNOWN_MODEL}: add a row to seeds/model_price_overrides.csv (or a line "
        "to seeds/model_aliases.csv), run `chargeback prices sync`, then run again; see marts.rpt_unpriced_usage"
    )


def test_list_cost_equals_independent_recomputation_and_ledger(sample_run):
    landing, workdir, _, _ = sample_run
    warehouse = workdir / "warehouse.duckdb"
    expected = independent_totals(landing)
    fact = dict(query(warehouse, "select strftime(billing_month, '%Y-%m'), sum(list_cost_usd) "
                                 "from marts.fct_ai_requests group by 1"))  # fmt: skip
    ledger = dict(query(warehouse, "select strftime(billing_month, '%Y-%m'), sum(list_cost_usd) "
                                   "from marts.fct_chargeback_monthly group by 1"))  # fmt: skip
    assert set(expected) == {"2026-07", "2026-08"}
    assert fact == ledger
    assert {month: round(cost, 12) for month, cost in fact.items()} == {
        month: round(cost, 12) for month, cost in expected.items()
    }


def test_raw_lines_equal_loaded_plus_rejected(sample_run):
    landing, workdir, _, _ = sample_run
    warehouse = workdir / "warehouse.duckdb"
    lines_on_disk = sum(
        1 for p in (landing / "gateway").rglob("*.jsonl") for raw in p.read_bytes().split(b"\n") if raw.strip()
    )
    loaded = query(warehouse, "select count(*) from raw.gateway_requests")[0][0]
    rejected = query(warehouse, "select count(*) from raw.load_rejects where source = 'gateway'")[0][0]
    assert lines_on_disk == loaded + rejected


def test_second_run_changes_no_mart(sample_run):
    landing, workdir, _, _ = sample_run
    warehouse = workdir / "warehouse.duckdb"
    before = _mart_snapshot(warehouse)
    second = run_on(landing, workdir)
    assert second.success
    assert second.files_loaded_now == 0 and second.rows_loaded_now == 0
    assert _mart_snapshot(warehouse) == before


def test_every_source_is_conserved_and_cross_source_copies_count_once(sample_run):
    _, workdir, summary, generated = sample_run
    warehouse = workdir / "warehouse.duckdb"
    others = generated.other_sources
    conservation = {row[0]: row[1:] for row in query(warehouse, "select * from marts.rpt_source_conservation")}
    assert all(row[-1] for row in conservation.values()), conservation
    assert {row[0] for row in summary.sources} == set(conservation)
    # source: raw records, canonical, de-duplicated, quarantined, not attempts
    assert conservation["litellm"][:4] == (
        others.litellm_payloads + others.litellm_spend_logs,
        0,
        others.litellm_payloads + others.litellm_spend_logs,
        0,
    )
    assert conservation["otel"][:5] == (
        others.otel_spans,
        0,
        others.otel_inference_spans,
        0,
        others.otel_spans - others.otel_inference_spans,
    )
    assert conservation["bedrock"][:2] == (others.bedrock_records, others.bedrock_records)
    three = others.three_source_request_ids
    assert len(three) > 100
    rows = query(
        warehouse,
        "select count(*), count(distinct request_id), min(sources_seen), max(copies_seen) from marts.fct_ai_requests "
        "where request_id in (select unnest(?::varchar[]))",
        [three],
    )[0]
    billable_three = query(
        warehouse,
        "select count(*) from intermediate.int_usage_attempts_deduplicated "
        "where is_billable and request_id in (select unnest(?::varchar[]))",
        [three],
    )[0][0]
    assert rows[0] == rows[1] == billable_three and rows[2] == 3


def test_provider_usage_pages_sum_to_the_gateway_tokens(sample_run):
    _, workdir, _, generated = sample_run
    warehouse = workdir / "warehouse.duckdb"
    kinds = ("input", "cache_read", "cache_write", "cache_write_1h", "output")
    unlogged = query(
        warehouse,
        "select provider, "
        + ", ".join(f"sum(unlogged_{kind}_tokens)" for kind in kinds)
        + " from marts.rpt_provider_usage_reconciliation group by 1 order by 1",
    )
    # The pages count what the provider served, malformed log lines included: exactly those are unlogged.
    missing = generated.other_sources.tokens_of_malformed_lines
    assert unlogged == [
        (provider, *(missing.get(provider, {}).get(kind, 0) for kind in kinds)) for provider in ("anthropic", "openai")
    ]


def _landing_secrets(landing: Path) -> set[str]:
    """Raw identifiers and text the landing files carry and the warehouse must never hold."""
    secrets: set[str] = set()
    for path in (landing / "gateway").rglob("*.jsonl"):
        for raw in path.read_text(encoding="utf-8").splitlines():
            try:
                record = json.loads(raw)
            except json.JSONDecodeError:
                continue
            if not isinstance(record, dict):
                continue
            tags = record.get("tags") if isinstance(record.get("tags"), dict) else {}
            secrets.update(str(tags[key]) for key in ("tenant_id", "end_user_id") if tags.get(key))
            for message in record.get("messages") or []:
                if isinstance(message, dict) and isinstance(message.get("content"), str):
                    secrets.add(message["content"])
            if isinstance(record.get("response"), str):
                secrets.add(record["response"])
    return {secret for secret in secrets if len(secret) >= 6}


def test_no_prompt_text_raw_id_or_salt_is_stored(sample_run):
    landing, workdir, *_ = sample_run
    secrets = _landing_secrets(landing)
    assert any("@" in s for s in secrets) and any(s.startswith("tenant-") for s in secrets)
    secrets.add(os.environ["CHARGEBACK_HASH_SALT"])
    con = duckdb.connect(str(workdir / "warehouse.duckdb"), read_only=True)
    try:
        columns = con.execute(
            "select table_schema, table_name, column_name from information_schema.columns where data_type = 'VARCHAR'"
        ).fetchall()
        stored = set()
        for schema, table, column in columns:
            stored.update(
                value for (value,) in con.execute(f'select distinct "{column}" from "{schema}"."{table}"').fetchall()
                if value is not None
            )  # fmt: skip
    finally:
        con.close()
    text = "\n".join(stored)
    leaked = sorted(secret for secret in secrets if secret in text)
    assert leaked == []
    # What we write, not the exports we read (LiteLLM and OTel files carry end-user ids as exported): the run's
    # logs and Data Docs, and the files people take away (FOCUS export, weekly report).
    exports = workdir / "privacy_exports"
    for args in (["export", "focus", "--month", "2026-07"], ["report", "weekly"]):
        result = CliRunner().invoke(
            main, [*args, "--out", str(exports), "--warehouse", str(workdir / "warehouse.duckdb")]
        )
        assert result.exit_code == 0, result.output
    files = [
        p
        for p in workdir.rglob("*")
        if p.is_file() and p.suffix in (".html", ".json", ".log", ".csv", ".parquet") and landing not in p.parents
    ]
    assert {p.suffix for p in exports.iterdir()} >= {".csv", ".parquet", ".html", ".json"}
    for path in files:
        if path.suffix == ".parquet":  # compressed pages: compare the values, not the bytes
            table = pq.read_table(path)
            content = "\n".join(str(v) for column in table.columns for v in column.to_pylist() if v is not None)
        else:
            content = path.read_text(encoding="utf-8", errors="ignore")
        assert not [secret for secret in secrets if secret in content], path
