"""Daily partitions: a partition is one UTC day of requests. Its run loads that day's landing files and
rebuilds the request-grain models for that day plus the lookback (dbt var incremental_lookback_days). The
daily_refresh job carries the partitions; its schedule runs one partition a day."""

from __future__ import annotations

from dagster import AssetExecutionContext, DailyPartitionsDefinition

# The first day a partition can be asked for; older data is loaded and built by runs without a partition.
PARTITIONS_START = "2025-01-01"

daily_partitions = DailyPartitionsDefinition(start_date=PARTITIONS_START, timezone="UTC")

# The tag Dagster puts on a run of one partition.
PARTITION_TAG = "dagster/partition"


def partition_day(context: AssetExecutionContext) -> str | None:
    """The day of a run of the daily_refresh job for one partition, or None for a run without one.

    The partitions are on the job, not on the assets: Dagster cannot materialize partitioned assets that
    carry asset checks (every dbt test, the data contracts) in a run without a partition, and
    `chargeback run`, the landing sensor and month close run without one. The assets read the run's
    partition tag instead."""
    return context.run.tags.get(PARTITION_TAG)


def partition_dbt_vars(context: AssetExecutionContext) -> dict[str, str]:
    """The partition's window as dbt vars (start inclusive, end exclusive), or none without a partition."""
    day = partition_day(context)
    if day is None:
        return {}
    window = daily_partitions.time_window_for_partition_key(day)
    return {"partition_start": window.start.date().isoformat(), "partition_end": window.end.date().isoformat()}
