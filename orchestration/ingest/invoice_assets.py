"""Ingest asset for provider invoices: the input of invoice-time discounts and of reconciliation."""

from dagster import AssetExecutionContext, AssetKey, MaterializeResult, asset

from orchestration.ingest.invoices import InvoicesAdapter
from orchestration.ingest.loader import connect_warehouse, ensure_raw_tables, load_source
from orchestration.ingest.publish import publish_new_loads
from orchestration.resources import WarehouseResource


@asset(
    key=AssetKey(["raw_invoices", "invoice_lines"]),
    group_name="raw",
    description="Provider invoice CSV lines loaded into raw.invoice_lines (rejects to raw.load_rejects).",
    kinds={"duckdb", "python"},
)
def raw_invoice_lines(context: AssetExecutionContext, warehouse: WarehouseResource) -> MaterializeResult:
    adapter = InvoicesAdapter()
    con = connect_warehouse(warehouse.warehouse)
    try:
        ensure_raw_tables(con, [adapter])
        report = load_source(con, adapter, warehouse.landing, salt="")
        publish_new_loads(con, warehouse.target, [adapter.table, "load_manifest", "load_rejects"])
    finally:
        con.close()
    context.log.info(
        f"invoices: {report.files_loaded} files, {report.rows_loaded} lines, {report.rows_rejected} rejected"
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
