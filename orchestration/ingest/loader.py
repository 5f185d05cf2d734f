"""The one loading mechanism every source shares.

discover files -> skip what the manifest already holds (by content hash) -> read lines -> the source's
adapter parses, validates and redacts them in DuckDB -> accepted rows go to raw.<table>, rejected lines to
raw.load_rejects with the reason -> one manifest row per file. Each file is loaded in one transaction, so a
crash leaves either the whole file or nothing, and a re-run picks up exactly what is missing.
"""

from __future__ import annotations

import gzip
import hashlib
import re
import uuid
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from fnmatch import fnmatch
from pathlib import Path
from typing import Protocol

import duckdb
import pyarrow as pa

from orchestration.faults import fault_point
from orchestration.settings import ConfigError

LINES_PER_BATCH = 250_000

LINEAGE_COLUMNS = """
    load_id varchar not null,
    source_file varchar not null,
    source_line bigint not null,
    file_sha256 varchar not null,
    loaded_at timestamp not null
"""

MANIFEST_DDL = """
create table if not exists raw.load_manifest (
    load_id varchar not null,
    source varchar not null,
    source_file varchar not null,
    file_sha256 varchar not null,
    file_bytes bigint not null,
    lines_read bigint not null,
    rows_loaded bigint not null,
    rows_rejected bigint not null,
    status varchar not null,
    duplicate_of varchar,
    loaded_at timestamp not null
)
"""

# Rejected lines keep a hash and a length, not their text: a broken line may still carry a prompt.
REJECTS_DDL = """
create table if not exists raw.load_rejects (
    load_id varchar not null,
    source varchar not null,
    source_file varchar not null,
    source_line bigint not null,
    file_sha256 varchar not null,
    reason varchar not null,
    line_sha256 varchar,
    line_bytes bigint,
    loaded_at timestamp not null
)
"""


class Adapter(Protocol):
    """A source format. It sees a temp table `landing_lines(line_number, line_text, decode_error)`.

    Optional attributes (read with getattr, so existing adapters need nothing new):
    - `document_patterns`: file names (fnmatch) read as one JSON document instead of lines; the document is
      then line 1 of landing_lines (a saved API page, a pretty-printed object per file);
    - `exclude_patterns`: file names (fnmatch) under the source folder that belong to another adapter.
    The SQL may return several records for one line (OTLP spans, usage buckets): each record is one raw row
    or one reject, and the manifest's `lines_read` then counts records.
    """

    source: str
    table: str
    file_patterns: tuple[str, ...]
    columns_ddl: str

    def select_parsed_sql(self) -> str:
        """SQL over landing_lines giving every record once: `line_number, reject_reason, <typed columns>`."""
        ...


@dataclass
class FileResult:
    source: str
    source_file: str
    status: str
    lines_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0


@dataclass
class LoadReport:
    files: list[FileResult] = field(default_factory=list)

    @property
    def files_loaded(self) -> int:
        return sum(1 for f in self.files if f.status == "loaded")

    @property
    def rows_loaded(self) -> int:
        return sum(f.rows_loaded for f in self.files)

    @property
    def rows_rejected(self) -> int:
        return sum(f.rows_rejected for f in self.files)

    @property
    def lines_read(self) -> int:
        return sum(f.lines_read for f in self.files)


def connect_warehouse(warehouse_path: Path) -> duckdb.DuckDBPyConnection:
    warehouse_path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(warehouse_path))
    except duckdb.IOException as exc:
        raise ConfigError(
            f"cannot open the warehouse {warehouse_path} for writing ({exc}). Another run may hold it, "
            "or the folder is not writable: wait for the other run or choose --warehouse PATH."
        ) from exc
    con.execute("set enable_progress_bar = false")
    return con


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# A landing path names its day as YYYY-MM-DD (gateway/2026-08-03/..., blocked-2026-08-03.jsonl) or as
# YYYY/MM/DD folders (Bedrock's S3 layout).
_DAY_PATTERNS = (
    re.compile(r"(?<!\d)(\d{4}-\d{2}-\d{2})(?!\d)"),
    re.compile(r"(?:^|/)(\d{4})/(\d{2})/(\d{2})(?:/|$)"),
)


def day_of(relative_path: str) -> str | None:
    """The day a landing file holds, from its path, or None (monthly usage pages, invoices)."""
    for pattern in _DAY_PATTERNS:
        match = pattern.search(relative_path)
        if match:
            day = "-".join(match.groups()) if len(match.groups()) == 3 else match.group(1)
            try:
                datetime.strptime(day, "%Y-%m-%d")
            except ValueError:
                continue
            return day
    return None


def belongs_to_day(path: Path, source_dir: Path, day: str | None) -> bool:
    """Whether a partition run for `day` loads this file: files of that day and files without a day (the
    load manifest keeps any file from loading twice). No day: an unpartitioned run loads everything."""
    if day is None:
        return True
    file_day = day_of(path.relative_to(source_dir).as_posix())
    return file_day is None or file_day == day


def discover(landing_dir: Path, adapter: Adapter, day: str | None = None) -> list[Path]:
    """The source's files; with `day` (a daily partition), only that day's and those without a day."""
    source_dir = landing_dir / adapter.source
    if not source_dir.is_dir():
        return []
    found = {p for pattern in adapter.file_patterns for p in source_dir.glob(pattern) if p.is_file()}
    excluded = getattr(adapter, "exclude_patterns", ())
    return sorted(
        p
        for p in found
        if not any(fnmatch(p.name, pattern) for pattern in excluded) and belongs_to_day(p, source_dir, day)
    )


def reads_whole_file(adapter: Adapter, path: Path) -> bool:
    return any(fnmatch(path.name, pattern) for pattern in getattr(adapter, "document_patterns", ()))


def _read_bytes(path: Path) -> tuple[bytes, str | None]:
    """The file's content, decompressed when gzip. A truncated or corrupt gzip yields what could be read
    plus the reason, so its good lines still load and the damage is quarantined."""
    raw = path.read_bytes()
    named_gzip = path.suffix == ".gz"
    if not (named_gzip or raw[:2] == b"\x1f\x8b"):
        return raw, None
    out = bytearray()
    decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        data = raw
        while data:
            out += decompressor.decompress(data)
            data = decompressor.unused_data
            if data:  # a multi-member gzip: start the next member
                decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
        if not decompressor.eof:
            if not named_gzip and not out:
                return raw, None  # a text file whose first bytes only look like gzip's
            return bytes(out), "truncated_gzip: the compressed stream ends early"
    except (zlib.error, gzip.BadGzipFile, EOFError) as exc:
        if not named_gzip and not out:
            return raw, None  # a text file whose first bytes only look like gzip's: read it as text
        return bytes(out), f"corrupt_gzip: {exc}"
    return bytes(out), None


def _line_batches(content: bytes, whole_file: bool = False) -> Iterator[pa.Table]:
    """Numbered non-blank lines as Arrow batches; undecodable lines carry the decode error instead of text.
    A whole-file document is one line (line 1) holding the entire content."""
    lines = [content] if whole_file else content.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    for start in range(0, len(lines), LINES_PER_BATCH):
        numbers: list[int] = []
        texts: list[str | None] = []
        errors: list[str | None] = []
        hashes: list[str] = []
        sizes: list[int] = []
        for offset, line in enumerate(lines[start : start + LINES_PER_BATCH]):
            if not line.strip():
                continue
            numbers.append(start + offset + 1)
            hashes.append(hashlib.sha256(line).hexdigest())
            sizes.append(len(line))
            try:
                texts.append(line.decode("utf-8").removesuffix("\r"))
                errors.append(None)
            except UnicodeDecodeError as exc:
                texts.append(None)
                errors.append(f"invalid_utf8: byte {exc.start} of the line is not UTF-8")
        yield pa.table(
            {
                "line_number": pa.array(numbers, pa.int64()),
                "line_text": pa.array(texts, pa.string()),
                "decode_error": pa.array(errors, pa.string()),
                "line_sha256": pa.array(hashes, pa.string()),
                "line_bytes": pa.array(sizes, pa.int64()),
            }
        )


def ensure_raw_tables(con: duckdb.DuckDBPyConnection, adapters: list[Adapter]) -> None:
    con.execute("create schema if not exists raw")
    con.execute(MANIFEST_DDL)
    con.execute(REJECTS_DDL)
    for adapter in adapters:
        con.execute(f"create table if not exists raw.{adapter.table} ({LINEAGE_COLUMNS}, {adapter.columns_ddl})")


def load_file(con: duckdb.DuckDBPyConnection, adapter: Adapter, path: Path, landing_dir: Path, salt: str) -> FileResult:
    relative = path.relative_to(landing_dir).as_posix()
    sha = file_sha256(path)
    known = con.execute(
        "select source_file from raw.load_manifest where file_sha256 = ? order by loaded_at limit 1", [sha]
    ).fetchone()
    if known is not None:
        already_here = con.execute(
            "select count(*) from raw.load_manifest where file_sha256 = ? and source_file = ?",
            [sha, relative],
        ).fetchone()[0]
        if already_here:
            return FileResult(adapter.source, relative, "already_loaded")
        # Same content under a new name: record it once, load nothing.
        con.execute(
            "insert into raw.load_manifest values (?, ?, ?, ?, ?, 0, 0, 0, 'duplicate_content', ?, ?)",
            [str(uuid.uuid4()), adapter.source, relative, sha, path.stat().st_size, known[0], _now()],
        )
        return FileResult(adapter.source, relative, "duplicate_content")

    load_id = str(uuid.uuid4())
    loaded_at = _now()
    content, file_error = _read_bytes(path)
    result = FileResult(adapter.source, relative, "loaded")
    con.execute("begin transaction")
    try:
        for batch in _line_batches(content, reads_whole_file(adapter, path)):
            con.register("landing_batch", batch)
            con.execute("create or replace temp table landing_lines as select * from landing_batch")
            con.unregister("landing_batch")
            parse_sql = adapter.select_parsed_sql()
            # Only adapters that hash identifiers bind the salt.
            con.execute(
                f"create or replace temp table parsed_lines as {parse_sql}",
                {"salt": salt} if "$salt" in parse_sql else {},
            )
            con.execute(
                f"""
                insert into raw.{adapter.table}
                select ?, ?, line_number, ?, ?, * exclude (line_number, reject_reason)
                from parsed_lines where reject_reason is null
                """,
                [load_id, relative, sha, loaded_at],
            )
            con.execute(
                """
                insert into raw.load_rejects
                select ?, ?, ?, parsed.line_number, ?, parsed.reject_reason, lines.line_sha256, lines.line_bytes, ?
                from parsed_lines as parsed
                inner join landing_lines as lines on parsed.line_number = lines.line_number
                where parsed.reject_reason is not null
                """,
                [load_id, adapter.source, relative, sha, loaded_at],
            )
            counts = con.execute(
                "select count(*), count(*) filter (where reject_reason is not null) from parsed_lines"
            ).fetchone()
            result.lines_read += counts[0]
            result.rows_rejected += counts[1]
            result.rows_loaded += counts[0] - counts[1]
        if file_error is not None:
            con.execute(
                "insert into raw.load_rejects values (?, ?, ?, 0, ?, ?, null, null, ?)",
                [load_id, adapter.source, relative, sha, file_error, loaded_at],
            )
            result.rows_rejected += 1
            result.lines_read += 1
        fault_point("load")
        con.execute(
            "insert into raw.load_manifest values (?, ?, ?, ?, ?, ?, ?, ?, 'loaded', null, ?)",
            [
                load_id,
                adapter.source,
                relative,
                sha,
                path.stat().st_size,
                result.lines_read,
                result.rows_loaded,
                result.rows_rejected,
                loaded_at,
            ],
        )
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    finally:
        con.execute("drop table if exists landing_lines")
        con.execute("drop table if exists parsed_lines")
    return result


def load_source(
    con: duckdb.DuckDBPyConnection, adapter: Adapter, landing_dir: Path, salt: str, day: str | None = None
) -> LoadReport:
    report = LoadReport()
    for path in discover(landing_dir, adapter, day):
        report.files.append(load_file(con, adapter, path, landing_dir, salt))
    return report


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
