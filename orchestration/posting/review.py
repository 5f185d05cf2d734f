"""`chargeback review --month`: what finance reads before approving a month."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import duckdb

from orchestration.posting.post import parse_month
from orchestration.quality.contracts import run_contracts

REVIEW_WINDOW_BUSINESS_DAYS = 5


def review_window_closes(month: str, business_days: int = REVIEW_WINDOW_BUSINESS_DAYS) -> date:
    """The last day of the review window: `business_days` working days (Mon-Fri) after month end."""
    start = parse_month(month)
    day = (start.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    counted = 0
    while counted < business_days:
        day += timedelta(days=1)
        if day.weekday() < 5:
            counted += 1
    return day


def review_month(warehouse: Path, data_docs: Path, month: str) -> str:
    month_start = parse_month(month)
    contracts = run_contracts(warehouse, data_docs, month=month)
    lines = [f"Review of {month} (review window closes {review_window_closes(month):%a %Y-%m-%d})", "", "Contracts"]
    for contract in contracts:
        status = "PASS" if contract.passed else ("FAIL" if contract.blocking else "WARN")
        lines.append(f"  {status}  {contract.name}: {contract.summary}")
        lines += [f"          - {failure}" for failure in contract.failures]
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rows = con.execute(
            """
            select provider, ledger_list_cost_usd, invoice_usage_usd, variance_usd, variance_share,
                   largest_explained_cause, unexplained_usd, is_within_tolerance
            from marts.fct_invoice_reconciliation where billing_month = cast(? as date) order by provider
            """,
            [month_start.isoformat()],
        ).fetchall()
        totals = con.execute(
            "select count(*), coalesce(sum(list_cost_usd), 0), coalesce(sum(effective_cost_usd), 0) "
            "from marts.fct_chargeback_monthly where billing_month = cast(? as date)",
            [month_start.isoformat()],
        ).fetchone()
        posted = _posted(con, month_start)
        disputes = con.execute(
            """
            select dispute_id, owner_team, feature, provider, model, amount_usd, status, reason
            from raw.disputes where billing_month = cast(? as date) order by dispute_id
            """,
            [month_start.isoformat()],
        ).fetchall()
    finally:
        con.close()
    lines += ["", "Reconciliation (invoice usage vs ledger list cost)"]
    lines.append(f"  {'provider':<12} {'ledger':>12} {'invoice':>12} {'variance':>11} {'%':>7}  cause")
    for provider, ledger, invoice, variance, share, cause, unexplained, ok in rows:
        invoice_text = f"{invoice:>12,.2f}" if invoice is not None else f"{'(none)':>12}"
        share_text = f"{share:>7.2%}" if share is not None else f"{'':>7}"
        flag = "ok" if ok else ("no invoice" if invoice is None else "OVER TOLERANCE")
        lines.append(
            f"  {provider:<12} {ledger:>12,.2f} {invoice_text} {variance or 0:>11,.2f} {share_text}  "
            f"{cause}; unexplained {unexplained or 0:,.2f}; {flag}"
        )
    lines += ["", "Disputes"]
    lines += [
        f"  {dispute_id} {status:<9} {team}/{feature} {provider}/{model} USD {amount:,.2f}: {reason}"
        for dispute_id, team, feature, provider, model, amount, status, reason in disputes
    ] or ["  none"]
    lines += [
        "",
        f"Ledger: {totals[0]} lines, list cost ${totals[1]:,.2f}, effective cost ${totals[2]:,.2f}",
        f"Posted: {posted}",
        f"Data Docs: {Path(data_docs) / 'index.html'}",
    ]
    return "\n".join(lines)


def _posted(con: duckdb.DuckDBPyConnection, month_start: date) -> str:
    exists = con.execute(
        "select count(*) from information_schema.tables where table_schema = 'marts' and table_name = 'posted_ledger'"
    ).fetchone()[0]
    if not exists:
        return "not yet"
    postings = con.execute(
        "select posting_id, approved_by from marts.posted_ledger where billing_month = ? group by 1, 2 order by 1",
        [month_start.isoformat()],
    ).fetchall()
    return ", ".join(f"{pid} (approved by {who})" for pid, who in postings) or "not yet"
