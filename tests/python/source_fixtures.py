"""A landing folder with one small export of every source, written in each real format (FORMATS.md), with
the awkward cases: LiteLLM prompt_tokens that include cache tokens, a model LiteLLM could not price (cost 0
with response_cost_failure_debug_info), a SpendLogs CSV with JSON inside its fields, OTel base64 ids,
int64 values as strings and deprecated attribute names, a span matched only by the fallback key, Bedrock
inference-profile ARNs with 1-hour cache writes in the response body and a guardrail block, OpenAI usage
whose input includes cached and cache-write tokens, Anthropic 5-minute / 1-hour writes and costs in cents.

Attempt G1 is logged by the gateway, LiteLLM and OTel alike (provider request id chatcmpl-three).
"""

from __future__ import annotations

import base64
import csv
import gzip
import json
from pathlib import Path

TRACE_1 = "5b8efff798038103d269b633813fc60c"
TRACE_2 = "0af7651916cd43dd8448eb211c80319c"
TRACE_3 = "4bf92f3577b34da6a3ce929d0e0e4736"
DAY = "2026-08-03"

SEARCH_TAGS = {
    "owner_team": "search",
    "project_id": "search-ranking",
    "cost_center": "cc-1010",
    "environment": "prod",
}


def _gateway_line(request_id: str, pid: str, trace: str, provider: str, model: str, usage: dict, tags: dict) -> str:
    return json.dumps(
        {
            "request_id": request_id,
            "root_request_id": request_id,
            "attempt": 1,
            "trace_id": trace,
            "provider_request_id": pid,
            "timestamp": f"{DAY}T10:00:00.000Z",
            "provider": provider,
            "requested_model": model,
            "selected_model": model,
            "usage": usage,
            "status_code": 200,
            "outcome_status": "success",
            "latency_ms": 900,
            "api_key_id": "key-search-prod",
            "tags": tags,
        }
    )


def _litellm_payload(**fields) -> dict:
    """A StandardLoggingPayload as LiteLLM 1.106 emits it (abridged to the keys the adapter reads)."""
    payload = {
        "id": None,
        "litellm_call_id": "0043605a-8978-4d67-9bac-e400e4f97af4",
        "trace_id": None,
        "session_id": "",
        "call_type": "acompletion",
        "stream": False,
        "status": "success",
        "status_fields": {"llm_api_status": "success", "guardrail_status": "not_run"},
        "custom_llm_provider": "openai",
        "startTime": 1785751200.25,  # 2026-08-03T10:00:00.25Z
        "endTime": 1785751201.0,
        "model": "gpt-4o-mini",
        "model_group": "fast",
        "model_id": "dep-1",
        "metadata": {
            "user_api_key_hash": "88dc28d0f030c55ed4ab77ed8faf098196cb1c05df778539800c9f1243fe6b4b",
            "user_api_key_alias": "key-search-prod",
            "user_api_key_team_id": "team-search",
            "user_api_key_user_id": "carol",
            "user_api_key_user_email": "carol@example.com",
            "spend_logs_metadata": {"feature": "query-rewrite", "cost_center": "cc-1010"},
            "usage_object": None,
        },
        "response_cost": 0.0,
        "response_cost_failure_debug_info": None,
        "prompt_tokens": 0,
        "completion_tokens": 0,
        "total_tokens": 0,
        "request_tags": ["team:search", "env:prod"],
        "end_user": None,
        "model_parameters": {"user": "end-user-7@example.com"},
        "messages": [{"role": "user", "content": "secret prompt for dave@example.com"}],
        "response": {"choices": [{"message": {"content": "secret completion"}}]},
        "model_map_information": {"model_map_key": "gpt-4o-mini", "model_map_value": {"input_cost_per_token": 1.5e-7}},
        "error_information": {"error_code": "", "traceback": ""},
    }
    payload.update(fields)
    return payload


def _otel_attr(key: str, value) -> dict:
    if isinstance(value, int):
        return {"key": key, "value": {"intValue": str(value)}}
    return {"key": key, "value": {"stringValue": value}}


def write_sources_landing(root: Path) -> Path:
    # ------------------------------------------------------------------ gateway: G1, G2 and one broken line
    gateway = root / "gateway" / DAY
    gateway.mkdir(parents=True)
    g1 = _gateway_line(
        "gw-1",
        "chatcmpl-three",
        TRACE_1,
        "openai",
        "gpt-4o-mini",
        {"input_tokens": 200, "cache_read_tokens": 800, "output_tokens": 100},
        SEARCH_TAGS,  # no feature: the LiteLLM copy has it
    )
    g2 = _gateway_line(
        "gw-2",
        "msg_g2",
        TRACE_2,
        "anthropic",
        "claude-sonnet-4-5",
        {"input_tokens": 300, "output_tokens": 20},
        {**SEARCH_TAGS, "feature": "answer-summaries"},
    )
    (gateway / "requests.jsonl").write_text(f"{g1}\n{g2}\n{{broken\n", encoding="utf-8")

    # ------------------------------------------------------------------ litellm
    litellm = root / "litellm" / DAY
    litellm.mkdir(parents=True)
    l1 = _litellm_payload(
        id="chatcmpl-three",
        trace_id=TRACE_1,
        prompt_tokens=1000,
        completion_tokens=100,
        total_tokens=1100,
        response_cost=0.00015,
    )
    l1["metadata"]["usage_object"] = {
        "prompt_tokens": 1000,
        "completion_tokens": 100,
        "prompt_tokens_details": {"cached_tokens": 800},
    }
    # One object per file, pretty-printed, as the S3 logger writes it.
    (litellm / "time-10-00-00-250000_chatcmpl-three.json").write_text(json.dumps(l1, indent=2), encoding="utf-8")
    l2 = _litellm_payload(
        id="msg_l2",
        trace_id="b1c2",
        custom_llm_provider="anthropic",
        model="anthropic/claude-sonnet-4-5-20250929",
        prompt_tokens=1000,  # = 100 uncached + 800 cache read + 100 cache write
        completion_tokens=100,
        total_tokens=1100,
        response_cost=0.002415,
    )
    l2["metadata"]["usage_object"] = {
        "prompt_tokens": 1000,
        "completion_tokens": 100,
        "cache_read_input_tokens": 800,
        "cache_creation_input_tokens": 100,
    }
    l3 = _litellm_payload(
        id="msg_l3",
        trace_id="b1c3",
        custom_llm_provider="anthropic",
        model="anthropic/claude-3-5-sonnet-20241022",
        prompt_tokens=2000,
        completion_tokens=500,
        total_tokens=2500,
        response_cost=0.0,
        response_cost_failure_debug_info={"error_str": "This model isn't mapped yet. model=claude-3-5-sonnet-20241022"},
    )
    l3["metadata"]["usage_object"] = {"prompt_tokens": 2000, "completion_tokens": 500}
    lines = [json.dumps(l2), json.dumps(l3), '{"id": "x", "model": "gpt-4o-mini", "startTime": "soon"}']
    (litellm / "payloads.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    spend_row = {
        "request_id": "chatcmpl-s1",
        "call_type": "acompletion",
        "api_key": "5e7b0c4d2f3a",
        "spend": "0.000105",
        "total_tokens": "550",
        "prompt_tokens": "500",
        "completion_tokens": "50",
        "startTime": f"{DAY} 11:00:00.000000",
        "endTime": f"{DAY} 11:00:00.400000",
        "model": "gpt-4o-mini-2024-07-18",
        "model_group": "fast",
        "custom_llm_provider": "openai",
        "user": "carol",
        "team_id": "team-search",
        "metadata": json.dumps(
            {
                "user_api_key_alias": "key-search-prod",
                "spend_logs_metadata": {"feature": "query-rewrite", "note": 'has, commas and "quotes"'},
                "usage_object": {"prompt_tokens": 500, "completion_tokens": 50, "prompt_tokens_details": None},
            }
        ),
        "request_tags": '["team:search", "cost_center:cc-1010", "env:prod"]',
        "end_user": "",
        "status": "success",
        "messages": '[{"role": "user", "content": "secret"}]',
    }
    with (litellm / f"spend_logs_{DAY}.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(spend_row))
        writer.writeheader()
        writer.writerow(spend_row)

    # ------------------------------------------------------------------ otel: one line, four spans, and a bad line
    def b64(hex_id: str) -> str:
        return base64.b64encode(bytes.fromhex(hex_id)).decode()

    start = "1785751200000000000"  # 2026-08-03T10:00:00Z in nanoseconds, as a string (int64)
    spans = [
        {  # O1: G1 again, base64 ids, deprecated gen_ai.system, token counts include the cache read
            "traceId": b64(TRACE_1),
            "spanId": b64("eee19b7ec3c1b174"),
            "name": "chat gpt-4o-mini",
            "kind": "SPAN_KIND_CLIENT",
            "startTimeUnixNano": start,
            "endTimeUnixNano": "1785751200900000000",
            "attributes": [
                _otel_attr("gen_ai.operation.name", "chat"),
                _otel_attr("gen_ai.system", "openai"),
                _otel_attr("gen_ai.request.model", "gpt-4o-mini"),
                _otel_attr("gen_ai.response.id", "chatcmpl-three"),
                _otel_attr("gen_ai.usage.input_tokens", 1000),
                _otel_attr("gen_ai.usage.cache_read.input_tokens", 800),
                _otel_attr("gen_ai.usage.output_tokens", 100),
                _otel_attr("gen_ai.input.messages", '[{"role":"user","content":"secret"}]'),
                _otel_attr("service", "search-api"),
            ],
            "status": {"code": 0},
        },
        {  # O2: only OTel saw it; deprecated prompt/completion token names; hex ids
            "traceId": TRACE_3,
            "spanId": "00f067aa0ba902b7",
            "name": "chat claude-haiku-4-5",
            "kind": 3,
            "startTimeUnixNano": start,
            "endTimeUnixNano": 1785751201500000000,
            "attributes": [
                _otel_attr("gen_ai.operation.name", "chat"),
                _otel_attr("gen_ai.provider.name", "anthropic"),
                _otel_attr("gen_ai.request.model", "claude-haiku-4-5"),
                _otel_attr("gen_ai.response.id", "msg_o2"),
                _otel_attr("gen_ai.usage.prompt_tokens", 5000),
                _otel_attr("gen_ai.usage.cache_read.input_tokens", 3000),
                _otel_attr("gen_ai.usage.cache_creation.input_tokens", 1000),
                _otel_attr("gen_ai.usage.completion_tokens", 200),
                _otel_attr("feature", "answer-summaries"),
                _otel_attr("enduser.id", "erin@example.com"),
            ],
            "status": {"code": 1},
        },
        {  # O3: the HTTP server span around them: not an inference call
            "traceId": TRACE_3,
            "spanId": "53995c3f42cd8ad8",
            "name": "POST /answer",
            "kind": 2,
            "startTimeUnixNano": start,
            "attributes": [_otel_attr("http.request.method", "POST")],
        },
        {  # O4: G2 again, without gen_ai.response.id: matched by trace + provider + token counts
            "traceId": TRACE_2,
            "spanId": "a3ce929d0e0e4736",
            "name": "chat claude-sonnet-4-5",
            "kind": 3,
            "startTimeUnixNano": start,
            "attributes": [
                _otel_attr("gen_ai.operation.name", "chat"),
                _otel_attr("gen_ai.provider.name", "anthropic"),
                _otel_attr("gen_ai.request.model", "claude-sonnet-4-5"),
                _otel_attr("gen_ai.usage.input_tokens", 300),
                _otel_attr("gen_ai.usage.output_tokens", 20),
            ],
        },
    ]
    resource = {"attributes": [_otel_attr("service.name", "search-api"), _otel_attr("owner_team", "search")]}
    document = {"resourceSpans": [{"resource": resource, "scopeSpans": [{"scope": {"name": "sdk"}, "spans": spans}]}]}
    otel = root / "otel" / DAY
    otel.mkdir(parents=True)
    (otel / "spans.jsonl").write_text(json.dumps(document) + "\n{not json\n", encoding="utf-8")

    # ------------------------------------------------------------------ bedrock (gzip, S3 layout)
    def invocation(request_id: str, model_id: str, **parts) -> dict:
        record = {
            "schemaType": "ModelInvocationLog",
            "schemaVersion": "1.0",
            "timestamp": f"{DAY}T12:00:00Z",
            "accountId": "123456789012",
            "identity": {"arn": "arn:aws:sts::123456789012:assumed-role/search-app/alice@example.com"},
            "region": "us-east-1",
            "requestId": request_id,
            "operation": "InvokeModel",
            "modelId": model_id,
            "requestMetadata": {"team": "search", "costCentre": "cc-1010", "feature": "answer-summaries"},
        }
        record.update(parts)
        return record

    records = [
        invocation(
            "b1",
            "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/search-sonnet",
            input={
                "inputBodyJson": {"messages": [{"role": "user", "content": "secret"}]},
                "inputTokenCount": 1000,
                "cacheReadInputTokenCount": 2000,
                "cacheWriteInputTokenCount": 600,
            },
            output={
                "outputTokenCount": 300,
                "outputBodyJson": {
                    "content": [{"type": "text", "text": "secret answer"}],
                    "usage": {"cache_creation": {"ephemeral_5m_input_tokens": 400, "ephemeral_1h_input_tokens": 200}},
                },
            },
        ),
        invocation(
            "b2",
            "anthropic.claude-3-5-sonnet-20240620-v1:0",
            input={"inputTokenCount": 2000, "cacheReadInputTokenCount": 0, "cacheWriteInputTokenCount": 0},
            output={"outputTokenCount": 100},
        ),
        invocation(
            "b3",
            "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
            input={"inputBodyJson": {"messages": [{"role": "user", "content": "blocked text"}]}},
            output={"outputBodyJson": {"stop_reason": "guardrail_intervened"}},
        ),
    ]
    bedrock = (
        root / "bedrock" / "AWSLogs" / "123456789012" / "BedrockModelInvocationLogs" / "us-east-1" / "2026/08/03/12"
    )
    bedrock.mkdir(parents=True)
    with gzip.open(bedrock / "part-0001.json.gz", "wt", encoding="utf-8") as handle:
        handle.write("\n".join(json.dumps(record) for record in records) + "\n")

    # ------------------------------------------------------------------ provider usage pages
    start_time = 1785715200  # 2026-08-03T00:00:00Z
    bucket = {"object": "bucket", "start_time": start_time, "end_time": start_time + 86400}
    openai = root / "openai_usage"
    openai.mkdir()
    usage_results = [
        {  # G1 + S1: 1000 + 500 input, 800 of them cached; no input_uncached_tokens (older pages)
            "object": "organization.usage.completions.result",
            "input_tokens": 1500,
            "input_cached_tokens": 800,
            "output_tokens": 150,
            "num_model_requests": 2,
            "project_id": "proj_search",
            "model": "gpt-4o-mini-2024-07-18",
        },
        {  # traffic no request log shows
            "object": "organization.usage.completions.result",
            "input_tokens": 1000,
            "input_cached_tokens": 400,
            "input_cache_write_tokens": 100,
            "input_uncached_tokens": 500,
            "output_tokens": 500,
            "num_model_requests": 5,
            "project_id": None,
            "api_key_id": "key_ds_notebooks",
            "model": "gpt-5.6-terra",
        },
    ]
    page = {"object": "page", "data": [bucket | {"results": usage_results}], "has_more": False, "next_page": None}
    (openai / "completions_2026-08.json").write_text(json.dumps(page, indent=2), encoding="utf-8")
    costs = {
        "object": "page",
        "data": [
            bucket
            | {
                "results": [
                    {"object": "organization.costs.result", "amount": {"value": 0.06, "currency": "usd"}},
                ]
            }
        ],
        "has_more": False,
        "next_page": None,
    }
    (openai / "costs_2026-08.json").write_text(json.dumps(costs), encoding="utf-8")
    anthropic = root / "anthropic_usage"
    anthropic.mkdir()
    anthropic_bucket = {"starting_at": f"{DAY}T00:00:00Z", "ending_at": "2026-08-04T00:00:00Z"}
    messages = {
        "data": [
            anthropic_bucket
            | {
                "results": [
                    {
                        "uncached_input_tokens": 100,
                        "cache_creation": {"ephemeral_5m_input_tokens": 60, "ephemeral_1h_input_tokens": 40},
                        "cache_read_input_tokens": 800,
                        "output_tokens": 100,
                        "server_tool_use": {"web_search_requests": 0},
                        "api_key_id": None,
                        "workspace_id": "wrkspc_search",
                        "model": "claude-sonnet-4-5-20250929",
                        "service_tier": "standard",
                    }
                ]
            }
        ],
        "has_more": False,
        "next_page": None,
    }
    (anthropic / "messages_2026-08.json").write_text(json.dumps(messages), encoding="utf-8")
    cost_report = {
        "data": [anthropic_bucket | {"results": [{"currency": "USD", "amount": "123.45", "workspace_id": None}]}],
        "has_more": False,
        "next_page": None,
    }
    (anthropic / "cost_report_2026-08.json").write_text(json.dumps(cost_report), encoding="utf-8")

    # ------------------------------------------------------------------ gateway audit
    audit = root / "gateway_audit"
    audit.mkdir()
    events = [
        {
            "event_id": "evt-1",
            "timestamp": f"{DAY}T09:00:00.000Z",
            "event_type": "request_blocked",
            "reason": "missing_required_ai_attribution: cost_center",
            "request_id": "blk-1",
            "api_key_id": "key-growth-prod",
            "provider": "openai",
            "requested_model": "gpt-4o-mini",
            "tags": {"owner_team": "growth", "feature": "landing-copy", "tenant_id": "tenant-0042"},
            "messages": [{"role": "user", "content": "secret"}],
        },
        {
            "event_id": "evt-2",
            "timestamp": f"{DAY}T09:30:00.000Z",
            "reason": "missing_required_ai_attribution: owner_team",
            "api_key_id": "key-sales-prod",
            "tags": {"cost_center": "cc-1040"},
        },
    ]
    lines = [json.dumps(event) for event in events] + ['{"reason": "no timestamp"}']
    (audit / "blocked.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root
