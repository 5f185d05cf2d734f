"""Incremental runs give exactly what a full build gives: a history is built, a new day arrives (with a late
copy, a retry across midnight, a copy that re-matches an old attempt and an earlier first sighting of an ad
hoc tag value), and the marts after the incremental run, after a daily-partition run of the Dagster job and
after `chargeback rebuild` are compared row for row with a fresh full run on all the data."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import query, run_on
from incremental_fixtures import NEW_DAY, write_history, write_new_day

from orchestration.cli import main
from orchestration.ingest.gateway import GatewayAdapter
from orchestration.ingest.loader import day_of, discover
from orchestration.pipeline import run_pipeline
from orchestration.settings import Settings

MARTS = ("fct_ai_requests", "fct_chargeback_monthly")


def _marts(warehouse: Path) -> dict[str, list[tuple]]:
    return {mart: query(warehouse, f"select * from marts.{mart} order by all") for mart in MARTS}


def _settings(workdir: Path) -> Settings:
    return Settings(workdir / "landing", workdir / "warehouse.duckdb", workdir / "data_docs")


def _built(summary) -> None:
    """dbt built every model and test; a contract may still flag the small fixture's tags."""
    assert not summary.dbt_failures, summary.dbt_failures
    assert all(step.startswith("data_contracts") for step in summary.failed_steps), summary.failed_steps


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    """A fresh full run on the history and the new day together."""
    workdir = tmp_path_factory.mktemp("full")
    write_new_day(write_history(workdir / "landing"))
    _built(run_on(workdir / "landing", workdir))
    return workdir / "warehouse.duckdb"


@pytest.fixture(scope="module")
def history(tmp_path_factory) -> Path:
    """The history alone, built in full: the starting point every incremental case copies."""
    workdir = tmp_path_factory.mktemp("history")
    write_history(workdir / "landing")
    _built(run_on(workdir / "landing", workdir))
    return workdir


def _copy_of(history: Path, target: Path) -> Path:
    shutil.copytree(history / "landing", target / "landing")
    shutil.copy(history / "warehouse.duckdb", target / "warehouse.duckdb")
    write_new_day(target / "landing")
    return target


@pytest.fixture(scope="module")
def incremental(history, tmp_path_factory) -> Path:
    workdir = _copy_of(history, tmp_path_factory.mktemp("incremental"))
    _built(run_on(workdir / "landing", workdir))
    return workdir


def test_incremental_run_equals_a_full_run_row_for_row(incremental, reference):
    got, expected = _marts(incremental / "warehouse.duckdb"), _marts(reference)
    assert len(expected["fct_ai_requests"]) == 9
    assert got == expected


def test_the_awkward_cases_came_out_as_a_full_build_has_them(reference):
    rows = dict(
        (request_id, (copies, feature, is_retry, root, ad_hoc, severity))
        for request_id, copies, feature, is_retry, root, ad_hoc, severity in query(
            reference,
            "select request_id, copies_seen, feature, is_retry, root_request_id, ad_hoc_tags, attribution_severity "
            "from marts.fct_ai_requests",
        )
    )
    assert rows["a1"][:2] == (2, "ticket-summarization")  # the late LiteLLM copy completed its tags
    assert rows["x2"][2:4] == (True, "x1")  # the retry links to its root of the day before
    assert rows["late-gw"][0] == 2  # the OTel span joined the late gateway line: one attempt, not two
    assert rows["h2"][0] == 2  # the late span without a response id joined h2 by the fallback key
    assert rows["d0"][4] == "feature" and rows["d1"][4] == ""  # exp-x first seen 08-03: on 08-20 it expired
    assert rows["d1"][5] == "violation"


def test_incremental_run_recomputed_only_what_the_new_day_touched(incremental):
    warehouse = incremental / "warehouse.duckdb"
    # Built twice: h1 and x1 (untouched history) keep the first build's rows; a1, h2 and late-gw were rewritten.
    builds = dict(
        query(
            warehouse,
            "select request_id, deduplicated_at from intermediate.int_usage_attempts_deduplicated "
            "where request_id in ('h1', 'x1', 'a1', 'h2', 'late-gw')",
        )
    )
    assert builds["h1"] == builds["x1"] < builds["a1"] == builds["h2"] == builds["late-gw"]
    # The attempt the OTel span formed alone by its fallback key is gone, not left beside the new one.
    assert query(
        warehouse, "select count(*) from intermediate.int_usage_attempts_deduplicated where attempt_key like 'fb|%'"
    ) == [(0,)]


def test_partitioned_job_run_for_the_new_day_equals_a_full_run(history, reference, tmp_path_factory):
    workdir = _copy_of(history, tmp_path_factory.mktemp("partition"))
    summary = run_pipeline(_settings(workdir), partition=NEW_DAY)
    _built(summary)
    # The partition loaded that day's files only.
    loaded = query(workdir / "warehouse.duckdb", "select source_file from raw.load_manifest where status = 'loaded'")
    assert {day_of(path) for (path,) in loaded} == {"2026-08-03", "2026-08-05", "2026-08-10", "2026-08-19",
                                                   "2026-08-20", NEW_DAY}  # fmt: skip
    assert _marts(workdir / "warehouse.duckdb") == _marts(reference)


def test_rebuild_gives_what_a_fresh_run_gives(incremental, reference, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("rebuild")
    shutil.copytree(incremental / "landing", workdir / "landing")
    shutil.copy(incremental / "warehouse.duckdb", workdir / "warehouse.duckdb")
    result = CliRunner().invoke(
        main,
        ["rebuild", "--landing", str(workdir / "landing"), "--warehouse", str(workdir / "warehouse.duckdb"),
         "--data-docs", str(workdir / "data_docs"), "--target", "duckdb"],
    )  # fmt: skip
    assert "ai-chargeback run" in result.output, result.output
    assert _marts(workdir / "warehouse.duckdb") == _marts(reference)
    # Every request-grain row was recomputed by the rebuild, in one build.
    assert query(
        workdir / "warehouse.duckdb",
        "select count(distinct priced_at) from intermediate.int_attempts_priced",
    ) == [(1,)]


def test_a_partition_loads_its_day_and_files_without_a_day(tmp_path):
    landing = tmp_path / "landing"
    for relative in ("gateway/2026-08-20/a.jsonl", "gateway/2026-08-21/a.jsonl", "gateway/blocked-2026-08-21.jsonl",
                     "gateway/2026/08/21/b.jsonl", "gateway/undated.jsonl"):  # fmt: skip
        (landing / relative).parent.mkdir(parents=True, exist_ok=True)
        (landing / relative).write_text("{}\n")
    found = {p.relative_to(landing / "gateway").as_posix() for p in discover(landing, GatewayAdapter(), NEW_DAY)}
    assert found == {"2026-08-21/a.jsonl", "blocked-2026-08-21.jsonl", "2026/08/21/b.jsonl", "undated.jsonl"}
    assert len(discover(landing, GatewayAdapter())) == 5
