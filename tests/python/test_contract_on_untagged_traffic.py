"""The tag-completeness contract fails, with a reason a person can act on, when prod traffic is untagged."""

from __future__ import annotations

import json

from helpers import query, run_on


def test_mostly_untagged_prod_traffic_fails_the_contract(tmp_path):
    day = tmp_path / "landing" / "gateway" / "2026-07-06"
    day.mkdir(parents=True)
    full_tags = {"owner_team": "search", "feature": "query-rewrite", "cost_center": "cc-1010", "environment": "prod"}
    records = []
    for i in range(8):
        tags = full_tags if i < 2 else {"environment": "prod"}  # 6 of 8 prod requests carry no owner tags
        records.append(
            {
                "request_id": f"u-{i}",
                "timestamp": f"2026-07-06T10:0{i}:00Z",
                "provider": "openai",
                "selected_model": "gpt-4o-mini",
                "usage": {"input_tokens": 1000, "output_tokens": 100},
                "tags": tags,
            }
        )
    (day / "requests.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    summary = run_on(tmp_path / "landing", tmp_path)
    assert not summary.success
    assert not summary.dbt_failures
    (contract,) = summary.contracts
    assert contract.name == "fct_ai_requests__tag_completeness"
    assert not contract.passed
    assert "75.0% of requests on 2026-07-06 (6 of 8; limit 2.0%)" in contract.summary
    assert (tmp_path / "data_docs" / "index.html").exists()
    # The marts are still built for review; only posting is blocked by the failed contract.
    assert query(tmp_path / "warehouse.duckdb", "select count(*) from marts.fct_ai_requests")[0][0] == 8
