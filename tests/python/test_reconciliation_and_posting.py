"""Reconciliation gates posting, and posting is immutable (the field's example: a ledger of $46,912.08
against an invoice of $47,820.31 is a $908.23 variance, 1.9%: it passes; a 2.5% month blocks).

July: 10 claude-opus-4-1 attempts of 62,549,440 output tokens at $75 / M = $4,691.208 each -> $46,912.08,
plus an unknown-model attempt the provider billed ($300.00 reported by the gateway, not priced by us).
Invoice usage $47,820.31: variance $908.23 = 1.899% of the invoice; unpriced models explain $300.00.
August: 10 attempts of 62,166,400 output tokens -> $46,624.80 against $47,820.31: variance $1,195.51, 2.5%.
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal

import pytest
from click.testing import CliRunner
from helpers import query, run_on

from orchestration.cli import main
from orchestration.posting.post import PostingRefused, post_month
from orchestration.posting.review import review_window_closes

TAGS = {"owner_team": "sales", "project_id": "sales-copilot", "feature": "call-notes", "cost_center": "cc-1040",
        "environment": "prod"}  # fmt: skip


def _attempt(request_id, day, output_tokens, model="claude-opus-4-1", **extra):
    record = {"request_id": request_id, "timestamp": f"{day}T12:00:00Z", "provider": "anthropic",
              "selected_model": model, "usage": {"output_tokens": output_tokens}, "tags": TAGS}  # fmt: skip
    record.update(extra)
    return json.dumps(record) + "\n"


def _invoice(month):
    return (
        "invoice_id,provider,billing_period_start,billing_period_end,line_type,description,amount_usd,currency\n"
        f"INV-{month},anthropic,{month}-01,{month}-28,usage,Claude usage,47820.31,USD\n"
        f"INV-{month},anthropic,{month}-01,{month}-28,discount,Volume discount,-2391.02,USD\n"
    )


@pytest.fixture(scope="module")
def closed_months(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("month_close")
    landing = workdir / "landing"
    (landing / "gateway" / "2026-07").mkdir(parents=True)
    (landing / "gateway" / "2026-08").mkdir(parents=True)
    (landing / "invoices").mkdir()
    july = [_attempt(f"jul-{i}", "2026-07-10", 62_549_440) for i in range(10)]
    july.append(
        _attempt("jul-unknown", "2026-07-11", 1_000, model="claude-private-ft", provider_reported_cost_usd=300.0)
    )
    (landing / "gateway" / "2026-07" / "requests.jsonl").write_text("".join(july))
    august = [_attempt(f"aug-{i}", "2026-08-10", 62_166_400) for i in range(10)]
    (landing / "gateway" / "2026-08" / "requests.jsonl").write_text("".join(august))
    (landing / "invoices" / "anthropic_2026-07.csv").write_text(_invoice("2026-07"))
    (landing / "invoices" / "anthropic_2026-08.csv").write_text(_invoice("2026-08"))
    summary = run_on(landing, workdir)
    assert not summary.dbt_failures
    return workdir, landing, summary


def test_reconciliation_figures(closed_months):
    workdir, _, _ = closed_months
    rows = query(
        workdir / "warehouse.duckdb",
        """select cast(billing_month as varchar), ledger_list_cost_usd, invoice_usage_usd, variance_usd,
                  round(variance_share, 5), unpriced_models_usd, largest_explained_cause, is_within_tolerance
           from marts.fct_invoice_reconciliation order by 1""",
    )
    assert rows == [
        ("2026-07-01", Decimal("46912.08"), Decimal("47820.31"), Decimal("908.23"), 0.01899, Decimal("300"),
         "unpriced models", True),
        ("2026-08-01", Decimal("46624.80"), Decimal("47820.31"), Decimal("1195.51"), 0.025, Decimal("0"),
         "rounding", False),
    ]  # fmt: skip


def test_the_run_reports_the_blocking_reconciliation_failure(closed_months):
    _, _, summary = closed_months
    contract = next(c for c in summary.contracts if c.name == "fct_invoice_reconciliation__within_tolerance")
    assert not contract.passed
    assert "anthropic 2026-08-01: ledger USD 46624.80 vs invoice USD 47820.31, variance USD 1195.51 (2.5%" in (
        contract.summary
    )


def test_posting_is_gated_and_immutable(closed_months):
    workdir, _, _ = closed_months
    warehouse, posted, docs = workdir / "warehouse.duckdb", workdir / "posted", workdir / "data_docs"

    with pytest.raises(PostingRefused, match="name the approver"):
        post_month(warehouse, posted, docs, "2026-07", approved_by="  ")
    with pytest.raises(PostingRefused) as refused:
        post_month(warehouse, posted, docs, "2026-08", approved_by="Dana Finance")
    message = str(refused.value)
    assert "anthropic 2026-08-01" in message and "variance USD 1195.51 (2.5%" in message
    assert "largest explained cause: rounding" in message

    result = post_month(warehouse, posted, docs, "2026-07", approved_by="Dana Finance")
    assert result.line_count == 2  # opus and the unpriced model, both on sales' call-notes
    manifest = json.loads((result.directory / "manifest.json").read_text())
    assert manifest["row_count"] == 2 and manifest["approved_by"] == "Dana Finance"
    assert Decimal(manifest["totals"]["list_cost_usd"]) == Decimal("46912.08")
    assert Decimal(manifest["totals"]["effective_cost_usd"]) == Decimal("46912.08") - Decimal("2391.02")
    for name, digest in manifest["files"].items():
        assert hashlib.sha256((result.directory / name).read_bytes()).hexdigest() == digest
    assert all(c["passed"] for c in manifest["contracts"])

    with pytest.raises(PostingRefused, match="already posted"):
        post_month(warehouse, posted, docs, "2026-07", approved_by="Dana Finance")


def test_adjustment_posts_only_the_differences_and_posted_files_never_change(closed_months):
    workdir, landing, _ = closed_months
    warehouse, posted, docs = workdir / "warehouse.duckdb", workdir / "posted", workdir / "data_docs"
    (original,) = (posted / "2026-07").glob("2026-07-original-*")
    before = {p.name: p.read_bytes() for p in original.iterdir()}

    # A late file: one more July attempt of 133,333 output tokens ($9.999975).
    (landing / "gateway" / "2026-07" / "late.jsonl").write_text(_attempt("jul-late", "2026-07-30", 133_333))
    rerun = run_on(landing, workdir)
    assert rerun.files_loaded_now == 1
    adjustment = post_month(warehouse, posted, docs, "2026-07", approved_by="Dana Finance", adjustment=True)
    assert adjustment.line_count == 1
    assert Decimal(adjustment.totals["list_cost_usd"]) == Decimal("9.999975")
    assert {p.name: p.read_bytes() for p in original.iterdir()} == before
    kinds = query(warehouse, "select posting_kind, count(*) from marts.posted_ledger group by 1 order by 1")
    assert kinds == [("adjustment", 1), ("original", 2)]


def test_cli_review_and_post(closed_months):
    workdir, _, _ = closed_months
    args = ["--warehouse", str(workdir / "warehouse.duckdb"), "--data-docs", str(workdir / "data_docs")]
    review = CliRunner().invoke(main, ["review", "--month", "2026-08", *args])
    assert review.exit_code == 0, review.output
    assert "review window closes Mon 2026-09-07" in review.output
    assert "OVER TOLERANCE" in review.output and "FAIL  fct_invoice_reconciliation__within_tolerance" in review.output
    refused = CliRunner().invoke(main, ["post", "--month", "2026-08", "--approved-by", "Dana", *args])
    assert refused.exit_code == 2 and refused.output.startswith("error: posting 2026-08 refused")


def test_review_window_counts_business_days():
    assert review_window_closes("2026-07") == review_window_closes("2026-07", 5)
    assert str(review_window_closes("2026-07")) == "2026-08-07"  # Jul 31 is a Friday: Mon 3 .. Fri 7
    assert str(review_window_closes("2026-08")) == "2026-09-07"  # Aug 31 is a Monday: Tue 1 .. Mon 7
