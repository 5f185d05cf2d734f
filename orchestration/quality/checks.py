"""The data contracts (Great Expectations suites, orchestration/quality/contracts.py) as Dagster asset
checks on the dbt assets they guard. One GX checkpoint run evaluates them all and refreshes Data Docs;
blocking contracts stop the assets downstream of the asset they guard."""

from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    MetadataValue,
    multi_asset_check,
)
from dagster_dbt import get_asset_key_for_model

from orchestration.faults import fault_point
from orchestration.quality.contracts import CONTRACTS, ContractResult, Thresholds, run_contracts
from orchestration.resources import WarehouseResource
from orchestration.settings import PROJECT_DIR
from orchestration.transform.assets import chargeback_dbt_assets


def _asset_key(model: str):
    return get_asset_key_for_model([chargeback_dbt_assets], model)


def contract_check_result(result: ContractResult) -> AssetCheckResult:
    return AssetCheckResult(
        asset_key=_asset_key(result.asset),
        check_name=result.name,
        passed=result.passed,
        severity=AssetCheckSeverity.ERROR if result.blocking else AssetCheckSeverity.WARN,
        description=result.summary,
        metadata={
            "summary": result.summary,
            "failures": MetadataValue.json(list(result.failures)),
            "statistics": MetadataValue.json(result.statistics),
        },
    )


@multi_asset_check(
    specs=[
        AssetCheckSpec(
            name=contract.name,
            asset=_asset_key(contract.asset),
            blocking=contract.blocking,
            description=f"Data contract {contract.name} (Great Expectations); results in Data Docs.",
        )
        for contract in CONTRACTS
    ],
    can_subset=False,
)
def data_contracts(warehouse: WarehouseResource):
    thresholds = Thresholds.from_dbt_vars(PROJECT_DIR / "dbt_project.yml")
    results = run_contracts(warehouse.warehouse, warehouse.data_docs, thresholds, target=warehouse.target)
    fault_point("contracts")
    for result in results:
        yield contract_check_result(result)


contract_checks = [data_contracts]
