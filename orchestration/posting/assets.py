"""The posting step as a Dagster asset: run by the month_close job with the month and the approver as run
config. It sits downstream of the marts its blocking contracts guard, so a failing contract stops it."""

from dagster import AssetExecutionContext, AssetKey, Config, MaterializeResult, asset
from dagster_dbt import get_asset_key_for_model

from orchestration.posting.post import post_month
from orchestration.resources import WarehouseResource
from orchestration.transform.assets import chargeback_dbt_assets

GUARDED_MODELS = ("fct_ai_requests", "fct_chargeback_monthly", "fct_invoice_reconciliation")


class MonthCloseConfig(Config):
    month: str
    approved_by: str
    adjustment: bool = False


@asset(
    key=AssetKey(["marts", "posted_ledger"]),
    group_name="posting",
    deps=[get_asset_key_for_model([chargeback_dbt_assets], model) for model in GUARDED_MODELS],
    description="A month's approved ledger, posted once (CSV, Parquet, manifest) and recorded in marts.posted_ledger.",
    kinds={"python", "duckdb"},
)
def posted_ledger(
    context: AssetExecutionContext, config: MonthCloseConfig, warehouse: WarehouseResource
) -> MaterializeResult:
    result = post_month(
        warehouse.warehouse,
        warehouse.posting,
        warehouse.data_docs,
        config.month,
        config.approved_by,
        adjustment=config.adjustment,
    )
    context.log.info(f"posted {result.month} ({result.kind}) to {result.directory}")
    return MaterializeResult(
        metadata={
            "posting_id": result.posting_id,
            "directory": str(result.directory),
            "line_count": result.line_count,
            **{f"total_{name}": value for name, value in result.totals.items()},
        }
    )
