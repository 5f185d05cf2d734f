"""Source freshness as a data contract: marts.rpt_source_freshness measured at an injected time, checked by
the GX suite rpt_source_freshness__sources_fresh (a warning, not blocking)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from helpers import query

from orchestration.quality.contracts import FRESHNESS_CONTRACT, run_contracts
from orchestration.settings import PROFILES_DIR, PROJECT_DIR


def _rebuild_freshness(warehouse: Path, as_of: str) -> None:
    dbt = Path(sys.executable).parent / "dbt"
    env = {**os.environ, "CHARGEBACK_WAREHOUSE": str(warehouse), "CHARGEBACK_TARGET": "duckdb"}
    done = subprocess.run(
        [str(dbt), "build", "--quiet", "--select", "rpt_source_freshness", "--project-dir", str(PROJECT_DIR),
         "--profiles-dir", str(PROFILES_DIR), "--vars", json.dumps({"freshness_as_of": as_of}),
         "--target-path", str(warehouse.parent / "target")],
        env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture
def warehouse(hand_worked_run, tmp_path):
    copy = tmp_path / "warehouse.duckdb"
    shutil.copyfile(hand_worked_run[1], copy)
    return copy


def test_a_source_late_by_the_injected_clock_is_named_with_its_age(warehouse, tmp_path):
    # The time as the contract prints it (DuckDB's text drops trailing zeros of the microseconds; Python's does not).
    ((loaded_at, loaded_text),) = query(
        warehouse,
        "select max(loaded_at), cast(max(loaded_at) as varchar) from raw.load_manifest where source = 'gateway'",
    )
    _rebuild_freshness(warehouse, str(loaded_at + timedelta(hours=40)))
    assert query(warehouse, "select source, hours_since_last_file, is_fresh from marts.rpt_source_freshness") == [
        ("gateway", 40.0, False)
    ]
    (result,) = run_contracts(warehouse, tmp_path / "docs", names=[FRESHNESS_CONTRACT])
    assert not result.passed and not result.blocking
    assert result.failures == (f"gateway: newest file loaded 40.0 h ago at {loaded_text} (limit 36 h)",)
    assert (tmp_path / "docs" / "index.html").exists()

    _rebuild_freshness(warehouse, str(loaded_at + timedelta(hours=35, minutes=59)))
    (result,) = run_contracts(warehouse, tmp_path / "docs", names=[FRESHNESS_CONTRACT])
    assert result.passed and result.failures == ()
