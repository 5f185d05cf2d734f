"""Ingest assets: one per raw table, all through the shared loader (orchestration/ingest/loader.py).

Adding a source: write its adapter, add one `IngestSpec` line below, add its dbt source and staging model.
Which source is late is the data contract rpt_source_freshness__sources_fresh (orchestration/quality).
"""

from dataclasses import dataclass

from dagster import (
    AssetExecutionContext,
    AssetKey,
    AssetsDefinition,
    MaterializeResult,
    asset,
)

from orchestration.ingest.bedrock import BedrockAdapter
from orchestration.ingest.gateway import GatewayAdapter
from orchestration.ingest.gateway_audit import GatewayAuditAdapter
from orchestration.ingest.litellm import LiteLLMPayloadAdapter, LiteLLMSpendLogsAdapter
from orchestration.ingest.loader import (
    Adapter,
    LoadReport,
    connect_warehouse,
    day_of,
    ensure_raw_tables,
    load_source,
)
from orchestration.ingest.otel import OtelSpansAdapter
from orchestration.ingest.provider_usage import AnthropicUsageAdapter, OpenAIUsageAdapter
from orchestration.ingest.publish import publish_new_loads
from orchestration.partitions import daily_partitions, partition_day
from orchestration.resources import WarehouseResource
from orchestration.settings import hash_salt


@dataclass(frozen=True)
class IngestSpec:
    adapter: Adapter
    key: AssetKey  # the dbt source's asset key: [dbt source name, table]
    description: str


INGEST_SPECS: tuple[IngestSpec, ...] = (
    IngestSpec(GatewayAdapter(), AssetKey(["raw", "gateway_requests"]), "Gateway JSONL request logs."),
    IngestSpec(
        LiteLLMPayloadAdapter(),
        AssetKey(["raw_litellm", "litellm_payloads"]),
        "LiteLLM StandardLoggingPayload objects (S3/GCS logger files or JSON lines).",
    ),
    IngestSpec(
        LiteLLMSpendLogsAdapter(),
        AssetKey(["raw_litellm", "litellm_spend_logs"]),
        "LiteLLM_SpendLogs exports (CSV or JSON lines).",
    ),
    IngestSpec(
        BedrockAdapter(), AssetKey(["raw_bedrock", "bedrock_invocations"]), "AWS Bedrock model invocation logs."
    ),
    IngestSpec(OtelSpansAdapter(), AssetKey(["raw_otel", "otel_spans"]), "OTLP/JSON span exports, one span a row."),
    IngestSpec(
        OpenAIUsageAdapter(),
        AssetKey(["raw_openai_usage", "openai_usage_results"]),
        "OpenAI Admin Usage (completions) and Costs API pages, one bucket result a row.",
    ),
    IngestSpec(
        AnthropicUsageAdapter(),
        AssetKey(["raw_anthropic_usage", "anthropic_usage_results"]),
        "Anthropic Admin usage report (messages) and cost report pages, one bucket result a row.",
    ),
    IngestSpec(
        GatewayAuditAdapter(),
        AssetKey(["raw_gateway_audit", "gateway_audit_events"]),
        "Gateway audit events for blocked requests.",
    ),
)
ADAPTERS = [spec.adapter for spec in INGEST_SPECS]


def ingest_source(adapter: Adapter, warehouse: WarehouseResource, day: str | None = None) -> LoadReport:
    """Load the source's new files, or with `day` that day's new files (how recently each source delivered:
    marts.rpt_source_freshness)."""
    salt = hash_salt()
    con = connect_warehouse(warehouse.warehouse)
    try:
        ensure_raw_tables(con, ADAPTERS)
        report = load_source(con, adapter, warehouse.landing, salt, day)
        publish_new_loads(con, warehouse.target, [adapter.table, "load_manifest", "load_rejects"])
        return report
    finally:
        con.close()  # dbt runs in another process and needs the file


def build_ingest_asset(spec: IngestSpec) -> AssetsDefinition:
    adapter = spec.adapter

    @asset(
        key=spec.key,
        group_name="raw",
        description=f"{spec.description} Loaded into raw.{adapter.table} (rejects to raw.load_rejects).",
        kinds={"duckdb", "python"},
    )
    def _ingest(context: AssetExecutionContext, warehouse: WarehouseResource) -> MaterializeResult:
        report = ingest_source(adapter, warehouse, partition_day(context))
        for result in report.files:
            if result.status != "already_loaded":
                context.log.info(
                    f"{result.source_file}: {result.status}, {result.rows_loaded} rows, {result.rows_rejected} rejected"
                )
        return MaterializeResult(
            metadata={
                "source": adapter.source,
                "files_loaded": report.files_loaded,
                "files_seen": len(report.files),
                "lines_read": report.lines_read,
                "rows_loaded": report.rows_loaded,
                "rows_rejected": report.rows_rejected,
            },
        )

    return _ingest


INGEST_ASSETS = [build_ingest_asset(spec) for spec in INGEST_SPECS]
raw_gateway_requests = INGEST_ASSETS[0]


@asset(
    key=AssetKey(["raw", "landing_day"]),
    group_name="raw",
    description=(
        "One UTC day of landing files as loaded: the daily partition of the daily_refresh job. A run for a day "
        "loads that day's files and rebuilds the day's window of the incremental request-grain models."
    ),
    kinds={"python"},
    partitions_def=daily_partitions,
    deps=[spec.key for spec in INGEST_SPECS],
)
def landing_day(context: AssetExecutionContext, warehouse: WarehouseResource) -> MaterializeResult:
    # The partitions live here and on the job, not on the loaders or the dbt assets: Dagster cannot
    # materialize partitioned assets that carry asset checks (every dbt test, the contracts) in a run
    # without a partition, which `chargeback run`, the landing sensor and month close are.
    day = partition_day(context)
    con = connect_warehouse(warehouse.warehouse)
    try:
        files = con.execute("select source_file, rows_loaded from raw.load_manifest where status = 'loaded'").fetchall()
    finally:
        con.close()
    of_day = [(path, rows) for path, rows in files if day is None or day_of(path) == day]
    return MaterializeResult(
        metadata={"day": day or "all", "files_of_day": len(of_day), "rows_of_day": sum(r for _, r in of_day)}
    )
