"""Readers are never locked out: after each successful run the warehouse is published as a read copy.

DuckDB lets a process write a database file only while no other process has it open, so a BI tool holding
the warehouse open would block the run, and a run would block the tool. BI tools read
`<warehouse dir>/published/<warehouse file>` instead: the run copies the finished warehouse to a temporary
file beside it and renames it into place. A reader that has the old copy open keeps reading the old state;
the next connection sees the new one; nobody ever sees a half-built mart. The copy keeps the warehouse's
file name, because DuckDB names the catalog after the file and the views refer to it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb


def published_path(warehouse_path: Path) -> Path:
    return warehouse_path.parent / "published" / warehouse_path.name


def publish_read_copy(warehouse_path: Path) -> Path:
    target = published_path(warehouse_path)
    target.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(warehouse_path)) as con:
        con.execute("checkpoint")  # everything in the file itself, nothing left in the write-ahead log
    staged = target.with_name(f".{target.name}.tmp")
    shutil.copyfile(warehouse_path, staged)
    os.replace(staged, target)
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
