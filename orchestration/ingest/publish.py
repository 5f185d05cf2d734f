"""Raw tables on a server target.

Whatever the target, files are parsed, validated and redacted by the same DuckDB statements into the local
ingest file, which keeps the manifest (so a file is never loaded twice). On a server target, the loads that
are new since the last run are then copied to the target's raw schema, where dbt reads them:
- PostgreSQL: by COPY, in bounded batches, in one transaction per source (all of a load or none of it);
- Spark: as Parquet files, one new file per table and run under `<spark dir>/raw/<table>/`, written under a
  hidden name and renamed into place (Spark skips hidden files, so a reader sees all of a run or none);
  dbt's on-run-start hook (macros/portability/raw_tables.sql) declares each folder as the table raw.<table>.
"""

from __future__ import annotations

import io
import os
import uuid
from collections.abc import Iterable
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.csv as pa_csv

from orchestration.settings import ConfigError

BATCH_ROWS = 100_000
LOCAL_TARGETS = ("duckdb",)
SERVER_TARGETS = ("postgres", "spark")

_POSTGRES_TYPES = {
    "VARCHAR": "text",
    "BIGINT": "bigint",
    "INTEGER": "integer",
    "DOUBLE": "double precision",
    "BOOLEAN": "boolean",
    "TIMESTAMP": "timestamp",
    "TIMESTAMP WITH TIME ZONE": "timestamptz",
    "DATE": "date",
    "HUGEINT": "numeric(38, 0)",
}


def postgres_type(duckdb_type: str) -> str:
    if duckdb_type.startswith("DECIMAL"):
        return "numeric" + duckdb_type[len("DECIMAL") :]
    try:
        return _POSTGRES_TYPES[duckdb_type]
    except KeyError:
        raise ValueError(f"no PostgreSQL type for DuckDB type {duckdb_type}") from None


def connect_postgres():
    """A connection from the standard libpq variables (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE)."""
    import psycopg2

    try:
        return psycopg2.connect("")
    except psycopg2.OperationalError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else "connection refused"
        raise ConfigError(
            f"cannot reach PostgreSQL ({first}): set PGHOST, PGPORT, PGUSER, PGPASSWORD and PGDATABASE "
            "for the target, or run on the embedded default with --target duckdb"
        ) from None


def publish_new_loads(con: duckdb.DuckDBPyConnection, target: str, tables: Iterable[str]) -> int:
    """Copy rows of loads the target does not hold yet from raw.<table> to the target; return rows copied."""
    if target in LOCAL_TARGETS:
        return 0
    if target == "spark":
        raw_dir = Path(os.environ.get("CHARGEBACK_SPARK_DIR", "data/spark")) / "raw"
        return sum(_write_parquet_table(con, raw_dir, table) for table in tables)
    if target != "postgres":
        raise ConfigError(f"ingest cannot write to target {target!r}: use one of duckdb, {', '.join(SERVER_TARGETS)}")
    pg = connect_postgres()
    copied = 0
    try:
        with pg, pg.cursor() as cursor:  # one transaction: commits on success, rolls back on error
            cursor.execute("create schema if not exists raw")
            for table in tables:
                copied += _copy_table(con, cursor, table)
    finally:
        pg.close()
    return copied


def _copy_table(con: duckdb.DuckDBPyConnection, cursor, table: str) -> int:
    columns = con.execute(f"describe raw.{table}").fetchall()
    names = [name for name, *_ in columns]
    definition = ", ".join(f'"{name}" {postgres_type(kind)}' for name, kind, *_ in columns)
    cursor.execute(f'create table if not exists raw."{table}" ({definition})')
    cursor.execute(f'select distinct load_id from raw."{table}"')
    published = pa.table({"load_id": pa.array([row[0] for row in cursor.fetchall()], pa.string())})
    con.register("published_loads", published)
    try:
        reader = con.execute(
            f"select * from raw.{table} where load_id not in (select load_id from published_loads)"
        ).fetch_record_batch(BATCH_ROWS)
        copied = 0
        column_list = ", ".join(f'"{name}"' for name in names)
        for batch in reader:
            buffer = io.BytesIO()
            # Every non-null value quoted: an empty string stays empty, an unquoted empty field is NULL.
            pa_csv.write_csv(
                pa.Table.from_batches([batch]),
                buffer,
                pa_csv.WriteOptions(include_header=False, quoting_style="all_valid"),
            )
            buffer.seek(0)
            cursor.copy_expert(f'copy raw."{table}" ({column_list}) from stdin with (format csv)', buffer)
            copied += batch.num_rows
        return copied
    finally:
        con.unregister("published_loads")


def _write_parquet_table(con: duckdb.DuckDBPyConnection, raw_dir: Path, table: str) -> int:
    """Append the loads not yet in `raw_dir/table/` as one Parquet file; the first run writes the table's
    schema even when it has no rows, so Spark can declare every raw table."""
    folder = raw_dir / table
    folder.mkdir(parents=True, exist_ok=True)
    files = sorted(str(p) for p in folder.glob("*.parquet"))
    published = "select null as load_id where false"
    if files:
        published = f"select distinct load_id from read_parquet({files!r})"
    rows = con.execute(f"select count(*) from raw.{table} where load_id not in ({published})").fetchone()[0]
    if files and rows == 0:
        return 0
    hidden = folder / f".part-{uuid.uuid4().hex}.parquet"
    con.execute(f"copy (select * from raw.{table} where load_id not in ({published})) to '{hidden}' (format parquet)")
    os.replace(hidden, folder / hidden.name.removeprefix("."))
    return rows
