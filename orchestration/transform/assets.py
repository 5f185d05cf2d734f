"""Every dbt model, seed and test as Dagster assets and checks, built with one `dbt build`."""

import json
from collections.abc import Mapping
from typing import Any

from dagster import AssetExecutionContext, AssetKey, AssetSpec, Config
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from orchestration.partitions import partition_dbt_vars
from orchestration.prices.assets import PRICE_BOOK_KEY
from orchestration.transform.project import dbt_project, ensure_manifest


class ChargebackTranslator(DagsterDbtTranslator):
    """Groups assets by warehouse layer; raw sources keep the keys the ingest assets publish."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return AssetKey([dbt_resource_props["source_name"], dbt_resource_props["name"]])
        schema = dbt_resource_props.get("config", {}).get("schema") or "marts"
        return AssetKey([schema, dbt_resource_props["name"]])

    def get_asset_spec(self, manifest: Mapping[str, Any], unique_id: str, project: Any) -> AssetSpec:
        spec = super().get_asset_spec(manifest, unique_id, project)
        # The price-book seed is written by the price sync asset: show that lineage in the graph.
        if unique_id == "seed.ai_chargeback.model_prices":
            spec = spec.merge_attributes(deps=[PRICE_BOOK_KEY])
        return spec

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return "registries"
        return dbt_resource_props.get("config", {}).get("schema") or "marts"


translator = ChargebackTranslator()


class BuildConfig(Config):
    # Recompute every model from the raw tables (`chargeback rebuild`): after a change of model code, or to
    # re-derive history the incremental models keep.
    full_refresh: bool = False


@dbt_assets(
    manifest=ensure_manifest(),
    project=dbt_project,
    dagster_dbt_translator=translator,
)
def chargeback_dbt_assets(context: AssetExecutionContext, dbt: DbtCliResource, config: BuildConfig):
    # A partition run passes its window to the incremental request-grain models; an unpartitioned run
    # (chargeback run, the landing sensor) takes whatever was loaded since the last build.
    args = ["build"]
    window = partition_dbt_vars(context)
    if window:
        args += ["--vars", json.dumps(window)]
    if config.full_refresh:
        args.append("--full-refresh")
    yield from dbt.cli(args, context=context).stream()
