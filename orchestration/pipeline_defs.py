"""How the Dagster definitions are assembled for given settings; the code location and the CLI share it."""

from __future__ import annotations

import sys
from pathlib import Path

from dagster import (
    AssetSelection,
    Definitions,
    ScheduleDefinition,
    define_asset_job,
    in_process_executor,
)
from dagster_dbt import DbtCliResource

from orchestration.ingest.assets import raw_gateway_requests
from orchestration.ingest.invoice_assets import raw_invoice_lines
from orchestration.quality.checks import contract_checks
from orchestration.resources import WarehouseResource
from orchestration.settings import Settings
from orchestration.transform.assets import chargeback_dbt_assets
from orchestration.transform.project import dbt_project

# One process: DuckDB allows one writer at a time, and process start-up would dominate a daily run.
daily_refresh = define_asset_job(
    "daily_refresh",
    selection=AssetSelection.all(),
    executor_def=in_process_executor,
    description="Load new landing files, build every model and test, run the data contracts.",
)

daily_refresh_schedule = ScheduleDefinition(
    job=daily_refresh, cron_schedule="0 6 * * *", execution_timezone="UTC", name="daily_refresh_schedule"
)


def dbt_executable() -> str:
    """The dbt installed beside this Python, so a run works without an activated virtualenv."""
    beside = Path(sys.executable).parent / "dbt"
    return str(beside) if beside.exists() else "dbt"


def build_definitions(settings: Settings) -> Definitions:
    settings.export()
    return Definitions(
        assets=[raw_gateway_requests, raw_invoice_lines, chargeback_dbt_assets],
        asset_checks=contract_checks,
        jobs=[daily_refresh],
        schedules=[daily_refresh_schedule],
        resources={
            "dbt": DbtCliResource(
                project_dir=dbt_project,
                profiles_dir=str(dbt_project.profiles_dir),
                dbt_executable=dbt_executable(),
            ),
            "warehouse": WarehouseResource(
                landing_dir=str(settings.landing_dir),
                warehouse_path=str(settings.warehouse_path),
                data_docs_dir=str(settings.data_docs_dir),
            ),
        },
    )
