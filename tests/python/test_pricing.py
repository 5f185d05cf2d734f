"""The price book against genai-prices, end to end: real provider usage bodies go through the loader and dbt,
and every attempt's list cost equals genai_prices.calc_price for the same body, timestamp and request context
to 1e-9 USD. Then one price row is changed in a copy of the project and the rebuild re-prices exactly the
attempts in that row's window, which the re-pricing report shows per version and team."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from helpers import query, run_on
from pricing_cases import CASES, REPORT_LINES, write_landing

from orchestration.settings import PROFILES_DIR, PROJECT_DIR

TOLERANCE = Decimal("1e-9")
# The row changed in the re-pricing test: gpt-5.6-terra's price before the 2026-07-30 change, base tier.
CHANGED_ROW = {
    "provider": "openai",
    "model": "gpt-5.6-terra",
    "effective_from": "1970-01-01",
    "processing": "standard",
    "service_tier": "default",
    "tier_min_input_tokens": "0",
}
NEW_INPUT_PRICE = "3.1"


@pytest.fixture(scope="module")
def priced_run(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("pricing")
    write_landing(workdir / "landing")
    summary = run_on(workdir / "landing", workdir)
    assert not summary.dbt_failures, summary.dbt_failures
    return workdir / "warehouse.duckdb"


@pytest.fixture(scope="module")
def costs(priced_run) -> dict[str, tuple]:
    rows = query(
        priced_run,
        """select request_id, list_cost_usd, price_version, pricing_status, is_long_context_tier,
                  price_processing, price_service_tier, price_source
           from marts.fct_ai_requests""",
    )
    return {row[0]: row[1:] for row in rows}


def test_the_case_table_is_large_and_varied():
    assert len(CASES) >= 30
    assert {case.provider for case in CASES} == {"openai", "anthropic", "google", "aws_bedrock", "azure_openai"}
    assert {case.flavor for case in CASES} == {"openai_chat", "openai_responses", "anthropic", "bedrock", "gemini"}


@pytest.mark.parametrize("case", CASES, ids=[case.case_id for case in CASES])
def test_cost_matches_genai_prices(case, costs):
    cost, version, status, *_ = costs[case.case_id]
    assert status == "priced"
    assert version.startswith("gp-")
    expected = case.genai_price()
    assert expected > 0
    assert abs(cost - expected) <= TOLERANCE, (cost, expected)


def test_price_change_splits_at_midnight_utc(costs):
    before, after = costs["oa-chat-terra-before-change"], costs["oa-chat-terra-after-change"]
    assert (before[0], after[0]) == (Decimal("0.0645"), Decimal("0.0516"))
    assert before[1] != after[1]


def test_long_context_tier_counts_cache_tokens(costs):
    # 5,000 uncached + 190,000 cache read + 6,000 cache write = 201,000 > 200,000: the whole request moves.
    assert costs["an-sonnet-long-context-via-cache"][3] is True
    assert costs["an-sonnet-long-context-via-cache"][0] == Decimal("0.234")
    # Exactly at the threshold is still the base tier (the tier starts above it).
    assert costs["oa-resp-terra-at-threshold"][3] is False
    assert costs["oa-resp-terra-long-context"][3] is True


def test_request_context_selects_batch_and_service_tier_prices(costs):
    assert costs["oa-resp-41mini-batch"][4:6] == ("batch", "default")
    assert costs["oa-resp-luna-priority"][4:6] == ("standard", "priority")
    assert costs["oa-resp-terra-flex"][4:6] == ("standard", "flex")
    # Before the batch price starts, a batch request pays the standard price.
    assert costs["oa-resp-4omini-batch-before-batch-price"][4:6] == ("standard", "default")
    assert costs["oa-resp-4omini-batch-before-batch-price"][0] == Decimal("0.015")


def test_every_row_carries_version_and_source(priced_run):
    rows = query(
        priced_run,
        """select pricing_status, count(*), count(price_version), count(price_source), count(list_cost_usd)
           from marts.fct_ai_requests group by 1 order by 1""",
    )
    priced = len(CASES) + len(REPORT_LINES) - 1  # all but the unknown model
    assert rows == [("priced", priced, priced, priced, priced), ("unknown_model", 1, 0, 0, 0)]


def _copy_project(destination: Path) -> Path:
    project = destination / "project"
    project.mkdir()
    shutil.copy2(PROJECT_DIR / "dbt_project.yml", project / "dbt_project.yml")
    for folder in ("models", "macros", "seeds", "tests/dbt"):
        shutil.copytree(PROJECT_DIR / folder, project / folder)
    return project


def _change_price_row(seed: Path) -> None:
    with seed.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        columns, rows = reader.fieldnames, list(reader)
    matches = [row for row in rows if all(row[key] == value for key, value in CHANGED_ROW.items())]
    assert len(matches) == 1
    matches[0]["input_usd_per_mtok"] = NEW_INPUT_PRICE
    with seed.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture(scope="module")
def repriced(priced_run, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("repriced")
    warehouse = workdir / "warehouse.duckdb"
    shutil.copy2(priced_run, warehouse)
    project = _copy_project(workdir)
    _change_price_row(project / "seeds" / "model_prices.csv")
    dbt = Path(sys.executable).parent / "dbt"
    env = {**os.environ, "CHARGEBACK_WAREHOUSE": str(warehouse), "DBT_PROFILES_DIR": str(PROFILES_DIR)}
    result = subprocess.run(
        [str(dbt), "build", "--quiet", "--project-dir", str(project), "--target-path", str(workdir / "target"),
         "--exclude", "test_type:data"],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    return warehouse


def test_changing_one_price_row_reprices_only_its_window(priced_run, repriced, costs):
    sql = "select request_id, list_cost_usd, price_version, requested_at from marts.fct_ai_requests"
    before = {row[0]: row[1:] for row in query(priced_run, sql)}
    after = {row[0]: row[1:] for row in query(repriced, sql)}
    changed = {request_id for request_id in before if before[request_id][0] != after[request_id][0]}
    assert changed == {"oa-chat-terra-before-change"}
    # 12,000 uncached input tokens at 3.1 instead of 2.5 per million.
    delta = after["oa-chat-terra-before-change"][0] - before["oa-chat-terra-before-change"][0]
    assert delta == Decimal("0.0072")
    # Its neighbour one millisecond later, under the next version, is untouched.
    assert after["oa-chat-terra-after-change"] == before["oa-chat-terra-after-change"]


def test_repricing_report_shows_the_delta_per_version_and_team(repriced):
    rows = query(
        repriced,
        """select owner_team, provider, billable_model, price_version_before, price_version_after,
                  attempt_count, list_cost_before_usd, list_cost_after_usd, cost_delta_usd
           from marts.rpt_repricing_delta""",
    )
    assert rows == [
        ("search", "openai", "gpt-5.6-terra", "gp-19700101-470a4e", "gp-19700101-470a4e", 1,
         Decimal("0.0645"), Decimal("0.0717"), Decimal("0.0072")),
    ]  # fmt: skip
    books = query(repriced, "select count(distinct price_book_id) from intermediate.int_attempt_costs_by_price_book")
    assert books == [(2,)]


def test_repricing_report_is_empty_before_any_change(priced_run):
    assert query(priced_run, "select count(*) from marts.rpt_repricing_delta") == [(0,)]


def test_provider_reported_cost_mismatches_name_the_likely_cause(priced_run):
    rows = query(
        priced_run,
        """select request_id, list_cost_usd, provider_reported_cost_usd, likely_cause
           from marts.rpt_provider_cost_mismatches order by request_id""",
    )
    assert rows == [
        ("rp-base-tier", Decimal("0.64"), Decimal("0.3225"), "tier"),
        ("rp-cache-at-input", Decimal("0.0115"), Decimal("0.1015"), "cache_tokens"),
        ("rp-stale-price", Decimal("0.0032"), Decimal("0.016"), "stale_price"),
        ("rp-unexplained", Decimal("0.00036"), Decimal("0.9"), "unexplained"),
        ("rp-unknown", None, Decimal("0.05"), "unknown_model"),
    ]


def test_unknown_models_are_counted_and_costed_at_risk(priced_run):
    rows = query(
        priced_run,
        """select cast(billing_month as varchar), provider, billable_model, pricing_status, attempt_count,
                  input_tokens, output_tokens, provider_reported_cost_usd, cost_at_risk_usd
           from marts.rpt_unpriced_usage""",
    )
    # At risk: the tokens at openai's highest standard rates in force that day (o1-pro: $150 in, $600 out).
    assert rows == [
        ("2026-08-01", "openai", "acme-private-ft-1", "unknown_model", 1, 10000, 1000, Decimal("0.05"), Decimal("2.1")),
    ]
    ((unpriced_cost,),) = query(
        priced_run, "select count(*) from marts.fct_ai_requests where pricing_status <> 'priced' and list_cost_usd = 0"
    )
    assert unpriced_cost == 0


def test_model_drift_lists_unmapped_new_and_unapproved_expensive_names(priced_run):
    rows = {
        (month, model): reasons
        for month, model, reasons in query(
            priced_run,
            """select cast(billing_month as varchar), selected_model, drift_reasons
               from marts.rpt_model_alias_drift""",
        )
    }
    assert rows[("2026-08-01", "acme-private-ft-1")] == "unmapped;newly_seen;"
    assert rows[("2026-08-01", "o1")] == "newly_seen;unapproved_expensive;"
    # Opus is above the threshold but approved in seeds/approved_models.csv.
    assert rows[("2026-08-01", "claude-opus-4-1-20250805")] == "newly_seen;"
    # gpt-4o-mini was first seen in July and resolves the same in August: nothing to say.
    assert ("2026-07-01", "gpt-4o-mini") in rows
    assert ("2026-08-01", "gpt-4o-mini") not in rows
