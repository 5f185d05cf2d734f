"""The same pipeline on PostgreSQL: ingest copies the parsed raw rows there (COPY), dbt builds every model and
runs every test there, the contracts read the marts there, and every figure equals the DuckDB run's.

Needs a PostgreSQL server reachable through the libpq variables (PGHOST, PGPORT, PGUSER, PGPASSWORD);
`.ci/run` points them at 127.0.0.1:5432. Each test module works in a database of its own, dropped after.
"""

from __future__ import annotations

import os
import uuid

import pytest
from helpers import assert_marts_equal, query

from orchestration.pipeline import run_pipeline
from orchestration.settings import Settings

psycopg2 = pytest.importorskip("psycopg2")

MARTS = {
    "fct_ai_requests": "request_id",
    "fct_chargeback_monthly": "ledger_line_id",
    "fct_invoice_reconciliation": "provider, billing_month",
    "rpt_source_conservation": "source",
}


def _server_or_skip():
    try:
        return psycopg2.connect("", dbname="postgres", connect_timeout=3)
    except psycopg2.OperationalError as exc:
        where = f"{os.environ.get('PGHOST', 'localhost')}:{os.environ.get('PGPORT', '5432')}"
        pytest.skip(f"no PostgreSQL server at {where} ({str(exc).strip().splitlines()[0]}); set PGHOST/PGPORT")


@pytest.fixture(scope="module")
def postgres_run(sample_run, tmp_path_factory):
    landing, duckdb_workdir, duckdb_summary, _ = sample_run
    admin = _server_or_skip()
    admin.autocommit = True
    database = f"chargeback_test_{uuid.uuid4().hex[:10]}"
    with admin.cursor() as cursor:
        try:
            cursor.execute(f'create database "{database}"')
        except psycopg2.errors.InsufficientPrivilege:
            pytest.skip(f"PostgreSQL role {admin.info.user!r} may not create databases: set PGUSER to one that can")
    saved = {key: os.environ.get(key) for key in ("PGDATABASE", "CHARGEBACK_TARGET")}
    os.environ["PGDATABASE"] = database
    workdir = tmp_path_factory.mktemp("postgres")
    settings = Settings(landing, workdir / "ingest.duckdb", workdir / "data_docs", target="postgres")
    try:
        first = run_pipeline(settings)
        second = run_pipeline(settings)
        yield first, second, psycopg2.connect(""), duckdb_workdir / "warehouse.duckdb", duckdb_summary
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        with admin.cursor() as cursor:
            cursor.execute(f'drop database if exists "{database}" with (force)')
        admin.close()


def _pg_rows(connection, sql: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


def test_every_model_test_and_contract_passes_on_postgres(postgres_run):
    first, _, _, _, duckdb_summary = postgres_run
    assert first.success, first.failed_steps
    assert first.dbt_failures == [] and first.dbt_warnings == duckdb_summary.dbt_warnings
    assert [(c.name, c.passed) for c in first.contracts] == [(c.name, c.passed) for c in duckdb_summary.contracts]
    assert all(c.passed for c in first.contracts)


def test_marts_on_postgres_equal_the_duckdb_marts_row_for_row(postgres_run):
    _, _, connection, duckdb_warehouse, _ = postgres_run
    assert_marts_equal(duckdb_warehouse, lambda sql: _pg_rows(connection, sql), MARTS)


def test_raw_rows_are_copied_once_and_a_rerun_copies_nothing(postgres_run):
    first, second, connection, duckdb_warehouse, _ = postgres_run
    assert first.rows_loaded_now > 0 and second.rows_loaded_now == 0 and second.files_loaded_now == 0
    for table in ("gateway_requests", "litellm_payloads", "otel_spans", "bedrock_invocations", "invoice_lines"):
        duck = query(duckdb_warehouse, f"select count(*), count(distinct load_id) from raw.{table}")[0]
        assert _pg_rows(connection, f"select count(*), count(distinct load_id) from raw.{table}")[0] == duck, table
    assert _pg_rows(connection, "select count(*) from raw.load_rejects")[0][0] == first.rejects_total > 0
    assert second.list_cost_usd == first.list_cost_usd
