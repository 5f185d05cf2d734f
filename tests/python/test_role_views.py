"""The role views on the hand-worked report fixture (report_fixtures.py), each figure worked out by hand.

2026-08-05  s4 gpt-4o (failed, 3,000 ms) and s5 haiku (its retry, a fallback, 2,000 ms): 2 attempts of
            1 request; latency p50 = 2,500 ms, p95 = 2,000 + 0.95 x 1,000 = 2,950 ms (linear
            interpolation between the two); fallback rate 1/2; cost 3.50 + 1.55 = $5.05.
2026-08-10  u1 (no feature tag, $0.15) and t1 (fully tagged, $0.15); the gateway blocked two requests of
            key-support-prod for a missing feature tag.
ticket summarization launched on 2026-08-03: the 7 days before hold s1, s2 ($0.55, tenant-b); the launch
            day and the 6 after hold s3, s4, s5 ($8.55, tenant-a).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from helpers import query


def _one(warehouse, sql):
    rows = query(warehouse, sql)
    assert len(rows) == 1, rows
    return rows[0]


def test_platform_daily(report_run):
    warehouse = report_run / "warehouse.duckdb"
    day = _one(
        warehouse,
        "select attempts, requests, fallback_rate, retry_attempts, failed_attempts, latency_p50_ms, latency_p95_ms, "
        "input_tokens, cache_read_tokens, output_tokens, list_cost_usd, blocked_requests "
        "from marts.rpt_platform_daily where request_date = date '2026-08-05'",
    )
    assert day[:5] == (2, 1, 0.5, 1, 1)
    assert day[5:7] == (pytest.approx(2500.0), pytest.approx(2950.0))
    assert day[7:] == (2_000_000, 500_000, 200_000, Decimal("5.05"), 0)
    blocked_day = _one(
        warehouse,
        "select attempts, untagged_attempts, untagged_cost_usd, blocked_requests, blocked_untagged_requests "
        "from marts.rpt_platform_daily where request_date = date '2026-08-10'",
    )
    assert blocked_day == (2, 1, Decimal("0.15"), 2, 2)
    routes = query(
        warehouse,
        "select selected_model, route_reason, attempts, fallback_rate from marts.rpt_platform_daily_routes "
        "where request_date = date '2026-08-05' order by selected_model",
    )
    assert routes == [("claude-haiku-4-5", "cost_optimized", 1, 1.0), ("gpt-4o", "default", 1, 0.0)]


def test_attribution_quality_and_violations(report_run):
    warehouse = report_run / "warehouse.duckdb"
    day = _one(
        warehouse,
        "select attempts, owner_team_request_share, feature_request_share, feature_cost_share, "
        "cost_center_request_share, untagged_attempts, untagged_cost_usd, blocked_requests "
        "from marts.rpt_attribution_quality_daily where request_date = date '2026-08-10'",
    )
    # u1 lacks its feature, t1 has every tag; they cost the same
    assert day == (2, 1.0, 0.5, 0.5, 1.0, 1, Decimal("0.15"), 2)
    # the 7-day average of untagged cost: 0.15 on 08-10 and 0 on the six earlier days with data
    averages = query(
        warehouse,
        "select request_date, untagged_cost_usd_7d_avg from marts.rpt_attribution_quality_daily order by 1",
    )
    assert len(averages) == 7 and averages[-1][1] == pytest.approx(0.15 / 7)
    violations = query(
        warehouse,
        "select request_date, owner_team, api_key_id, violating_attempts, violating_cost_usd, example_missing_tags, "
        "blocked_requests from marts.rpt_attribution_violations_daily order by 1, 2, 3",
    )
    assert [(str(r[0]), *r[1:]) for r in violations] == [
        ("2026-08-10", "support", "key-support-prod", 1, Decimal("0.15"), "feature", 2)
    ]


def test_product_features_and_launch_trend(report_run):
    warehouse = report_run / "warehouse.duckdb"
    august = _one(
        warehouse,
        "select attempts, requests, list_cost_usd, cost_per_request_usd, tenants, top_tenant_cost_share, intent_mix, "
        "success_rate from marts.rpt_product_features "
        "where billing_month = date '2026-08-01' and feature = 'ticket-summarization'",
    )
    # s3, s4, s5: two requests (s5 retries s4), one tenant, s4 failed
    assert august[:3] == (3, 2, Decimal("8.55")) and august[4:6] == (1, 1.0)
    assert august[3] == pytest.approx(8.55 / 2)
    assert august[6] == "production_response 67%, extraction 33%"
    assert august[7] == pytest.approx(2 / 3)
    tenants = query(
        warehouse,
        "select tenant_rank, attempts, list_cost_usd, cost_share from marts.rpt_product_feature_tenants "
        "where billing_month = date '2026-07-01' and feature = 'reply-drafting'",
    )
    assert tenants == [(1, 1, Decimal("0.15"), 1.0)]
    launch = _one(
        warehouse,
        "select attempts_week_before, attempts_week_after, cost_week_before_usd, cost_week_after_usd, "
        "tenants_week_before, tenants_week_after, attempts_change_pct, cost_change_pct "
        "from marts.rpt_feature_launch_trends where feature = 'ticket-summarization'",
    )
    assert launch[:6] == (2, 3, Decimal("0.55"), Decimal("8.55"), 1, 1)
    assert launch[6] == pytest.approx(50.0) and launch[7] == pytest.approx(100 * 8.00 / 0.55)


def test_finance_monthly_splits_production_and_experimental_burn(report_run):
    warehouse = report_run / "warehouse.duckdb"
    rows = query(
        warehouse,
        "select billing_month, owner_team, list_cost_usd, effective_cost_usd, production_list_cost_usd, "
        "experimental_list_cost_usd, budget_usd from marts.rpt_finance_monthly order by 1, 2",
    )
    assert [(str(r[0]), *r[1:]) for r in rows] == [
        # July: s1 + s2 extraction (production intent) $0.55, r1 'draft' (not production burn) $0.15
        ("2026-07-01", "support", Decimal("0.70"), Decimal("0.70"), Decimal("0.55"), Decimal("0.15"), Decimal("30")),
        # August: q1 $0.60 + t1 $0.15; s3 + s4 + s5 $8.55 + u1 $0.15, all prod with production intents
        ("2026-08-01", "search", Decimal("0.75"), Decimal("0.75"), Decimal("0.75"), Decimal("0"), Decimal("40")),
        ("2026-08-01", "support", Decimal("8.70"), Decimal("8.70"), Decimal("8.70"), Decimal("0"), Decimal("30")),
    ]
