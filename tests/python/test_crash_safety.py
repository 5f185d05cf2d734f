"""Crash safety: a run killed mid-load, mid dbt build or mid contracts, and a posting killed between writing
its files and recording its lines, are re-run; the marts end identical to an uninterrupted run, no file is
loaded twice and no posting is half-written or doubled. Kills are real (SIGKILL of the whole process group)
or injected at a named point (orchestration/faults.py), each in a subprocess running the CLI."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import FIXTURES, query

from orchestration.faults import FAULT_ENV

CLI = str(Path(sys.executable).parent / "chargeback")
MARTS = {"fct_ai_requests": "request_id", "fct_chargeback_monthly": "ledger_line_id"}


def _cli(args: list[str], fault: str | None = None, **popen) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != FAULT_ENV} | ({FAULT_ENV: fault} if fault else {})
    env["CHARGEBACK_TARGET"] = "duckdb"
    return subprocess.Popen([CLI, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **popen)


def _snapshot(warehouse: Path) -> dict[str, list[tuple]]:
    snapshot = {}
    for mart, order in MARTS.items():
        columns = [
            row[0]
            for row in query(warehouse, f"select column_name from (describe marts.{mart})")
            if row[0] not in ("loaded_at", "load_id")
        ]
        snapshot[mart] = query(warehouse, f"select {', '.join(columns)} from marts.{mart} order by {order}")
    return snapshot


@pytest.fixture(scope="module")
def crashed_then_rerun(hand_worked_run, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("crashes")
    landing = workdir / "landing"
    shutil.copytree(FIXTURES / "hand_worked", landing)
    warehouse = workdir / "warehouse.duckdb"
    run = ["run", "--landing", str(landing), "--warehouse", str(warehouse), "--data-docs", str(workdir / "docs")]
    exits = {}

    # 1. killed inside the file's load transaction: the file's rows roll back with it
    crashed = _cli(run, fault="load")
    crashed.communicate(timeout=600)
    exits["load"] = crashed.returncode
    exits["manifest_after_load_crash"] = query(warehouse, "select count(*) from raw.load_manifest")[0][0]

    # 2. SIGKILL of the run and its dbt subprocess once dbt has started building models
    building = _cli(run, start_new_session=True)
    log = workdir / "logs" / "last_run.log"
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline and building.poll() is None:
        if log.exists() and " OK created " in log.read_text(errors="replace"):
            break
        time.sleep(0.2)
    exits["dbt_was_building"] = building.poll() is None
    os.killpg(building.pid, signal.SIGKILL)
    building.communicate(timeout=60)
    exits["dbt"] = building.returncode

    # 3. killed after the contracts ran, before any result was reported
    crashed = _cli(run, fault="contracts")
    crashed.communicate(timeout=600)
    exits["contracts"] = crashed.returncode

    # 4. the uninterrupted re-run
    final = _cli(run)
    output, _ = final.communicate(timeout=600)
    assert final.returncode == 0, output
    return workdir, warehouse, hand_worked_run[1], exits


def test_each_interrupted_stage_really_stopped_the_run(crashed_then_rerun):
    _, _, _, exits = crashed_then_rerun
    assert exits["load"] == 137 and exits["manifest_after_load_crash"] == 0
    assert exits["dbt_was_building"] and exits["dbt"] == -signal.SIGKILL
    assert exits["contracts"] == 137


def test_marts_after_the_crashes_equal_an_uninterrupted_run(crashed_then_rerun):
    _, warehouse, reference, _ = crashed_then_rerun
    assert _snapshot(warehouse) == _snapshot(reference)


def test_no_file_is_loaded_twice(crashed_then_rerun):
    _, warehouse, reference, _ = crashed_then_rerun
    sql = "select source_file, status, rows_loaded, rows_rejected from raw.load_manifest order by 1"
    assert query(warehouse, sql) == query(reference, sql)
    assert query(warehouse, "select count(*) from raw.gateway_requests") == query(
        reference, "select count(*) from raw.gateway_requests"
    )


def test_a_posting_killed_after_writing_its_files_is_posted_once_on_retry(crashed_then_rerun):
    workdir, warehouse, _, _ = crashed_then_rerun
    posted = workdir / "posted"
    post = ["post", "--month", "2026-07", "--approved-by", "Finance Partner B", "--warehouse", str(warehouse),
            "--posting-dir", str(posted), "--data-docs", str(workdir / "docs")]  # fmt: skip
    crashed = _cli(post, fault="posting")
    crashed.communicate(timeout=600)
    assert crashed.returncode == 137
    (orphan,) = [p for p in (posted / "2026-07").iterdir() if not p.name.startswith(".")]
    assert query(warehouse, "select count(*) from marts.posted_ledger")[0][0] == 0  # never recorded

    time.sleep(1.1)  # posting ids carry the second
    retry = _cli(post)
    output, _ = retry.communicate(timeout=600)
    assert retry.returncode == 0, output
    visible = [p for p in (posted / "2026-07").iterdir() if not p.name.startswith(".")]
    assert len(visible) == 1 and visible[0].name != orphan.name
    assert (posted / "2026-07" / f".orphaned-{orphan.name}").is_dir()  # kept for audit, out of the way
    manifest = json.loads((visible[0] / "manifest.json").read_text())
    ((recorded_id, lines),) = query(
        warehouse, "select posting_id, count(*) from marts.posted_ledger group by posting_id"
    )
    assert recorded_id == visible[0].name == manifest["posting_id"] and lines == manifest["row_count"] > 0
    assert not list((posted / "2026-07").glob("*.partial"))
