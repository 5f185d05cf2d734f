"""The one loading mechanism every source shares.

discover files -> skip what the manifest already holds (by content hash) -> read lines, in chunks of a
bounded size, column-wise (numpy/Arrow, no Python loop over lines) -> the source's adapter parses,
validates and redacts them in DuckDB -> accepted rows go to raw.<table>, rejected lines to
raw.load_rejects with the reason -> one manifest row per file. A file's rows and its manifest row are
written in one transaction (files commit together until it holds COMMIT_RECORDS records), so a crash
leaves either the whole file or nothing, and a re-run picks up exactly what is missing.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import sys
import uuid
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from fnmatch import fnmatch
from pathlib import Path
from typing import Protocol

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from tqdm import tqdm

from orchestration.faults import fault_point
from orchestration.settings import ConfigError, loading_memory_limit

# Memory per file stays a few times CHUNK_BYTES (plus DuckDB's own), whatever the file's size.
CHUNK_BYTES = 16 << 20  # text handed to the adapter's SQL at once, in whole lines
READ_BYTES = 1 << 20  # one read from disk, or at most this much decompressed output at once
SCAN_BATCH_LINES = 512
CHECKPOINT_THRESHOLD = "256MiB"
# Files commit together until their transaction holds this many records: DuckDB writes the full row groups
# (122,880 rows) of a large transaction straight into the database file, compressed, while a small one's
# rows go to the WAL first and are written again at the checkpoint. Each file still commits whole or not at
# all, with its manifest row.
COMMIT_RECORDS = 250_000
GZIP_WBITS = 16 + zlib.MAX_WBITS
LINE_SCHEMA = pa.schema(
    [
        ("line_number", pa.int64()),
        ("line_text", pa.large_string()),
        ("decode_error", pa.string()),
        ("line_bytes", pa.int64()),
        ("line_raw", pa.large_binary()),
    ]
)

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
    """A source format. It sees a table `landing_lines(line_number, line_text, decode_error)`: one chunk of a
    file's lines at a time (a large file is read in several chunks, in one transaction). Every chunk after
    the first also holds the file's first non-blank line, so a CSV header is always there; whatever the SQL
    returns for that repeated line in a later chunk is dropped.

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
        con = duckdb.connect(str(warehouse_path), config={"memory_limit": loading_memory_limit()})
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


class _FileText:
    """A landing file's text, decompressed when gzip, read a piece at a time so that memory stays bounded
    whatever the file's size. A truncated or corrupt gzip yields what could be read and sets `error`, so its
    good lines still load and the damage is quarantined. `bytes_read` counts the file's own (compressed) bytes.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.error: str | None = None
        self.bytes_read = 0

    def pieces(self) -> Iterator[bytes]:
        with self.path.open("rb") as handle:
            named_gzip = self.path.suffix == ".gz"
            looks_gzip = handle.read(2) == b"\x1f\x8b"
            handle.seek(0)
            if not (named_gzip or looks_gzip):
                yield from self._plain(handle)
                return
            produced = False
            decompressor = zlib.decompressobj(GZIP_WBITS)
            data = b""
            try:
                while True:
                    if not data:
                        data = self._read(handle)
                        if not data:
                            break
                    if decompressor.eof:  # a multi-member gzip: start the next member
                        decompressor = zlib.decompressobj(GZIP_WBITS)
                    # Bounded output per call: a highly compressed file never expands in memory at once.
                    out = decompressor.decompress(data, READ_BYTES)
                    data = decompressor.unused_data if decompressor.eof else decompressor.unconsumed_tail
                    if out:
                        produced = True
                        yield out
                out = decompressor.flush()
                if out:
                    produced = True
                    yield out
                if decompressor.eof:
                    return
                error = "truncated_gzip: the compressed stream ends early"
            except zlib.error as exc:
                error = f"corrupt_gzip: {exc}"
            if not named_gzip and not produced:
                # A text file whose first bytes only look like gzip's: read it as text.
                handle.seek(0)
                self.bytes_read = 0
                yield from self._plain(handle)
                return
            self.error = error

    def blocks(self, chunk_bytes: int) -> Iterator[tuple[int, bytes]]:
        """(number of the block's first line, block): whole lines, at most chunk_bytes unless one line is
        longer (then that line ends its block). Only the file's end can end a block inside a line."""
        pending: list[bytes] = []
        size = 0
        first_line = 1
        waiting = False  # for the end of a line longer than a chunk
        for piece in self.pieces():
            pending.append(piece)
            size += len(piece)
            if size < chunk_bytes or (waiting and b"\n" not in piece):
                continue
            buffer = b"".join(pending)
            pending.clear()
            start = 0
            while len(buffer) - start >= chunk_bytes:
                cut = buffer.rfind(b"\n", start, start + chunk_bytes) + 1 or buffer.find(b"\n", start) + 1
                if not cut:
                    break
                block = buffer[start:cut]
                yield first_line, block
                first_line += block.count(b"\n")
                start = cut
            waiting = len(buffer) - start >= chunk_bytes
            rest = buffer[start:]
            del buffer
            pending = [rest] if rest else []
            size = len(rest)
        if pending:
            yield first_line, b"".join(pending)

    def _plain(self, handle) -> Iterator[bytes]:
        while piece := self._read(handle):
            yield piece

    def _read(self, handle) -> bytes:
        piece = handle.read(READ_BYTES)
        self.bytes_read += len(piece)
        return piece


def _line_table(block: bytes, first_line: int, whole_file: bool = False) -> pa.Table:
    """The block's non-blank lines, numbered from first_line, built column-wise (numpy and Arrow, no loop
    over lines): `line_number, line_text, decode_error, line_bytes, line_raw`. A line keeps its own bytes
    (line_raw, for the reject hash and length) and its text without one trailing carriage return; a line
    that is not UTF-8 has no text but the decode error. A whole-file document is one line (line 1)."""
    data = np.frombuffer(block, np.uint8)
    if not len(data):
        return _empty_lines()
    newline = data == 10
    if whole_file:
        ends = np.array([len(data)])
    else:
        ends = np.flatnonzero(newline)
        if not newline[-1]:
            ends = np.append(ends, len(data))  # the file's last line, without its newline
    starts = np.concatenate(([0], ends[:-1] + 1))
    # Blank (skipped, numbers kept) = nothing but ASCII whitespace, as bytes.strip() sees it. Each segment
    # runs to the next line's start, so it holds the line and its newline (itself whitespace).
    not_whitespace = (data != 32) & ((data < 9) | (data > 13))  # 9-13: \t \n \v \f \r
    filled = np.logical_or.reduceat(not_whitespace, starts)
    kept = np.flatnonzero(filled)
    if not len(kept):
        return _empty_lines()
    lengths = (ends - starts)[kept]
    in_kept_line = np.repeat(filled, np.diff(np.append(starts, len(data))))
    content = data[in_kept_line if whole_file else in_kept_line & ~newline]
    offsets = np.concatenate(([0], np.cumsum(lengths)))
    raw = pa.LargeBinaryArray.from_buffers(
        pa.large_binary(), len(kept), [None, pa.py_buffer(offsets), pa.py_buffer(content)]
    )
    try:
        text = raw.cast(pa.large_string())  # validates every line's UTF-8 at once
        errors = pa.nulls(len(kept), pa.string())
    except pa.ArrowInvalid:
        text, errors = _decode_line_by_line(raw)
    if (content[offsets[1:] - 1] == 13).any():  # strip one trailing \r (CRLF files) only where there is one
        text = pc.if_else(pc.ends_with(text, "\r"), pc.utf8_slice_codeunits(text, 0, -1), text)
    table = pa.table(
        {
            "line_number": pa.array(kept + first_line, pa.int64()),
            "line_text": text,
            "decode_error": errors,
            "line_bytes": pa.array(lengths, pa.int64()),
            "line_raw": raw,
        }
    )
    # Several batches let DuckDB parse a chunk on every core.
    return pa.Table.from_batches(table.to_batches(max_chunksize=SCAN_BATCH_LINES), table.schema)


def _decode_line_by_line(raw: pa.LargeBinaryArray) -> tuple[pa.Array, pa.Array]:
    """Only for a chunk holding a line that is not UTF-8: find which lines, and the first bad byte of each."""
    texts: list[str | None] = []
    errors: list[str | None] = []
    for line in raw.to_pylist():
        try:
            texts.append(line.decode("utf-8"))
            errors.append(None)
        except UnicodeDecodeError as exc:
            texts.append(None)
            errors.append(f"invalid_utf8: byte {exc.start} of the line is not UTF-8")
    return pa.array(texts, pa.large_string()), pa.array(errors, pa.string())


def _empty_lines() -> pa.Table:
    return LINE_SCHEMA.empty_table()


def _file_line_tables(path: Path, whole_file: bool, text: _FileText) -> Iterator[tuple[int, pa.Table]]:
    """(first line number of the chunk, its line table). Every chunk after the first also starts with the
    file's first non-blank line, so that a CSV adapter finds its header in every chunk; records parsed from
    that repeated line are dropped by the loader (their line numbers are below the chunk's first line)."""
    if whole_file:  # one JSON document: it has to be parsed whole
        yield 1, _line_table(b"".join(text.pieces()), 1, whole_file=True)
        return
    header: pa.Table | None = None
    for first_line, block in text.blocks(CHUNK_BYTES):
        table = _line_table(block, first_line)
        del block
        if header is not None:
            table = pa.concat_tables([header, table])
        elif table.num_rows:
            # A copy of the one row: a slice would keep the whole first chunk in memory.
            header = pa.Table.from_pylist(table.slice(0, 1).to_pylist(), schema=LINE_SCHEMA)
        yield first_line, table


def ensure_raw_tables(con: duckdb.DuckDBPyConnection, adapters: list[Adapter]) -> None:
    con.execute("create schema if not exists raw")
    con.execute(MANIFEST_DDL)
    con.execute(REJECTS_DDL)
    for adapter in adapters:
        con.execute(f"create table if not exists raw.{adapter.table} ({LINEAGE_COLUMNS}, {adapter.columns_ddl})")


def load_file(
    con: duckdb.DuckDBPyConnection,
    adapter: Adapter,
    path: Path,
    landing_dir: Path,
    salt: str,
    progress: Callable[[int, int], None] | None = None,
) -> FileResult:
    """Load one file in the caller's open transaction, which commits or rolls back the file's rows, rejects
    and manifest row together (`load_source`). `progress(file bytes read, records)` is called after each
    chunk."""
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
    text = _FileText(path)
    result = FileResult(adapter.source, relative, "loaded")
    lineage = _Lineage(load_id, adapter.source, relative, sha, loaded_at)
    parse_sql = adapter.select_parsed_sql()
    try:
        reported_bytes = 0
        whole_file = reads_whole_file(adapter, path)
        for first_line, lines in _file_line_tables(path, whole_file, text):
            records, rejected = _load_chunk(con, adapter.table, parse_sql, lines, first_line, salt, lineage)
            result.lines_read += records
            result.rows_rejected += rejected
            result.rows_loaded += records - rejected
            if progress is not None:
                progress(text.bytes_read - reported_bytes, records)
                reported_bytes = text.bytes_read
        if text.error is not None:
            con.execute(
                "insert into raw.load_rejects values (?, ?, ?, 0, ?, ?, null, null, ?)",
                [load_id, adapter.source, relative, sha, text.error, loaded_at],
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
    finally:
        # After a DuckDB error the transaction is aborted and refuses every statement until the caller rolls
        # it back (which undoes this file's tables too): the clean-up must not put its own error in place of
        # the one being raised.
        with contextlib.suppress(duckdb.Error):
            con.execute("drop table if exists parsed_lines")
        with contextlib.suppress(duckdb.Error):
            con.unregister("landing_lines")
    return result


@dataclass(frozen=True)
class _Lineage:
    """What every raw row and reject of one file's load carries."""

    load_id: str
    source: str
    source_file: str
    file_sha256: str
    loaded_at: datetime


def _load_chunk(
    con: duckdb.DuckDBPyConnection,
    table: str,
    parse_sql: str,
    lines: pa.Table,
    first_line: int,
    salt: str,
    lineage: _Lineage,
) -> tuple[int, int]:
    """Parse one chunk's lines once (the adapter's `parse_sql`); accepted records go to raw.<table>,
    rejected ones to raw.load_rejects. Returns (records, rejected)."""
    con.register("landing_lines", lines)
    # Only adapters that hash identifiers bind the salt. Records of the repeated first line (see Adapter)
    # belong to the chunk that really holds it.
    con.execute(
        f"create or replace temp table parsed_lines as select * from ({parse_sql}) where line_number >= $first_line",
        {"first_line": first_line} | ({"salt": salt} if "$salt" in parse_sql else {}),
    )
    con.execute(
        f"""
        insert into raw.{table}
        select ?, ?, line_number, ?, ?, * exclude (line_number, reject_reason)
        from parsed_lines where reject_reason is null
        """,
        [lineage.load_id, lineage.source_file, lineage.file_sha256, lineage.loaded_at],
    )
    # The hash and length are only worked out for the few lines that are rejected.
    con.execute(
        """
        insert into raw.load_rejects
        select ?, ?, ?, parsed.line_number, ?, parsed.reject_reason, sha256(lines.line_raw), lines.line_bytes, ?
        from parsed_lines as parsed
        inner join landing_lines as lines on parsed.line_number = lines.line_number
        where parsed.reject_reason is not null
        """,
        [lineage.load_id, lineage.source, lineage.source_file, lineage.file_sha256, lineage.loaded_at],
    )
    con.unregister("landing_lines")
    records, rejected = con.execute(
        "select count(*), count(*) filter (where reject_reason is not null) from parsed_lines"
    ).fetchone()
    return records, rejected


def load_source(
    con: duckdb.DuckDBPyConnection, adapter: Adapter, landing_dir: Path, salt: str, day: str | None = None
) -> LoadReport:
    report = LoadReport()
    # Checkpointing at every commit (DuckDB's 16 MiB default) rewrites the table's last, partly filled row
    # group again and again. Committed rows stay safe in the WAL meanwhile.
    con.execute(f"set checkpoint_threshold = '{CHECKPOINT_THRESHOLD}'")
    paths = discover(landing_dir, adapter, day)
    sizes = [path.stat().st_size for path in paths]
    with _progress_bar(adapter, sum(sizes)) as bar:
        records = 0

        def advance(file_bytes: int, new_records: int) -> None:
            nonlocal records
            records += new_records
            bar.update(file_bytes)
            bar.set_postfix_str(f"file {len(report.files) + 1}/{len(paths)}, {records:,} records", refresh=False)

        uncommitted = 0  # records in the open transaction
        con.execute("begin transaction")
        try:
            for path, size in zip(paths, sizes, strict=True):
                start = bar.n
                result = load_file(con, adapter, path, landing_dir, salt, advance)
                advance(start + size - bar.n, 0)  # skipped files, and bytes read after the last chunk
                report.files.append(result)
                uncommitted += result.lines_read
                if uncommitted >= COMMIT_RECORDS:
                    con.execute("commit")
                    con.execute("begin transaction")
                    uncommitted = 0
            con.execute("commit")
        except BaseException:
            # A failed commit has ended the transaction already; the error that got here is the one to raise.
            with contextlib.suppress(duckdb.Error):
                con.execute("rollback")
            raise
    return report


def _progress_bar(adapter: Adapter, total_bytes: int) -> tqdm:
    """Files, bytes and records of one source while it loads; only on a terminal, never under tests."""
    quiet = not sys.stderr.isatty() or "PYTEST_CURRENT_TEST" in os.environ
    return tqdm(
        total=total_bytes,
        desc=f"loading {adapter.table}",
        unit="B",
        unit_scale=True,
        unit_divisor=1024,
        disable=quiet,
        leave=False,
        file=sys.stderr,
    )


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
