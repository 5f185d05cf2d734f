"""The whole pipeline on a generated sample: every cent accounted for, and a second run changes nothing.

The expected total is recomputed here in plain Python from the raw JSONL lines and seeds/model_prices.csv,
independently of the SQL (its own parsing, de-duplication, alias and effective-dated price lookup).
"""

from __future__ import annotations

import csv
import json
import re
from collections import defaultdict
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from helpers import query, run_on

from orchestration.sample.generator import generate_sample
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
    return dict(totals)


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("sample")
    landing = workdir / "landing"
    # Ten days across the 2026-07-30 price change and a month boundary.
    generate_sample(landing, requests=3000, days=10, seed=11, start=date(2026, 7, 25))
    first = run_on(landing, workdir)
    return landing, workdir, first


def _mart_snapshot(warehouse: Path) -> dict[str, list[tuple]]:
    return {
        table: query(warehouse, f"select * from marts.{table} order by all")
        for table in ("fct_ai_requests", "fct_chargeback_monthly")
    }


def test_sample_run_succeeds_and_contracts_pass(sample_run):
    _, _, summary = sample_run
    assert summary.success, (summary.failed_steps, summary.dbt_failures)
    assert [c.passed for c in summary.contracts] == [True]
    assert summary.rows_rejected_now >= 3


def test_list_cost_equals_independent_recomputation_and_ledger(sample_run):
    landing, workdir, _ = sample_run
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
    landing, workdir, _ = sample_run
    warehouse = workdir / "warehouse.duckdb"
    lines_on_disk = sum(
        1 for p in (landing / "gateway").rglob("*.jsonl") for raw in p.read_bytes().split(b"\n") if raw.strip()
    )
    loaded = query(warehouse, "select count(*) from raw.gateway_requests")[0][0]
    rejected = query(warehouse, "select count(*) from raw.load_rejects")[0][0]
    assert lines_on_disk == loaded + rejected


def test_second_run_changes_no_mart(sample_run):
    landing, workdir, _ = sample_run
    warehouse = workdir / "warehouse.duckdb"
    before = _mart_snapshot(warehouse)
    second = run_on(landing, workdir)
    assert second.success
    assert second.files_loaded_now == 0 and second.rows_loaded_now == 0
    assert _mart_snapshot(warehouse) == before
