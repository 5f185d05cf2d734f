"""The Dagster code location loads with the whole graph, and the CLI speaks plainly to people."""

from __future__ import annotations

from click.testing import CliRunner

from orchestration.cli import main
from orchestration.pipeline_defs import build_definitions
from orchestration.settings import Settings


def test_definitions_hold_the_whole_graph(tmp_path):
    defs = build_definitions(Settings(tmp_path / "landing", tmp_path / "w.duckdb", tmp_path / "docs"))
    graph = defs.resolve_asset_graph()
    keys = {key.to_user_string() for key in graph.get_all_asset_keys()}
    assert {
        "raw/gateway_requests",
        "raw/model_prices",
        "staging/stg_gateway__requests",
        "intermediate/int_attempts_priced",
        "marts/fct_ai_requests",
        "marts/fct_chargeback_monthly",
    } <= keys
    checks = {key.name for key in graph.asset_check_keys}
    assert {
        "fct_ai_requests__tag_completeness",
        "fct_ai_requests__price_coverage",
        "fct_ai_requests__unique_attempts",
        "fct_invoice_reconciliation__within_tolerance",
    } <= checks
    assert any(name.startswith("not_null_fct_ai_requests_request_id") for name in checks)
    assert defs.resolve_job_def("daily_refresh") is not None
    (schedule,) = list(defs.schedules)
    assert schedule.cron_schedule == "0 6 * * *"


def test_missing_landing_folder_is_one_clear_line(tmp_path, monkeypatch):
    monkeypatch.setenv("CHARGEBACK_HASH_SALT", "cli-test-salt")
    result = CliRunner().invoke(main, ["run", "--landing", str(tmp_path / "nowhere")])
    assert result.exit_code == 2
    assert result.output.startswith("error: landing folder ")
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1


def test_empty_and_unknown_landing_folders_are_one_clear_line(tmp_path, monkeypatch):
    monkeypatch.setenv("CHARGEBACK_HASH_SALT", "cli-test-salt")
    landing = tmp_path / "landing"
    (landing / "gateway").mkdir(parents=True)
    empty = CliRunner().invoke(main, ["run", "--landing", str(landing)])
    assert empty.exit_code == 2 and "holds no files" in empty.output
    (landing / "gatway").mkdir()
    unknown = CliRunner().invoke(main, ["run", "--landing", str(landing)])
    assert unknown.exit_code == 2
    assert unknown.output.startswith("error: unknown source folder(s) gatway in ")
    assert len(unknown.output.strip().splitlines()) == 1


def test_missing_salt_is_one_clear_line(tmp_path, monkeypatch):
    monkeypatch.delenv("CHARGEBACK_HASH_SALT", raising=False)
    (tmp_path / "landing" / "gateway").mkdir(parents=True)
    (tmp_path / "landing" / "gateway" / "a.jsonl").write_text("{}\n")
    result = CliRunner().invoke(main, ["run", "--landing", str(tmp_path / "landing")])
    assert result.exit_code == 2
    assert "CHARGEBACK_HASH_SALT is not set" in result.output


def test_sample_command_writes_a_landing_folder(tmp_path):
    result = CliRunner().invoke(main, ["sample", "--out", str(tmp_path), "--requests", "200", "--days", "3"])
    assert result.exit_code == 0, result.output
    assert list((tmp_path / "gateway").glob("*/*.jsonl"))
    assert list((tmp_path / "invoices").glob("*.csv"))
