"""Ingest assets: one per source, all through the shared loader (orchestration/ingest/loader.py)."""

from dagster import AssetExecutionContext, AssetKey, MaterializeResult, asset

from orchestration.ingest.gateway import GatewayAdapter
from orchestration.ingest.loader import connect_warehouse, ensure_raw_tables, load_source
from orchestration.resources import WarehouseResource
from orchestration.settings import hash_salt

ADAPTERS = [GatewayAdapter()]


def ingest_source(adapter, warehouse: WarehouseResource):
    salt = hash_salt()
    con = connect_warehouse(warehouse.warehouse)
    try:
        ensure_raw_tables(con, ADAPTERS)
        return load_source(con, adapter, warehouse.landing, salt)
    finally:
        con.close()  # dbt runs in another process and needs the file


@asset(
    key=AssetKey(["raw", "gateway_requests"]),
    group_name="raw",
    description="Gateway JSONL request logs loaded into raw.gateway_requests (rejects to raw.load_rejects).",
    kinds={"duckdb", "python"},
)
def raw_gateway_requests(context: AssetExecutionContext, warehouse: WarehouseResource) -> MaterializeResult:
    report = ingest_source(ADAPTERS[0], warehouse)
    for result in report.files:
        if result.status != "already_loaded":
            context.log.info(
                f"{result.source_file}: {result.status}, {result.rows_loaded} rows, {result.rows_rejected} rejected"
            )
    return MaterializeResult(
        metadata={
            "files_loaded": report.files_loaded,
            "files_seen": len(report.files),
            "lines_read": report.lines_read,
            "rows_loaded": report.rows_loaded,
            "rows_rejected": report.rows_rejected,
        }
    )
