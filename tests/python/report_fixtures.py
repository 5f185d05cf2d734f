"""A small landing folder whose every figure is worked out by hand in the report tests
(test_weekly_reports.py for the weekly review, test_role_views.py for the role views).

Gateway lines over three ISO weeks (2026-W31 .. W33) plus two blocked requests in the gateway audit. Costs
are at list prices in force in July and August 2026, per million tokens: gpt-4o input $2.50, output $10;
gpt-4o-mini input $0.15, output $0.60; claude-haiku-4-5 input $1, cache read $0.10, output $5.
"""

from __future__ import annotations

import json
from pathlib import Path

SUPPORT = {
    "owner_team": "support",
    "project_id": "support-assistant",
    "cost_center": "cc-1020",
    "environment": "prod",
    "prompt_template": "ticket-summary-v2",
}
SEARCH = {"owner_team": "search", "project_id": "search-ranking", "cost_center": "cc-1010", "environment": "prod"}


def _line(request_id, timestamp, model, provider, usage, tags, *, intent, route="default", trace=None, tenant=None,
          **extra):  # fmt: skip
    """One gateway log line; the ids are hand-picked so each test can name the attempt it means."""
    return {
        "request_id": request_id,
        "root_request_id": extra.pop("root", request_id),
        "attempt": extra.pop("attempt", 1),
        "trace_id": trace or f"tr-{request_id}",
        "provider_request_id": f"prov-{request_id}",
        "timestamp": timestamp,
        "provider": provider,
        "requested_model": model,
        "selected_model": model,
        "route_reason": route,
        "usage": usage,
        "status_code": extra.pop("status_code", 200),
        "outcome_status": extra.pop("outcome_status", "success"),
        "api_key_id": f"key-{tags['owner_team']}-prod",
        "tags": {**tags, "request_intent": intent, **({"tenant_id": tenant} if tenant else {})},
        **extra,
    }


FIXTURE = {
    "2026-07-28": [
        _line("s1", "2026-07-28T10:00:00Z", "gpt-4o", "openai", {"input_tokens": 100_000, "output_tokens": 10_000},
              {**SUPPORT, "feature": "ticket-summarization"}, intent="extraction", tenant="tenant-b"),
        _line("s2", "2026-07-29T10:00:00Z", "claude-haiku-4-5", "anthropic",
              {"input_tokens": 100_000, "output_tokens": 20_000},
              {**SUPPORT, "feature": "ticket-summarization"}, intent="extraction", route="cost_optimized",
              tenant="tenant-b"),
        _line("r1", "2026-07-30T10:00:00Z", "gpt-4o-mini", "openai", {"input_tokens": 1_000_000, "output_tokens": 0},
              {**SUPPORT, "feature": "reply-drafting"}, intent="draft", tenant="tenant-b"),
    ],
    "2026-08-04": [
        _line("s3", "2026-08-04T10:00:00Z", "gpt-4o", "openai", {"input_tokens": 1_000_000, "output_tokens": 100_000},
              {**SUPPORT, "feature": "ticket-summarization"}, intent="production_response", tenant="tenant-a",
              latency_ms=1000),
        _line("s4", "2026-08-05T10:00:00Z", "gpt-4o", "openai", {"input_tokens": 1_000_000, "output_tokens": 100_000},
              {**SUPPORT, "feature": "ticket-summarization"}, intent="production_response", trace="tr-s4",
              status_code=500, outcome_status="error", error_category="provider_error", tenant="tenant-a",
              latency_ms=3000),
        _line("s5", "2026-08-05T10:00:05Z", "claude-haiku-4-5", "anthropic",
              {"input_tokens": 1_000_000, "cache_read_tokens": 500_000, "output_tokens": 100_000},
              {**SUPPORT, "feature": "ticket-summarization"}, intent="extraction", route="cost_optimized",
              trace="tr-s4", root="s4", attempt=2, tenant="tenant-a", latency_ms=2000, fallback_used=True),
        _line("q1", "2026-08-06T10:00:00Z", "gpt-4o-mini", "openai",
              {"input_tokens": 2_000_000, "output_tokens": 500_000},
              {**SEARCH, "feature": "query-rewrite"}, intent="retrieval", tenant="tenant-b", latency_ms=500),
    ],
    # W33: one attempt missing its feature tag, one fully tagged, on the day two requests were blocked.
    "2026-08-10": [
        _line("u1", "2026-08-10T10:00:00Z", "gpt-4o-mini", "openai", {"input_tokens": 1_000_000, "output_tokens": 0},
              {k: v for k, v in SUPPORT.items() if k != "prompt_template"}, intent="production_response"),
        _line("t1", "2026-08-10T11:00:00Z", "gpt-4o-mini", "openai", {"input_tokens": 1_000_000, "output_tokens": 0},
              {**SEARCH, "feature": "query-rewrite"}, intent="retrieval"),
    ],
}  # fmt: skip

BLOCKED = [
    {
        "event_id": f"evt-{n}",
        "timestamp": f"2026-08-10T0{n}:00:00.000Z",
        "event_type": "request_blocked",
        "reason": "missing_required_ai_attribution: feature",
        "request_id": f"blk-{n}",
        "api_key_id": "key-support-prod",
        "provider": "openai",
        "requested_model": "gpt-4o-mini",
        "tags": {"owner_team": "support", "cost_center": "cc-1020"},
    }
    for n in (1, 2)
]


def write_report_landing(root: Path) -> Path:
    for day, lines in FIXTURE.items():
        folder = root / "gateway" / day
        folder.mkdir(parents=True)
        (folder / "requests.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines))
    (root / "gateway_audit").mkdir(parents=True)
    (root / "gateway_audit" / "blocked.jsonl").write_text("".join(json.dumps(e) + "\n" for e in BLOCKED))
    return root
