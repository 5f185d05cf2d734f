"""Ingest assets: one per raw table, all through the shared loader (orchestration/ingest/loader.py).

Adding a source: write its adapter, add one `IngestSpec` line below, add its dbt source and staging model.
Each asset also reports the source's freshness (how long since a new landing file last arrived) as a
non-blocking asset check, so a daily run with nothing new says which source is late.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
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
from orchestration.ingest.loader import Adapter, LoadReport, connect_warehouse, ensure_raw_tables, load_source
from orchestration.ingest.otel import OtelSpansAdapter
from orchestration.ingest.provider_usage import AnthropicUsageAdapter, OpenAIUsageAdapter
from orchestration.resources import WarehouseResource
from orchestration.settings import hash_salt

# A source whose newest file arrived longer ago than this is reported late.
FRESHNESS_MAX_AGE = timedelta(hours=36)
FRESHNESS_CHECK = "freshness"


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


def ingest_source(adapter: Adapter, warehouse: WarehouseResource) -> tuple[LoadReport, datetime | None]:
    """Load the source's new files; return the report and when the source's newest file arrived."""
    salt = hash_salt()
    con = connect_warehouse(warehouse.warehouse)
    try:
        ensure_raw_tables(con, ADAPTERS)
        report = load_source(con, adapter, warehouse.landing, salt)
        newest = con.execute(
            "select max(loaded_at) from raw.load_manifest where source = ?", [adapter.source]
        ).fetchone()[0]
        return report, newest
    finally:
        con.close()  # dbt runs in another process and needs the file


def freshness_result(source: str, newest: datetime | None, now: datetime | None = None) -> AssetCheckResult:
    now = now or datetime.now(UTC).replace(tzinfo=None)
    if newest is None:
        passed, text = False, f"{source}: no file has arrived yet"
    else:
        age = now - newest
        passed = age <= FRESHNESS_MAX_AGE
        hours = age.total_seconds() / 3600
        text = f"{source}: newest file arrived {hours:.1f} h ago" + ("" if passed else " (late)")
    return AssetCheckResult(
        check_name=FRESHNESS_CHECK,
        passed=passed,
        severity=AssetCheckSeverity.WARN,
        description=text,
        metadata={"summary": text, "newest_file_arrived_at": str(newest) if newest else ""},
    )


def build_ingest_asset(spec: IngestSpec) -> AssetsDefinition:
    adapter = spec.adapter

    @asset(
        key=spec.key,
        group_name="raw",
        description=f"{spec.description} Loaded into raw.{adapter.table} (rejects to raw.load_rejects).",
        kinds={"duckdb", "python"},
        check_specs=[
            AssetCheckSpec(
                FRESHNESS_CHECK,
                asset=spec.key,
                description=f"A new {adapter.source} file arrived within {FRESHNESS_MAX_AGE}.",
            )
        ],
    )
    def _ingest(context: AssetExecutionContext, warehouse: WarehouseResource) -> MaterializeResult:
        report, newest = ingest_source(adapter, warehouse)
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
            check_results=[freshness_result(adapter.source, newest)],
        )

    return _ingest


INGEST_ASSETS = [build_ingest_asset(spec) for spec in INGEST_SPECS]
raw_gateway_requests = INGEST_ASSETS[0]
