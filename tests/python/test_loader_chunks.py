"""The loader reads a file in chunks of whole lines: a file larger than one chunk loads exactly as it does in
one chunk (same rows, same rejects, real line numbers), memory per chunk is bounded by the chunk size, and a
line that is not UTF-8 is rejected with the byte that broke it while the lines around it load."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
from pathlib import Path

import duckdb
import pytest

from orchestration.ingest import loader
from orchestration.ingest.gateway import GatewayAdapter
from orchestration.ingest.invoices import InvoicesAdapter
from orchestration.ingest.litellm import LiteLLMSpendLogsAdapter
from orchestration.ingest.loader import connect_warehouse, ensure_raw_tables, load_source

SALT = "chunk-test-salt"
SMALL_CHUNK = 2048  # a few lines per chunk


def gateway_line(i: int) -> bytes:
    record = {
        "request_id": f"r{i}",
        "timestamp": "2026-07-01T12:00:00.000Z",
        "provider": "openai",
        "selected_model": "gpt-4o-mini",
        "usage": {"input_tokens": i, "output_tokens": 5},
        "tags": {"owner_team": "search", "feature": "ünïcødé", "tenant_id": f"t{i % 3}"},
    }
    return json.dumps(record, ensure_ascii=False).encode()


def gateway_body(count: int = 120) -> bytes:
    """Good lines with blank lines, whitespace-only lines, CRLF endings, broken JSON and bad UTF-8 between."""
    lines = []
    for i in range(count):
        if i % 17 == 3:
            lines.append(b"")
        elif i % 23 == 5:
            lines.append(b" \t\x0b ")
        elif i % 19 == 7:
            lines.append(gateway_line(i)[:40])  # cut in half
        elif i % 29 == 11:
            lines.append(gateway_line(i).replace(b"search", b"se\xffrch"))
        elif i % 13 == 2:
            lines.append(gateway_line(i) + b"\r")
        else:
            lines.append(gateway_line(i))
    return b"\n".join(lines)  # the last line has no newline


def write(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path


def load_one(tmp_path: Path, adapter, name: str, content: bytes, chunk_bytes: int, monkeypatch) -> dict:
    """Load one file with the given chunk size; return what the warehouse holds, without load ids and times."""
    monkeypatch.setattr(loader, "CHUNK_BYTES", chunk_bytes)
    root = tmp_path / f"chunk-{chunk_bytes}-{name}"
    folder = root / "landing" / adapter.source / "2026-07-01"
    folder.mkdir(parents=True)
    (folder / name).write_bytes(content)
    con = connect_warehouse(root / "w.duckdb")
    try:
        ensure_raw_tables(con, [adapter])
        report = load_source(con, adapter, root / "landing", SALT)

        def held(table: str, order: str) -> list[tuple]:
            return con.execute(f"select * exclude (load_id, loaded_at) from raw.{table} order by {order}").fetchall()

        # rows and rejects without load_id and loaded_at: (source_file, source_line, ...) and
        # (source, source_file, source_line, file_sha256, reason, line_sha256, line_bytes)
        return {
            "report": [(f.lines_read, f.rows_loaded, f.rows_rejected, f.status) for f in report.files],
            "rows": held(adapter.table, "source_line"),
            "rejects": held("load_rejects", "source_line"),
            "manifest": held("load_manifest", "source_file"),
        }
    finally:
        con.close()


@pytest.mark.parametrize("compress", [False, True])
def test_a_file_of_many_chunks_loads_like_one_chunk(tmp_path, monkeypatch, compress):
    body = gateway_body()
    blocks = list(loader._FileText(write(tmp_path / "body", body)).blocks(SMALL_CHUNK))
    assert len(blocks) > 10 and b"".join(block for _, block in blocks) == body
    name = "requests.jsonl.gz" if compress else "requests.jsonl"
    content = gzip.compress(body) if compress else body
    whole = load_one(tmp_path, GatewayAdapter(), name, content, 64 << 20, monkeypatch)
    chunked = load_one(tmp_path, GatewayAdapter(), name, content, SMALL_CHUNK, monkeypatch)
    assert len(body) > 10 * SMALL_CHUNK
    assert chunked == whole
    # real line numbers: every non-blank line is loaded or rejected under its own number
    lines = body.split(b"\n")
    non_blank = {n for n, line in enumerate(lines, start=1) if line.strip()}
    loaded = {row[1] for row in chunked["rows"]}  # source_line
    rejected = {row[2] for row in chunked["rejects"]}
    assert loaded | rejected == non_blank and not loaded & rejected
    assert {row[3] for row in chunked["rows"]} == {json.loads(lines[n - 1])["request_id"] for n in loaded}


def test_csv_header_reaches_every_chunk(tmp_path, monkeypatch):
    header = "provider,invoice_id,billing_period_start,billing_period_end,line_type,description,amount_usd,currency"
    rows = [f"openai,INV-{i},2026-07-01,2026-07-31,usage,line {i},{i}.25,USD" for i in range(200)]
    content = ("\n".join([header, *rows]) + "\n").encode()
    adapter = InvoicesAdapter()
    whole = load_one(tmp_path, adapter, "openai_2026-07.csv", content, 64 << 20, monkeypatch)
    chunked = load_one(tmp_path, adapter, "openai_2026-07.csv", content, 1024, monkeypatch)
    assert chunked == whole
    assert chunked["report"] == [(200, 200, 0, "loaded")]
    assert [row[1] for row in chunked["rows"]] == list(range(2, 202))  # source_line under the header

    spend_header = "request_id,model,startTime,prompt_tokens,completion_tokens,spend"
    spend_rows = [f"req-{i},gpt-4o-mini,2026-07-01T12:00:00Z,{i},1,0.01" for i in range(150)]
    spend = ("\n".join([spend_header, *spend_rows]) + "\n").encode()
    spend_adapter = LiteLLMSpendLogsAdapter()
    whole = load_one(tmp_path, spend_adapter, "spend_logs.csv", spend, 64 << 20, monkeypatch)
    chunked = load_one(tmp_path, spend_adapter, "spend_logs.csv", spend, 1024, monkeypatch)
    assert chunked == whole and chunked["report"] == [(150, 150, 0, "loaded")]


@pytest.mark.parametrize("compress", [False, True])
def test_memory_per_chunk_is_bounded_by_the_chunk_size(tmp_path, monkeypatch, compress):
    lines = [gateway_line(i) for i in range(2000)]
    lines[700] = lines[700].replace(b"search", b"s" * 40_000)  # one line longer than a chunk
    body = b"\n".join(lines) + b"\n"
    longest = max(len(line) + 1 for line in lines)
    seen: list[int] = []
    pieces: list[int] = []
    build = loader._line_table
    read_pieces = loader._FileText.pieces

    def spy_line_table(block, first_line, whole_file=False):
        seen.append(len(block))
        return build(block, first_line, whole_file)

    def spy_pieces(self):
        for piece in read_pieces(self):
            pieces.append(len(piece))
            yield piece

    monkeypatch.setattr(loader, "_line_table", spy_line_table)
    monkeypatch.setattr(loader._FileText, "pieces", spy_pieces)
    monkeypatch.setattr(loader, "READ_BYTES", 4096)
    chunk = 16 << 10
    name = "requests.jsonl.gz" if compress else "requests.jsonl"
    held = load_one(tmp_path, GatewayAdapter(), name, gzip.compress(body) if compress else body, chunk, monkeypatch)
    assert held["report"] == [(2000, 1999, 1, "loaded")]  # the long line: value_too_long
    assert sum(seen) == len(body) and len(seen) > 10
    assert max(seen) == longest > chunk  # the long line is a block of its own
    assert sorted(seen)[-2] <= chunk  # every other block within the chunk size
    assert max(pieces) <= loader.READ_BYTES  # decompressed output too


def test_invalid_utf8_lines_are_rejected_with_the_byte_while_the_rest_load(tmp_path, monkeypatch):
    lines = [gateway_line(i) for i in range(6)]
    lines[1] = b'{"request_id": "bad\xc3\x28", "x": 1}'  # byte 19 starts a broken 2-byte sequence
    lines[3] = b"\xff" + lines[3]  # byte 0
    lines[4] = lines[4] + b"\xed\xa0\x80\r"  # a UTF-16 surrogate is not UTF-8 either
    held = load_one(tmp_path, GatewayAdapter(), "requests.jsonl", b"\n".join(lines) + b"\n", 64 << 20, monkeypatch)
    assert held["report"] == [(6, 3, 3, "loaded")]
    assert sorted(row[3] for row in held["rows"]) == ["r0", "r2", "r5"]
    assert [(row[2], row[4], row[6]) for row in held["rejects"]] == [
        (2, "invalid_utf8: byte 19 of the line is not UTF-8", len(lines[1])),
        (4, "invalid_utf8: byte 0 of the line is not UTF-8", len(lines[3])),
        (5, f"invalid_utf8: byte {len(lines[4]) - 4} of the line is not UTF-8", len(lines[4])),
    ]
    assert held["rejects"][0][5] == hashlib.sha256(lines[1]).hexdigest()  # line_sha256 of the raw bytes


def test_truncated_gzip_across_chunks_keeps_the_lines_before_the_damage(tmp_path, monkeypatch):
    body = b"\n".join(gateway_line(i) for i in range(400)) + b"\n"
    packed = gzip.compress(body)
    held = load_one(tmp_path, GatewayAdapter(), "requests.jsonl.gz", packed[: len(packed) * 2 // 3], 4096, monkeypatch)
    ((lines_read, loaded, rejected, status),) = held["report"]
    assert status == "loaded" and 0 < loaded < 400 and lines_read == loaded + rejected
    assert [row[3] for row in held["rows"]] == [f"r{i}" for i in range(loaded)]
    assert (held["rejects"][0][2], held["rejects"][0][4]) == (0, "truncated_gzip: the compressed stream ends early")


def test_the_loaded_bytes_are_read_in_one_transaction(tmp_path, monkeypatch):
    """A failure in a later chunk rolls the whole file back: no row of its earlier chunks stays."""
    body = b"\n".join(gateway_line(i) for i in range(300)) + b"\n"
    calls = {"n": 0}
    build = loader._line_table

    def failing_line_table(block, first_line, whole_file=False):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("disk went away")
        return build(block, first_line, whole_file)

    monkeypatch.setattr(loader, "_line_table", failing_line_table)
    with pytest.raises(RuntimeError, match="disk went away"):
        load_one(tmp_path, GatewayAdapter(), "requests.jsonl", body, SMALL_CHUNK, monkeypatch)
    con = duckdb.connect(str(tmp_path / f"chunk-{SMALL_CHUNK}-requests.jsonl" / "w.duckdb"), read_only=True)
    try:
        assert con.execute("select count(*) from raw.gateway_requests").fetchone()[0] == 0
        assert con.execute("select count(*) from raw.load_manifest").fetchone()[0] == 0
    finally:
        con.close()


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_shows_on_a_terminal_only(tmp_path, monkeypatch, capfd):
    body = b"\n".join(gateway_line(i) for i in range(50)) + b"\n"
    load_one(tmp_path / "quiet", GatewayAdapter(), "requests.jsonl", body, SMALL_CHUNK, monkeypatch)
    assert capfd.readouterr().err == ""  # not a terminal, and under tests

    terminal = _Terminal()
    monkeypatch.setattr(loader.sys, "stderr", terminal)
    monkeypatch.delenv("PYTEST_CURRENT_TEST")
    load_one(tmp_path / "terminal", GatewayAdapter(), "requests.jsonl", body, SMALL_CHUNK, monkeypatch)
    assert "loading gateway_requests" in terminal.getvalue()


def test_a_line_is_blank_exactly_when_bytes_strip_leaves_nothing():
    """Every byte value alone on a line, and beside a space: blank lines (skipped, their numbers kept) are
    those Python's bytes.strip() empties."""
    candidates = [bytes([value]) for value in range(256) if value != 10]
    candidates += [b" " + line + b"\t" for line in candidates]
    table = loader._line_table(b"\n".join(candidates) + b"\n", first_line=1)
    expected = [number for number, line in enumerate(candidates, start=1) if line.strip()]
    assert table.column("line_number").to_pylist() == expected
    assert len(expected) == 2 * (255 - 5)  # all but \t \v \f \r and space, alone and beside a space
