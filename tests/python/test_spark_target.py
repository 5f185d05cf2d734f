"""The same pipeline on Spark (dbt-spark in session mode, PySpark in the dbt process): ingest writes the parsed
raw rows as Parquet tables, dbt builds every model and runs every test on Spark, the contracts read what Spark
wrote, and the main marts equal the DuckDB run's row for row.

Marked `spark` and run by `make test-spark` (CI runs it after `make test`): it needs `make spark` (PySpark and
dbt-spark) and Java 17, and skips, saying which is missing, without them.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import assert_marts_equal, query

from orchestration.ingest.loader import connect_warehouse
from orchestration.ingest.publish import publish_new_loads
from orchestration.settings import Settings

pytestmark = pytest.mark.spark
pytest.importorskip("pyspark", reason="PySpark is not installed: run `make spark`")
pytest.importorskip("dbt.adapters.spark", reason="dbt-spark is not installed: run `make spark`")
if shutil.which("java") is None:
    pytest.skip("no Java on PATH: the Spark target needs Java 17", allow_module_level=True)

MARTS = {
    "fct_ai_requests": "request_id",
    "fct_chargeback_monthly": "ledger_line_id",
    "fct_invoice_reconciliation": "provider, billing_month",
    "rpt_source_conservation": "source",
    "rpt_weekly_burn_review": "iso_week, spend_rank",
}
RAW_TABLES = ("gateway_requests", "litellm_payloads", "otel_spans", "bedrock_invocations", "invoice_lines")


@pytest.fixture(scope="module")
def spark_run(sample_run, tmp_path_factory):
    """`chargeback run --target spark` in its own process, as a person runs it (PySpark's JVM, the Hive
    metastore and dagster-dbt's manifest then belong to that run alone)."""
    landing, duckdb_workdir, duckdb_summary, _ = sample_run
    workdir = tmp_path_factory.mktemp("spark")
    settings = Settings(landing, workdir / "ingest.duckdb", workdir / "data_docs", target="spark")
    args = ["run", "--landing", str(landing), "--warehouse", str(settings.warehouse_path), "--target", "spark"]
    done = subprocess.run(
        [str(Path(sys.executable).parent / "chargeback"), *args, "--data-docs", str(settings.data_docs_dir)],
        capture_output=True,
        text=True,
        timeout=3600,
    )
    return done, settings, duckdb_workdir / "warehouse.duckdb", duckdb_summary


def test_every_model_test_and_contract_passes_on_spark(spark_run):
    done, settings, duckdb_warehouse, duckdb_summary = spark_run
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "ai-chargeback run succeeded" in done.stdout and "dbt tests failed" not in done.stdout
    passed = re.findall(r"^    PASS  (\S+): ", done.stdout, flags=re.MULTILINE)
    assert passed == [c.name for c in duckdb_summary.contracts if c.passed] and len(passed) == 6
    total = "select sum(list_cost_usd) from marts.fct_ai_requests"
    assert query(settings.spark_dir / "read_views.duckdb", total) == query(duckdb_warehouse, total)


def test_marts_on_spark_equal_the_duckdb_marts_row_for_row(spark_run):
    _, settings, duckdb_warehouse, _ = spark_run
    views = settings.spark_dir / "read_views.duckdb"
    assert_marts_equal(duckdb_warehouse, lambda sql: query(views, sql), MARTS)


def test_raw_tables_are_parquet_written_once(spark_run):
    _, settings, duckdb_warehouse, _ = spark_run
    views = settings.spark_dir / "read_views.duckdb"
    for table in RAW_TABLES:
        sql = f"select count(*), count(distinct load_id) from raw.{table}"
        assert query(views, sql) == query(duckdb_warehouse, sql), table
        assert len(list((settings.spark_dir / "raw" / table).glob("*.parquet"))) == 1, table
    # Publishing again writes nothing: every load is already there.
    os.environ["CHARGEBACK_SPARK_DIR"] = str(settings.spark_dir)
    try:
        con = connect_warehouse(settings.warehouse_path)
        try:
            assert publish_new_loads(con, "spark", [*RAW_TABLES, "load_manifest", "load_rejects"]) == 0
        finally:
            con.close()
    finally:
        os.environ.pop("CHARGEBACK_SPARK_DIR", None)
