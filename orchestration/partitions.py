"""Daily partitions: a partition is one UTC day of requests. Its run loads that day's landing files and
rebuilds the request-grain models for that day plus the lookback (dbt var incremental_lookback_days)."""

from __future__ import annotations

from dagster import AssetExecutionContext, DailyPartitionsDefinition

# The first day a partition can be asked for; older data is still loaded and built by unpartitioned runs.
PARTITIONS_START = "2025-01-01"

daily_partitions = DailyPartitionsDefinition(start_date=PARTITIONS_START, timezone="UTC")


def partition_day(context: AssetExecutionContext) -> str | None:
    return context.partition_key if context.has_partition_key else None


def partition_dbt_vars(context: AssetExecutionContext) -> dict[str, str]:
    """The partition's window as dbt vars (start inclusive, end exclusive), or none for an unpartitioned run."""
    if not context.has_partition_key_range:
        return {}
    window = context.partition_time_window
    return {"partition_start": window.start.date().isoformat(), "partition_end": window.end.date().isoformat()}
