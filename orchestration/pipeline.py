"""The main job, headless: the same Dagster job the schedule runs, executed in this process, then a
short summary read back from the warehouse. The CLI is a thin layer over `run_pipeline`."""

from __future__ import annotations

import os
from contextlib import redirect_stdout
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from orchestration.locking import warehouse_lock
from orchestration.quality.contracts import CONTRACTS, FRESHNESS_CONTRACT
from orchestration.readers import spark_read_views
from orchestration.settings import PROFILES_DIR, ConfigError, Settings, hash_salt


@dataclass
class ContractLine:
    name: str
    passed: bool
    summary: str
    blocking: bool = True


@dataclass
class RunSummary:
    success: bool
    settings: Settings
    files_loaded_now: int = 0
    rows_loaded_now: int = 0
    rows_rejected_now: int = 0
    files_total: int = 0
    rows_total: int = 0
    rejects_total: int = 0
    attempts_billable: int = 0
    list_cost_usd: float = 0.0
    unpriced_attempts: int = 0
    unpriced_models: list[str] = field(default_factory=list)
    unallocated_cost_share: float = 0.0
    unallocated_request_share_prod: float = 0.0
    months: list[tuple[str, float]] = field(default_factory=list)
    contracts: list[ContractLine] = field(default_factory=list)
    # Per source: (source, raw records, canonical attempts, de-duplicated copies, quarantined, other rows)
    sources: list[tuple[str, int, int, int, int, int]] = field(default_factory=list)
    freshness: list[ContractLine] = field(default_factory=list)
    failed_steps: list[str] = field(default_factory=list)
    dbt_failures: list[str] = field(default_factory=list)
    dbt_warnings: list[str] = field(default_factory=list)
    log_path: Path | None = None
    # The read copy of the marts BI tools open (read_copy_asset.py), refreshed by each successful run.
    published_path: Path | None = None
    # Wall seconds per Dagster step (ingest assets, the dbt build, the contracts), from the run's events.
    step_seconds: dict[str, float] = field(default_factory=dict)

    @property
    def contracts_passed(self) -> bool:
        return all(c.passed for c in self.contracts)


def check_inputs(settings: Settings) -> None:
    if not settings.landing_dir.is_dir():
        raise ConfigError(
            f"landing folder {settings.landing_dir} does not exist: pass --landing DIR pointing at a folder "
            "with one subfolder per source (e.g. DIR/gateway/...), or create one with `chargeback sample`."
        )
    from orchestration.ingest.assets import INGEST_SPECS
    from orchestration.ingest.invoices import InvoicesAdapter

    known = sorted({spec.adapter.source for spec in INGEST_SPECS} | {InvoicesAdapter.source})
    folders = sorted(p.name for p in settings.landing_dir.iterdir() if p.is_dir() and not p.name.startswith("."))
    unknown = [name for name in folders if name not in known]
    if unknown:
        raise ConfigError(
            f"unknown source folder(s) {', '.join(unknown)} in {settings.landing_dir}: rename or move them; "
            f"the sources read are {', '.join(known)}."
        )
    if not any(path.is_file() for name in folders for path in (settings.landing_dir / name).rglob("*")):
        raise ConfigError(
            f"landing folder {settings.landing_dir} holds no files: put exports under one subfolder per source "
            f"({', '.join(known)}), or create a sample with `chargeback sample --out DIR`."
        )
    hash_salt()
    check_target(settings)
    check_warehouse_writable(settings)


def check_target(settings: Settings) -> None:
    import yaml

    try:
        profile = yaml.safe_load((PROFILES_DIR / "profiles.yml").read_text())
        outputs = sorted(next(iter(profile.values()))["outputs"])
    except (OSError, yaml.YAMLError, AttributeError, KeyError, StopIteration, TypeError) as exc:
        raise ConfigError(
            f"{PROFILES_DIR / 'profiles.yml'} cannot be read as a dbt profile ({type(exc).__name__}): restore it "
            "from the repository"
        ) from None
    if settings.target not in outputs:
        raise ConfigError(
            f"target {settings.target!r} is not in {PROFILES_DIR / 'profiles.yml'}: use one of {', '.join(outputs)} "
            "(--target or CHARGEBACK_TARGET)"
        )
    if settings.target == "spark":
        import importlib.util
        import shutil

        if importlib.util.find_spec("pyspark") is None or importlib.util.find_spec("dbt.adapters.spark") is None:
            raise ConfigError("target spark needs PySpark and dbt-spark: run `make spark` (or pip install -e .[spark])")
        if shutil.which("java") is None:
            raise ConfigError("target spark needs Java 17 on PATH (PySpark starts a local JVM): install a JDK 17")


def check_warehouse_writable(settings: Settings) -> None:
    path = settings.warehouse_path
    if path.is_dir():
        raise ConfigError(
            f"warehouse path {path} is a folder: pass --warehouse with a file name, e.g. {path / 'warehouse.duckdb'}"
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(
            f"cannot create the warehouse folder {path.parent} ({exc.strerror}): "
            "pass --warehouse PATH in a folder you can write"
        ) from None
    if not os.access(path.parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise ConfigError(f"cannot write the warehouse {path}: pass --warehouse PATH in a folder you can write")


def run_pipeline(
    settings: Settings, log_level: str = "ERROR", *, full_refresh: bool = False, partition: str | None = None
) -> RunSummary:
    """The daily_refresh job. full_refresh recomputes every model (`chargeback rebuild`); partition (a day,
    YYYY-MM-DD) loads that day's files and rebuilds its window, as the daily schedule does."""
    check_inputs(settings)
    with warehouse_lock(settings.warehouse_path, "a run"):
        return _run(settings, log_level, full_refresh, partition)


def _run(settings: Settings, log_level: str, full_refresh: bool = False, partition: str | None = None) -> RunSummary:
    from dagster import AssetCheckSeverity, DagsterInstance

    from orchestration.pipeline_defs import build_definitions

    defs = build_definitions(settings)
    job = defs.resolve_job_def("daily_refresh")
    log_path = settings.warehouse_path.parent / "logs" / "last_run.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    # dbt's own progress lines go to the run log; the summary is what a person reads.
    with DagsterInstance.ephemeral() as instance, log_path.open("w") as log, redirect_stdout(log):
        result = job.execute_in_process(
            instance=instance,
            raise_on_error=False,
            partition_key=partition,
            # The summary below is the interface; step logs stay available at --log-level info.
            run_config={
                "loggers": {"console": {"config": {"log_level": log_level}}},
                "ops": {"chargeback_dbt_assets": {"config": {"full_refresh": full_refresh}}},
            },
        )
        step_seconds = {
            stats.step_key: stats.end_time - stats.start_time
            for stats in instance.get_run_step_stats(result.run_id)
            if stats.start_time and stats.end_time
        }
    summary = RunSummary(success=result.success, settings=settings, log_path=log_path)
    summary.step_seconds = step_seconds
    for event in result.all_events:
        if event.is_step_failure:
            summary.failed_steps.append(f"{event.step_key}: {event.event_specific_data.error.message.strip()}")
        meta = event.materialization.metadata if event.event_type_value == "ASSET_MATERIALIZATION" else {}
        if "files_loaded" in meta:
            summary.files_loaded_now += int(meta["files_loaded"].value)
            summary.rows_loaded_now += int(meta["rows_loaded"].value)
            summary.rows_rejected_now += int(meta["rows_rejected"].value)
        if "read_copy" in meta:
            summary.published_path = Path(meta["read_copy"].value)
    contract_names = {contract.name for contract in CONTRACTS}
    for evaluation in result.get_asset_check_evaluations():
        name = evaluation.check_name
        if name == FRESHNESS_CONTRACT and not evaluation.passed:
            failures = evaluation.metadata.get("failures")
            for failure in failures.value if failures else []:
                summary.freshness += [ContractLine(name, False, late) for late in failure.split("; ")]
        if name not in contract_names:  # a dbt test
            if not evaluation.passed:
                # dbt tests configured with severity warn report, they do not fail the run.
                failed = f"{evaluation.asset_key.to_user_string()}: {name}"
                if evaluation.severity == AssetCheckSeverity.WARN:
                    summary.dbt_warnings.append(failed)
                else:
                    summary.dbt_failures.append(failed)
            continue
        text = evaluation.metadata.get("summary")
        blocking = evaluation.severity != AssetCheckSeverity.WARN
        summary.contracts.append(ContractLine(name, evaluation.passed, text.value if text else "", blocking))
    _read_figures(summary)
    return summary


def _open_marts(settings: Settings):
    """A read-only view of where the marts live: the DuckDB file, or the server target."""
    if settings.target == "duckdb":
        return (
            duckdb.connect(str(settings.warehouse_path), read_only=True) if settings.warehouse_path.exists() else None
        )
    if settings.target == "spark":
        return duckdb.connect(str(spark_read_views(settings.spark_dir)), read_only=True)
    from orchestration.ingest.publish import connect_postgres

    return connect_postgres()


def _rows(con, sql: str, params: list | None = None) -> list[tuple]:
    """Rows of a query on either connection kind (DuckDB's own API or DB-API cursors); `?` placeholders."""
    if isinstance(con, duckdb.DuckDBPyConnection):
        return con.execute(sql, params or []).fetchall()
    with con.cursor() as cursor:
        cursor.execute(sql.replace("?", "%s"), params or None)
        return cursor.fetchall()


def _read_figures(summary: RunSummary) -> None:
    con = _open_marts(summary.settings)
    if con is None:
        return
    try:
        tables = {
            row[0] for row in _rows(con, "select table_schema || '.' || table_name from information_schema.tables")
        }
        if "raw.load_manifest" in tables:
            summary.files_total, summary.rows_total = _rows(
                con,
                "select count(*) filter (where status = 'loaded'), coalesce(sum(rows_loaded), 0) "
                "from raw.load_manifest",
            )[0]
            summary.rejects_total = _rows(con, "select count(*) from raw.load_rejects")[0][0]
        if "marts.rpt_source_conservation" in tables:
            summary.sources = [
                tuple(row)
                for row in _rows(
                    con,
                    "select source, raw_records, canonical_rows, deduplicated_rows, quarantined_rows, "
                    "non_attempt_rows from marts.rpt_source_conservation where raw_records > 0 order by source",
                )
            ]
        if "marts.fct_ai_requests" in tables:
            row = _rows(
                con,
                """
                select
                    count(*),
                    coalesce(sum(list_cost_usd), 0),
                    count(*) filter (where pricing_status <> 'priced'),
                    coalesce(sum(list_cost_usd) filter (where owner_team = 'unallocated')
                        / nullif(sum(list_cost_usd), 0), 0),
                    coalesce(cast(count(*) filter (where environment = 'prod' and owner_team = 'unallocated')
                        as double precision) / nullif(count(*) filter (where environment = 'prod'), 0), 0)
                from marts.fct_ai_requests
                """,
            )[0]
            (summary.attempts_billable, cost, summary.unpriced_attempts, share_cost, share_req) = row
            summary.unpriced_models = [
                f"{provider}/{model}"
                for provider, model in _rows(
                    con,
                    "select provider, coalesce(billable_model, selected_model) as model from marts.fct_ai_requests "
                    "where pricing_status <> 'priced' group by 1, 2 order by count(*) desc, 1, 2",
                )
            ]
            summary.list_cost_usd = float(cost)
            summary.unallocated_cost_share = float(share_cost)
            summary.unallocated_request_share_prod = float(share_req)
            summary.months = [
                (str(month)[:7], float(cost))
                for month, cost in _rows(
                    con,
                    "select billing_month, sum(list_cost_usd) from marts.fct_chargeback_monthly group by 1 order by 1",
                )
            ]
    finally:
        con.close()


def _source_lines(summary: RunSummary) -> list[str]:
    if not summary.sources:
        return []
    lines = ["  sources            records read = attempts + duplicates + quarantined + other rows"]
    late = {line.summary.split(":", 1)[0] for line in summary.freshness if not line.passed}
    for source, raw, canonical, duplicates, quarantined, other in summary.sources:
        flag = "  (late)" if source in late else ""
        lines.append(f"    {source:<16} {raw:,} = {canonical:,} + {duplicates:,} + {quarantined:,} + {other:,}{flag}")
    return lines


def _unpriced_lines(summary: RunSummary) -> list[str]:
    """A model without a price is charged nothing until priced: say which, and how to price them."""
    if not summary.unpriced_models:
        return []
    shown = ", ".join(summary.unpriced_models[:5]) + (
        f" and {len(summary.unpriced_models) - 5} more" if len(summary.unpriced_models) > 5 else ""
    )
    return [
        f"  no price for       {shown}: add a row to seeds/model_price_overrides.csv (or a line to "
        "seeds/model_aliases.csv), run `chargeback prices sync`, then run again; see marts.rpt_unpriced_usage"
    ]


def _marts_location(settings: Settings) -> str:
    if settings.target == "duckdb":
        return str(settings.warehouse_path)
    if settings.target == "spark":
        return f"{settings.spark_dir / 'warehouse'} (Spark; DuckDB views: {settings.spark_dir / 'read_views.duckdb'})"
    return (
        f"postgres://{os.environ.get('PGHOST', 'localhost')}:{os.environ.get('PGPORT', '5432')}/"
        f"{os.environ.get('PGDATABASE', os.environ.get('PGUSER', ''))}"
    )


def format_summary(summary: RunSummary) -> str:
    s = summary.settings
    lines = [
        "ai-chargeback run " + ("succeeded" if summary.success else "FAILED"),
        f"  landing            {s.landing_dir}",
        f"  files loaded       {summary.files_loaded_now} new ({summary.files_total} in the warehouse)",
        f"  rows loaded        {summary.rows_loaded_now:,} new ({summary.rows_total:,} in raw)",
        f"  rows quarantined   {summary.rows_rejected_now:,} new ({summary.rejects_total:,} in raw.load_rejects)",
        *_source_lines(summary),
        f"  billable attempts  {summary.attempts_billable:,} ({summary.unpriced_attempts:,} unpriced: unknown model)",
        *_unpriced_lines(summary),
        f"  total list cost    ${summary.list_cost_usd:,.2f}",
    ]
    lines += [f"    {month}          ${cost:,.2f}" for month, cost in summary.months]
    lines += [
        f"  unallocated        {summary.unallocated_cost_share:.2%} of cost, "
        f"{summary.unallocated_request_share_prod:.2%} of prod attempts",
        "  contracts",
    ]
    for contract in summary.contracts:
        status = "PASS" if contract.passed else ("FAIL" if contract.blocking else "WARN")
        lines.append(f"    {status}  {contract.name}: {contract.summary}")
    if summary.dbt_warnings:
        lines.append(f"  dbt tests warned   {len(summary.dbt_warnings)}")
        lines += [f"    {warning}" for warning in summary.dbt_warnings]
    if summary.dbt_failures:
        lines.append(f"  dbt tests failed   {len(summary.dbt_failures)}")
        lines += [f"    {failure}" for failure in summary.dbt_failures]
    for failure in summary.failed_steps:
        lines.append(f"  step failed        {failure}")
    lines += [
        f"  marts              {_marts_location(s)} (schema marts: fct_ai_requests, fct_chargeback_monthly)",
        *([f"  read copy for BI   {summary.published_path} (never locked by a run)"] if summary.published_path else []),
        f"  Data Docs          {Path(s.data_docs_dir) / 'index.html'}",
        f"  run log            {summary.log_path}",
    ]
    return "\n".join(lines)
