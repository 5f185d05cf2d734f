"""`chargeback`: what people run by hand. Each command is a thin layer over the functions Dagster calls."""

from __future__ import annotations

import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import click

from orchestration.settings import ConfigError, Settings

# Where the marts can be built: the outputs of profiles/profiles.yml.
TARGETS = ["duckdb", "postgres", "spark"]


class FriendlyGroup(click.Group):
    """Errors a person can fix print one line and exit 2; --debug shows the traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except ConfigError as exc:
            if ctx.params.get("debug"):
                raise
            click.echo(f"error: {exc}", err=True)
            sys.exit(2)


def _warehouse_option(function):
    return click.option(
        "--warehouse", type=click.Path(path_type=Path), default=None,
        help="DuckDB warehouse file (CHARGEBACK_WAREHOUSE, default data/warehouse.duckdb).",
    )(function)  # fmt: skip


@click.group(cls=FriendlyGroup)
@click.option("--debug", is_flag=True, help="Show full tracebacks.")
def main(debug: bool) -> None:
    """ai-chargeback: LLM gateway logs -> priced, attributed chargeback ledger."""


@main.command()
@click.option("--out", "out_dir", type=click.Path(path_type=Path), required=True, help="Landing folder to write.")
@click.option("--requests", type=click.IntRange(min=1), default=30_000, show_default=True)
@click.option("--days", type=click.IntRange(min=1), default=62, show_default=True)
@click.option("--seed", type=int, default=7, show_default=True)
@click.option("--start", type=click.DateTime(formats=["%Y-%m-%d"]), default="2026-07-01", show_default=True)
def sample(out_dir: Path, requests: int, days: int, seed: int, start) -> None:
    """Write realistic sample exports (gateway JSONL, invoices), deterministic by seed."""
    from orchestration.sample.generator import generate_sample

    summary = generate_sample(
        out_dir, requests=requests, days=days, seed=seed, start=date.fromisoformat(start.date().isoformat())
    )
    click.echo(
        f"wrote {summary.lines_written:,} gateway lines in {summary.files_written} files and "
        f"{summary.invoice_files} invoice files under {out_dir}"
    )


def _run_options(command):
    """The options `run` and `rebuild` share."""
    options = [
        click.option(
            "--landing", type=click.Path(path_type=Path), default=None, help="Landing folder (CHARGEBACK_LANDING)."
        ),
        click.option(
            "--warehouse",
            type=click.Path(path_type=Path),
            default=None,
            help="DuckDB warehouse file (CHARGEBACK_WAREHOUSE, default data/warehouse.duckdb).",
        ),
        click.option(
            "--data-docs",
            type=click.Path(path_type=Path),
            default=None,
            help="Folder for the Data Docs site (CHARGEBACK_DATA_DOCS, default data/data_docs).",
        ),
        click.option(
            "--target",
            type=click.Choice(TARGETS),
            default=None,
            help="Where the marts are built (CHARGEBACK_TARGET, default duckdb). postgres reads the PG* variables; "
            "spark runs PySpark in session mode (install with `make spark`).",
        ),
        click.option(
            "--log-level",
            type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"]),
            default="ERROR",
            show_default=True,
            help="Level of the step logs printed while running.",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@main.command()
@_run_options
def run(
    landing: Path | None, warehouse: Path | None, data_docs: Path | None, target: str | None, log_level: str
) -> None:
    """Load new files, build every model and test, run the data contracts, print a summary."""
    _run_and_report(landing, warehouse, data_docs, target, log_level, full_refresh=False)


@main.command()
@_run_options
def rebuild(
    landing: Path | None, warehouse: Path | None, data_docs: Path | None, target: str | None, log_level: str
) -> None:
    """Like run, but recompute every model from the raw tables (dbt --full-refresh)."""
    _run_and_report(landing, warehouse, data_docs, target, log_level, full_refresh=True)


def _run_and_report(
    landing: Path | None,
    warehouse: Path | None,
    data_docs: Path | None,
    target: str | None,
    log_level: str,
    full_refresh: bool,
) -> None:
    from orchestration.pipeline import format_summary, run_pipeline

    settings = Settings.from_env(landing_dir=landing, warehouse_path=warehouse, data_docs_dir=data_docs, target=target)
    summary = run_pipeline(settings, log_level=log_level, full_refresh=full_refresh)
    click.echo(format_summary(summary))
    if not summary.success:
        sys.exit(1)
    from orchestration.reports.weekly import write_weekly_report

    report = write_weekly_report(settings, settings.warehouse_path.parent / "reports")
    click.echo(f"  weekly report      {report.page}")


@main.group()
def report() -> None:
    """Rendered reports for people who do not query the marts."""


@report.command("weekly")
@click.option("--week", default=None, help="ISO week, YYYY-Www (default: the latest complete week).")
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False), required=True,
              help="Folder for the HTML page and its PNG charts.")  # fmt: skip
@_warehouse_option
def report_weekly(week: str | None, out_dir: Path, warehouse: Path | None) -> None:
    """The weekly burn review as one self-contained HTML page with PNG charts."""
    from orchestration.reports.weekly import write_weekly_report

    settings = Settings.from_env(warehouse_path=warehouse)
    _require_warehouse(settings)
    result = write_weekly_report(settings, out_dir, week)
    click.echo(f"weekly report {result.week}: {result.page} ({result.top_rows} top lines, {len(result.charts)} charts)")


@main.group()
def prices() -> None:
    """The price book (seeds/model_prices.csv)."""


@prices.command("sync")
@click.option(
    "--seeds",
    "seeds_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Seeds folder holding model_prices.csv and model_price_overrides.csv (default: the project's).",
)
@click.option(
    "--diff-out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path("data/prices/model_prices_diff.csv"),
    show_default=True,
    help="Where to write the diff of what changed.",
)
@click.option("--dry-run", is_flag=True, help="Write only the diff; leave the seed as it is.")
def prices_sync(seeds_dir: Path | None, diff_out: Path, dry_run: bool) -> None:
    """Rebuild the price book from the installed genai-prices data plus local overrides; review, then commit."""
    from orchestration.prices.sync import sync_price_book
    from orchestration.settings import SEEDS_DIR

    result = sync_price_book(seeds_dir or SEEDS_DIR, diff_out, dry_run=dry_run)
    counts = result.counts
    click.echo(
        f"price book from {result.source}: {len(result.rows):,} rows for "
        f"{len({(r['provider'], r['model']) for r in result.rows}):,} models"
        f"{' (dry run: seed not written)' if dry_run else ''}\n"
        f"  changes: {counts['added']} added, {counts['removed']} removed, {counts['changed']} changed "
        f"-> {diff_out}\n"
        f"  skipped: {len(result.skipped)} models (not priced per token or time-of-day prices)"
    )


@main.command()
@click.option("--month", required=True, help="Billing month, YYYY-MM.")
@_warehouse_option
@click.option("--data-docs", type=click.Path(path_type=Path), default=None, help="Data Docs folder.")
def review(month: str, warehouse: Path | None, data_docs: Path | None) -> None:
    """Print a month's contract results, reconciliation and posting status, and where the Data Docs are."""
    from orchestration.posting.review import review_month

    settings = Settings.from_env(warehouse_path=warehouse, data_docs_dir=data_docs)
    _require_warehouse(settings)
    click.echo(review_month(settings.warehouse_path, settings.data_docs_dir, month))


@main.command()
@click.option("--month", required=True, help="Billing month, YYYY-MM.")
@click.option("--approved-by", default=None, help="Name of the finance approver (required).")
@click.option("--adjustment", is_flag=True, help="Post only the differences from what was already posted.")
@_warehouse_option
@click.option("--posting-dir", type=click.Path(path_type=Path), default=None,
              help="Where posted ledgers go (CHARGEBACK_POSTING_DIR, default beside the warehouse).")  # fmt: skip
@click.option("--data-docs", type=click.Path(path_type=Path), default=None, help="Data Docs folder.")
def post(month: str, approved_by: str | None, adjustment: bool, warehouse: Path | None, posting_dir: Path | None,
         data_docs: Path | None) -> None:  # fmt: skip
    """Post a month's ledger: only when its blocking contracts pass and an approver is named."""
    from orchestration.locking import warehouse_lock
    from orchestration.posting.post import post_month

    settings = Settings.from_env(warehouse_path=warehouse, posting_dir=posting_dir, data_docs_dir=data_docs)
    _require_warehouse(settings)
    with warehouse_lock(settings.warehouse_path, "a posting"):
        result = post_month(
            settings.warehouse_path, settings.posted_dir, settings.data_docs_dir, month, approved_by, adjustment
        )
    click.echo(
        f"posted {result.month} ({result.kind}): {result.line_count} lines, effective cost "
        f"${float(result.totals['effective_cost_usd']):,.2f}, files in {result.directory}"
    )


@main.group()
def export() -> None:
    """Exports in standard formats for other tools."""


@export.command("focus")
@click.option("--month", required=True, help="Billing month, YYYY-MM.")
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False), required=True,
              help="Folder for the CSV, Parquet and manifest files.")  # fmt: skip
@_warehouse_option
def export_focus(month: str, out_dir: Path, warehouse: Path | None) -> None:
    """The month's ledger as FOCUS 1.2 Cost and Usage rows (CSV and Parquet)."""
    from orchestration.export.focus import export_focus_month

    settings = Settings.from_env(warehouse_path=warehouse)
    _require_warehouse(settings)
    result = export_focus_month(settings, month, out_dir)
    click.echo(
        f"FOCUS {result.month}: {result.rows:,} rows, EffectiveCost ${Decimal(result.totals['EffectiveCost']):,.2f}, "
        f"BilledCost ${Decimal(result.totals['BilledCost']):,.2f} -> {result.csv}, {result.parquet.name}, "
        f"{result.manifest.name}"
    )


@main.command()
@_warehouse_option
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Folder for the site (default: dbt_docs beside the warehouse).")  # fmt: skip
def docs(warehouse: Path | None, out_dir: Path | None) -> None:
    """Write the dbt docs site (models, columns, tests, exposures) as one self-contained HTML file."""
    from orchestration.catalog.dbt_docs import build_dbt_docs

    settings = Settings.from_env(warehouse_path=warehouse)
    _require_warehouse(settings)
    page = build_dbt_docs(settings, out_dir or settings.warehouse_path.parent / "dbt_docs")
    click.echo(f"dbt docs: {page}")


def _require_warehouse(settings: Settings) -> None:
    if not settings.warehouse_path.exists():
        raise ConfigError(
            f"no warehouse at {settings.warehouse_path}: run `chargeback run --landing DIR` first "
            "or pass --warehouse PATH"
        )


if __name__ == "__main__":
    main()
