"""The other exports of the sample, consistent with its gateway traffic (orchestration/sample/generator.py):

- litellm/: support and growth traffic also passes a LiteLLM proxy: StandardLoggingPayload JSON lines per
  day, one S3-logger style `.json` object per day, and a SpendLogs CSV export per day for a fifth of it;
- otel/: search and support services export OTLP/JSON spans (one trace a line) for their calls, some
  with base64 ids, some without gen_ai.response.id (matched by the fallback key), plus a non-GenAI parent
  span per trace. Support calls are thus seen by three sources;
- bedrock/: the data-science team's notebooks call Bedrock directly (traffic no gateway log shows):
  inference-profile ARNs and cross-region profiles, cache writes with 1-hour parts, a guardrail block;
- openai_usage/, anthropic_usage/: the providers' usage and cost pages per month, one bucket per day,
  grouped by project (OpenAI) or workspace (Anthropic) and model: they sum the gateway attempts the
  provider served, including those whose log lines are malformed;
- gateway_audit/: events for requests the gateway blocked for missing attribution.

Everything is drawn from its own random stream, so the gateway lines and invoices are byte-identical to
a sample written without these sources.
"""

from __future__ import annotations

import base64
import csv
import gzip
import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from random import Random

LITELLM_TEAMS = ("support", "growth")
OTEL_TEAMS = ("search", "support")
SPEND_LOGS_SHARE = 0.2
OTEL_WITHOUT_RESPONSE_ID = 0.1
OTEL_BASE64_IDS = 0.5
BEDROCK_PER_REQUESTS = 150  # one Bedrock call per this many gateway requests of a day
BLOCKED_PER_REQUESTS = 200
OTEL_PROVIDER_NAMES = {"openai": "openai", "anthropic": "anthropic", "google": "gcp.gemini"}
ACCOUNT_KIND = {"openai": "project", "anthropic": "workspace"}
# Bedrock traffic: (modelId as logged, billable model, share); the ARN is an application inference profile.
BEDROCK_MODELS = (
    ("arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/ds-haiku", 0.5),
    ("us.anthropic.claude-sonnet-4-5-20250929-v1:0", 0.3),
    ("anthropic.claude-3-5-sonnet-20240620-v1:0", 0.2),
)
BEDROCK_ROLE = "arn:aws:sts::123456789012:assumed-role/ds-notebooks"
BLOCK_REASONS = (
    "missing_required_ai_attribution: cost_center",
    "missing_required_ai_attribution: owner_team",
    "missing_required_ai_attribution: feature",
    "unregistered_ai_attribution: cost_center",
)
TOKEN_KINDS = ("input", "cache_read", "cache_write", "cache_write_1h", "output")


def _encode(value: object) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _epoch(timestamp: str) -> float:
    return datetime.fromisoformat(timestamp.replace("Z", "+00:00")).timestamp()


def _nanos(timestamp: str, offset_ms: int = 0) -> str:
    moment = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    return str((int(moment.timestamp() * 1000) + offset_ms) * 1_000_000)


def _attr(key: str, value: object) -> dict:
    if isinstance(value, bool):
        return {"key": key, "value": {"boolValue": value}}
    if isinstance(value, int):
        return {"key": key, "value": {"intValue": str(value)}}  # int64 as a decimal string, as OTLP/JSON does
    return {"key": key, "value": {"stringValue": str(value)}}


@dataclass
class OtherSourcesSummary:
    litellm_payloads: int = 0
    litellm_spend_logs: int = 0
    otel_spans: int = 0
    otel_inference_spans: int = 0
    bedrock_records: int = 0
    audit_events: int = 0
    usage_files: int = 0
    # Attempts written to the gateway log, LiteLLM and OTel alike (by gateway request id).
    three_source_request_ids: list[str] = field(default_factory=list)
    # provider -> token kind -> tokens on the usage pages that the readable gateway lines do not show.
    tokens_of_malformed_lines: dict[str, dict[str, int]] = field(default_factory=dict)


class OtherSources:
    def __init__(
        self,
        out_dir: Path,
        seed: int,
        accounts: dict[tuple[str, str], str],
        unknown_model: str,
        normalize_team: Callable[[str], str],
    ) -> None:
        self.out_dir = out_dir
        self.normalize_team = normalize_team
        self.unknown_model = unknown_model
        self.list_cost = None
        self.seen_by_litellm: set[str] = set()
        self.rng = Random(f"other-sources-{seed}")
        self.accounts = accounts  # (provider, owner_team) -> provider project or workspace id
        self.summary = OtherSourcesSummary()
        # (provider, month) -> {(day, account, model): [tokens by kind..., requests, list cost]}
        self.usage: dict[tuple[str, str], dict[tuple[str, str, str], list]] = defaultdict(dict)

    def _team_of(self, attempt) -> str:
        """The team the attempt's traffic belongs to, as tagged (normalized as attribution does)."""
        return self.normalize_team(str(attempt.request.tags.get("owner_team") or ""))

    # -- per day

    def add_day(self, day: date, attempts: list, requests_today: int, list_cost) -> None:
        readable = [(attempt, json.loads(attempt.line)) for attempt in attempts if not attempt.malformed]
        self.list_cost = list_cost
        self._usage(day, attempts, list_cost)
        self._litellm(day, readable)
        self._otel(day, readable)
        self._bedrock(day, requests_today)
        self._audit(day, readable, requests_today)

    def _usage(self, day: date, attempts: list, list_cost) -> None:
        for attempt in attempts:
            if attempt.provider not in ACCOUNT_KIND or sum(attempt.tokens) == 0:
                continue
            account = self.accounts.get((attempt.provider, self._team_of(attempt)))
            key = (day.isoformat(), account, attempt.model)
            bucket = self.usage[(attempt.provider, day.isoformat()[:7])].setdefault(key, [0, 0, 0, 0, 0, 0, Decimal(0)])
            for index, count in enumerate(attempt.tokens):
                bucket[index] += count
            bucket[5] += 1
            bucket[6] += list_cost(attempt.price_row.prices, attempt.tokens)
            if attempt.malformed:
                kinds = self.summary.tokens_of_malformed_lines.setdefault(
                    attempt.provider, dict.fromkeys(TOKEN_KINDS, 0)
                )
                for kind, count in zip(TOKEN_KINDS, attempt.tokens, strict=True):
                    kinds[kind] += count

    def _litellm(self, day: date, readable: list) -> None:
        payload_lines, document, spend_rows = [], None, []
        for attempt, line in readable:
            if self._team_of(attempt) not in LITELLM_TEAMS or line["provider"] not in ("openai", "anthropic"):
                continue
            if line["provider_request_id"] is None:
                continue
            record = self._litellm_payload(attempt, line)
            if self.rng.random() < SPEND_LOGS_SHARE:
                spend_rows.append(self._spend_logs_row(record))
                self.summary.litellm_spend_logs += 1
            elif document is None:
                document = record
                self.summary.litellm_payloads += 1
            else:
                payload_lines.append(_encode(record))
                self.summary.litellm_payloads += 1
            self.seen_by_litellm.add(line["request_id"])
        folder = self.out_dir / "litellm" / day.isoformat()
        if payload_lines or document or spend_rows:
            folder.mkdir(parents=True, exist_ok=True)
        if payload_lines:
            (folder / "payloads.jsonl").write_text("\n".join(payload_lines) + "\n", encoding="utf-8")
        if document is not None:
            stamp = datetime.fromtimestamp(document["startTime"], UTC).strftime("%H-%M-%S-%f")
            path = folder / f"time-{stamp}_{document['id']}.json"
            path.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        if spend_rows:
            with (folder / f"spend_logs_{day.isoformat()}.csv").open("w", newline="", encoding="utf-8") as handle:
                writer = csv.DictWriter(handle, fieldnames=list(spend_rows[0]), lineterminator="\n")
                writer.writeheader()
                writer.writerows(spend_rows)

    def _litellm_payload(self, attempt, line: dict) -> dict:
        usage = line.get("usage") or {}
        cache_read = usage.get("cache_read_tokens", 0)
        writes_5m, writes_1h = usage.get("cache_write_tokens", 0), usage.get("cache_write_1h_tokens", 0)
        prompt = usage.get("input_tokens", 0) + cache_read + writes_5m + writes_1h
        completion = usage.get("output_tokens", 0)
        tags = attempt.request.tags
        provider = line["provider"]
        # LiteLLM's cost map does not know the fine-tune either: it logs 0 and says why.
        unknown = attempt.model == self.unknown_model
        cost = 0.0 if unknown else float(self.list_cost(attempt.price_row.prices, attempt.tokens))
        start = _epoch(line["timestamp"])
        failed = line["outcome_status"] == "error"
        return {
            "id": line["provider_request_id"],
            "litellm_call_id": f"{self.rng.getrandbits(128):032x}",
            "trace_id": line["trace_id"],
            "session_id": "",
            "call_type": "acompletion",
            "stream": True,
            "status": "failure" if failed else "success",
            "custom_llm_provider": provider,
            "startTime": start,
            "endTime": start + line["latency_ms"] / 1000,
            "model": f"anthropic/{line['selected_model']}" if provider == "anthropic" else line["selected_model"],
            "model_group": line["requested_model"],
            "model_id": f"dep-{provider}",
            "metadata": {
                "user_api_key_hash": f"{self.rng.getrandbits(256):064x}",
                "user_api_key_alias": line["api_key_id"],
                "user_api_key_team_id": f"team-{tags.get('owner_team', 'unknown')}",
                "user_api_key_user_id": "svc-" + str(tags.get("service", "unknown")),
                "spend_logs_metadata": {
                    key: tags[key] for key in ("owner_team", "project_id", "feature", "cost_center") if key in tags
                },
                "usage_object": {
                    "prompt_tokens": prompt,
                    "completion_tokens": completion,
                    "total_tokens": prompt + completion,
                    "prompt_tokens_details": {
                        "cached_tokens": cache_read,
                        "cache_creation_tokens": writes_5m + writes_1h,
                        "cache_creation_token_details": {
                            "ephemeral_5m_input_tokens": writes_5m,
                            "ephemeral_1h_input_tokens": writes_1h,
                        },
                    },
                    "completion_tokens_details": {"reasoning_tokens": usage.get("reasoning_tokens", 0)},
                },
                "attempted_retries": line["retry_count"],
            },
            "response_cost": cost,
            "response_cost_failure_debug_info": (
                {"error_str": f"This model isn't mapped yet. model={line['selected_model']}"} if unknown else None
            ),
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": prompt + completion,
            "request_tags": [f"env:{tags['environment']}"] if "environment" in tags else [],
            "end_user": None,
            "model_parameters": {"user": tags["end_user_id"]} if "end_user_id" in tags else {},
            # Text that must never reach the warehouse.
            "messages": [{"role": "user", "content": f"Please help with request {attempt.request_id}."}],
            "response": {"choices": [{"message": {"content": "Sure, here is the answer."}}]},
            "error_information": {"error_code": str(line["status_code"]) if failed else ""},
        }

    @staticmethod
    def _spend_logs_row(record: dict) -> dict:
        metadata = dict(record["metadata"])
        return {
            "request_id": record["id"],
            "call_type": record["call_type"],
            "api_key": metadata.pop("user_api_key_hash"),
            "spend": record["response_cost"],
            "total_tokens": record["total_tokens"],
            "prompt_tokens": record["prompt_tokens"],
            "completion_tokens": record["completion_tokens"],
            "startTime": datetime.fromtimestamp(record["startTime"], UTC).strftime("%Y-%m-%d %H:%M:%S.%f"),
            "endTime": datetime.fromtimestamp(record["endTime"], UTC).strftime("%Y-%m-%d %H:%M:%S.%f"),
            "model": record["model"],
            "model_group": record["model_group"],
            "custom_llm_provider": record["custom_llm_provider"],
            "user": metadata.get("user_api_key_user_id"),
            "team_id": metadata.get("user_api_key_team_id"),
            "metadata": _encode(metadata),
            "request_tags": _encode(record["request_tags"]),
            "end_user": record["model_parameters"].get("user", ""),
            "status": record["status"],
            "messages": _encode(record["messages"]),
            "response": "{}",
        }

    def _otel(self, day: date, readable: list) -> None:
        traces: dict[str, list] = defaultdict(list)
        for attempt, line in readable:
            if self._team_of(attempt) not in OTEL_TEAMS or line["provider_request_id"] is None:
                continue
            traces[line["trace_id"]].append((attempt, line))
        lines = []
        for trace_id, calls in traces.items():
            as_base64 = self.rng.random() < OTEL_BASE64_IDS

            def encode_id(hex_id: str, as_base64: bool = as_base64) -> str:
                return base64.b64encode(bytes.fromhex(hex_id)).decode() if as_base64 else hex_id.upper()

            parent = f"{self.rng.getrandbits(64):016x}"
            first = calls[0][1]
            service = calls[0][0].request.tags.get("service", "unknown")
            spans = [
                {
                    "traceId": encode_id(trace_id),
                    "spanId": encode_id(parent),
                    "name": "POST /v1/answer",
                    "kind": 2,
                    "startTimeUnixNano": _nanos(first["timestamp"], -5),
                    "endTimeUnixNano": _nanos(calls[-1][1]["timestamp"], calls[-1][1]["latency_ms"] + 5),
                    "attributes": [_attr("http.request.method", "POST")],
                    "status": {"code": 0},
                }
            ]
            for attempt, line in calls:
                usage = line.get("usage") or {}
                writes = usage.get("cache_write_tokens", 0) + usage.get("cache_write_1h_tokens", 0)
                total_input = usage.get("input_tokens", 0) + usage.get("cache_read_tokens", 0) + writes
                tags = attempt.request.tags
                attributes = [
                    _attr("gen_ai.operation.name", "chat"),
                    _attr("gen_ai.provider.name", OTEL_PROVIDER_NAMES[line["provider"]]),
                    _attr("gen_ai.request.model", line["requested_model"]),
                    _attr("gen_ai.response.model", line["selected_model"]),
                    _attr("gen_ai.usage.input_tokens", total_input),
                    _attr("gen_ai.usage.output_tokens", usage.get("output_tokens", 0)),
                    _attr("gen_ai.usage.cache_read.input_tokens", usage.get("cache_read_tokens", 0)),
                    _attr("gen_ai.usage.cache_creation.input_tokens", writes),
                    _attr("gen_ai.input.messages", _encode([{"role": "user", "content": "the customer's question"}])),
                    _attr("api_key_id", line["api_key_id"]),
                ]
                attributes += [_attr(key, tags[key]) for key in ("feature", "owner_team", "cost_center") if key in tags]
                if "end_user_id" in tags:
                    attributes.append(_attr("enduser.id", tags["end_user_id"]))
                # Some instrumentations record no response id; only billable calls can be matched without one.
                if total_input + usage.get("output_tokens", 0) == 0 or self.rng.random() >= OTEL_WITHOUT_RESPONSE_ID:
                    attributes.append(_attr("gen_ai.response.id", line["provider_request_id"]))
                spans.append(
                    {
                        "traceId": encode_id(trace_id),
                        "spanId": encode_id(f"{self.rng.getrandbits(64):016x}"),
                        "parentSpanId": encode_id(parent),
                        "name": f"chat {line['requested_model']}",
                        "kind": 3,
                        "startTimeUnixNano": _nanos(line["timestamp"]),
                        "endTimeUnixNano": _nanos(line["timestamp"], line["latency_ms"]),
                        "attributes": attributes,
                        "status": {"code": 2 if line["outcome_status"] == "error" else 0},
                    }
                )
                self.summary.otel_inference_spans += 1
                if line["request_id"] in self.seen_by_litellm:
                    self.summary.three_source_request_ids.append(line["request_id"])
            self.summary.otel_spans += len(spans)
            resource = {"attributes": [_attr("service.name", service), _attr("deployment.environment", "prod")]}
            document = {
                "resourceSpans": [
                    {
                        "resource": resource,
                        "scopeSpans": [{"scope": {"name": "llm-sdk", "version": "1.4.0"}, "spans": spans}],
                    }
                ]
            }
            lines.append(_encode(document))
        if lines:
            folder = self.out_dir / "otel" / day.isoformat()
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "spans.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")

    def _bedrock(self, day: date, requests_today: int) -> None:
        count = max(1, requests_today // BEDROCK_PER_REQUESTS)
        records = []
        for index in range(count):
            roll, model = self.rng.random(), BEDROCK_MODELS[-1][0]
            running = 0.0
            for candidate, share in BEDROCK_MODELS:
                running += share
                if roll < running:
                    model = candidate
                    break
            seconds = 8 * 3600 + self.rng.randrange(10 * 3600)
            timestamp = f"{day.isoformat()}T{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}Z"
            blocked = index == 0  # one guardrail block a day: no token counts
            input_tokens = self.rng.randrange(500, 6000)
            reads = self.rng.choice((0, 0, self.rng.randrange(1000, 20000)))
            writes = self.rng.choice((0, self.rng.randrange(200, 3000)))
            writes_1h = writes // 3 if writes and self.rng.random() < 0.5 else 0
            output = self.rng.randrange(50, 1500)
            record = {
                "schemaType": "ModelInvocationLog",
                "schemaVersion": "1.0",
                "timestamp": timestamp,
                "accountId": "123456789012",
                "identity": {"arn": f"{BEDROCK_ROLE}/analyst-{self.rng.randrange(1, 6)}@example.com"},
                "region": "us-east-1",
                "requestId": f"{self.rng.getrandbits(128):032x}",
                "operation": "InvokeModel",
                "modelId": model,
                "requestMetadata": {
                    "team": "data-science",
                    "project": "ds-evaluation",
                    "feature": "model-evaluation",
                    "costCentre": "cc-1060",
                    "environment": "prod",
                },
                "input": {
                    "inputContentType": "application/json",
                    "inputBodyJson": {"messages": [{"role": "user", "content": "Grade this answer."}]},
                },
                "output": {"outputContentType": "application/json"},
            }
            if blocked:
                record["output"]["outputBodyJson"] = {"stop_reason": "guardrail_intervened"}
            else:
                record["input"] |= {
                    "inputTokenCount": input_tokens,
                    "cacheReadInputTokenCount": reads,
                    "cacheWriteInputTokenCount": writes,
                }
                record["output"] |= {
                    "outputTokenCount": output,
                    "outputBodyJson": {
                        "content": [{"type": "text", "text": "Score: 4/5."}],
                        "usage": {
                            "input_tokens": input_tokens,
                            "output_tokens": output,
                            "cache_creation": {
                                "ephemeral_5m_input_tokens": writes - writes_1h,
                                "ephemeral_1h_input_tokens": writes_1h,
                            },
                        },
                    },
                }
            records.append(_encode(record))
        self.summary.bedrock_records += len(records)
        folder = self.out_dir / "bedrock" / f"{day.year:04d}" / f"{day.month:02d}" / f"{day.day:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        with gzip.GzipFile(folder / "invocations.json.gz", "wb", mtime=0) as handle:
            handle.write(("\n".join(records) + "\n").encode("utf-8"))

    def _audit(self, day: date, readable: list, requests_today: int) -> None:
        count = max(1, requests_today // BLOCKED_PER_REQUESTS)
        events = []
        for index in range(count):
            attempt, line = readable[self.rng.randrange(len(readable))] if readable else (None, None)
            if line is None:
                break
            reason = BLOCK_REASONS[self.rng.randrange(len(BLOCK_REASONS))]
            missing = reason.split(": ")[1]
            tags = {key: value for key, value in attempt.request.tags.items() if key != missing}
            events.append(
                _encode(
                    {
                        "event_id": f"evt_{day.strftime('%Y%m%d')}_{index:04d}",
                        "timestamp": line["timestamp"],
                        "event_type": "request_blocked",
                        "reason": reason,
                        "request_id": f"blk_{self.rng.getrandbits(80):020x}",
                        "api_key_id": line["api_key_id"],
                        "provider": line["provider"],
                        "requested_model": line["requested_model"],
                        "tags": tags,
                    }
                )
            )
        self.summary.audit_events += len(events)
        if events:
            folder = self.out_dir / "gateway_audit"
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"blocked-{day.isoformat()}.jsonl").write_text("\n".join(events) + "\n", encoding="utf-8")

    # -- at the end: provider usage and cost pages, one page per provider and month

    def finish(self) -> OtherSourcesSummary:
        for (provider, month), buckets in sorted(self.usage.items()):
            days = sorted({key[0] for key in buckets})
            usage_page, cost_page = [], []
            for day_text in days:
                start = int(datetime.fromisoformat(day_text).replace(tzinfo=UTC).timestamp())
                rows = sorted(
                    ((key, value) for key, value in buckets.items() if key[0] == day_text),
                    key=lambda item: (item[0][1] or "", item[0][2]),
                )
                costs: dict[str, Decimal] = defaultdict(Decimal)
                results = []
                for (_, account, model), (inp, read, write, write_1h, out, requests, cost) in rows:
                    costs[account] += cost
                    if provider == "openai":
                        results.append(
                            {
                                "object": "organization.usage.completions.result",
                                "input_tokens": inp + read + write + write_1h,
                                "input_cached_tokens": read,
                                "input_cache_write_tokens": write + write_1h,
                                "input_uncached_tokens": inp,
                                "output_tokens": out,
                                "num_model_requests": requests,
                                "project_id": account,
                                "user_id": None,
                                "api_key_id": None,
                                "model": model,
                                "batch": False,
                                "service_tier": None,
                            }
                        )
                    else:
                        results.append(
                            {
                                "uncached_input_tokens": inp,
                                "cache_creation": {
                                    "ephemeral_5m_input_tokens": write,
                                    "ephemeral_1h_input_tokens": write_1h,
                                },
                                "cache_read_input_tokens": read,
                                "output_tokens": out,
                                "server_tool_use": {"web_search_requests": 0},
                                "api_key_id": None,
                                "workspace_id": account,
                                "model": model,
                                "service_tier": "standard",
                                "context_window": None,
                                "inference_geo": None,
                            }
                        )
                cost_results = []
                for account, cost in sorted(costs.items(), key=lambda item: item[0] or ""):
                    if provider == "openai":
                        value = cost.quantize(Decimal("0.000001"), ROUND_HALF_UP)
                        cost_results.append(
                            {
                                "object": "organization.costs.result",
                                "amount": {"value": float(value), "currency": "usd"},
                                "line_item": None,
                                "project_id": account,
                            }
                        )
                    else:
                        cents = (cost * 100).quantize(Decimal("0.0001"), ROUND_HALF_UP)
                        cost_results.append({"currency": "USD", "amount": str(cents), "workspace_id": account})
                end = start + 86_400
                if provider == "openai":
                    usage_page.append({"object": "bucket", "start_time": start, "end_time": end, "results": results})
                    cost_page.append(
                        {"object": "bucket", "start_time": start, "end_time": end, "results": cost_results}
                    )
                else:
                    iso = datetime.fromtimestamp(start, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
                    iso_end = datetime.fromtimestamp(end, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
                    usage_page.append({"starting_at": iso, "ending_at": iso_end, "results": results})
                    cost_page.append({"starting_at": iso, "ending_at": iso_end, "results": cost_results})
            folder = self.out_dir / f"{provider}_usage"
            folder.mkdir(parents=True, exist_ok=True)
            wrap = (
                (lambda data: {"object": "page", "data": data, "has_more": False, "next_page": None})
                if provider == "openai"
                else (lambda data: {"data": data, "has_more": False, "next_page": None})
            )
            usage_name = "completions" if provider == "openai" else "messages"
            (folder / f"{usage_name}_{month}.json").write_text(json.dumps(wrap(usage_page), indent=1) + "\n")
            (folder / f"costs_{month}.json").write_text(json.dumps(wrap(cost_page), indent=1) + "\n")
            self.summary.usage_files += 2
        return self.summary


def provider_accounts(seeds_dir: Path) -> dict[tuple[str, str], str]:
    """(provider, owner team) -> the team's OpenAI project or Anthropic workspace (seeds/provider_accounts.csv)."""
    accounts: dict[tuple[str, str], str] = {}
    with (seeds_dir / "provider_accounts.csv").open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["account_kind"] in ("project", "workspace"):
                accounts.setdefault((row["provider"], row["owner_team"]), row["account_id"])
    return accounts


def sample_files(out_dir: Path) -> list[Path]:
    """Files this module writes (so an earlier sample can be replaced without stale files)."""
    patterns = (
        "litellm/*/payloads.jsonl",
        "litellm/*/time-*.json",
        "litellm/*/spend_logs_*.csv",
        "otel/*/spans.jsonl",
        "bedrock/*/*/*/invocations.json.gz",
        "openai_usage/*_*.json",
        "anthropic_usage/*_*.json",
        "gateway_audit/blocked-*.jsonl",
    )
    return sorted(path for pattern in patterns for path in out_dir.glob(pattern))
