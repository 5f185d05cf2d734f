"""Errors a person can fix: one line saying what is wrong and what to do, exit 2, no traceback without --debug.
And one writer per warehouse: a second run while one is writing is refused at once."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner
from helpers import FIXTURES, query

from orchestration.cli import main
from orchestration.locking import lock_path, warehouse_lock
from orchestration.pipeline import run_pipeline
from orchestration.settings import ConfigError, Settings


@pytest.fixture
def landing(tmp_path):
    shutil.copytree(FIXTURES / "hand_worked", tmp_path / "landing")
    return tmp_path / "landing"


def _run(*args: str):
    return CliRunner().invoke(main, ["run", *args])


def test_warehouse_path_that_is_a_folder(landing, tmp_path):
    result = _run("--landing", str(landing), "--warehouse", str(tmp_path))
    assert result.exit_code == 2
    assert result.output == (
        f"error: warehouse path {tmp_path} is a folder: pass --warehouse with a file name, "
        f"e.g. {tmp_path / 'warehouse.duckdb'}\n"
    )


def test_warehouse_folder_that_cannot_be_created(landing, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the warehouse folder should be")
    result = _run("--landing", str(landing), "--warehouse", str(blocker / "warehouse.duckdb"))
    assert result.exit_code == 2
    assert result.output.startswith(f"error: cannot create the warehouse folder {blocker} (")
    assert result.output.endswith("pass --warehouse PATH in a folder you can write\n")
    assert "Traceback" not in result.output


def test_unknown_target_names_the_profiles(landing, tmp_path, monkeypatch):
    monkeypatch.setenv("CHARGEBACK_TARGET", "snowflake")
    result = _run("--landing", str(landing), "--warehouse", str(tmp_path / "w.duckdb"))
    assert result.exit_code == 2
    assert "error: target 'snowflake' is not in " in result.output
    assert result.output.endswith("profiles.yml: use one of duckdb, postgres, spark (--target or CHARGEBACK_TARGET)\n")


def test_spark_target_without_pyspark_says_how_to_install_it(landing, tmp_path, monkeypatch):
    import importlib.util

    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "pyspark" else real_find_spec(name, *a)
    )
    result = _run("--landing", str(landing), "--warehouse", str(tmp_path / "w.duckdb"), "--target", "spark")
    assert result.exit_code == 2
    assert result.output == (
        "error: target spark needs PySpark and dbt-spark: run `make spark` (or pip install -e .[spark])\n"
    )
    assert not (tmp_path / "w.duckdb").exists()


def test_debug_shows_the_traceback(landing, tmp_path):
    with pytest.raises(ConfigError):
        CliRunner().invoke(
            main, ["--debug", "run", "--landing", str(landing), "--warehouse", str(tmp_path)], catch_exceptions=False
        )


def test_a_second_run_is_refused_while_one_writes(landing, tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    settings = Settings(landing_dir=landing, warehouse_path=warehouse, data_docs_dir=tmp_path / "docs")
    with warehouse_lock(warehouse, "a run"):
        with pytest.raises(ConfigError) as refused:
            run_pipeline(settings)
        result = _run("--landing", str(landing), "--warehouse", str(warehouse))
    message = str(refused.value)
    assert message.startswith(f"{warehouse} is being written by a run (pid ")
    assert message.endswith("wait for it to finish and run again (readers are not affected)")
    assert result.exit_code == 2 and result.output == f"error: {message}\n"
    assert not warehouse.exists()  # the refused run touched nothing
    # Released with its holder: the next run goes ahead.
    assert run_pipeline(settings).success
    assert query(warehouse, "select count(*) from raw.load_manifest")[0][0] == 1
    assert lock_path(warehouse).exists()
