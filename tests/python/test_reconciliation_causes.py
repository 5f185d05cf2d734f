"""Cache pricing and batch as causes of an invoice variance, measured from a cost report broken down by
token kind (Anthropic, grouped by description), on a hand-worked month.

  a1  claude-haiku-4-5, standard: 1M input, 2M cache read, 100k output
      ledger 1.00 + 0.20 + 0.50 = $1.70 (list: input $1, cache read $0.10, output $5 per 1M tokens)
  a2  claude-haiku-4-5, batch: 1M input, 200k output; no batch price in force in August 2026, so the
      standard one: ledger 1.00 + 1.00 = $2.00
  cost report  input $1.00, cache read $0.16, output $0.50 (standard); input $0.50, output $0.50 (batch)
  invoice      usage $1.66 + $1.00 = $2.66

  variance = 2.66 - 3.70 = -1.04 = cache pricing (0.16 - 0.20 = -0.04) + batch (1.00 - 2.00 = -1.00)
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from helpers import query, run_on

DAY = "2026-08-04"


def _attempt(request_id: str, usage: dict, is_batch: bool) -> str:
    return json.dumps(
        {
            "request_id": request_id,
            "timestamp": f"{DAY}T10:00:00Z",
            "provider": "anthropic",
            "requested_model": "claude-haiku-4-5",
            "selected_model": "claude-haiku-4-5",
            "provider_request_id": f"msg_{request_id}",
            "usage": usage,
            "is_batch": is_batch,
            "status_code": 200,
            "outcome_status": "success",
            "api_key_id": "key-support-prod",
            "tags": {"owner_team": "support", "project_id": "support-assistant", "feature": "ticket-summarization",
                     "cost_center": "cc-1020", "environment": "prod"},
        }
    )  # fmt: skip


def _cost(cents: str, token_type: str, service_tier: str) -> dict:
    return {
        "currency": "USD",
        "amount": cents,
        "workspace_id": "wrkspc_support",
        "description": f"Claude Haiku 4.5 {token_type} ({service_tier})",
        "cost_type": "tokens",
        "model": "claude-haiku-4-5",
        "service_tier": service_tier,
        "token_type": token_type,
    }


@pytest.fixture(scope="module")
def causes_run(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("causes")
    landing = workdir / "landing"
    (landing / "gateway" / DAY).mkdir(parents=True)
    (landing / "gateway" / DAY / "requests.jsonl").write_text(
        _attempt("a1", {"input_tokens": 1_000_000, "cache_read_tokens": 2_000_000, "output_tokens": 100_000}, False)
        + "\n"
        + _attempt("a2", {"input_tokens": 1_000_000, "output_tokens": 200_000}, True)
        + "\n"
    )
    (landing / "invoices").mkdir()
    (landing / "invoices" / "anthropic_2026-08.csv").write_text(
        "invoice_id,provider,billing_period_start,billing_period_end,line_type,description,amount_usd,currency\n"
        "INV-A-202608,anthropic,2026-08-01,2026-08-31,usage,claude-haiku-4-5 usage,1.66,USD\n"
        "INV-A-202608,anthropic,2026-08-01,2026-08-31,usage,claude-haiku-4-5 batch usage,1.00,USD\n"
    )
    report = {
        "data": [
            {
                "starting_at": f"{DAY}T00:00:00Z",
                "ending_at": "2026-08-05T00:00:00Z",
                "results": [
                    _cost("100", "uncached_input_tokens", "standard"),
                    _cost("16", "cache_read_input_tokens", "standard"),
                    _cost("50", "output_tokens", "standard"),
                    _cost("50", "uncached_input_tokens", "batch"),
                    _cost("50", "output_tokens", "batch"),
                ],
            }
        ],
        "has_more": False,
        "next_page": None,
    }
    (landing / "anthropic_usage").mkdir()
    (landing / "anthropic_usage" / "cost_report_2026-08.json").write_text(json.dumps(report))
    summary = run_on(landing, workdir)
    return summary, workdir / "warehouse.duckdb"


def test_cache_pricing_and_batch_explain_the_variance_to_the_cent(causes_run):
    summary, warehouse = causes_run
    row = query(
        warehouse,
        "select ledger_list_cost_usd, invoice_usage_usd, variance_usd, cost_detail_measured, unpriced_models_usd, "
        "missing_requests_usd, cache_pricing_usd, batch_usd, rounding_usd, unexplained_usd, largest_explained_cause "
        "from marts.fct_invoice_reconciliation where provider = 'anthropic'",
    )
    assert row == [
        (
            Decimal("3.70"), Decimal("2.66"), Decimal("-1.04"), True, Decimal(0), Decimal(0),
            Decimal("-0.04"), Decimal("-1.00"), Decimal(0), Decimal(0), "batch",
        )
    ]  # fmt: skip
    # 39% off: the blocking contract fails, naming the cause and its amount
    contract = next(c for c in summary.contracts if c.name == "fct_invoice_reconciliation__within_tolerance")
    assert not contract.passed
    assert (
        "anthropic 2026-08-01: ledger USD 3.70 vs invoice USD 2.66, variance USD -1.04 (-39.1%; limit 2.0%); "
        "largest explained cause: batch (USD -1.00), unexplained USD 0.00" in contract.summary
    )


def test_without_a_breakdown_the_causes_are_not_measured(sample_run):
    _, workdir, _, _ = sample_run
    rows = query(
        workdir / "warehouse.duckdb",
        "select distinct cost_detail_measured, cache_pricing_usd, batch_usd from marts.fct_invoice_reconciliation",
    )
    assert rows == [(False, Decimal(0), Decimal(0))]
