"""Helpers for tests that run the whole pipeline on a small landing folder."""

from __future__ import annotations

from decimal import Decimal
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


def same_text(row: tuple) -> tuple:
    """A row of values rendered as text by two engines, made comparable: trailing decimal zeros and the
    timestamp separator differ between engines, and a ratio computed in floating point (variance share) may
    differ in its 17th digit. 15 significant digits keep every money amount here exact (at most 12 decimals
    on amounts below 10^3)."""
    out = []
    for value in row:
        if value is None:
            out.append(None)
            continue
        try:
            out.append(Decimal(f"{Decimal(value):.15g}").normalize())
        except ArithmeticError:
            out.append(value.replace("T", " "))
    return tuple(out)


def assert_marts_equal(duckdb_warehouse: Path, read_rows, marts: dict[str, str]) -> None:
    """Every row of each mart (name -> order by) read through `read_rows(sql)` on another engine equals the
    DuckDB run's, compared as text renderings of exact values (each engine returns its own Python types)."""
    for mart, order in marts.items():
        columns = [row[0] for row in query(duckdb_warehouse, f"select column_name from (describe marts.{mart})")]
        select = ", ".join(f"cast({column} as varchar)" for column in columns if "loaded_at" not in column)
        sql = f"select {select} from marts.{mart} order by {order}"
        expected, actual = query(duckdb_warehouse, sql), read_rows(sql)
        assert len(actual) == len(expected) > 0, mart
        assert [same_text(row) for row in actual] == [same_text(row) for row in expected], mart
