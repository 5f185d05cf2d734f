"""Posting a month's chargeback ledger: the gate finance controls.

A month is posted only when every blocking data contract of that month passes and an approver is named.
Posting writes the month's ledger lines as CSV and Parquet with a manifest (row count, totals, sha256 of
each file, contract results, approver, time) into `<posting dir>/<YYYY-MM>/<posting id>/`, and records the
lines in `marts.posted_ledger`. A posted month is immutable: posting it again is refused; a correction is an
adjustment posting that writes only the differences from what was already posted, as new lines.
Files are written under a temporary name and renamed into place, so a crash never leaves a half-written
posting behind.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from orchestration.faults import fault_point
from orchestration.quality.contracts import ContractResult, run_contracts
from orchestration.settings import ConfigError

AMOUNT_COLUMNS = (
    "list_cost_usd",
    "allocated_in_usd",
    "allocated_out_usd",
    "net_cost_usd",
    "discount_usd",
    "effective_cost_usd",
    "charged_cost_usd",
)
LINE_COLUMNS = (
    "ledger_line_id",
    "billing_month",
    "cost_center",
    "owner_team",
    "project_id",
    "feature",
    "provider",
    "model",
    "attempt_count",
    *AMOUNT_COLUMNS,
)

POSTED_LEDGER_DDL = f"""
create table if not exists marts.posted_ledger (
    posting_id varchar not null,
    posting_kind varchar not null,
    posted_at timestamp not null,
    approved_by varchar not null,
    {", ".join(f"{c} varchar" for c in LINE_COLUMNS[:8])},
    attempt_count bigint,
    {", ".join(f"{c} decimal(38, 12)" for c in AMOUNT_COLUMNS)}
)
"""


class PostingRefused(ConfigError):
    """Posting was refused; the message says why and what to do."""


@dataclass(frozen=True)
class PostResult:
    posting_id: str
    month: str
    kind: str
    directory: Path
    line_count: int
    totals: dict[str, str]


def parse_month(month: str) -> date:
    try:
        return datetime.strptime(month, "%Y-%m").date()
    except ValueError as exc:
        raise ConfigError(f"--month must look like 2026-07, not {month!r}") from exc


def month_contracts(warehouse: Path, data_docs: Path, month: str) -> list[ContractResult]:
    return run_contracts(warehouse, data_docs, month=month)


def post_month(
    warehouse: Path,
    posting_dir: Path,
    data_docs: Path,
    month: str,
    approved_by: str | None,
    adjustment: bool = False,
    contracts: list[ContractResult] | None = None,
) -> PostResult:
    month_start = parse_month(month)
    if not approved_by or not approved_by.strip():
        raise PostingRefused(f"posting {month} refused: name the approver with --approved-by NAME")
    if contracts is None:
        contracts = month_contracts(warehouse, data_docs, month)
    failing = [c for c in contracts if c.blocking and not c.passed]
    if failing:
        reasons = "; ".join(f"{c.name}: {c.summary}" for c in failing)
        raise PostingRefused(f"posting {month} refused: blocking contract failed: {reasons}")

    con = duckdb.connect(str(warehouse))
    try:
        con.execute(POSTED_LEDGER_DDL)
        already = con.execute(
            "select count(*) from marts.posted_ledger where billing_month = ? and posting_kind = 'original'",
            [month_start.isoformat()],
        ).fetchone()[0]
        if already and not adjustment:
            raise PostingRefused(
                f"posting {month} refused: the month is already posted and posted ledgers are immutable; "
                "post a correction with --adjustment"
            )
        if adjustment and not already:
            raise PostingRefused(f"adjustment for {month} refused: the month has not been posted yet")
        lines = _lines_to_post(con, month_start, adjustment)
        kind = "adjustment" if adjustment else "original"
        posted_at = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
        posting_id = f"{month}-{kind}-{posted_at:%Y%m%dT%H%M%S}"
        _set_aside_orphans(con, posting_dir, month)
        directory = _write_files(posting_dir, month, posting_id, lines, contracts, approved_by, kind, posted_at)
        fault_point("posting")
        con.execute("begin transaction")
        con.register("posting_lines", lines)
        con.execute(
            "insert into marts.posted_ledger select ?, ?, ?, ?, * from posting_lines",
            [posting_id, kind, posted_at, approved_by.strip()],
        )
        con.unregister("posting_lines")
        con.execute("commit")
    finally:
        con.close()
    return PostResult(posting_id, month, kind, directory, lines.num_rows, _totals(lines))


def _set_aside_orphans(con: duckdb.DuckDBPyConnection, posting_dir: Path, month: str) -> None:
    """A posting folder the ledger does not record is what a crash between writing the files and recording
    the lines leaves behind; it never counted as posted. Rename it out of the way (kept, hidden) so the
    month has one posting folder per recorded posting."""
    month_dir = posting_dir / month
    if not month_dir.is_dir():
        return
    recorded = {row[0] for row in con.execute("select distinct posting_id from marts.posted_ledger").fetchall()}
    for folder in month_dir.iterdir():
        if folder.is_dir() and folder.name.endswith(".partial"):
            shutil.rmtree(folder, ignore_errors=True)
        elif folder.is_dir() and not folder.name.startswith(".") and folder.name not in recorded:
            folder.rename(month_dir / f".orphaned-{folder.name}")


def _lines_to_post(con: duckdb.DuckDBPyConnection, month_start: date, adjustment: bool) -> pa.Table:
    columns = ", ".join(f"cast({c} as varchar) as {c}" for c in LINE_COLUMNS[:8])
    amounts = ", ".join(f"cast({c} as decimal(38, 12)) as {c}" for c in AMOUNT_COLUMNS)
    current = (
        f"select {columns}, attempt_count, {amounts} from marts.fct_chargeback_monthly "
        f"where billing_month = cast(? as date)"
    )
    if not adjustment:
        return con.execute(f"{current} order by ledger_line_id", [month_start.isoformat()]).fetch_arrow_table()
    # Differences from everything posted so far for the month, line by line; unchanged lines are left out.
    keys = ", ".join(LINE_COLUMNS[:8])
    deltas = ", ".join(f"coalesce(now.{c}, 0) - coalesce(posted.{c}, 0) as {c}" for c in AMOUNT_COLUMNS)
    key_values = ", ".join(f"coalesce(now.{c}, posted.{c}) as {c}" for c in LINE_COLUMNS[:8])
    sql = f"""
    with now as ({current}),
    posted as (
        select {keys}, sum(attempt_count) as attempt_count,
               {", ".join(f"sum({c}) as {c}" for c in AMOUNT_COLUMNS)}
        from marts.posted_ledger where billing_month = ?
        group by {keys}
    )
    select {key_values},
           coalesce(now.attempt_count, 0) - coalesce(posted.attempt_count, 0) as attempt_count,
           {deltas}
    from now full outer join posted using (ledger_line_id)
    where {" or ".join(f"coalesce(now.{c}, 0) <> coalesce(posted.{c}, 0)" for c in AMOUNT_COLUMNS)}
    order by ledger_line_id
    """
    return con.execute(sql, [month_start.isoformat(), month_start.isoformat()]).fetch_arrow_table()


def _totals(lines: pa.Table) -> dict[str, str]:
    totals = {}
    for column in AMOUNT_COLUMNS:
        values = lines.column(column).to_pylist()
        totals[column] = str(sum((v for v in values if v is not None), Decimal(0)))
    return totals


def _write_files(posting_dir, month, posting_id, lines, contracts, approved_by, kind, posted_at) -> Path:
    final = posting_dir / month / posting_id
    if final.exists():
        raise PostingRefused(f"posting {posting_id} refused: {final} already exists")
    staging = final.with_name(f".{posting_id}.partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    csv_path, parquet_path = staging / "ledger.csv", staging / "ledger.parquet"
    pa_csv.write_csv(lines, csv_path)
    pq.write_table(lines, parquet_path)
    manifest = {
        "posting_id": posting_id,
        "month": month,
        "kind": kind,
        "approved_by": approved_by.strip(),
        "posted_at": posted_at.isoformat() + "Z",
        "row_count": lines.num_rows,
        "totals": _totals(lines),
        "files": {p.name: _sha256(p) for p in (csv_path, parquet_path)},
        "contracts": [
            {"name": c.name, "passed": c.passed, "blocking": c.blocking, "summary": c.summary} for c in contracts
        ],
    }
    (staging / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    for path in staging.iterdir():
        with path.open("rb") as handle:
            os.fsync(handle.fileno())
    staging.rename(final)
    return final


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
