"""`chargeback`: what people run by hand. Each command is a thin layer over the functions Dagster calls."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from orchestration.settings import ConfigError, Settings


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


@main.command()
@click.option("--landing", type=click.Path(path_type=Path), default=None, help="Landing folder (CHARGEBACK_LANDING).")
@click.option(
    "--warehouse",
    type=click.Path(path_type=Path),
    default=None,
    help="DuckDB warehouse file (CHARGEBACK_WAREHOUSE, default data/warehouse.duckdb).",
)
@click.option(
    "--data-docs",
    type=click.Path(path_type=Path),
    default=None,
    help="Folder for the Data Docs site (CHARGEBACK_DATA_DOCS, default data/data_docs).",
)
@click.option(
    "--log-level",
    type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"]),
    default="WARNING",
    show_default=True,
    help="Level of the step logs printed while running.",
)
def run(landing: Path | None, warehouse: Path | None, data_docs: Path | None, log_level: str) -> None:
    """Load new files, build every model and test, run the data contracts, print a summary."""
    from orchestration.pipeline import format_summary, run_pipeline

    settings = Settings.from_env(landing_dir=landing, warehouse_path=warehouse, data_docs_dir=data_docs)
    summary = run_pipeline(settings, log_level=log_level)
    click.echo(format_summary(summary))
    if not summary.success:
        sys.exit(1)


if __name__ == "__main__":
    main()
