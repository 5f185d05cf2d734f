"""`chargeback export focus`: one billing month of marts.exp_focus_cost_and_usage as FOCUS 1.2 files.

Writes `focus-YYYY-MM.csv` and `focus-YYYY-MM.parquet` (same rows, FOCUS column names) and a manifest with
the row count, the cost totals and each file's sha256. Every file is written to a temporary name and
renamed, so a reader never sees a half-written export. The figures are the mart's; nothing is computed here.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from orchestration.settings import ConfigError, Settings

MART = "marts.exp_focus_cost_and_usage"
FOCUS_VERSION = "1.2"
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
COST_COLUMNS = ("ListCost", "ContractedCost", "EffectiveCost", "BilledCost", "x_ChargedCost")
DATETIME_COLUMNS = ("BillingPeriodStart", "BillingPeriodEnd", "ChargePeriodStart", "ChargePeriodEnd")


@dataclass
class FocusExport:
    month: str
    rows: int
    csv: Path
    parquet: Path
    manifest: Path
    totals: dict[str, str]


def export_focus_month(settings: Settings, month: str, out_dir: Path) -> FocusExport:
    if not MONTH.match(month or ""):
        raise ConfigError(f"--month must be YYYY-MM (e.g. 2026-07), not {month!r}")
    table = _read_month(settings, date.fromisoformat(f"{month}-01"))
    if table.num_rows == 0:
        raise ConfigError(f"no FOCUS rows for {month}: the ledger holds {', '.join(_months(settings)) or 'no month'}")
    out_dir.mkdir(parents=True, exist_ok=True)
    base = out_dir / f"focus-{month}"
    csv_path, parquet_path, manifest_path = (base.with_suffix(s) for s in (".csv", ".parquet", ".manifest.json"))

    _atomic(parquet_path, lambda path: pq.write_table(_utc(table), path))
    _atomic(
        csv_path,
        lambda path: pa_csv.write_csv(_csv_ready(table), path, pa_csv.WriteOptions(quoting_style="needed")),
    )
    totals = {
        name: str(sum((v for v in table.column(name).to_pylist() if v is not None), Decimal(0)))
        for name in COST_COLUMNS
    }
    manifest = {
        "focus_version": FOCUS_VERSION,
        "dataset": "CostAndUsage",
        "billing_month": month,
        "rows": table.num_rows,
        "totals_usd": totals,
        "files": {path.name: _sha256(path) for path in (csv_path, parquet_path)},
    }
    _atomic(manifest_path, lambda path: Path(path).write_text(json.dumps(manifest, indent=2) + "\n"))
    return FocusExport(month, table.num_rows, csv_path, parquet_path, manifest_path, totals)


def _read_month(settings: Settings, month_start: date) -> pa.Table:
    from orchestration.pipeline import _open_marts

    con = _open_marts(settings)
    if con is None:
        raise ConfigError(f"no warehouse at {settings.warehouse_path}: run `chargeback run --landing DIR` first")
    sql = f"""select * from {MART} where "BillingPeriodStart" = cast(? as timestamp)
              order by "x_RowSource" desc, "ChargePeriodStart", "BillingAccountId", "SkuPriceId", "x_CostCenter",
                       "x_OwnerTeam", "x_ProjectId", "x_Feature", "x_Environment", "x_LedgerLineId" """
    try:
        if settings.target == "duckdb":
            return con.execute(sql, [month_start.isoformat()]).fetch_arrow_table()
        with con.cursor() as cursor:
            cursor.execute(sql.replace("?", "%s"), [month_start.isoformat()])
            names = [column.name for column in cursor.description]
            return pa.Table.from_pylist([dict(zip(names, row, strict=True)) for row in cursor.fetchall()])
    finally:
        con.close()


def _months(settings: Settings) -> list[str]:
    from orchestration.pipeline import _open_marts, _rows

    con = _open_marts(settings)
    try:
        rows = _rows(con, f'select distinct cast("BillingPeriodStart" as date) from {MART} order by 1')
    finally:
        con.close()
    return [str(row[0])[:7] for row in rows]


def _utc(table: pa.Table) -> pa.Table:
    """FOCUS date-times are UTC: mark the naive UTC timestamps as such in Parquet."""
    for name in DATETIME_COLUMNS:
        index = table.schema.get_field_index(name)
        table = table.set_column(index, name, pc.assume_timezone(table.column(name), "UTC"))
    return table


def _csv_ready(table: pa.Table) -> pa.Table:
    """Date-times as ISO 8601 with Z, as FOCUS asks of text files."""
    for name in DATETIME_COLUMNS:
        index = table.schema.get_field_index(name)
        seconds = table.column(name).cast(pa.timestamp("s"))  # whole seconds: no fraction in the text
        table = table.set_column(index, name, pc.strftime(seconds, format="%Y-%m-%dT%H:%M:%SZ"))
    return table


def _atomic(path: Path, write) -> None:
    staged = path.with_name(f".{path.name}.tmp")
    write(str(staged))
    os.replace(staged, path)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
