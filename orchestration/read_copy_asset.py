"""Publishing the marts' read copy (orchestration/readers.py) as a Dagster asset, so that every run of the
daily_refresh and month_close jobs refreshes it: the CLI, the schedule and the landing sensor alike. It sits
downstream of the marts the blocking contracts guard: a failing contract or dbt test leaves readers on the
last good copy."""

from __future__ import annotations

from dagster import AssetKey, MaterializeResult, asset
from dagster_dbt import get_asset_key_for_model

from orchestration.quality.contracts import CONTRACTS
from orchestration.readers import publish_read_copy
from orchestration.resources import WarehouseResource
from orchestration.transform.assets import chargeback_dbt_assets


@asset(
    key=AssetKey(["published", "marts_read_copy"]),
    group_name="readers",
    deps={get_asset_key_for_model([chargeback_dbt_assets], contract.asset) for contract in CONTRACTS},
    description="The marts as a DuckDB file BI tools read (published/), swapped in whole after each good run.",
    kinds={"python", "duckdb"},
)
def marts_read_copy(warehouse: WarehouseResource) -> MaterializeResult:
    if warehouse.target != "duckdb":
        # PostgreSQL serves readers beside writers itself; Spark's marts are read through the read views the
        # run rebuilds (readers.spark_read_views).
        return MaterializeResult(metadata={"note": f"nothing to publish on {warehouse.target}"})
    path = publish_read_copy(warehouse.warehouse)
    return MaterializeResult(metadata={"read_copy": str(path), "file_bytes": path.stat().st_size})
