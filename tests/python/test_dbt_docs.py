"""The dbt docs site BI users read: built from the warehouse, one file, every mart and its columns in it."""

from __future__ import annotations

from click.testing import CliRunner

from orchestration.cli import main


def test_docs_command_writes_one_static_page_with_every_mart(hand_worked_run, tmp_path):
    _, warehouse = hand_worked_run
    result = CliRunner().invoke(main, ["docs", "--warehouse", str(warehouse), "--out", str(tmp_path / "site")])
    assert result.exit_code == 0, result.output
    page = tmp_path / "site" / "index.html"
    assert result.output.strip() == f"dbt docs: {page}"
    html = page.read_text()
    # The static page inlines the manifest and the catalog (column types read from the warehouse).
    for name in ("model.ai_chargeback.fct_ai_requests", "model.ai_chargeback.fct_chargeback_monthly"):
        assert name in html
    assert '"attribution_status"' in html and "list_cost_usd" in html
    assert not list((tmp_path / "site").glob(".*.tmp"))


def test_docs_command_without_a_warehouse_says_what_to_do(tmp_path):
    result = CliRunner().invoke(main, ["docs", "--warehouse", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 2
    assert result.output.strip().startswith(f"error: no warehouse at {tmp_path / 'none.duckdb'}")
