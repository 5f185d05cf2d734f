"""The landing sensor runs the refresh when files arrive (and only then); every source has an ingest asset.
(Which source is late: tests/python/test_freshness_contract.py.)"""

from __future__ import annotations

import json

from dagster import DagsterInstance, RunRequest, SkipReason, build_sensor_context

from orchestration.ingest.assets import INGEST_SPECS
from orchestration.ingest.sensors import build_landing_sensor
from orchestration.pipeline_defs import build_definitions
from orchestration.settings import Settings


def test_every_source_has_an_ingest_asset_and_the_sensor_is_defined(tmp_path):
    defs = build_definitions(Settings(tmp_path / "landing", tmp_path / "w.duckdb", tmp_path / "docs"))
    keys = {key.to_user_string() for key in defs.resolve_asset_graph().get_all_asset_keys()}
    assert {
        "raw/gateway_requests",
        "raw_litellm/litellm_payloads",
        "raw_litellm/litellm_spend_logs",
        "raw_bedrock/bedrock_invocations",
        "raw_otel/otel_spans",
        "raw_openai_usage/openai_usage_results",
        "raw_anthropic_usage/anthropic_usage_results",
        "raw_gateway_audit/gateway_audit_events",
        "staging/stg_litellm__payloads",
        "intermediate/int_usage_attempts_matched",
        "marts/rpt_source_conservation",
    } <= keys
    assert [sensor.name for sensor in defs.sensors] == ["landing_files_sensor"]
    assert len({spec.adapter.source for spec in INGEST_SPECS}) == 7


def test_sensor_requests_a_run_for_new_files_only(tmp_path, monkeypatch):
    landing = tmp_path / "landing"
    (landing / "otel").mkdir(parents=True)
    monkeypatch.setenv("CHARGEBACK_LANDING", str(landing))
    sensor = build_landing_sensor("daily_refresh")
    with DagsterInstance.ephemeral() as instance:
        first = sensor(build_sensor_context(instance=instance))
        assert isinstance(first, SkipReason)
        (landing / "otel" / "spans.jsonl").write_text("{}\n")
        context = build_sensor_context(instance=instance)
        second = sensor(context)
        assert isinstance(second, RunRequest)
        assert second.tags["landing_changed"] == "raw_otel/otel_spans"
        cursor = json.loads(context.cursor)
        assert list(cursor) == ["raw_otel/otel_spans"]
        assert isinstance(sensor(build_sensor_context(instance=instance, cursor=context.cursor)), SkipReason)
