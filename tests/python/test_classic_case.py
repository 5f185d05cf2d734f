"""The field's classic case, at 1/1000 scale: request count is not cost share.

support sends 2,000 calls at $0.0008 ($1.60), sales 80 at $0.09 ($7.20), an internal agent (data-science)
300 failing attempts at $0.015 ($4.50). Sales and the agent drive 88% of the $13.30 although support sends
most of the requests; every ranking is by cost.
"""

from __future__ import annotations

import json
from decimal import Decimal

from helpers import query, run_on


def _line(request_id, team, project, feature, cost_center, model, provider, tokens_in, out=0, **extra):
    record = {
        "request_id": request_id,
        "timestamp": "2026-07-14T10:00:00Z",
        "provider": provider,
        "selected_model": model,
        "usage": {"input_tokens": tokens_in, "output_tokens": out},
        "outcome_status": "success",
        "tags": {"owner_team": team, "project_id": project, "feature": feature, "cost_center": cost_center,
                 "environment": "prod"},
    }  # fmt: skip
    record.update(extra)
    return json.dumps(record) + "\n"


def test_cost_not_count_decides_the_ranking(tmp_path):
    lines = []
    # gpt-4.1-mini at $0.40 / M input: 2,000 tokens = $0.0008
    lines += [_line(f"sup-{i}", "support", "support-assistant", "ticket-triage", "cc-1020", "gpt-4.1-mini",
                    "openai", 2_000) for i in range(2000)]  # fmt: skip
    # claude-haiku-4-5: 40,000 in x $1 / M + 10,000 out x $5 / M = $0.09
    lines += [_line(f"sal-{i}", "sales", "sales-copilot", "lead-scoring", "cc-1040", "claude-haiku-4-5",
                    "anthropic", 40_000, 10_000) for i in range(80)]  # fmt: skip
    # gpt-4.1-mini: 37,500 tokens = $0.015; 100 requests x 3 failing attempts
    for root in range(100):
        for attempt in (1, 2, 3):
            lines.append(
                _line(f"agt-{root}-{attempt}", "data-science", "ds-evaluation", "churn-insights", "cc-1060",
                      "gpt-4.1-mini", "openai", 37_500, root_request_id=f"agt-{root}-1", attempt=attempt,
                      status_code=500, outcome_status="error")
            )  # fmt: skip
    day = tmp_path / "landing" / "gateway" / "2026-07-14"
    day.mkdir(parents=True)
    (day / "requests.jsonl").write_text("".join(lines))
    summary = run_on(tmp_path / "landing", tmp_path)
    assert not summary.dbt_failures

    fact = dict(query(tmp_path / "warehouse.duckdb",
                      "select owner_team, sum(list_cost_usd) from marts.fct_ai_requests group by 1"))  # fmt: skip
    assert fact == {"support": Decimal("1.60"), "sales": Decimal("7.20"), "data-science": Decimal("4.50")}
    assert round((fact["sales"] + fact["data-science"]) / sum(fact.values()), 4) == Decimal("0.8797")

    ranking = query(
        tmp_path / "warehouse.duckdb",
        "select owner_team, request_count, effective_cost_usd, round(cost_share, 4), round(request_share, 4), "
        "cost_rank, request_rank from marts.rpt_team_spend_monthly order by cost_rank",
    )
    assert ranking == [
        ("sales", 80, Decimal("7.20"), 0.5414, 0.0367, 1, 3),
        ("data-science", 100, Decimal("4.50"), 0.3383, 0.0459, 2, 2),
        ("support", 2000, Decimal("1.60"), 0.1203, 0.9174, 3, 1),
    ]
