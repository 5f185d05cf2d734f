"""SQL building blocks shared by the JSON adapters (LiteLLM, Bedrock, OTel, provider usage pages, audit).

Every adapter is one DuckDB statement over `landing_lines`: parse each line (or whole-file document) once,
turn it into records, choose the first failing check as the record's reject reason, and pull typed columns
out of the record. Values never become SQL text; only the fixed paths and keys below do.
"""

from __future__ import annotations

from orchestration.ingest.privacy import salted_hash_sql

MAX_TOKENS = 100_000_000  # per attempt; far above any context window
MAX_BUCKET_TOKENS = 10**15  # per usage bucket
MAX_VALUE_CHARS = 256

# Canonical tag -> keys accepted for it in free key/value metadata (LiteLLM spend_logs_metadata, Bedrock
# requestMetadata, OTel attributes) and in `key:value` request tags. First key found wins.
TAG_KEYS: dict[str, tuple[str, ...]] = {
    "owner_team": ("owner_team", "team", "owner"),
    "project_id": ("project_id", "project"),
    "feature": ("feature",),
    "cost_center": ("cost_center", "costcenter", "costcentre", "cost-center", "cc"),
    "environment": ("environment", "env"),
    "request_intent": ("request_intent", "intent"),
    "service": ("service",),
    "prompt_template": ("prompt_template",),
    "workflow_id": ("workflow_id", "workflow"),
}
TAG_COLUMNS = tuple(TAG_KEYS)


def docs_cte() -> str:
    """`docs`: each landing line with its parsed JSON (null when the line is not valid JSON)."""
    return """
docs as (
    select
        line_number,
        decode_error,
        case when decode_error is null and json_valid(line_text) then cast(line_text as json) end as doc
    from landing_lines
)"""


class Shared:
    """Expressions a record's checks and columns use more than once, each computed once as a column of a CTE
    of its own (`select *, {shared.select_list()} from ...`); DuckDB would otherwise evaluate every
    occurrence again, re-parsing the record's JSON each time."""

    def __init__(self, prefix: str = "shared") -> None:
        self.prefix = prefix
        self.columns: dict[str, str] = {}

    def __call__(self, sql: str) -> str:
        """The column name standing for the expression."""
        return self.columns.setdefault(sql, f"{self.prefix}_{len(self.columns)}")

    def select_list(self) -> str:
        return ",\n        ".join(f"{sql} as {name}" for sql, name in self.columns.items())


class Fields:
    """The JSON paths read from one document, all pulled out by one `json_extract(doc, [paths])`: the document
    is parsed once, not once a path (DuckDB parses a JSON value again in every function that reads it).
    `text`, `json` and `kind` name an element of that list; `select()` is the list's column, for a CTE
    before the ones that read it."""

    def __init__(self, doc: str, column: str, paths: tuple[str, ...] = ()) -> None:
        self.doc = doc
        self.column = column
        self.paths: dict[str, int] = {}
        self.selected = False
        for path in paths:
            self.json(path)

    def json(self, path: str) -> str:
        """The value at the path as JSON; null when absent."""
        if self.selected and path not in self.paths:
            raise RuntimeError(f"{path} is read from {self.column} after its extraction was written")
        return f"{self.column}[{self.paths.setdefault(path, len(self.paths) + 1)}]"

    def text(self, path: str) -> str:
        """The value as text (strings unquoted); null when absent or JSON null, as json_extract_string."""
        return f"({self.json(path)} ->> '$')"

    def kind(self, path: str) -> str:
        return f"coalesce(json_type({self.json(path)}), 'NULL')"

    def select(self) -> str:
        self.selected = True
        if not self.paths:
            return f"null::json[] as {self.column}"
        paths = ", ".join(f"'{path}'" for path in self.paths)
        return f"json_extract({self.doc}, [{paths}]) as {self.column}"


def jtext(expr: str, path: str) -> str:
    """The value at a JSON path as text (strings unquoted); null when absent or JSON null."""
    return f"json_extract_string({expr}, '{path}')"


def jkind(expr: str, path: str) -> str:
    return f"coalesce(json_type(json_extract({expr}, '{path}')), 'NULL')"


def decimal_number(text_sql: str) -> str:
    """`try_cast(text as decimal(38, 6))`, the same value, with a fast path for plain integers (nearly every
    count): DuckDB's text-to-decimal(38, 6) cast costs microseconds a value, a bigint cast a few nanoseconds."""
    return (
        f"case when regexp_full_match({text_sql}, '-?[0-9]{{1,18}}') "
        f"then cast(cast({text_sql} as bigint) as decimal(38, 6)) "
        f"else try_cast({text_sql} as decimal(38, 6)) end"
    )


def jint(expr: str, path: str) -> str:
    """A whole number, also when written as a string (OTLP int64) or as a float with no fraction."""
    return f"try_cast({decimal_number(jtext(expr, path))} as hugeint)"


def reason_case(checks: list[tuple[str, str]]) -> str:
    return "case " + " ".join(f"when {condition} then {reason}" for condition, reason in checks) + " end"


def checked_select(source: str, checks: list[tuple[str, str]], columns: list[str]) -> str:
    """The end of every adapter's statement, after its CTEs: each row of `source` gets the first failing
    check as its reject reason (CTE `checked`), then the line number, that reason and the typed columns."""
    column_list = ",\n    ".join(columns)
    return f"""checked as (
    select *, {reason_case(checks)} as reject_reason from {source}
)
select
    line_number,
    reject_reason,
    {column_list}
from checked"""


def document_checks(doc: str = "doc") -> list[tuple[str, str]]:
    return [
        ("decode_error is not null", "decode_error"),
        (f"{doc} is null", "'invalid_json: the line is not a complete JSON value'"),
        (f"json_type({doc}) <> 'OBJECT'", f"'not_a_json_object: the line is a JSON ' || lower(json_type({doc}))"),
    ]


def count_checks(value_sql: str, label: str, maximum: int = MAX_TOKENS) -> list[tuple[str, str]]:
    """A token or request count: a whole number (possibly written as a string), not negative, not absurd."""
    raw = f"({decimal_number(value_sql)})"
    return [
        (
            f"{value_sql} is not null and ({raw} is null or {raw} <> floor({raw}))",
            f"'invalid_type: {label} must be a whole number'",
        ),
        (f"{raw} < 0", f"'negative_token_count: {label} is below zero'"),
        (f"{raw} > {maximum}", f"'token_count_out_of_range: {label} is above {maximum:,}'"),
    ]


def required_text_checks(fields: dict[str, str]) -> list[tuple[str, str]]:
    """fields: label -> SQL text value."""
    checks: list[tuple[str, str]] = []
    for label, value_sql in fields.items():
        checks.append((f"nullif({value_sql}, '') is null", f"'missing_required_field: {label}'"))
    return checks


def long_value_checks(fields: dict[str, str]) -> list[tuple[str, str]]:
    return [
        (f"length({value_sql}) > {MAX_VALUE_CHARS}", f"'value_too_long: {label} is longer than {MAX_VALUE_CHARS}'")
        for label, value_sql in fields.items()
    ]


def timestamp_checks(timestamp_sql: str, label: str) -> list[tuple[str, str]]:
    return [
        (f"{timestamp_sql} is null", f"'invalid_timestamp: {label} is not a real date and time'"),
        (
            f"year({timestamp_sql}) not between 2000 and 2099",
            f"'timestamp_out_of_range: {label} must fall between 2000 and 2099'",
        ),
    ]


def utc_timestamp(text_sql: str) -> str:
    """An ISO-8601 text as a naive UTC timestamp (an offset-less text is taken as UTC)."""
    return f"cast(timezone('UTC', try_cast({text_sql} as timestamptz)) as timestamp)"


def epoch_seconds_timestamp(number_sql: str) -> str:
    """Epoch seconds (float) as a naive UTC timestamp, to the microsecond."""
    return f"make_timestamp(cast(round(try_cast({number_sql} as double) * 1000000) as bigint))"


def kv_lookup(entries_sql: str, keys: tuple[str, ...]) -> str:
    """First present key of a list of {k, v} entries (keys in lower case, see lowered_entries); a list and
    not a map, so that a key sent twice cannot break the load."""
    return (
        "coalesce("
        + ", ".join(f"nullif(trim(list_filter({entries_sql}, lambda e: e.k = '{key}')[1].v), '')" for key in keys)
        + ")"
    )


def lowered_entries(json_object_sql: str) -> str:
    """A JSON object of scalar values as {k, v} entries with lower-cased keys (null when not an object)."""
    return (
        f"case when json_type({json_object_sql}) = 'OBJECT' then list_transform("
        f"json_keys({json_object_sql}), lambda k: {{'k': lower(k), 'v': json_extract_string({json_object_sql}, "
        f"'$.\"' || replace(k, '\"', '') || '\"')}}) end"
    )


def tag_list_entries(json_array_sql: str) -> str:
    """`key:value` strings of a JSON array (LiteLLM request_tags) as {k, v} entries, keys in lower case."""
    return (
        f"case when json_type({json_array_sql}) = 'ARRAY' then list_transform(list_filter("
        f"cast(json_extract_string({json_array_sql}, '$[*]') as varchar[]), lambda t: t like '%:%'), "
        "lambda t: {'k': lower(trim(split_part(t, ':', 1))), 'v': trim(substr(t, strpos(t, ':') + 1))}) end"
    )


def tag_columns_sql(entry_lists: list[str]) -> list[str]:
    """The canonical tag columns, each the first value found in the given entry lists, in order."""
    columns = []
    for tag, keys in TAG_KEYS.items():
        candidates = ", ".join(kv_lookup(entries, keys) for entries in entry_lists)
        columns.append(f"coalesce({candidates}) as tag_{tag}")
    return columns


TAG_COLUMNS_DDL = ",\n".join(f"tag_{tag} varchar" for tag in TAG_COLUMNS)


def hashed(value_sql: str) -> str:
    return salted_hash_sql(f"nullif({value_sql}, '')")


def drop_keys_patch(doc: str, keys: tuple[str, ...]) -> str:
    """The document without the given top-level keys (JSON merge patch: a null removes a key)."""
    if not keys:
        return doc
    nulls = ", ".join(f"'{key}', null" for key in keys)
    return f"json_merge_patch({doc}, json_object({nulls}))"
