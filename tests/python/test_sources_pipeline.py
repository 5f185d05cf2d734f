"""The whole pipeline on one export of every source (tests/python/source_fixtures.py): canonical token
counts and list cost to the cent, worked out by hand from each format's semantics and the price book; one
attempt logged by three sources counted once; conservation per source."""

from __future__ import annotations

from decimal import Decimal

import pytest
from helpers import query, run_on
from source_fixtures import write_sources_landing

# request id -> (source_system, provider, billable model, input, cache read, cache write 5m, cache write 1h,
# output, list cost, provider-reported cost, sources seen, match basis). Prices per million tokens from
# seeds/model_prices.csv (input / cache read / 5m write / 1h write / output):
#   gpt-4o-mini 0.15 / 0.075 / - / - / 0.6; claude-sonnet-4-5 3 / 0.3 / 3.75 / 6 / 15;
#   claude-3-5-sonnet 3 / 15 (output); claude-haiku-4-5 1 / 0.1 / 1.25 / 2 / 5;
#   Bedrock regional claude-sonnet-4-5 3.3 / 0.33 / 4.125 / 6.6 / 16.5, regional claude-3-5-sonnet 3 / 15.
EXPECTED = {
    # Gateway, LiteLLM and OTel copies of one call: 200 x 0.15 + 800 x 0.075 + 100 x 0.6 = 150 microdollars.
    "gw-1": (
        "gateway",
        "openai",
        "gpt-4o-mini",
        200,
        800,
        0,
        0,
        100,
        "0.000150",
        Decimal("0.00015"),
        3,
        "provider_request_id",
    ),
    # OTel copy without a response id, matched by trace + tokens: 300 x 3 + 20 x 15 = 1200 microdollars.
    "gw-2": ("gateway", "anthropic", "claude-sonnet-4-5", 300, 0, 0, 0, 20, "0.001200", None, 2, "fallback_key"),
    # LiteLLM prompt_tokens 1000 include 800 cache reads and 100 cache writes: 100 x 3 + 800 x 0.3 + 100 x 3.75
    # + 100 x 15 = 2415 microdollars (FORMATS.md cross-check: LiteLLM and genai-prices agree).
    "litellm:msg_l2": (
        "litellm",
        "anthropic",
        "claude-sonnet-4-5",
        100,
        800,
        100,
        0,
        100,
        "0.002415",
        Decimal("0.002415"),
        1,
        "provider_request_id",
    ),  # fmt: skip
    # LiteLLM could not price it (logged 0 with a debug info): not a cost; we price 2000 x 3 + 500 x 15.
    "litellm:msg_l3": (
        "litellm",
        "anthropic",
        "claude-3-5-sonnet",
        2000,
        0,
        0,
        0,
        500,
        "0.013500",
        None,
        1,
        "provider_request_id",
    ),  # fmt: skip
    # SpendLogs CSV, dated model name through the alias seed: 500 x 0.15 + 50 x 0.6.
    "litellm:chatcmpl-s1": (
        "litellm",
        "openai",
        "gpt-4o-mini",
        500,
        0,
        0,
        0,
        50,
        "0.000105",
        Decimal("0.000105"),
        1,
        "provider_request_id",
    ),  # fmt: skip
    # OTel input 5000 includes 3000 cache reads and 1000 cache writes: 1000 x 1 + 3000 x 0.1 + 1000 x 1.25 + 200 x 5.
    "otel:4bf92f3577b34da6a3ce929d0e0e4736:00f067aa0ba902b7": (
        "otel",
        "anthropic",
        "claude-haiku-4-5",
        1000,
        3000,
        1000,
        0,
        200,
        "0.003550",
        None,
        1,
        "provider_request_id",
    ),  # fmt: skip
    # Inference-profile ARN; writes 600 = 400 (5m) + 200 (1h, from the response body):
    # 1000 x 3.3 + 2000 x 0.33 + 400 x 4.125 + 200 x 6.6 + 300 x 16.5 = 11880 microdollars.
    "bedrock:b1": (
        "bedrock",
        "aws_bedrock",
        "regional.anthropic.claude-sonnet-4-5-20250929-v1:0",
        1000,
        2000,
        400,
        200,
        300,
        "0.011880",
        None,
        1,
        "provider_request_id",
    ),  # fmt: skip
    # Foundation model id: 2000 x 3 + 100 x 15.
    "bedrock:b2": (
        "bedrock",
        "aws_bedrock",
        "regional.anthropic.claude-3-5-sonnet-20240620-v1:0",
        2000,
        0,
        0,
        0,
        100,
        "0.007500",
        None,
        1,
        "provider_request_id",
    ),  # fmt: skip
}


@pytest.fixture(scope="module")
def sources_run(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("sources")
    landing = write_sources_landing(workdir / "landing")
    summary = run_on(landing, workdir)
    return summary, workdir / "warehouse.duckdb"


def test_every_source_lands_in_the_canonical_fact_with_exact_tokens_and_cost(sources_run):
    summary, warehouse = sources_run
    assert summary.success, (summary.failed_steps, summary.dbt_failures)
    assert summary.dbt_failures == []
    got = query(
        warehouse,
        """
        select request_id, source_system, provider, billable_model, input_tokens, cache_read_tokens,
            cache_write_tokens, cache_write_1h_tokens, output_tokens, list_cost_usd, provider_reported_cost_usd,
            sources_seen, match_basis
        from marts.fct_ai_requests
        """,
    )
    actual = {row[0]: (*row[1:9], f"{row[9]:.6f}", row[10], row[11], row[12]) for row in got}
    assert actual == EXPECTED
    total = sum(Decimal(row[8]) for row in EXPECTED.values())
    assert query(warehouse, "select sum(list_cost_usd) from marts.fct_ai_requests")[0][0] == total == Decimal("0.0403")


def test_an_attempt_seen_by_three_sources_appears_once_with_the_attributes_each_adds(sources_run):
    _, warehouse = sources_run
    copies = query(
        warehouse,
        "select source_table, is_canonical from intermediate.int_usage_attempts_matched "
        "where provider_request_id = 'chatcmpl-three' order by source_rank",
    )
    assert copies == [("gateway_requests", True), ("litellm_payloads", False), ("otel_spans", False)]
    fact = query(
        warehouse,
        "select request_id, copies_seen, feature, attribution_status, end_user_id_hash is not null "
        "from marts.fct_ai_requests where provider_request_id = 'chatcmpl-three'",
    )
    # The gateway line had no feature tag and no end user: both come from the LiteLLM copy.
    assert fact == [("gw-1", 3, "query-rewrite", "attributed", True)]


def test_conservation_per_source(sources_run):
    _, warehouse = sources_run
    assert query(warehouse, "select * from marts.rpt_source_conservation order by source") == [
        # source, raw records, canonical, de-duplicated, quarantined, not attempts, conserved
        ("anthropic_usage", 2, 0, 0, 0, 2, True),
        ("bedrock", 3, 3, 0, 0, 0, True),  # the guardrail block is an attempt with no tokens
        ("gateway", 3, 2, 0, 1, 0, True),
        ("gateway_audit", 3, 0, 0, 1, 2, True),
        ("litellm", 5, 3, 1, 1, 0, True),
        ("openai_usage", 3, 0, 0, 0, 3, True),
        ("otel", 5, 1, 2, 1, 1, True),  # the HTTP span is not an attempt
    ]
    assert [row[0] for row in summary_sources(sources_run)] == [
        "anthropic_usage",
        "bedrock",
        "gateway",
        "gateway_audit",
        "litellm",
        "openai_usage",
        "otel",
    ]


def summary_sources(sources_run):
    summary, _ = sources_run
    return summary.sources


def test_provider_usage_buckets_reconcile_and_attribute_coarsely(sources_run):
    _, warehouse = sources_run
    # OpenAI input 1500 includes 800 cached: 700 uncached, exactly gw-1 (200) + the SpendLogs call (500).
    assert query(
        warehouse,
        "select provider_input_tokens, logged_input_tokens, provider_cache_read_tokens, logged_cache_read_tokens, "
        "provider_output_tokens, logged_output_tokens, is_matched from marts.rpt_provider_usage_reconciliation "
        "where provider = 'openai' and billable_model = 'gpt-4o-mini'",
    ) == [(700, 700, 800, 800, 150, 150, True)]
    assert query(
        warehouse,
        "select provider, billable_model, owner_team, owner_source, input_tokens, cache_read_tokens, "
        "cache_write_tokens, cache_write_1h_tokens, output_tokens from intermediate.int_provider_usage_buckets "
        "order by provider, billable_model",
    ) == [
        ("anthropic", "claude-sonnet-4-5", "search", "workspace", 100, 800, 60, 40, 100),
        ("openai", "gpt-4o-mini", "search", "project", 700, 800, 0, 0, 150),
        ("openai", "gpt-5.6-terra", "data-science", "api_key", 500, 400, 100, 0, 500),
    ]
    costs = query(
        warehouse,
        "select (select sum(amount_usd) from staging.stg_openai_usage__costs), "
        "(select sum(amount_usd) from staging.stg_anthropic_usage__costs)",
    )[0]
    assert (f"{costs[0]:.4f}", f"{costs[1]:.4f}") == ("0.0600", "1.2345")  # Anthropic reports cents


def test_blocked_requests_are_events_not_cost(sources_run):
    _, warehouse = sources_run
    assert query(
        warehouse,
        "select event_id, reason_code, reason_detail, owner_team_tag, tenant_id_hash is not null "
        "from staging.stg_gateway_audit__events order by 1",
    ) == [
        ("evt-1", "missing_required_ai_attribution", "cost_center", "growth", True),
        ("evt-2", "missing_required_ai_attribution", "owner_team", None, False),
    ]
