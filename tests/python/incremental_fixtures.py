"""A landing folder in two parts for the incremental tests: a history (2026-08-03 .. 08-20) and one new day
(2026-08-21) whose files carry the awkward cases for an incremental build:

- a LiteLLM copy of gateway attempt a1 from two days earlier (08-19), adding the feature tag a1 lacked;
- retry x2 on 08-21 whose root x1 is on 08-20;
- a gateway line from 08-05 (far outside the lookback) with a provider request id, whose OTel span was loaded
  with the history without one: the span, matched by fallback key alone until now, joins the gateway attempt;
- a dev use on 08-03 of the unregistered feature `exp-x`, first seen until now on 08-20: the 08-20 use falls
  more than 14 days after the new first sighting and stops being accepted as ad hoc;
- an OTel span of h2 (08-10) without a response id, delivered today: it joins h2 by the fallback key;
- an OTel copy of the new day's attempt n1.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from report_fixtures import SEARCH, SUPPORT, _line
from source_fixtures import _litellm_payload, _otel_attr

NEW_DAY = "2026-08-21"
LATE_TRACE = "9f1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e"
N1_TRACE = "1a2b3c4d5e6f708192a3b4c5d6e7f801"
H2_TRACE = "77aa88bb99cc00dd11ee22ff33aa44bb"
H2_USAGE = {"input_tokens": 50_000, "output_tokens": 2_000}
SMALL = {"input_tokens": 400, "output_tokens": 40}
DEV_SEARCH = {"owner_team": "search", "project_id": "search-ranking", "cost_center": "cc-1010", "environment": "dev"}


def _epoch(timestamp: str) -> float:
    return datetime.fromisoformat(timestamp.replace("Z", "+00:00")).astimezone(UTC).timestamp()


def _dev_line(request_id: str, timestamp: str) -> dict:
    line = _line(request_id, timestamp, "gpt-4o-mini", "openai", SMALL, {**DEV_SEARCH, "feature": "exp-x"},
                 intent="draft")  # fmt: skip
    line["api_key_id"] = "key-search-dev"
    return line


def _otel_document(spans: list[dict]) -> str:
    resource = {"attributes": [_otel_attr("service.name", "search-api")]}
    scope = {"scope": {"name": "sdk"}, "spans": spans}
    return json.dumps({"resourceSpans": [{"resource": resource, "scopeSpans": [scope]}]})


def _span(trace: str, span_id: str, timestamp: str, usage: dict, response_id: str | None = None) -> dict:
    start = int(_epoch(timestamp)) * 1_000_000_000
    attributes = [
        _otel_attr("gen_ai.operation.name", "chat"),
        _otel_attr("gen_ai.provider.name", "openai"),
        _otel_attr("gen_ai.request.model", "gpt-4o-mini"),
        _otel_attr("gen_ai.usage.input_tokens", usage["input_tokens"]),
        _otel_attr("gen_ai.usage.output_tokens", usage["output_tokens"]),
    ]
    if response_id:
        attributes.append(_otel_attr("gen_ai.response.id", response_id))
    return {
        "traceId": trace,
        "spanId": span_id,
        "name": "chat gpt-4o-mini",
        "kind": 3,
        "startTimeUnixNano": str(start),
        "endTimeUnixNano": str(start + 500_000_000),
        "attributes": attributes,
    }


HISTORY_GATEWAY = {
    "2026-08-03": [
        _line("h1", "2026-08-03T09:00:00Z", "gpt-4o", "openai", {"input_tokens": 10_000, "output_tokens": 1_000},
              {**SUPPORT, "feature": "ticket-summarization"}, intent="extraction"),
    ],
    "2026-08-10": [
        _line("h2", "2026-08-10T09:00:00Z", "gpt-4o-mini", "openai", H2_USAGE, {**SEARCH, "feature": "query-rewrite"},
              intent="retrieval", trace=H2_TRACE),
    ],
    "2026-08-19": [
        # No feature tag: the LiteLLM copy arriving with the new day has it.
        _line("a1", "2026-08-19T15:00:00Z", "gpt-4o-mini", "openai", {"input_tokens": 1_000, "output_tokens": 100},
              SUPPORT, intent="draft"),
    ],
    "2026-08-20": [
        _dev_line("d1", "2026-08-20T08:00:00Z"),
        _line("x1", "2026-08-20T23:59:58Z", "gpt-4o", "openai", {"input_tokens": 2_000, "output_tokens": 200},
              {**SUPPORT, "feature": "ticket-summarization"}, intent="production_response", status_code=500,
              outcome_status="error", error_category="provider_error", trace="tr-x"),
    ],
}  # fmt: skip

NEW_GATEWAY = [
    _line("n1", "2026-08-21T10:00:00Z", "gpt-4o", "openai", {"input_tokens": 20_000, "output_tokens": 3_000},
          {**SUPPORT, "feature": "ticket-summarization"}, intent="extraction", trace=N1_TRACE),
    _line("x2", "2026-08-21T00:00:03Z", "claude-haiku-4-5", "anthropic", {"input_tokens": 2_000, "output_tokens": 200},
          {**SUPPORT, "feature": "ticket-summarization"}, intent="production_response", trace="tr-x", root="x1",
          attempt=2, fallback_used=True),
    # Logged on 08-05, delivered today.
    _line("late-gw", "2026-08-05T12:00:00Z", "gpt-4o-mini", "openai", SMALL, {**SEARCH, "feature": "query-rewrite"},
          intent="retrieval", trace=LATE_TRACE),
    _dev_line("d0", "2026-08-03T08:00:00Z"),
]  # fmt: skip


def write_history(root: Path) -> Path:
    for day, lines in HISTORY_GATEWAY.items():
        folder = root / "gateway" / day
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "requests.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    # The 08-05 call as OTel saw it: no gen_ai.response.id, so only the fallback key can match it.
    otel = root / "otel" / "2026-08-05"
    otel.mkdir(parents=True, exist_ok=True)
    span = _span(LATE_TRACE, "00f067aa0ba902b7", "2026-08-05T12:00:00Z", SMALL)
    (otel / "spans.jsonl").write_text(_otel_document([span]) + "\n", encoding="utf-8")
    return root


def write_new_day(root: Path) -> Path:
    gateway = root / "gateway" / NEW_DAY
    gateway.mkdir(parents=True, exist_ok=True)
    (gateway / "requests.jsonl").write_text("".join(json.dumps(line) + "\n" for line in NEW_GATEWAY), encoding="utf-8")

    litellm = root / "litellm" / NEW_DAY
    litellm.mkdir(parents=True, exist_ok=True)
    a1 = HISTORY_GATEWAY["2026-08-19"][0]
    copy = _litellm_payload(
        id=a1["provider_request_id"],
        trace_id=a1["trace_id"],
        startTime=_epoch(a1["timestamp"]),
        endTime=_epoch(a1["timestamp"]) + 0.8,
        prompt_tokens=1_000,
        completion_tokens=100,
        total_tokens=1_100,
        response_cost=0.00021,
        request_tags=["team:support", "env:prod"],
        messages=[],
    )
    copy["metadata"]["user_api_key_alias"] = "key-support-prod"
    copy["metadata"]["spend_logs_metadata"] = {"feature": "ticket-summarization", "cost_center": "cc-1020"}
    copy["metadata"]["usage_object"] = {"prompt_tokens": 1_000, "completion_tokens": 100}
    (litellm / "payloads.jsonl").write_text(json.dumps(copy) + "\n", encoding="utf-8")

    otel = root / "otel" / NEW_DAY
    otel.mkdir(parents=True, exist_ok=True)
    n1 = _span(N1_TRACE, "53995c3f42cd8ad8", "2026-08-21T10:00:00Z", NEW_GATEWAY[0]["usage"], "prov-n1")
    h2 = _span(H2_TRACE, "6e0c63257de34c92", "2026-08-10T09:00:00Z", H2_USAGE)
    (otel / "spans.jsonl").write_text(_otel_document([n1, h2]) + "\n", encoding="utf-8")
    return root
