"""In Dagster, a failing blocking contract stops the posting asset of the month_close job and the publishing
of the marts' read copy, and the tag-completeness contract says why in words a person can act on."""

from __future__ import annotations

import json

from dagster import AssetKey, DagsterInstance
from helpers import query

from orchestration.ingest.gateway import GatewayAdapter
from orchestration.ingest.loader import connect_warehouse, ensure_raw_tables, load_source
from orchestration.pipeline_defs import build_definitions
from orchestration.settings import Settings


def test_failing_blocking_check_stops_posting(tmp_path):
    day = tmp_path / "landing" / "gateway" / "2026-07-06"
    day.mkdir(parents=True)
    # Three of four prod requests carry no owner tags and no known key: 75% unallocated on the day.
    records = [
        {"request_id": f"m-{i}", "timestamp": f"2026-07-06T10:0{i}:00Z", "provider": "openai",
         "selected_model": "gpt-4o-mini", "usage": {"input_tokens": 1000},
         "tags": {"owner_team": "search", "feature": "query-rewrite", "cost_center": "cc-1010",
                  "environment": "prod"} if i == 0 else {"environment": "prod"}}
        for i in range(4)
    ]  # fmt: skip
    (day / "requests.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    settings = Settings(tmp_path / "landing", tmp_path / "warehouse.duckdb", tmp_path / "docs")
    con = connect_warehouse(settings.warehouse_path)
    try:
        ensure_raw_tables(con, [GatewayAdapter()])
        load_source(con, GatewayAdapter(), settings.landing_dir, "month-close-test-salt")
    finally:
        con.close()

    job = build_definitions(settings).resolve_job_def("month_close")
    config = {"ops": {"marts__posted_ledger": {"config": {"month": "2026-07", "approved_by": "Dana Finance"}}}}
    with DagsterInstance.ephemeral() as instance:
        result = job.execute_in_process(run_config=config, instance=instance, raise_on_error=False)

    assert not result.success
    evaluations = {e.check_name: e for e in result.get_asset_check_evaluations()}
    completeness = evaluations["fct_ai_requests__tag_completeness"]
    assert completeness.passed is False
    assert "75.0% of requests on 2026-07-06 (3 of 4; limit 2.0%)" in completeness.metadata["summary"].value
    assert (tmp_path / "docs" / "index.html").exists()
    materialized = {event.asset_key for event in result.get_asset_materialization_events()}
    assert AssetKey(["marts", "fct_chargeback_monthly"]) in materialized
    assert AssetKey(["marts", "posted_ledger"]) not in materialized
    assert not (tmp_path / "posted").exists()
    # Readers keep the last good copy of the marts (here: none yet).
    assert AssetKey(["published", "marts_read_copy"]) not in materialized
    assert not (tmp_path / "published").exists()
    tables = query(
        settings.warehouse_path,
        "select count(*) from information_schema.tables where table_schema = 'marts' and table_name = 'posted_ledger'",
    )
    assert tables == [(0,)]
