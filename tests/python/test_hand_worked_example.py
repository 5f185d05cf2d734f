"""A dozen gateway lines worked out on paper (tests/python/fixtures/hand_worked), asserted to the cent.

Prices (USD per million tokens, seeds/model_prices.csv):
  gpt-5.6-terra v1 (to 2026-07-30): input 2.5, cache read 0.25, cache write 3.125, output 15
  gpt-5.6-terra v2 (from 2026-07-30): input 2, cache read 0.2, cache write 2.5, output 12
  claude-sonnet-4-5: input 3, cache read 0.3, write 5m 3.75, write 1h 6, output 15
  claude-haiku-4-5: input 1, output 5
  gemini-2.5-flash: input 0.3, cache read 0.03, no cache-write price (billed at input), output 2.5
  gpt-4o-mini: input 0.15, output 0.6;  gpt-4.1-mini: input 0.4, output 1.6

hw-01 terra v1, 23:59:59.999 on 07-29: 10k in, 40k read, 2k write, 1.5k out
      = 0.025 + 0.010 + 0.00625 + 0.0225 = 0.06375 (logged twice: counted once)
hw-02 terra v2, 00:00 on 07-30, same tokens = 0.020 + 0.008 + 0.005 + 0.018 = 0.051
hw-03 sonnet (alias claude-sonnet-4-5-20250929), August: 1.2k in, 50k read, 3k write, 1k write-1h, 800 out
      = 0.0036 + 0.015 + 0.01125 + 0.006 + 0.012 = 0.04785
hw-04 gemini: 5k in, 20k read, 1k write, 1k out = 0.0015 + 0.0006 + 0.0003 + 0.0025 = 0.0049
hw-05a haiku partial stream (failed, tokens consumed): 2k in, 100 out = 0.002 + 0.0005 = 0.0025
hw-05b haiku retry of hw-05a: 2k in, 400 out = 0.002 + 0.002 = 0.004
hw-06 rate-limited, no tokens: not billable
hw-08 gpt-4o-mini (alias), prod without cost_center: 10k in, 1k out = 0.0015 + 0.0006 = 0.0021; its cost
      center is derived from its project (support-assistant -> cc-1020), flagged as a prod violation
hw-09 unknown model: null cost, never zero
hw-10 truncated line: quarantined
hw-11 gpt-4.1-mini, owner "Growth-Team" (alias of growth): 100k in, 2k out = 0.04 + 0.0032 = 0.0432
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from helpers import query

EXPECTED_COST = {
    "hw-01": Decimal("0.06375"),
    "hw-02": Decimal("0.051"),
    "hw-03": Decimal("0.04785"),
    "hw-04": Decimal("0.0049"),
    "hw-05a": Decimal("0.0025"),
    "hw-05b": Decimal("0.004"),
    "hw-08": Decimal("0.0021"),
    "hw-09": None,
    "hw-11": Decimal("0.0432"),
}


@pytest.fixture(scope="module")
def warehouse(hand_worked_run):
    summary, path = hand_worked_run
    assert summary.success, (summary.failed_steps, summary.dbt_failures)
    return path


def test_each_attempt_is_priced_to_the_cent(warehouse):
    rows = query(warehouse, "select request_id, list_cost_usd from marts.fct_ai_requests order by request_id")
    assert {request_id: cost for request_id, cost in rows} == EXPECTED_COST


def test_price_version_follows_the_timestamp(warehouse):
    rows = dict(query(warehouse, "select request_id, price_version from marts.fct_ai_requests"))
    assert rows["hw-01"] == "gp-19700101-470a4e"
    assert rows["hw-02"] == "gp-20260730-64866d"
    assert rows["hw-09"] is None


def test_cost_components_of_a_cached_anthropic_request(warehouse):
    row = query(
        warehouse,
        """select input_tokens, cache_read_tokens, cache_write_tokens, cache_write_1h_tokens, output_tokens,
                  input_cost_usd, cache_read_cost_usd, cache_write_cost_usd, cache_write_1h_cost_usd,
                  output_cost_usd, billable_model, is_model_aliased
           from marts.fct_ai_requests where request_id = 'hw-03'""",
    )[0]
    assert row == (
        1200, 50000, 3000, 1000, 800,
        Decimal("0.0036"), Decimal("0.015"), Decimal("0.01125"), Decimal("0.006"), Decimal("0.012"),
        "claude-sonnet-4-5", True,
    )  # fmt: skip


def test_attribution_of_untagged_unknown_and_variant_rows(warehouse):
    rows = {
        r[0]: r[1:]
        for r in query(
            warehouse,
            """select request_id, owner_team, cost_center, attribution_status, missing_required_tags,
                      pricing_status from marts.fct_ai_requests""",
        )
    }
    assert rows["hw-08"] == ("support", "cc-1020", "derived", "cost_center", "priced")
    assert rows["hw-09"] == ("support", "cc-1020", "attributed", "", "unknown_model")
    assert rows["hw-11"] == ("growth", "cc-1030", "attributed", "", "priced")


def test_retry_and_failed_attempts_are_linked_and_shown_apart(warehouse):
    rows = {
        r[0]: r[1:]
        for r in query(warehouse, "select request_id, root_request_id, is_retry, is_failed from marts.fct_ai_requests")
    }
    assert rows["hw-05a"] == ("hw-05a", False, True)
    assert rows["hw-05b"] == ("hw-05a", True, False)
    assert "hw-06" not in rows  # consumed no tokens: not billable


def test_ledger_lines_to_the_cent(warehouse):
    rows = query(
        warehouse,
        """select cast(billing_month as varchar), owner_team, cost_center, project_id, feature, provider, model,
                  attempt_count, request_count, list_cost_usd, retry_cost_usd, failed_cost_usd,
                  unpriced_attempt_count
           from marts.fct_chargeback_monthly order by 1, 2, 7""",
    )
    assert rows == [
        ("2026-07-01", "data-science", "cc-1060", "ds-evaluation", "model-evaluation", "google", "gemini-2.5-flash",
         1, 1, Decimal("0.0049"), 0, 0, 0),
        ("2026-07-01", "growth", "cc-1030", "growth-experiments", "landing-copy", "openai", "gpt-4.1-mini",
         1, 1, Decimal("0.0432"), 0, 0, 0),
        ("2026-07-01", "search", "cc-1010", "search-ranking", "query-rewrite", "openai", "gpt-5.6-terra",
         2, 2, Decimal("0.11475"), 0, 0, 0),
        ("2026-07-01", "support", "cc-1020", "support-assistant", "reply-drafting", "openai", "acme-ft-support-v2",
         1, 1, 0, 0, 0, 1),  # unknown model: no made-up cost, counted as unpriced
        ("2026-07-01", "support", "cc-1020", "support-assistant", "ticket-summarization", "anthropic",
         "claude-haiku-4-5", 2, 1, Decimal("0.0065"), Decimal("0.004"), Decimal("0.0025"), 0),
        ("2026-07-01", "support", "cc-1020", "support-assistant", "ticket-triage", "openai", "gpt-4o-mini",
         1, 1, Decimal("0.0021"), 0, 0, 0),
        ("2026-08-01", "sales", "cc-1040", "sales-copilot", "call-notes", "anthropic", "claude-sonnet-4-5",
         1, 1, Decimal("0.04785"), 0, 0, 0),
    ]  # fmt: skip


def test_monthly_totals_and_conservation(warehouse):
    fact = dict(
        query(
            warehouse,
            "select cast(billing_month as varchar), sum(list_cost_usd) from marts.fct_ai_requests group by 1",
        )
    )
    ledger = dict(
        query(
            warehouse,
            "select cast(billing_month as varchar), sum(list_cost_usd) from marts.fct_chargeback_monthly group by 1",
        )
    )
    assert fact == ledger == {"2026-07-01": Decimal("0.17145"), "2026-08-01": Decimal("0.04785")}


def test_raw_lines_equal_loaded_plus_rejected(warehouse):
    ((lines, loaded, rejected),) = query(
        warehouse, "select sum(lines_read), sum(rows_loaded), sum(rows_rejected) from raw.load_manifest"
    )
    assert (lines, loaded, rejected) == (12, 11, 1)
    assert query(warehouse, "select count(*) from raw.gateway_requests")[0][0] == 11
    reasons = query(warehouse, "select source_line, reason from raw.load_rejects")
    assert reasons == [(11, "invalid_json: the line is not a complete JSON value")]
