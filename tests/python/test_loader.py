"""The shared loader with the gateway adapter: nothing lost, nothing loaded twice, nothing leaked."""

from __future__ import annotations

import gzip
import hashlib
import json
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from orchestration.ingest import loader
from orchestration.ingest.gateway import GatewayAdapter
from orchestration.ingest.loader import connect_warehouse, ensure_raw_tables, load_source
from orchestration.settings import ConfigError, hash_salt, loading_memory_limit

SALT = "loader-test-salt"


def line(request_id: str, **extra) -> str:
    record = {
        "request_id": request_id,
        "timestamp": "2026-07-01T12:00:00.000Z",
        "provider": "openai",
        "selected_model": "gpt-4o-mini",
        "usage": {"input_tokens": 10, "output_tokens": 5},
        "tags": {"owner_team": "search", "tenant_id": "tenant-0042", "end_user_id": "carol@example.com"},
    }
    record.update(extra)
    return json.dumps(record)


def load(landing: Path, warehouse: Path):
    con = connect_warehouse(warehouse)
    try:
        adapter = GatewayAdapter()
        ensure_raw_tables(con, [adapter])
        return load_source(con, adapter, landing, SALT)
    finally:
        con.close()


def rows(warehouse: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    day = tmp_path / "landing" / "gateway" / "2026-07-01"
    day.mkdir(parents=True)
    lines = [
        line("a", messages=[{"role": "user", "content": "the secret plan for dave@example.com"}], response="answer"),
        '{"request_id": "b", "timestamp": "2026-07-01T12:00:00Z"',  # truncated
        line("c", usage={"input_tokens": -3}),
        line("d", timestamp="yesterday"),
        line("e", usage={"input_tokens": 2.5}),
        "[1, 2, 3]",
        line("f", tags={"owner_team": "'); drop table raw.load_manifest; --{{ 7*7 }}"}),
        json.dumps({"timestamp": "2026-07-01T12:00:00Z", "provider": "openai", "selected_model": "x"}),
        line("g", timestamp="2026-07-01T14:00:00+02:00"),
        "",
    ]
    (day / "requests.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return tmp_path / "landing"


def test_every_line_is_loaded_or_rejected_with_its_reason(landing: Path, tmp_path: Path):
    warehouse = tmp_path / "w.duckdb"
    report = load(landing, warehouse)
    assert (report.lines_read, report.rows_loaded, report.rows_rejected) == (9, 3, 6)
    reasons = rows(warehouse, "select source_line, reason from raw.load_rejects order by 1")
    assert reasons == [
        (2, "invalid_json: the line is not a complete JSON value"),
        (3, "negative_token_count: usage.input_tokens is below zero"),
        (4, "invalid_timestamp: timestamp is not RFC 3339 (e.g. 2026-10-01T12:00:00.123Z)"),
        (5, "invalid_type: usage.input_tokens must be a whole number"),
        (6, "not_a_json_object: the line is a JSON array"),
        (8, "missing_required_field: request_id"),
    ]
    loaded = rows(warehouse, "select request_id, source_line, cast(timestamp_utc as varchar) from raw.gateway_requests")
    assert sorted(loaded) == [("a", 1, "2026-07-01 12:00:00"), ("f", 7, "2026-07-01 12:00:00"),
                              ("g", 9, "2026-07-01 12:00:00")]  # fmt: skip
    (manifest,) = rows(warehouse, "select lines_read, rows_loaded, rows_rejected, status from raw.load_manifest")
    assert manifest == (9, 3, 6, "loaded")


def test_injection_text_is_stored_as_data(landing: Path, tmp_path: Path):
    warehouse = tmp_path / "w.duckdb"
    load(landing, warehouse)
    (owner,) = rows(warehouse, "select tags_owner_team from raw.gateway_requests where request_id = 'f'")[0]
    assert owner == "'); drop table raw.load_manifest; --{{ 7*7 }}"
    assert rows(warehouse, "select count(*) from raw.load_manifest")[0][0] == 1


def test_text_is_dropped_and_ids_are_salted_hashes(landing: Path, tmp_path: Path):
    warehouse = tmp_path / "w.duckdb"
    load(landing, warehouse)
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        columns = con.execute(
            "select table_schema, table_name, column_name from information_schema.columns "
            "where table_schema = 'raw' and data_type = 'VARCHAR'"
        ).fetchall()
        stored = " ".join(
            str(value)
            for schema, table, column in columns
            for (value,) in con.execute(f'select "{column}" from {schema}.{table}').fetchall()
        )
        tenant_hash, user_hash, payload = con.execute(
            "select tags_tenant_id_hash, tags_end_user_id_hash, payload from raw.gateway_requests "
            "where request_id = 'a'"
        ).fetchone()
    finally:
        con.close()
    for secret in ("secret plan", "dave@example.com", "answer", "tenant-0042", "carol@example.com", SALT):
        assert secret not in stored
    assert tenant_hash == hashlib.sha256(f"{SALT}:tenant-0042".encode()).hexdigest()
    assert user_hash == hashlib.sha256(f"{SALT}:carol@example.com".encode()).hexdigest()
    document = json.loads(payload)
    assert "messages" not in document and "response" not in document
    assert document["tags"]["tenant_id"] == tenant_hash


def test_a_file_is_loaded_once_even_under_a_new_name(landing: Path, tmp_path: Path):
    warehouse = tmp_path / "w.duckdb"
    first = load(landing, warehouse)
    again = load(landing, warehouse)
    assert [f.status for f in again.files] == ["already_loaded"]
    source = landing / "gateway" / "2026-07-01" / "requests.jsonl"
    (landing / "gateway" / "2026-07-01" / "requests-copy.jsonl").write_bytes(source.read_bytes())
    renamed = load(landing, warehouse)
    assert sorted(f.status for f in renamed.files) == ["already_loaded", "duplicate_content"]
    assert rows(warehouse, "select count(*) from raw.gateway_requests")[0][0] == first.rows_loaded
    assert rows(warehouse, "select count(*) from raw.load_rejects")[0][0] == first.rows_rejected
    assert rows(warehouse, "select status, duplicate_of from raw.load_manifest order by status") == [
        ("duplicate_content", "gateway/2026-07-01/requests.jsonl"),
        ("loaded", None),
    ]


def _day_files(landing: Path, days: int, lines_per_file: int = 3) -> None:
    for day in range(1, days + 1):
        folder = landing / "gateway" / f"2026-07-0{day}"
        folder.mkdir(parents=True)
        lines = [line(f"r{day}-{n}", timestamp=f"2026-07-0{day}T12:00:00Z") for n in range(lines_per_file)]
        (folder / "requests.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _fail_outside_duckdb(con) -> None:
    raise OSError("disk gone")


def _fail_in_duckdb(con) -> None:
    # A DuckDB error aborts the open transaction: every later statement fails until it is rolled back.
    con.execute("select cast('disk gone' as integer)")


@pytest.mark.parametrize(
    ("fail", "error", "message"),
    [(_fail_outside_duckdb, OSError, "disk gone"), (_fail_in_duckdb, duckdb.ConversionException, "'disk gone'")],
)
@pytest.mark.parametrize(("commit_records", "kept_files"), [(4, 2), (1_000, 0)])
def test_files_commit_together_and_a_failure_rolls_back_only_the_open_group(
    tmp_path: Path, monkeypatch, commit_records: int, kept_files: int, fail, error, message: str
):
    """Files share a transaction until it holds COMMIT_RECORDS records; a failure rolls back the open group
    whole (never part of a file) and is the error raised, and the next run loads exactly what is missing."""
    landing = tmp_path / "landing"
    _day_files(landing, 3)
    monkeypatch.setattr(loader, "COMMIT_RECORDS", commit_records)
    real_chunk = loader._load_chunk

    def failing_on_day_3(con, table, parse_sql, lines, first_line, salt, lineage):
        if "2026-07-03" in lineage.source_file:
            fail(con)
        return real_chunk(con, table, parse_sql, lines, first_line, salt, lineage)

    warehouse = tmp_path / "w.duckdb"
    with monkeypatch.context() as failing:
        failing.setattr(loader, "_load_chunk", failing_on_day_3)
        with pytest.raises(error, match=message):
            load(landing, warehouse)
    # Days 1 and 2 (6 records) reach a commit of 4 records; with 1,000 nothing was committed.
    assert rows(warehouse, "select count(*) from raw.load_manifest")[0][0] == kept_files
    assert rows(warehouse, "select count(*) from raw.gateway_requests")[0][0] == 3 * kept_files

    rerun = load(landing, warehouse)
    assert sorted(f.status for f in rerun.files) == ["already_loaded"] * kept_files + ["loaded"] * (3 - kept_files)
    assert rows(warehouse, "select count(*), count(distinct request_id) from raw.gateway_requests") == [(9, 9)]
    assert rows(warehouse, "select count(*) from raw.load_manifest where status = 'loaded'") == [(3,)]


def test_a_copy_in_the_same_transaction_is_recorded_as_a_duplicate(tmp_path: Path):
    landing = tmp_path / "landing"
    _day_files(landing, 1)
    source = landing / "gateway" / "2026-07-01" / "requests.jsonl"
    (source.parent / "requests-again.jsonl").write_bytes(source.read_bytes())
    report = load(landing, tmp_path / "w.duckdb")
    assert [(f.source_file.rsplit("/", 1)[1], f.status) for f in report.files] == [
        ("requests-again.jsonl", "loaded"),
        ("requests.jsonl", "duplicate_content"),
    ]
    assert rows(tmp_path / "w.duckdb", "select count(*) from raw.gateway_requests") == [(3,)]


def test_gzip_and_truncated_gzip(tmp_path: Path):
    day = tmp_path / "landing" / "gateway" / "2026-07-02"
    day.mkdir(parents=True)
    payload = ("\n".join(line(f"z{i}") for i in range(200)) + "\n").encode()
    (day / "whole.jsonl.gz").write_bytes(gzip.compress(payload))
    cut = gzip.compress(payload.replace(b"z", b"t"))
    (day / "cut.jsonl.gz").write_bytes(cut[: len(cut) // 2])
    warehouse = tmp_path / "w.duckdb"
    report = load(tmp_path / "landing", warehouse)
    by_file = {f.source_file.rsplit("/", 1)[1]: f for f in report.files}
    assert by_file["whole.jsonl.gz"].rows_loaded == 200
    cut_result = by_file["cut.jsonl.gz"]
    assert cut_result.rows_rejected >= 1 and cut_result.rows_loaded < 200
    assert cut_result.lines_read == cut_result.rows_loaded + cut_result.rows_rejected
    reasons = [r[0] for r in rows(warehouse, "select reason from raw.load_rejects where source_line = 0")]
    assert reasons == ["truncated_gzip: the compressed stream ends early"]


@pytest.mark.parametrize(
    ("configured", "loading"),
    [
        ("3GB", "1GB"),
        ("2GiB", "1GB"),
        ("1GB", "1GB"),
        ("1000MiB", "1GB"),
        ("900MiB", "900MiB"),
        ("512MB", "512MB"),
        ("", "1GB"),
    ],
)
def test_loading_uses_the_configured_duckdb_cap_up_to_one_gigabyte(monkeypatch, configured: str, loading: str):
    monkeypatch.setenv("CHARGEBACK_DUCKDB_MEMORY_LIMIT", configured)
    assert loading_memory_limit() == loading


def test_missing_salt_is_a_clear_error(monkeypatch):
    monkeypatch.delenv("CHARGEBACK_HASH_SALT", raising=False)
    with pytest.raises(ConfigError, match="CHARGEBACK_HASH_SALT is not set"):
        hash_salt()


def test_invoice_lines_with_quoted_fields_and_bad_values(tmp_path: Path):
    from orchestration.ingest.invoices import InvoicesAdapter

    folder = tmp_path / "landing" / "invoices"
    folder.mkdir(parents=True)
    (folder / "anthropic_2026-07.csv").write_text(
        "provider,invoice_id,billing_period_start,billing_period_end,line_type,description,amount_usd,currency\n"
        'anthropic,INV-9,2026-07-01,2026-07-31,discount,"Volume discount, 5% ""tier""",-1.25,USD\n'
        "anthropic,INV-9,2026-07-01,2026-07-31,refund,x,1,USD\n"
        "anthropic,INV-9,2026-07-01,2026-07-31,usage,x,1.234,USD\n"
        "anthropic,INV-9,2026-07-01,2026-07-31,usage,x,3,EUR\n"
    )
    warehouse = tmp_path / "w.duckdb"
    con = connect_warehouse(warehouse)
    try:
        ensure_raw_tables(con, [InvoicesAdapter()])
        report = load_source(con, InvoicesAdapter(), tmp_path / "landing", SALT)
    finally:
        con.close()
    assert (report.lines_read, report.rows_loaded, report.rows_rejected) == (4, 1, 3)
    assert rows(warehouse, "select description, amount_usd, line_type from raw.invoice_lines") == [
        ('Volume discount, 5% "tier"', Decimal("-1.25"), "discount")
    ]
    assert rows(warehouse, "select source_line, reason from raw.load_rejects order by 1") == [
        (3, "invalid_value: line_type must be one of usage, discount, credit, tax"),
        (4, "invalid_amount: amount_usd must be a number with at most 2 decimals"),
        (5, "unsupported_currency: only USD invoices are supported"),
    ]
