"""The weekly burn review, its summary sentence, the top traces and the rendered page, on the hand-worked
report fixture (report_fixtures.py).

The weeks reviewed here: 2026-W31 (27 Jul - 2 Aug) and 2026-W32 (3 - 9 Aug); W33 holds two more lines
(u1, t1: $0.15 each) for the role views. List prices (per million tokens, in
force in July and August 2026): gpt-4o input $2.50, output $10; gpt-4o-mini input $0.15, output $0.60;
claude-haiku-4-5 input $1, cache read $0.10, output $5.

  W31  support / ticket-summarization  s1 gpt-4o 100k in, 10k out                 = 0.25 + 0.10        = $0.35
                                       s2 haiku 100k in, 20k out                  = 0.10 + 0.10        = $0.20
       support / reply-drafting        r1 gpt-4o-mini 1M in                                            = $0.15
  W32  support / ticket-summarization  s3 gpt-4o 1M in, 100k out                  = 2.50 + 1.00        = $3.50
                                       s4 gpt-4o 1M in, 100k out (failed)         = 2.50 + 1.00        = $3.50
                                       s5 haiku 1M in, 500k cache read, 100k out
                                          (retry of s4, same trace)               = 1.00 + 0.05 + 0.50 = $1.55
       search / query-rewrite          q1 gpt-4o-mini 2M in, 500k out             = 0.30 + 0.30        = $0.60

Support's budget is $30 a month (July and August have 31 days): a week inside August has an envelope of
7 x 30/31 = $6.774194. W32 support spend $8.55 is over by $1.775806 = 26.2% of it.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from helpers import query


def _review(warehouse, week):
    columns = (
        "spend_rank, feature, requests, prior_requests, current_spend_usd, prior_spend_usd, variance_usd, "
        "variance_pct, model_mix, intent_mix, top_route_reason, error_or_retry_rate, classification, next_action, "
        "is_top_10"
    )
    return query(warehouse, f"select {columns} from marts.rpt_weekly_burn_review where iso_week = ? order by 1", [week])


def test_weekly_review_lines_variance_mixes_and_ranks(report_run):
    warehouse = report_run / "warehouse.duckdb"
    w32 = _review(warehouse, "2026-W32")
    rank1, rank2, rank3 = w32
    # ticket summarization: $8.55 against $0.55; +$8.00 = +1454.5454...%
    assert rank1[:7] == (1, "ticket-summarization", 3, 2, Decimal("8.55"), Decimal("0.55"), Decimal("8.00"))
    assert rank1[7] == pytest.approx(800 / 0.55)
    # gpt-4o $7.00 and haiku $1.55 of $8.55 -> 81.87% and 18.13%; intents 2 of 3 and 1 of 3
    assert rank1[8:11] == ("gpt-4o 82%, claude-haiku-4-5 18%", "production_response 67%, extraction 33%", "default")
    assert rank1[11] == pytest.approx(2 / 3)  # s4 failed, s5 is its retry
    assert rank1[12:] == ("expected growth", "budget increase", True)
    assert rank2[:8] == (2, "query-rewrite", 1, 0, Decimal("0.6"), Decimal("0"), Decimal("0.6"), None)
    assert rank2[12:] == ("unknown", None, True)
    # reply drafting spent last week only: kept, at zero
    assert rank3[:8] == (3, "reply-drafting", 0, 1, Decimal("0"), Decimal("0.15"), Decimal("-0.15"), -100.0)
    assert rank3[8:12] == (None, None, None, None)

    w31 = _review(warehouse, "2026-W31")
    assert [(r[0], r[1], r[4], r[5]) for r in w31] == [
        (1, "ticket-summarization", Decimal("0.55"), Decimal("0")),
        (2, "reply-drafting", Decimal("0.15"), Decimal("0")),
    ]
    assert w31[0][8] == "gpt-4o 64%, claude-haiku-4-5 36%"  # $0.35 and $0.20 of $0.55


def test_weekly_summary_sentence(report_run):
    rows = query(
        report_run / "warehouse.duckdb",
        "select iso_week, over_envelope_team, over_envelope_usd, over_envelope_team_envelope_usd, driver_feature, "
        "driver_change_usd, driver_requests_change_pct, summary_text from marts.rpt_weekly_burn_summary order by 1",
    )
    w31, w32, _ = rows
    assert w31[0] == "2026-W31" and w31[1] is None
    assert w31[-1] == (
        "Every team stayed within its weekly budget envelope; no prior week to compare; no routing change recommended."
    )
    assert w32[0:2] == ("2026-W32", "support")
    assert float(w32[2]) == pytest.approx(8.55 - 210 / 31, abs=1e-9)
    assert float(w32[3]) == pytest.approx(210 / 31, abs=1e-9)
    assert w32[4:7] == ("ticket-summarization", Decimal("8.00"), 50.0)
    assert w32[-1] == (
        "Customer Support exceeded its weekly budget envelope by 26% ($1.78); "
        "Support ticket summarization spend up 1455% (+$8.00) on 50% more requests; "
        "no routing change recommended."
    )


def test_top_expensive_traces_with_diagnostics(report_run):
    rows = query(
        report_run / "warehouse.duckdb",
        "select cost_rank, trace_key, attempts, requests, retries, cost_usd, cost_profile, cache_hit_rate, "
        "prompt_template, top_model, template_wow_change_pct, request_ids "
        "from marts.rpt_top_expensive_traces where iso_week = '2026-W32' order by cost_rank",
    )
    assert [(r[0], r[1], r[5]) for r in rows] == [
        (1, "tr-s4", Decimal("5.05")),
        (2, "tr-s3", Decimal("3.50")),
        (3, "tr-q1", Decimal("0.60")),
    ]
    top = rows[0]
    # 3.55 input side (2.50 + 1.00 + 0.05) vs 1.50 output side; 500k of 2.5M input tokens from cache
    assert top[2:10] == (2, 1, 1, Decimal("5.05"), "input heavy", 0.2, "ticket-summary-v2", "gpt-4o")
    # the template (on every support line): $8.55 this week against $0.35 + $0.20 + $0.15 = $0.70
    assert top[10] == pytest.approx(100 * (8.55 - 0.70) / 0.70)
    assert top[11] == "s4, s5"
    assert rows[2][6] == "input heavy"  # 0.30 input vs 0.30 output: ties count as input heavy


def test_rendered_report_is_one_readable_page_with_the_week_table_and_charts(report_run, tmp_path):
    from click.testing import CliRunner

    from orchestration.cli import main

    warehouse = str(report_run / "warehouse.duckdb")
    out = tmp_path / "report"
    result = CliRunner().invoke(
        main, ["report", "weekly", "--week", "2026-W32", "--out", str(out), "--warehouse", warehouse]
    )
    assert result.exit_code == 0, result.output
    page = out / "weekly-2026-W32.html"
    assert result.output.strip() == f"weekly report 2026-W32: {page} (3 top lines, 3 charts)"
    text = page.read_text()
    assert "<title>Weekly AI burn review 2026-W32</title>" in text
    assert "Customer Support exceeded its weekly budget envelope by 26% ($1.78)" in text
    assert text.count("<tr><td class=num>") == 3  # the week's three review lines, ranked
    assert "<td>ticket-summarization</td>" in text and "$8.55" in text and "+1454.5%" in text
    assert text.count("src='data:image/png;base64,") == 3
    assert sorted(p.name for p in out.glob("*.png")) == [
        "weekly-2026-W32-model-mix.png",
        "weekly-2026-W32-team-trend.png",
        "weekly-2026-W32-unallocated-trend.png",
    ]
    assert page.stat().st_size < 3 * 2**20

    # Without --week: the latest week the data covers to its Sunday (the data ends on Monday 10 Aug, in W33).
    default = CliRunner().invoke(main, ["report", "weekly", "--out", str(out), "--warehouse", warehouse])
    assert default.exit_code == 0 and "weekly report 2026-W32:" in default.output

    unknown = CliRunner().invoke(
        main, ["report", "weekly", "--week", "2026-W40", "--out", str(out), "--warehouse", warehouse]
    )
    assert unknown.exit_code == 2
    assert (
        unknown.output.strip()
        == "error: no weekly review for '2026-W40': pass --week as YYYY-Www, one of 2026-W31 .. 2026-W33"
    )
