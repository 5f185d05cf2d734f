"""Real provider usage bodies, each turned into a gateway log line the way an adapter would (disjoint token
counts) and priced independently by genai_prices.calc_price from the raw body (extract_usage)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from genai_prices import calc_price, extract_usage

# Our provider id -> (genai-prices provider id, api flavor of the body), written out here on purpose rather
# than imported, so the test does not share the mapping it checks.
GENAI_PROVIDER = {"openai": "openai", "anthropic": "anthropic", "google": "google", "aws_bedrock": "aws"}
GENAI_PROVIDER["azure_openai"] = "azure"

TEAMS = {
    "search": {"owner_team": "search", "project_id": "search-ranking", "feature": "query-rewrite",
               "cost_center": "cc-1010", "environment": "prod"},
    "sales": {"owner_team": "sales", "project_id": "sales-copilot", "feature": "call-notes",
              "cost_center": "cc-1040", "environment": "prod"},
}  # fmt: skip


@dataclass(frozen=True)
class Case:
    case_id: str
    provider: str  # ours
    model: str  # as logged
    timestamp: str
    flavor: str  # openai_chat, openai_responses, anthropic, bedrock, gemini
    body: dict
    is_batch: bool = False
    service_tier: str = "default"
    team: str = "search"

    @property
    def requested_at(self) -> datetime:
        return datetime.fromisoformat(self.timestamp.replace("Z", "+00:00"))

    def disjoint_usage(self) -> dict[str, int]:
        """The body's usage as the canonical disjoint counts (what the gateway log carries)."""
        b = self.body
        if self.flavor == "openai_chat":
            details = b.get("prompt_tokens_details") or {}
            read, write = details.get("cached_tokens", 0), details.get("cache_write_tokens", 0)
            reasoning = (b.get("completion_tokens_details") or {}).get("reasoning_tokens", 0)
            return {"input_tokens": b["prompt_tokens"] - read - write, "cache_read_tokens": read,
                    "cache_write_tokens": write, "output_tokens": b["completion_tokens"],
                    "reasoning_tokens": reasoning}  # fmt: skip
        if self.flavor == "openai_responses":
            details = b.get("input_tokens_details") or {}
            read, write = details.get("cached_tokens", 0), details.get("cache_write_tokens", 0)
            reasoning = (b.get("output_tokens_details") or {}).get("reasoning_tokens", 0)
            return {"input_tokens": b["input_tokens"] - read - write, "cache_read_tokens": read,
                    "cache_write_tokens": write, "output_tokens": b["output_tokens"],
                    "reasoning_tokens": reasoning}  # fmt: skip
        if self.flavor == "anthropic":
            split = b.get("cache_creation") or {}
            one_hour = split.get("ephemeral_1h_input_tokens", 0)
            return {"input_tokens": b["input_tokens"], "cache_read_tokens": b.get("cache_read_input_tokens", 0),
                    "cache_write_tokens": b.get("cache_creation_input_tokens", 0) - one_hour,
                    "cache_write_1h_tokens": one_hour, "output_tokens": b["output_tokens"]}  # fmt: skip
        if self.flavor == "bedrock":
            one_hour = sum(d["inputTokens"] for d in b.get("cacheDetails", []) if d["ttl"] == "1h")
            return {"input_tokens": b["inputTokens"], "cache_read_tokens": b.get("cacheReadInputTokens", 0),
                    "cache_write_tokens": b.get("cacheWriteInputTokens", 0) - one_hour,
                    "cache_write_1h_tokens": one_hour, "output_tokens": b["outputTokens"]}  # fmt: skip
        if self.flavor == "gemini":
            meta = b["usageMetadata"]
            cached, thoughts = meta.get("cachedContentTokenCount", 0), meta.get("thoughtsTokenCount", 0)
            return {"input_tokens": meta["promptTokenCount"] - cached, "cache_read_tokens": cached,
                    "output_tokens": meta["candidatesTokenCount"] + thoughts, "reasoning_tokens": thoughts}  # fmt: skip
        raise ValueError(self.flavor)

    def gateway_line(self) -> str:
        return json.dumps(
            {
                "request_id": self.case_id,
                "root_request_id": self.case_id,
                "attempt": 1,
                "timestamp": self.timestamp,
                "provider": self.provider,
                "requested_model": self.model,
                "selected_model": self.model,
                "usage": self.disjoint_usage(),
                "is_batch": self.is_batch,
                "service_tier": self.service_tier,
                "status_code": 200,
                "outcome_status": "success",
                "api_key_id": f"key-{self.team}-prod",
                "tags": TEAMS[self.team],
            }
        )

    def genai_price(self) -> Decimal:
        provider_id = GENAI_PROVIDER[self.provider]
        body = {"model": self.model, "usage": self.body} if self.flavor != "gemini" else self.body
        flavor = {"openai_chat": "chat", "openai_responses": "responses", "anthropic": "default",
                  "bedrock": "default", "gemini": "default"}[self.flavor]  # fmt: skip
        if self.provider == "aws_bedrock" and self.flavor == "anthropic":
            flavor = "anthropic"
        if self.provider == "google" and self.flavor == "anthropic":
            flavor = "anthropic"
        usage = extract_usage(body, provider_id=provider_id, api_flavor=flavor).usage
        context = {"service_tier": self.service_tier}
        if self.is_batch:
            context["processing"] = "batch"
        return calc_price(
            usage,
            model_ref=self.model,
            provider_id=provider_id,
            genai_request_timestamp=self.requested_at,
            price_context=context,
        ).total_price


def chat(prompt: int, completion: int, cached: int = 0, reasoning: int = 0) -> dict:
    body: dict = {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}
    if cached:
        body["prompt_tokens_details"] = {"cached_tokens": cached, "audio_tokens": 0}
    if reasoning:
        body["completion_tokens_details"] = {"reasoning_tokens": reasoning}
    return body


def responses(input_tokens: int, output: int, cached: int = 0, reasoning: int = 0) -> dict:
    return {
        "input_tokens": input_tokens,
        "input_tokens_details": {"cached_tokens": cached},
        "output_tokens": output,
        "output_tokens_details": {"reasoning_tokens": reasoning},
        "total_tokens": input_tokens + output,
    }


def anthropic(uncached: int, output: int, read: int = 0, write_5m: int = 0, write_1h: int = 0) -> dict:
    body: dict = {
        "input_tokens": uncached,
        "output_tokens": output,
        "cache_read_input_tokens": read,
        "cache_creation_input_tokens": write_5m + write_1h,
    }
    if write_1h:
        body["cache_creation"] = {"ephemeral_5m_input_tokens": write_5m, "ephemeral_1h_input_tokens": write_1h}
    return body


def bedrock(uncached: int, output: int, read: int = 0, write_5m: int = 0, write_1h: int = 0) -> dict:
    body: dict = {
        "inputTokens": uncached,
        "outputTokens": output,
        "cacheReadInputTokens": read,
        "cacheWriteInputTokens": write_5m + write_1h,
    }
    details = [{"ttl": ttl, "inputTokens": n} for ttl, n in (("5m", write_5m), ("1h", write_1h)) if n]
    if details:
        body["cacheDetails"] = details
    return body


def gemini(model: str, prompt: int, candidates: int, cached: int = 0, thoughts: int = 0) -> dict:
    meta = {"promptTokenCount": prompt, "candidatesTokenCount": candidates}
    if cached:
        meta["cachedContentTokenCount"] = cached
    if thoughts:
        meta["thoughtsTokenCount"] = thoughts
    return {"modelVersion": model, "usageMetadata": meta}


SONNET_BEDROCK = "global.anthropic.claude-sonnet-4-5-20250929-v1:0"
HAIKU_BEDROCK = "global.anthropic.claude-haiku-4-5-20251001-v1:0"

CASES: tuple[Case, ...] = (
    # OpenAI chat completions: prompt_tokens include cached tokens.
    Case("oa-chat-plain", "openai", "gpt-4o-mini", "2026-07-10T08:00:00Z", "openai_chat", chat(1200, 300)),
    Case("oa-chat-cached", "openai", "gpt-4o-mini", "2026-07-10T08:01:00Z", "openai_chat", chat(9000, 500, 6144)),
    Case("oa-chat-dated-alias", "openai", "gpt-4o-mini-2024-07-18", "2026-07-11T09:00:00Z", "openai_chat",
         chat(4000, 800, 1024)),
    Case("oa-chat-41mini", "openai", "gpt-4.1-mini", "2026-07-12T10:00:00Z", "openai_chat", chat(50000, 2000, 40000)),
    Case("oa-chat-terra-before-change", "openai", "gpt-5.6-terra", "2026-07-29T23:59:59.999Z", "openai_chat",
         chat(60000, 1500, 48000, reasoning=700)),
    Case("oa-chat-terra-after-change", "openai", "gpt-5.6-terra", "2026-07-30T00:00:00Z", "openai_chat",
         chat(60000, 1500, 48000, reasoning=700)),
    Case("oa-chat-luna-before-change", "openai", "gpt-5.6-luna", "2026-07-20T12:00:00Z", "openai_chat",
         chat(20000, 900, 10000, reasoning=400), team="sales"),
    Case("oa-chat-luna-after-change", "openai", "gpt-5.6-luna", "2026-08-03T12:00:00Z", "openai_chat",
         chat(20000, 900, 10000, reasoning=400), team="sales"),
    # OpenAI Responses API.
    Case("oa-resp-terra-long-context", "openai", "gpt-5.6-terra", "2026-08-05T10:00:00Z", "openai_responses",
         responses(300000, 4000, 100000)),
    Case("oa-resp-terra-at-threshold", "openai", "gpt-5.6-terra", "2026-08-05T10:01:00Z", "openai_responses",
         responses(272000, 4000, 100000)),
    Case("oa-resp-luna-priority", "openai", "gpt-5.6-luna", "2026-10-20T10:00:00Z", "openai_responses",
         responses(30000, 1200, 20000, 300), service_tier="priority"),
    Case("oa-resp-terra-flex", "openai", "gpt-5.6-terra", "2026-10-20T10:00:00Z", "openai_responses",
         responses(30000, 1200, 20000, 300), service_tier="flex"),
    Case("oa-resp-41mini-batch", "openai", "gpt-4.1-mini", "2026-10-20T11:00:00Z", "openai_responses",
         responses(80000, 5000, 0), is_batch=True),
    Case("oa-resp-4omini-batch-before-batch-price", "openai", "gpt-4o-mini", "2026-10-01T11:00:00Z",
         "openai_responses", responses(80000, 5000, 0), is_batch=True),
    Case("oa-resp-terra-batch-priority", "openai", "gpt-5.6-terra", "2026-10-20T12:00:00Z", "openai_responses",
         responses(12000, 700, 4000), is_batch=True, service_tier="priority"),
    Case("oa-resp-terra-batch-long-context", "openai", "gpt-5.6-terra", "2026-10-21T12:00:00Z", "openai_responses",
         responses(280000, 900, 0), is_batch=True),
    # Anthropic Messages: input_tokens exclude cache reads and writes; 5-minute and 1-hour writes apart.
    Case("an-sonnet-5m-write", "anthropic", "claude-sonnet-4-5-20250929", "2026-08-01T09:30:00Z", "anthropic",
         anthropic(1200, 800, read=50000, write_5m=3000), team="sales"),
    Case("an-sonnet-1h-write", "anthropic", "claude-sonnet-4-5-20250929", "2026-08-01T09:31:00Z", "anthropic",
         anthropic(1200, 800, read=50000, write_1h=4000), team="sales"),
    Case("an-sonnet-both-writes", "anthropic", "claude-sonnet-4-5", "2026-08-02T09:30:00Z", "anthropic",
         anthropic(1500, 640, read=20000, write_5m=2500, write_1h=1000), team="sales"),
    Case("an-sonnet-long-context-via-cache", "anthropic", "claude-sonnet-4-5", "2026-08-02T10:00:00Z", "anthropic",
         anthropic(5000, 2000, read=190000, write_5m=6000), team="sales"),
    Case("an-haiku-plain", "anthropic", "claude-haiku-4-5-20251001", "2026-07-21T12:00:00Z", "anthropic",
         anthropic(2000, 400)),
    Case("an-opus-cached", "anthropic", "claude-opus-4-1-20250805", "2026-08-04T12:00:00Z", "anthropic",
         anthropic(3000, 1200, read=30000, write_5m=2000, write_1h=500), team="sales"),
    Case("an-sonnet-batch", "anthropic", "claude-sonnet-4-5", "2026-10-20T09:00:00Z", "anthropic",
         anthropic(10000, 3000, read=5000, write_1h=2000), is_batch=True, team="sales"),
    Case("an-haiku-batch-long-context", "anthropic", "claude-haiku-4-5", "2026-10-20T09:00:00Z", "anthropic",
         anthropic(250000, 3000), is_batch=True),
    # Google Gemini: promptTokenCount includes cached content; thoughts are output.
    Case("gg-flash-cached", "google", "gemini-2.5-flash", "2026-07-15T08:00:00Z", "gemini",
         gemini("gemini-2.5-flash", 30000, 900, cached=20000, thoughts=300)),
    Case("gg-pro-below-tier", "google", "gemini-2.5-pro", "2026-07-16T08:00:00Z", "gemini",
         gemini("gemini-2.5-pro", 150000, 2000, cached=50000)),
    Case("gg-pro-long-context", "google", "gemini-2.5-pro", "2026-07-16T08:05:00Z", "gemini",
         gemini("gemini-2.5-pro", 260000, 2000, cached=50000, thoughts=1000)),
    Case("gg-flash-batch", "google", "gemini-2.5-flash", "2026-10-20T08:00:00Z", "gemini",
         gemini("gemini-2.5-flash", 30000, 900), is_batch=True),
    Case("gg-vertex-sonnet", "google", "claude-sonnet-4-5", "2026-08-06T08:00:00Z", "anthropic",
         anthropic(800, 600, read=12000, write_5m=1000, write_1h=1000)),
    # AWS Bedrock invocation logs: counts are separate; cacheDetails split the writes by TTL.
    Case("br-sonnet-cache", "aws_bedrock", SONNET_BEDROCK, "2026-08-07T08:00:00Z", "bedrock",
         bedrock(900, 700, read=40000, write_5m=1500)),
    Case("br-sonnet-1h-cache", "aws_bedrock", SONNET_BEDROCK, "2026-08-07T08:01:00Z", "bedrock",
         bedrock(900, 700, read=40000, write_5m=500, write_1h=2500)),
    Case("br-haiku-plain", "aws_bedrock", HAIKU_BEDROCK, "2026-08-07T08:02:00Z", "bedrock", bedrock(5000, 1000)),
    Case("br-nova-pro", "aws_bedrock", "amazon.nova-pro-v1:0", "2026-08-07T08:03:00Z", "bedrock",
         bedrock(7000, 1400, read=2000)),
    Case("br-nova-lite", "aws_bedrock", "amazon.nova-lite-v1:0", "2026-08-07T08:04:00Z", "bedrock",
         bedrock(12000, 3000)),
    # Azure OpenAI: its own models and the OpenAI models it serves.
    Case("az-4omini", "azure_openai", "gpt-4o-mini", "2026-07-18T08:00:00Z", "openai_chat", chat(8000, 700, 2048)),
    Case("az-o4mini", "azure_openai", "o4-mini", "2026-07-18T08:01:00Z", "openai_chat",
         chat(5000, 2500, 1024, reasoning=2000)),
    Case("az-terra-after-change", "azure_openai", "gpt-5.6-terra", "2026-08-01T08:00:00Z", "openai_chat",
         chat(10000, 1000, 4000)),
)  # fmt: skip


def _report_line(request_id: str, timestamp: str, provider: str, model: str, usage: dict, reported: float | None):
    return json.dumps(
        {"request_id": request_id, "timestamp": timestamp, "provider": provider, "selected_model": model,
         "usage": usage, "status_code": 200, "outcome_status": "success", "api_key_id": "key-search-prod",
         "tags": TEAMS["search"], "provider_reported_cost_usd": reported}
    )  # fmt: skip


# Lines for the pricing reports (cost mismatches, unpriced usage, model drift), beside the parity cases.
REPORT_LINES: tuple[str, ...] = (
    # An unknown private model: null cost, at risk, unmapped.
    _report_line("rp-unknown", "2026-08-10T10:00:00Z", "openai", "acme-private-ft-1",
                 {"input_tokens": 10000, "output_tokens": 1000}, 0.05),
    # The source billed cache reads at the input rate: 101,000 x $1 + 100 x $5 per million.
    _report_line("rp-cache-at-input", "2026-08-10T10:01:00Z", "anthropic", "claude-haiku-4-5",
                 {"input_tokens": 1000, "cache_read_tokens": 100000, "output_tokens": 100}, 0.1015),
    # The source still used luna's price from before 2026-07-30: 10,000 x $1 + 1,000 x $6 per million.
    _report_line("rp-stale-price", "2026-08-10T10:02:00Z", "openai", "gpt-5.6-luna",
                 {"input_tokens": 10000, "output_tokens": 1000}, 0.016),
    # The source ignored the long-context tier: 250,000 x $1.25 + 1,000 x $10 per million.
    _report_line("rp-base-tier", "2026-08-10T10:03:00Z", "google", "gemini-2.5-pro",
                 {"input_tokens": 250000, "output_tokens": 1000}, 0.3225),
    # Agrees with us (1,200 x $0.15 + 300 x $0.6 per million): not a mismatch.
    _report_line("rp-agrees", "2026-08-12T10:00:00Z", "openai", "gpt-4o-mini",
                 {"input_tokens": 1200, "output_tokens": 300}, 0.00036),
    # Nobody can explain this one.
    _report_line("rp-unexplained", "2026-08-12T10:01:00Z", "openai", "gpt-4o-mini",
                 {"input_tokens": 1200, "output_tokens": 300}, 0.9),
    # An expensive model ($60 output per million) in prod without an approval.
    _report_line("rp-expensive", "2026-08-12T10:02:00Z", "openai", "o1",
                 {"input_tokens": 2000, "output_tokens": 1000}, None),
)  # fmt: skip


def write_landing(landing: Path) -> None:
    folder = landing / "gateway" / "2026-07-01"
    folder.mkdir(parents=True)
    lines = [case.gateway_line() for case in CASES] + list(REPORT_LINES)
    (folder / "requests.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
