"""Readers are never locked out: after each successful run the marts are published as a read copy.

DuckDB lets a process write a database file only while no other process has it open, so a BI tool holding
the warehouse open would block the run, and a run would block the tool. BI tools read
`<warehouse dir>/published/<warehouse file>` instead: a DuckDB file holding the marts schema (every table a
dashboard, report or export reads), written beside it under a temporary name and renamed into place. A
reader that has the old copy open keeps reading the old state; the next connection sees the new one; nobody
ever sees a half-built mart. Only the marts are copied: raw records and request-grain intermediate steps
are most of the warehouse (about 26 GB at 10M requests a month), and a whole copy would need that much
disk again after every run.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from orchestration.settings import duckdb_memory_limit

PUBLISHED_SCHEMAS = ("marts",)


def published_path(warehouse_path: Path) -> Path:
    return warehouse_path.parent / "published" / warehouse_path.name


def publish_read_copy(warehouse_path: Path) -> Path:
    """Copy every table and view of PUBLISHED_SCHEMAS into a new file (a view becomes a table, so the copy
    never refers to what it does not hold), then swap it in."""
    target = published_path(warehouse_path)
    target.parent.mkdir(parents=True, exist_ok=True)
    staged = target.with_name(f".{target.name}.tmp")
    leftovers = (staged, staged.with_name(f"{staged.name}.wal"))  # from a run killed while publishing
    for path in leftovers:
        path.unlink(missing_ok=True)
    try:
        with duckdb.connect(str(staged), config={"memory_limit": duckdb_memory_limit()}) as con:
            source = str(warehouse_path).replace("'", "''")
            con.execute(f"attach '{source}' as source_warehouse (read_only)")
            relations = con.execute(
                """
                select schema_name, table_name from duckdb_tables()
                where database_name = 'source_warehouse' and list_contains($schemas, schema_name)
                union all
                select schema_name, view_name from duckdb_views()
                where database_name = 'source_warehouse' and list_contains($schemas, schema_name)
                """,
                {"schemas": list(PUBLISHED_SCHEMAS)},
            ).fetchall()
            for schema in PUBLISHED_SCHEMAS:
                con.execute(f'create schema "{schema}"')
            for schema, name in relations:
                con.execute(f'create table "{schema}"."{name}" as select * from source_warehouse."{schema}"."{name}"')
        os.replace(staged, target)
    finally:
        for path in leftovers:
            path.unlink(missing_ok=True)
    return target


def spark_read_views(spark_dir: Path) -> Path:
    """On the Spark target, a small DuckDB file of views over the table files Spark wrote (raw Parquet
    folders, seeds and models under its warehouse directory), rebuilt after each run: the run summary, the
    data contracts and BI tools without a Spark connection read the marts through it, without starting Spark
    and without holding its metastore (which allows one process at a time)."""
    folders = {("raw", table.name): table for table in sorted((spark_dir / "raw").glob("*")) if table.is_dir()}
    for schema_dir in sorted((spark_dir / "warehouse").glob("*.db")):
        for table in sorted(schema_dir.iterdir()):
            if table.is_dir() and any(table.glob("*.parquet")):
                folders[(schema_dir.name.removesuffix(".db"), table.name)] = table
    target = spark_dir / "read_views.duckdb"
    staged = target.with_name(f".{target.name}.tmp")
    staged.unlink(missing_ok=True)
    with duckdb.connect(str(staged)) as con:
        for schema in sorted({schema for schema, _ in folders}):
            con.execute(f'create schema "{schema}"')
        for (schema, name), folder in folders.items():
            files = str(folder / "*.parquet").replace("'", "''")
            con.execute(f'create view "{schema}"."{name}" as select * from read_parquet(\'{files}\')')
    os.replace(staged, target)
    return target
