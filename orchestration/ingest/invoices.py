"""Adapter for provider invoice lines (CSV with a header): one row per invoice line.

Columns are matched by header name, so their order may differ between providers. Fields are split in
DuckDB with a CSV-aware pattern (quoted fields may hold commas and doubled quotes).
"""

from __future__ import annotations

COLUMNS = (
    "invoice_id",
    "provider",
    "billing_period_start",
    "billing_period_end",
    "line_type",
    "description",
    "amount_usd",
    "currency",
)
REQUIRED = ("invoice_id", "provider", "billing_period_start", "billing_period_end", "line_type", "amount_usd")
LINE_TYPES = ("usage", "discount", "credit", "tax")
LINE_TYPES_SQL = ", ".join(f"'{line_type}'" for line_type in LINE_TYPES)
# One field: a quoted string with "" escapes, or anything up to the next comma.
FIELD_PATTERN = r'(?:^|,)("(?:[^"]|"")*"|[^,]*)'


def _fields_sql(text: str) -> str:
    return f"regexp_extract_all({text}, '{FIELD_PATTERN}', 1)"


def _unquote(field: str) -> str:
    """A CSV field without its quotes, trimmed; empty = null."""
    return (
        f"nullif(trim(case when starts_with({field}, '\"') "
        f"then replace({field}[2:-2], '\"\"', '\"') else {field} end), '')"
    )


def _column(name: str) -> str:
    return _unquote(f"fields[list_position(header, '{name}')]")


class InvoicesAdapter:
    source = "invoices"
    table = "invoice_lines"
    file_patterns = ("**/*.csv",)
    columns_ddl = ",\n".join(
        [
            "invoice_id varchar",
            "provider varchar",
            "billing_period_start date",
            "billing_period_end date",
            "line_type varchar",
            "description varchar",
            "amount_usd decimal(18, 2)",
            "currency varchar",
        ]
    )

    def select_parsed_sql(self) -> str:
        checks = [
            ("decode_error is not null", "decode_error"),
            ("header is null", "'missing_header: the file has no header line'"),
            *(
                (f"list_position(header, '{name}') is null", f"'missing_column: the header has no {name}'")
                for name in REQUIRED
            ),
            ("len(fields) <> len(header)", "'wrong_field_count: the line does not have one field per column'"),
            *((f"{_column(name)} is null", f"'missing_required_field: {name}'") for name in REQUIRED),
            (
                f"try_cast({_column('billing_period_start')} as date) is null "
                f"or try_cast({_column('billing_period_end')} as date) is null",
                "'invalid_date: billing period dates must be YYYY-MM-DD'",
            ),
            (
                f"lower({_column('line_type')}) not in ({LINE_TYPES_SQL})",
                f"'invalid_value: line_type must be one of {', '.join(LINE_TYPES)}'",
            ),
            (
                f"try_cast({_column('amount_usd')} as decimal(18, 2)) is null "
                f"or try_cast({_column('amount_usd')} as decimal(18, 2)) "
                f"<> try_cast({_column('amount_usd')} as double)",
                "'invalid_amount: amount_usd must be a number with at most 2 decimals'",
            ),
            (
                f"upper(coalesce({_column('currency')}, 'USD')) <> 'USD'",
                "'unsupported_currency: only USD invoices are supported'",
            ),
        ]
        reason = "case " + " ".join(f"when {cond} then {why}" for cond, why in checks) + " end"
        return f"""
with header_line as (
    select list_transform({_fields_sql("line_text")}, field -> lower({_unquote("field")})) as header
    from landing_lines
    where line_number = 1
),
records as (
    select
        lines.line_number,
        lines.decode_error,
        header_line.header,
        {_fields_sql("lines.line_text")} as fields
    from landing_lines as lines
    left join header_line on true
    where lines.line_number > 1
),
checked as (
    select *, {reason} as reject_reason from records
)
select
    line_number,
    reject_reason,
    {_column("invoice_id")} as invoice_id,
    lower({_column("provider")}) as provider,
    try_cast({_column("billing_period_start")} as date) as billing_period_start,
    try_cast({_column("billing_period_end")} as date) as billing_period_end,
    lower({_column("line_type")}) as line_type,
    {_column("description")} as description,
    try_cast({_column("amount_usd")} as decimal(18, 2)) as amount_usd,
    upper(coalesce({_column("currency")}, 'USD')) as currency
from checked
"""
