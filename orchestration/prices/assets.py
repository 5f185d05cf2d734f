"""The price-book sync as a Dagster asset, so the price book's lineage shows in the graph. It is not part of
the daily_refresh job: syncing prices is a deliberate, reviewed step (materialize it by hand, then review and
commit seeds/model_prices.csv)."""

from pathlib import Path

from dagster import AssetExecutionContext, AssetKey, MaterializeResult, asset

from orchestration.prices.sync import sync_price_book
from orchestration.resources import WarehouseResource
from orchestration.settings import SEEDS_DIR

PRICE_BOOK_KEY = AssetKey(["prices", "model_price_book"])


def diff_path_for(warehouse_path: Path) -> Path:
    return warehouse_path.parent / "prices" / "model_prices_diff.csv"


@asset(
    key=PRICE_BOOK_KEY,
    group_name="registries",
    description=(
        "seeds/model_prices.csv built from the genai-prices data and seeds/model_price_overrides.csv, with a "
        "diff of what changed; the dbt seed model_prices reads it."
    ),
    kinds={"python", "csv"},
)
def model_price_book(context: AssetExecutionContext, warehouse: WarehouseResource) -> MaterializeResult:
    diff_path = diff_path_for(warehouse.warehouse)
    result = sync_price_book(SEEDS_DIR, diff_path)
    context.log.info(f"price book from {result.source}: {len(result.rows)} rows, changes {result.counts}")
    return MaterializeResult(
        metadata={
            "source": result.source,
            "rows": len(result.rows),
            "models": len({(row["provider"], row["model"]) for row in result.rows}),
            **{f"rows_{change}": count for change, count in result.counts.items()},
            "models_skipped": len(result.skipped),
            "diff_file": str(diff_path),
        }
    )
