"""BI readers are never locked out and never see a half-built mart: they read the published copy of the
marts, which a run replaces whole (copy, then rename) after it succeeds."""

from __future__ import annotations

import shutil
import subprocess
import sys

import duckdb
from helpers import FIXTURES, run_on

from orchestration.readers import published_path

EXTRA_DAY = (
    '{"request_id":"rd-1","timestamp":"2026-07-30T08:00:00Z","provider":"openai","selected_model":"gpt-4o-mini",'
    '"usage":{"input_tokens":1000000,"output_tokens":0},"status_code":200,"outcome_status":"success",'
    '"api_key_id":"key-search-prod","tags":{"owner_team":"search","project_id":"search-ranking",'
    '"feature":"query-rewrite","cost_center":"cc-1010","environment":"prod"}}\n'
)


def test_readers_keep_reading_while_a_run_writes_and_then_see_the_new_state(tmp_path):
    landing = tmp_path / "landing"
    shutil.copytree(FIXTURES / "hand_worked", landing)
    first = run_on(landing, tmp_path)
    published = published_path(tmp_path / "warehouse.duckdb")
    assert first.success and first.published_path == published and published.exists()
    count_sql = "select count(*) from marts.fct_ai_requests"

    reader = duckdb.connect(str(published), read_only=True)  # a BI tool with the copy open
    before = reader.execute(count_sql).fetchone()[0]
    # A writer holding the warehouse itself open, in another process, as dbt does during a run.
    writer = subprocess.Popen(
        [sys.executable, "-c", f"import duckdb, time; c = duckdb.connect({str(tmp_path / 'warehouse.duckdb')!r}); "
         "print('open', flush=True); time.sleep(30)"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert writer.stdout.readline().strip() == "open"
        assert duckdb.connect(str(published), read_only=True).execute(count_sql).fetchone()[0] == before
    finally:
        writer.kill()
        writer.wait()

    (landing / "gateway" / "2026-07-30").mkdir()
    (landing / "gateway" / "2026-07-30" / "extra.jsonl").write_text(EXTRA_DAY)
    second = run_on(landing, tmp_path)  # the reader still has the old copy open
    assert second.success
    assert reader.execute(count_sql).fetchone()[0] == before  # its snapshot, whole
    reader.close()
    with duckdb.connect(str(published), read_only=True) as fresh:
        assert fresh.execute(count_sql).fetchone()[0] == before + 1
        # The copy holds the marts, every one equal to the warehouse's, and nothing else.
        fresh.execute(f"attach '{tmp_path / 'warehouse.duckdb'}' as built (read_only)")
        listed = "select schema_name, table_name from duckdb_tables() where database_name = ? order by 1, 2"
        marts = fresh.execute(listed, ["built"]).fetchall()
        marts = [(schema, name) for schema, name in marts if schema == "marts"]
        assert fresh.execute(listed, ["warehouse"]).fetchall() == marts and len(marts) > 20
        for _, name in marts:
            differing = fresh.execute(
                f"select count(*) from ((select * from marts.{name} except all select * from built.marts.{name}) "
                f"union all (select * from built.marts.{name} except all select * from marts.{name}))"
            ).fetchone()[0]
            assert differing == 0, name
    assert not list(published.parent.glob(".*.tmp*"))
