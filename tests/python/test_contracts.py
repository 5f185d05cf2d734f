"""Data contracts on small hand-built DuckDB warehouses, and the guard for the GX-on-DuckDB fix."""

from __future__ import annotations

from pathlib import Path

import duckdb
import great_expectations as gx
import pytest
from great_expectations.execution_engine import sqlalchemy_execution_engine

from orchestration.quality.contracts import ContractResult, Thresholds, run_contracts
from orchestration.quality.gx_duckdb import enable_duckdb_persisted_connection

CONTRACT = "fct_ai_requests__tag_completeness"

REGISTRY_DDL = """
create schema raw;
create schema marts;
create table raw.owner_teams (
    owner_team varchar, team_name varchar, named_owner varchar, default_cost_center varchar
);
insert into raw.owner_teams values
    ('search', 'Search', 'Priya Natarajan', 'cc-1010'),
    ('support', 'Customer Support', 'Marco Rossi', 'cc-1020');
create table raw.cost_centers (cost_center varchar, cost_center_name varchar, finance_owner varchar);
insert into raw.cost_centers values
    ('cc-1010', 'Search Engineering', 'Finance Partner A'),
    ('cc-1020', 'Customer Operations', 'Finance Partner B');
create table raw.projects (project_id varchar, project_name varchar, owner_team varchar, cost_center varchar);
insert into raw.projects values
    ('search-ranking', 'Search ranking and answers', 'search', 'cc-1010'),
    ('support-assistant', 'Support assistant', 'support', 'cc-1020');
create table raw.features (feature varchar, feature_name varchar, project_id varchar);
insert into raw.features values
    ('query-rewrite', 'Query rewriting', 'search-ranking'),
    ('reply-drafts', 'Reply drafts', 'support-assistant');
create table marts.fct_ai_requests (
    request_id varchar,
    requested_at timestamp,
    request_date date,
    billing_month date,
    environment varchar,
    owner_team varchar,
    cost_center varchar,
    project_id varchar,
    feature varchar,
    attribution_status varchar,
    missing_required_tags varchar,
    invalid_required_tags varchar,
    list_cost_usd double
);
"""


def request(
    request_id: str,
    day: str = "2026-07-03",
    cost: float | None = 1.0,
    environment: str = "prod",
    owner_team: str = "search",
    invalid: str = "",
) -> tuple:
    """A request row, well tagged unless told otherwise, in the column order build_warehouse inserts."""
    return (request_id, day, environment, owner_team, "cc-1010", "search-ranking", "query-rewrite",
            "attributed", "", invalid, cost)  # fmt: skip


def untagged(
    request_id: str,
    day: str = "2026-07-03",
    cost: float | None = 1.0,
    environment: str = "prod",
) -> tuple:
    return (request_id, day, environment, "unallocated", "unallocated", "unallocated", "unallocated",
            "unallocated", "owner_team,feature,cost_center", "", cost)  # fmt: skip


def build_warehouse(path: Path, rows: list[tuple]) -> Path:
    with duckdb.connect(str(path)) as connection:
        connection.execute(REGISTRY_DDL)
        connection.executemany(
            """
            insert into marts.fct_ai_requests
            select
                $1,
                cast($2 as timestamp) + interval 12 hour,
                cast($2 as date),
                date_trunc('month', cast($2 as date)),
                $3, $4, $5, $6, $7, $8, $9, $10, $11
            """,
            rows,
        )
    return path


def run_single(tmp_path: Path, rows: list[tuple], thresholds: Thresholds | None = None) -> ContractResult:
    warehouse = build_warehouse(tmp_path / "warehouse.duckdb", rows)
    results = run_contracts(warehouse, tmp_path / "data_docs", thresholds or Thresholds(), names=[CONTRACT])
    assert [result.name for result in results] == [CONTRACT]
    return results[0]


def test_gx_evaluates_expectations_on_duckdb(tmp_path: Path) -> None:
    """Guard for orchestration/quality/gx_duckdb.py: if a GX upgrade breaks it, this fails first."""
    enable_duckdb_persisted_connection()
    enable_duckdb_persisted_connection()
    entries = [d for d in sqlalchemy_execution_engine._PERSISTED_CONNECTION_DIALECTS if d == "duckdb"]
    assert len(entries) == 1, "the fix must be idempotent"

    path = tmp_path / "guard.duckdb"
    with duckdb.connect(str(path)) as connection:
        connection.execute("create table costs as select range as i, range * 1.5 as usd from range(10)")

    context = gx.get_context(mode="ephemeral")
    datasource = context.data_sources.add_sql(
        name="guard", connection_string=f"duckdb:///{path}", kwargs={"connect_args": {"read_only": True}}
    )
    asset = datasource.add_table_asset(name="costs", table_name="costs")
    batch = asset.add_batch_definition_whole_table("all")
    try:
        loaded = batch.get_batch()
        over_seven = "select * from {batch} where i > 7"
        checks = [
            (gx.expectations.ExpectTableRowCountToEqual(value=10), 10),
            (gx.expectations.ExpectColumnMaxToBeBetween(column="usd", min_value=0, max_value=100), 13.5),
            (gx.expectations.UnexpectedRowsExpectation(unexpected_rows_query=over_seven), 2),
        ]
        for expectation, observed in checks:
            result = loaded.validate(expectation)
            # GX reports errors either flat or one entry per metric.
            info = result.exception_info or {}
            errors = [info] if "raised_exception" in info else list(info.values())
            messages = [error["exception_message"] for error in errors if error.get("raised_exception")]
            value = result.result.get("observed_value")
            assert not messages and value == observed, (
                f"great_expectations {gx.__version__} no longer evaluates {type(expectation).__name__} "
                f"on DuckDB (observed {value!r}, expected {observed!r}, errors {messages}). "
                "The fix in orchestration/quality/gx_duckdb.py needs porting to this GX version."
            )
    finally:
        datasource.execution_engine.close()
        datasource.get_engine().dispose()


def test_well_tagged_warehouse_passes_and_writes_data_docs(tmp_path: Path) -> None:
    rows = [request(f"r{i}", day=f"2026-07-0{1 + i % 3}") for i in range(6)]
    # Untagged traffic outside prod is not charged back and must not count against the contract.
    rows += [untagged("dev-1", environment="dev"), untagged("dev-2", environment="sandbox")]
    result = run_single(tmp_path, rows)

    assert result.passed, result.summary
    assert result.blocking
    assert result.asset == "fct_ai_requests"
    assert result.failures == ()
    assert result.statistics["rows_checked"] == 6
    assert result.statistics["evaluated_expectations"] == result.statistics["successful_expectations"] == 6
    assert result.summary.startswith("PASSED: 6 of 6 expectations")
    assert (tmp_path / "data_docs" / "index.html").is_file()


def test_mostly_untagged_prod_day_fails_naming_day_and_share(tmp_path: Path) -> None:
    rows = [request("a1", day="2026-07-02"), request("a2", day="2026-07-02")]
    rows += [request("b1"), untagged("b2"), untagged("b3"), untagged("b4")]
    result = run_single(tmp_path, rows)

    assert not result.passed
    expected = "prod unallocated share 75.0% of requests on 2026-07-03 (3 of 4; limit 2.0%)"
    assert expected in result.failures
    assert result.summary.startswith("FAILED: ")
    assert expected in result.summary
    # 3.00 of the month's 6.00 USD is unallocated too.
    cost_failure = "prod unallocated share 50.0% of list cost in 2026-07 (USD 3.00 of 6.00; limit 1.0%)"
    assert cost_failure in result.failures
    assert len(result.failures) == 2


@pytest.mark.parametrize(
    ("unallocated_usd", "last_tagged_usd", "failure"),
    [
        (1.5, 2.5, "prod unallocated share 1.5% of list cost in 2026-07 (USD 1.50 of 100.00; limit 1.0%)"),
        (0.9, 3.1, None),
    ],
)
def test_monthly_cost_share(
    tmp_path: Path,
    unallocated_usd: float,
    last_tagged_usd: float,
    failure: str | None,
) -> None:
    # 50 requests on one day, one of them unallocated: 1 of 50 is exactly the 2% daily limit, which passes.
    rows = [request(f"t{i}", cost=2.0) for i in range(48)]
    rows += [request("t48", cost=last_tagged_usd), untagged("u1", cost=unallocated_usd)]
    rows += [request("unpriced", day="2026-07-04", cost=None)]
    result = run_single(tmp_path, rows)

    if failure is None:
        assert result.passed, result.summary
    else:
        assert not result.passed
        assert result.failures == (failure,)
        assert result.summary == f"FAILED: {failure}"


def test_unregistered_tag_value_is_reported(tmp_path: Path) -> None:
    rows = [request(f"r{i}") for i in range(99)] + [request("typo", owner_team="serch")]
    result = run_single(tmp_path, rows, Thresholds(0.5, 0.5))

    assert not result.passed
    assert result.failures == (
        "owner_team: 1 of 100 prod rows (1.0%) are neither registered in raw.owner_teams nor 'unallocated' "
        "(e.g. 'serch' x1)",
    )
    assert result.statistics["unsuccessful_expectations"] == 1


def test_status_must_match_the_resolved_owner(tmp_path: Path) -> None:
    # An invalid tag resolved through the registries or the key is fine; an owner left unallocated on an
    # 'attributed' row is not.
    resolved = request("resolved", invalid="cost_center")
    flagged = request("flagged", owner_team="unallocated", invalid="owner_team")
    result = run_single(tmp_path, [request("ok"), resolved, flagged], Thresholds(0.5, 0.5))

    assert result.failures == (
        "attribution_status disagrees with the resolved owner or the tag problems on 1 prod rows: flagged on "
        "2026-07-03 is 'attributed' with missing tags '' and invalid tags 'owner_team'",
    )


def test_warehouse_is_released_after_the_run(tmp_path: Path) -> None:
    warehouse = build_warehouse(tmp_path / "warehouse.duckdb", [request("r1"), untagged("r2")])
    run_contracts(warehouse, tmp_path / "data_docs", names=[CONTRACT])

    # Read-write in this process fails if any read-only connection to the file were still open.
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute("create table marts.after_contracts as select 1 as ok")
        assert connection.execute("select count(*) from marts.fct_ai_requests").fetchone() == (2,)


def test_thresholds_from_dbt_vars(tmp_path: Path) -> None:
    project = tmp_path / "dbt_project.yml"
    project.write_text("name: x\nvars:\n  unallocated_cost_share_max_monthly: 0.005\n  other: 1\n")
    assert Thresholds.from_dbt_vars(project) == Thresholds(
        unallocated_request_share_max_daily=0.02, unallocated_cost_share_max_monthly=0.005
    )

    project.write_text("name: x\n")
    assert Thresholds.from_dbt_vars(project) == Thresholds()

    project.write_text("vars:\n  unallocated_request_share_max_daily: lots\n")
    with pytest.raises(ValueError, match="unallocated_request_share_max_daily"):
        Thresholds.from_dbt_vars(project)


def _priced_warehouse(path: Path, rows: list[tuple]) -> Path:
    """A warehouse with the pricing columns: (request_id, month, pricing_status, model, reported, list)."""
    with duckdb.connect(str(path)) as connection:
        connection.execute(REGISTRY_DDL)
        connection.execute("drop table marts.fct_ai_requests")
        connection.execute(
            "create table marts.fct_ai_requests (request_id varchar, billing_month date, pricing_status varchar, "
            "provider varchar, billable_model varchar, provider_reported_cost_usd decimal(28, 12), "
            "list_cost_usd decimal(38, 12))"
        )
        connection.executemany("insert into marts.fct_ai_requests values (?, ?, ?, 'openai', ?, ?, ?)", rows)
    return path


def test_price_coverage_fails_on_cost_at_risk_above_the_share(tmp_path: Path) -> None:
    # July: 100.00 priced, 1.50 reported for an unknown model = 1.5% > 1%; August: 0.90% passes.
    rows = [
        ("a", "2026-07-01", "priced", "gpt-4o-mini", None, 100.0),
        ("b", "2026-07-01", "unknown_model", "acme-ft", 1.5, None),
        ("c", "2026-08-01", "priced", "gpt-4o-mini", None, 100.0),
        ("d", "2026-08-01", "unknown_model", "acme-ft", 0.9, None),
    ]
    warehouse = _priced_warehouse(tmp_path / "w.duckdb", rows)
    (result,) = run_contracts(warehouse, tmp_path / "docs", Thresholds(), names=["fct_ai_requests__price_coverage"])
    assert not result.passed and result.blocking
    assert result.failures == (
        "2026-07-01: 1 of 2 attempts (50.00%) have no price, USD 1.50 reported by the source is at risk "
        "(limit 1.0%); models: openai/acme-ft",
    )


def test_a_repeated_attempt_fails_uniqueness(tmp_path: Path) -> None:
    rows = [("a", "2026-07-01", "priced", "m", None, 1.0), ("a", "2026-07-01", "priced", "m", None, 1.0)]
    warehouse = _priced_warehouse(tmp_path / "w.duckdb", rows)
    (result,) = run_contracts(warehouse, tmp_path / "docs", Thresholds(), names=["fct_ai_requests__unique_attempts"])
    assert not result.passed
    assert result.failures[0].startswith("request_id: 2 of 2 rows repeat an attempt")


def test_conservation_names_the_source(tmp_path: Path) -> None:
    warehouse = tmp_path / "w.duckdb"
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute(REGISTRY_DDL)
        connection.execute(
            "create table marts.rpt_source_conservation as select * from (values "
            "('gateway', 10, 7, 1, 2, 0, true), ('litellm', 5, 3, 1, 0, 0, false)) "
            "as t(source, raw_records, canonical_rows, deduplicated_rows, quarantined_rows, non_attempt_rows, "
            "is_conserved)"
        )
    (conservation,) = run_contracts(
        warehouse, tmp_path / "docs", Thresholds(), names=["rpt_source_conservation__rows_conserved"]
    )
    assert conservation.blocking and not conservation.passed
    assert conservation.failures == (
        "litellm: 5 raw records but 3 canonical + 1 de-duplicated + 0 quarantined + 0 non-attempt rows",
    )
