"""Helpers for tests that run the whole pipeline on a small landing folder."""

from __future__ import annotations

from pathlib import Path

import duckdb

from orchestration.pipeline import RunSummary, run_pipeline
from orchestration.settings import Settings

FIXTURES = Path(__file__).parent / "fixtures"


def run_on(landing: Path, workdir: Path) -> RunSummary:
    settings = Settings(
        landing_dir=landing,
        warehouse_path=workdir / "warehouse.duckdb",
        data_docs_dir=workdir / "data_docs",
    )
    return run_pipeline(settings)


def query(warehouse: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()
