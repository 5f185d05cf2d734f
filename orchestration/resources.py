"""The one resource every asset shares: where the landing folder, the warehouse and Data Docs are."""

from __future__ import annotations

from pathlib import Path

from dagster import ConfigurableResource


class WarehouseResource(ConfigurableResource):
    landing_dir: str
    warehouse_path: str
    data_docs_dir: str
    posting_dir: str = "data/posted"
    # dbt target the marts are built on; on a server target the DuckDB file is the ingest store only.
    target: str = "duckdb"

    @property
    def landing(self) -> Path:
        return Path(self.landing_dir)

    @property
    def warehouse(self) -> Path:
        return Path(self.warehouse_path)

    @property
    def data_docs(self) -> Path:
        return Path(self.data_docs_dir)

    @property
    def posting(self) -> Path:
        return Path(self.posting_dir)
