"""How the Dagster definitions are assembled for given settings; the code location and the CLI share it."""

from __future__ import annotations

import sys
from pathlib import Path

from dagster import (
    AssetSelection,
    Definitions,
    build_schedule_from_partitioned_job,
    define_asset_job,
    in_process_executor,
)
from dagster_dbt import DbtCliResource

from orchestration.ingest.assets import INGEST_ASSETS, landing_day
from orchestration.ingest.invoice_assets import raw_invoice_lines
from orchestration.ingest.sensors import build_landing_sensor
from orchestration.partitions import daily_partitions
from orchestration.posting.assets import posted_ledger
from orchestration.prices.assets import model_price_book
from orchestration.quality.checks import contract_checks
from orchestration.read_copy_asset import marts_read_copy
from orchestration.resources import WarehouseResource
from orchestration.settings import Settings
from orchestration.transform.assets import chargeback_dbt_assets
from orchestration.transform.project import dbt_project

# One process: DuckDB allows one writer at a time, and process start-up would dominate a daily run.
daily_refresh = define_asset_job(
    "daily_refresh",
    # The price-book sync is a deliberate, reviewed step, never part of the scheduled refresh.
    selection=AssetSelection.all() - AssetSelection.assets(model_price_book, posted_ledger),
    executor_def=in_process_executor,
    # A run for a day loads that day's files and rebuilds its window; a run without a partition (the CLI,
    # the landing sensor) loads every new file and rebuilds what it touched.
    partitions_def=daily_partitions,
    description="Load new landing files, build every model and test, run the data contracts.",
)

# Month close = the daily refresh plus posting, in one run: the posting asset is downstream of the marts
# whose blocking contracts must pass. Month and approver come as run config (MonthCloseConfig).
month_close = define_asset_job(
    "month_close",
    selection=AssetSelection.all() - AssetSelection.assets(model_price_book),
    executor_def=in_process_executor,
    description="Refresh, run the contracts, then post the month's ledger if they pass and it is approved.",
)

# Each morning, the partition of the day that just ended.
daily_refresh_schedule = build_schedule_from_partitioned_job(
    daily_refresh, hour_of_day=6, minute_of_hour=0, name="daily_refresh_schedule"
)


def dbt_executable() -> str:
    """The dbt installed beside this Python, so a run works without an activated virtualenv."""
    beside = Path(sys.executable).parent / "dbt"
    return str(beside) if beside.exists() else "dbt"


def build_definitions(settings: Settings) -> Definitions:
    settings.export()
    return Definitions(
        assets=[
            *INGEST_ASSETS,
            landing_day,
            raw_invoice_lines,
            model_price_book,
            chargeback_dbt_assets,
            posted_ledger,
            marts_read_copy,
        ],
        asset_checks=contract_checks,
        jobs=[daily_refresh, month_close],
        schedules=[daily_refresh_schedule],
        sensors=[build_landing_sensor(daily_refresh.name)],
        resources={
            "dbt": DbtCliResource(
                project_dir=dbt_project,
                profiles_dir=str(dbt_project.profiles_dir),
                dbt_executable=dbt_executable(),
                target=settings.target,
            ),
            "warehouse": WarehouseResource(
                landing_dir=str(settings.landing_dir),
                warehouse_path=str(settings.warehouse_path),
                data_docs_dir=str(settings.data_docs_dir),
                posting_dir=str(settings.posted_dir),
                target=settings.target,
            ),
        },
    )
