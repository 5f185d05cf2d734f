"""Deterministic sample data: gateway request logs (SPEC "The gateway log format") and provider invoices.

The sample exists to exercise the whole pipeline end to end, so besides realistic traffic (six teams with
different volumes and model mixes, caching, retries, a weekly and daily rhythm) it carries the defects the
field reports: missing, invalid and misspelled tags, retries and one retry storm, an unknown model, alias
model names, prompt text that must be dropped, duplicated lines and a few malformed lines. Prod tag defects
are kept small enough that the attribution contracts pass on every day and month of the default sample.

The invoices are what the providers would bill for exactly these attempts (each attempt once, malformed
lines included), at list price from seeds/model_prices.csv, minus each provider's usual discount.

Output is a pure function of the arguments: same arguments, byte-identical files.
"""

from __future__ import annotations

import argparse
import calendar
import csv
import json
import math
from bisect import bisect
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from random import Random

from orchestration.sample.other_sources import OtherSources, OtherSourcesSummary, provider_accounts, sample_files

SEEDS_DIR = Path(__file__).resolve().parents[2] / "seeds"
MAX_LINES_PER_FILE = 50_000

UNKNOWN_MODEL = "acme-ft-support-v2"
UNKNOWN_MODEL_PROVIDER = "openai"
# What the provider bills for the fine-tune that our price registry does not know (USD per million tokens).
UNKNOWN_MODEL_PRICE = (Decimal("1.0"), Decimal("4.0"))

CENT = Decimal("0.01")
MILLION = Decimal(1_000_000)

# Rates of the things the sample is meant to exercise (fractions).
RETRY_RATE = 0.03  # logical requests with 1-2 failed attempts before success
PARTIAL_FAILURE_SHARE = 0.30  # failed attempts that are partial streams with tokens consumed
CONTENT_FILTER_RATE = 0.003  # final attempt refused by the content filter (input consumed)
TIMEOUT_RATE = 0.002  # final attempt timed out, nothing consumed
UNKNOWN_MODEL_RATE = 0.002
PROD_MISSING_TAG_RATE = 0.006
PROD_INVALID_TAG_RATE = 0.003
ADHOC_TAG_RATE = 0.05  # dev and sandbox only
TAG_VARIANT_RATE = 0.04
NO_ENVIRONMENT_TAG_RATE = 0.02
PROMPT_TEXT_RATE = 0.03
ALIAS_NAME_RATE = 0.12  # selected_model logged under a dated or variant name
COMPACT_USAGE_RATE = 0.35  # usage objects that omit their zero counts
DUPLICATE_LINE_RATE = 0.002
MALFORMED_LINE_RATE = 0.0005
MIN_MALFORMED_LINES = 5  # one of each kind
STORM_SHARE = 0.015
WEEKEND_FACTOR = 0.35

ENVIRONMENTS = (("prod", 75), ("staging", 12), ("dev", 10), ("sandbox", 3))
ROUTE_REASONS = (
    ("default", 80),
    ("cost_optimized", 7),
    ("latency", 5),
    ("fallback_rate_limited", 3),
    ("pinned", 5),
)
# Relative request volume per UTC hour: Europe's working day overlapping the US morning.
HOUR_WEIGHTS = (
    2,
    1.5,
    1.2,
    1,
    1,
    1.2,
    2,
    3.5,
    5.5,
    7,
    8,
    8.5,
    9,
    9.5,
    9.5,
    9,
    8.5,
    7.5,
    6,
    5,
    4,
    3.5,
    3,
    2.5,
)
DAY_MS = 86_400_000
# Latest start of a trace, so that its calls and retries stay inside the day (and its file).
LAST_TRACE_START_MS = DAY_MS - 15 * 60_000

# A smaller or faster model the router may pick instead of the one requested (cost_optimized, latency).
DOWNGRADED_FROM = {
    "gpt-5.6-luna": "gpt-5.6-terra",
    "gpt-4.1-mini": "gpt-5.6-luna",
    "gpt-4o-mini": "gpt-4.1-mini",
    "claude-haiku-4-5": "claude-sonnet-4-5",
    "claude-sonnet-4-5": "claude-opus-4-1",
    "gemini-2.5-flash": "gemini-2.5-pro",
}
# The model that was requested when the router fell back to another provider after a 429.
FALLBACK_FROM = {
    "claude-sonnet-4-5": "gpt-5.6-terra",
    "gpt-5.6-terra": "claude-sonnet-4-5",
    "claude-haiku-4-5": "gpt-5.6-luna",
    "gpt-5.6-luna": "claude-haiku-4-5",
    "gemini-2.5-flash": "gpt-4.1-mini",
    "gpt-4.1-mini": "gemini-2.5-flash",
    "gpt-4o-mini": "gemini-2.5-flash",
    "gemini-2.5-pro": "claude-sonnet-4-5",
    "claude-opus-4-1": "gpt-5.6-terra",
}
# (probability of a cache read, of a 5-minute cache write, of a 1-hour cache write) per model.
CACHE_BEHAVIOUR = {
    "claude-sonnet-4-5": (0.60, 0.25, 0.05),
    "claude-haiku-4-5": (0.55, 0.25, 0.04),
    "claude-opus-4-1": (0.60, 0.30, 0.06),
    "gpt-5.6-terra": (0.50, 0.10, 0.0),
    "gpt-5.6-luna": (0.45, 0.08, 0.0),
    "gpt-4.1-mini": (0.35, 0.0, 0.0),
    "gpt-4o-mini": (0.30, 0.0, 0.0),
    "gemini-2.5-flash": (0.35, 0.0, 0.0),
    "gemini-2.5-pro": (0.40, 0.0, 0.0),
}
REASONING_MODELS = {"gpt-5.6-terra": 0.40, "gpt-5.6-luna": 0.25}
# Milliseconds per output token, a rough streaming speed per model.
MS_PER_OUTPUT_TOKEN = {
    "gpt-5.6-terra": 18,
    "gpt-5.6-luna": 10,
    "gpt-4.1-mini": 8,
    "gpt-4o-mini": 7,
    "claude-sonnet-4-5": 15,
    "claude-haiku-4-5": 7,
    "claude-opus-4-1": 30,
    "gemini-2.5-flash": 5,
    "gemini-2.5-pro": 14,
    UNKNOWN_MODEL: 9,
}
# Caps per token kind keep the total input of any attempt below 150,000 tokens.
MAX_INPUT_TOKENS = 70_000
MAX_CACHE_READ_TOKENS = 60_000
MAX_CACHE_WRITE_TOKENS = 9_000
MAX_OUTPUT_TOKENS = 16_000


@dataclass(frozen=True)
class _Feature:
    service: str
    templates: tuple[str, ...]
    models: tuple[tuple[str, float], ...]  # (billable model, weight)
    intents: tuple[tuple[str, float], ...]
    # Log-normal token profile: median and sigma of uncached input, median and sigma of output.
    tokens: tuple[int, float, int, float]
    has_tenant: bool = True
    has_end_user: bool = True


FEATURES = {
    "query-rewrite": _Feature(
        service="search-api",
        templates=("query_rewrite_v3", "query_rewrite_v4"),
        models=(("gpt-4.1-mini", 5), ("gemini-2.5-flash", 3), ("gpt-5.6-luna", 2)),
        intents=(("retrieval", 7), ("production_response", 2), ("draft", 1)),
        tokens=(350, 0.5, 60, 0.4),
    ),
    "answer-summaries": _Feature(
        service="search-answers",
        templates=("answer_summary_v7", "answer_summary_v8_experiment"),
        models=(("gpt-5.6-terra", 4), ("claude-sonnet-4-5", 3.5), ("gemini-2.5-pro", 2.5)),
        intents=(("production_response", 85), ("draft", 10), ("evaluation", 5)),
        tokens=(5000, 0.6, 450, 0.5),
    ),
    "ticket-summarization": _Feature(
        service="support-assistant-worker",
        templates=("ticket_summary_v2",),
        models=(("claude-haiku-4-5", 6), ("gpt-4o-mini", 4)),
        intents=(("extraction", 6), ("production_response", 4)),
        tokens=(2500, 0.7, 220, 0.4),
    ),
    "reply-drafting": _Feature(
        service="support-assistant-api",
        templates=("reply_draft_v5", "reply_draft_v5_short"),
        models=(("claude-sonnet-4-5", 5), ("gpt-5.6-luna", 5)),
        intents=(("draft", 7), ("production_response", 3)),
        tokens=(3000, 0.6, 380, 0.5),
    ),
    "ticket-triage": _Feature(
        service="support-triage",
        templates=("triage_classifier_v9",),
        models=(("gpt-4o-mini", 7), ("gemini-2.5-flash", 3)),
        intents=(("classification", 1),),
        tokens=(700, 0.4, 12, 0.3),
    ),
    "email-personalization": _Feature(
        service="growth-campaigns",
        templates=("email_personalize_v3", "email_subject_line_v1"),
        models=(("gpt-5.6-luna", 6), ("claude-haiku-4-5", 4)),
        intents=(("batch_job", 5), ("draft", 5)),
        tokens=(1200, 0.4, 300, 0.4),
    ),
    "landing-copy": _Feature(
        service="growth-web",
        templates=("landing_copy_v2",),
        models=(("claude-sonnet-4-5", 5), ("gpt-5.6-terra", 5)),
        intents=(("draft", 1),),
        tokens=(2500, 0.5, 1200, 0.5),
        has_end_user=False,
    ),
    "call-notes": _Feature(
        service="sales-copilot-api",
        templates=("call_notes_v4", "call_notes_action_items_v1"),
        models=(("claude-opus-4-1", 4), ("claude-sonnet-4-5", 4), ("gpt-5.6-terra", 2)),
        intents=(("extraction", 6), ("production_response", 4)),
        tokens=(14000, 0.6, 1500, 0.5),
    ),
    "lead-scoring": _Feature(
        service="sales-scoring",
        templates=("lead_score_v6",),
        models=(("gpt-5.6-terra", 6), ("gemini-2.5-pro", 4)),
        intents=(("classification", 1),),
        tokens=(5000, 0.5, 150, 0.4),
    ),
    "router-evals": _Feature(
        service="llm-router-evals",
        templates=("router_eval_judge_v2", "router_eval_pairwise_v1"),
        models=(("gpt-4.1-mini", 4), ("claude-haiku-4-5", 3), ("gemini-2.5-flash", 3)),
        intents=(("evaluation", 1),),
        tokens=(2500, 0.6, 250, 0.6),
        has_tenant=False,
        has_end_user=False,
    ),
    "model-evaluation": _Feature(
        service="ds-eval-runner",
        templates=("eval_rubric_v3", "eval_reference_answers_v2"),
        models=(
            ("gemini-2.5-pro", 3),
            ("claude-opus-4-1", 2),
            ("gpt-5.6-terra", 3),
            ("claude-sonnet-4-5", 2),
        ),
        intents=(("evaluation", 7), ("batch_job", 3)),
        tokens=(9000, 0.7, 900, 0.6),
        has_tenant=False,
        has_end_user=False,
    ),
    "churn-insights": _Feature(
        service="ds-churn-pipeline",
        templates=("churn_reason_extract_v2",),
        models=(("gpt-5.6-luna", 5), ("gemini-2.5-flash", 5)),
        intents=(("extraction", 6), ("batch_job", 4)),
        tokens=(7000, 0.6, 600, 0.5),
        has_end_user=False,
    ),
}

# Workflows: (name, share of all requests, steps of (feature, min calls, max calls)). One trace runs one
# workflow; the shares set team volumes (support and search many cheap calls, sales few expensive ones).
WORKFLOWS = (
    ("search-answer", 18, (("query-rewrite", 1, 1), ("answer-summaries", 1, 1))),
    ("query-suggest", 10, (("query-rewrite", 1, 2),)),
    ("ticket-intake", 18, (("ticket-triage", 1, 1), ("ticket-summarization", 1, 1))),
    ("agent-reply", 12, (("reply-drafting", 1, 3),)),
    ("auto-triage", 10, (("ticket-triage", 1, 1),)),
    ("email-campaign", 7, (("email-personalization", 1, 4),)),
    ("landing-refresh", 3, (("landing-copy", 1, 2),)),
    ("call-followup", 3, (("call-notes", 1, 1), ("lead-scoring", 1, 1))),
    ("lead-refresh", 2, (("lead-scoring", 1, 1),)),
    ("router-eval-suite", 8, (("router-evals", 2, 4),)),
    ("offline-eval", 5, (("model-evaluation", 2, 5),)),
    ("churn-analysis", 4, (("churn-insights", 1, 2),)),
)
# (status_code, error_category, outcome_status) of the common attempt outcomes.
SUCCESS = (200, None, "success")
PARTIAL_TIMEOUT = (200, "timeout", "partial")
PARTIAL_SERVER_ERROR = (500, "server_error", "partial")
CONTENT_FILTERED = (400, "content_filter", "error")
TIMED_OUT = (504, "timeout", "error")
NO_TOKENS = (0, 0, 0, 0, 0, 0)
UNKNOWN_MODEL_FEATURES = ("ticket-triage", "reply-drafting")
STORM_FEATURE = "router-evals"
STORM_MODEL = "claude-haiku-4-5"

# Spellings seen in the field; only those that trim + lower case + the alias seed resolve are used.
TAG_VARIANTS = {
    "owner_team": {
        "growth": ("Growth", "growth-team", "GROWTH"),
        "support": ("customer-support", "cust-support", "Support"),
        "search": (" search ", "search-team", "Search"),
        "data-science": ("ds", "data_science", "Data-Science"),
        "sales": ("Sales", " sales"),
        "platform": ("PLATFORM", "Platform "),
    },
    "feature": {
        "ticket-summarization": ("Ticket Summarization", "ticket_summarization"),
        "reply-drafting": ("reply_drafting", "Reply-Drafting"),
        "call-notes": ("call_notes", "Call-Notes"),
    },
    "project_id": {"support-assistant": ("support_assistant",)},
    "cost_center": {"cc-1020": ("1020",), "cc-1030": ("cc1030",)},
}
INVALID_TAG_VALUES = {
    "owner_team": ("growht", "suport", "search-infra"),
    "feature": ("misc", "summarizer-v2", "test"),
    "cost_center": ("cc-9999", "cc-0000", "marketing"),
}
REQUIRED_TAGS = ("owner_team", "feature", "cost_center")
ADHOC_FEATURES = ("prompt-playground", "notebook-scratch", "eval-sandbox", "new-idea-test")

PROVIDER_DISCOUNTS = {
    "openai": ("discount", "Committed use discount", Decimal("0.04")),
    "anthropic": ("discount", "Volume discount", Decimal("0.05")),
    "google": ("credit", "Promotional credit", Decimal("0.02")),
}
INVOICE_COLUMNS = (
    "invoice_id",
    "provider",
    "billing_period_start",
    "billing_period_end",
    "line_type",
    "description",
    "amount_usd",
    "currency",
)

_USERS = ("jane.doe", "m.rossi", "li.wei", "a.kowalski", "sam.taylor", "noor.haddad", "j.muller", "ana.souza")
_PROMPTS = (
    "Summarize this ticket from {email}: the invoice for June was charged twice.",
    "Draft a friendly reply to {email} explaining how to reset two-factor authentication.",
    "Rewrite the search query 'cheap flights lisbon october' for the product catalog. Contact: {email}",
    "Extract action items from the call notes with {email} (Zoë from procurement joined late).",
    "Write a subject line for {email}, who abandoned the checkout with 3 items.",
)
_RESPONSES = (
    "Sure. Here is a short summary: duplicate charge on the June invoice; refund requested.",
    "Hi! To reset two-factor authentication, open Settings > Security and choose 'Reset device'.",
    "cheap flights to Lisbon in October, economy, flexible dates",
    "1. Send the revised quote to {email}. 2. Schedule a security review. 3. Follow up on Friday.",
    "Still thinking it over? Your 3 items are waiting for you.",
)


@dataclass(frozen=True)
class InvoiceTotal:
    list_cost_usd: Decimal  # exact list cost of the provider's attempts in the month
    usage_usd: Decimal  # sum of the usage lines (each rounded to cents)
    adjustment_usd: Decimal  # discount or credit, negative
    total_usd: Decimal


@dataclass(frozen=True)
class SampleSummary:
    files_written: int  # gateway JSONL files
    lines_written: int  # all gateway lines, duplicates and malformed lines included
    attempts: int  # distinct attempts, i.e. lines_written - duplicate_lines
    requests: int  # logical requests
    malformed_lines: int
    duplicate_lines: int
    invoice_files: int
    # (provider, "YYYY-MM") -> the invoice's totals
    invoice_totals: dict[tuple[str, str], InvoiceTotal]
    # (provider, "YYYY-MM", billable model) -> exact list cost of the attempts whose lines are malformed; the
    # provider bills them although no loader can read them
    malformed_list_cost_usd: dict[tuple[str, str, str], Decimal]
    # LiteLLM, OTel, Bedrock, provider usage pages and audit events written beside the gateway log
    other_sources: OtherSourcesSummary | None = None


# ---------------------------------------------------------------------------------------------- registries


@dataclass(frozen=True)
class _PriceRow:
    model: str
    effective_from: date
    effective_to: date | None
    # input, cache read, 5-minute cache write, 1-hour cache write, output; fallbacks already applied
    prices: tuple[Decimal, Decimal, Decimal, Decimal, Decimal]

    @property
    def approximate(self) -> tuple[float, ...]:
        return tuple(float(price) for price in self.prices)

    @property
    def scale(self) -> int:
        """Decimal places needed to write every price as an integer."""
        return max(0, *(-price.as_tuple().exponent for price in self.prices))


@dataclass(frozen=True)
class _Registries:
    team_cost_center: dict[str, str]
    feature_project: dict[str, str]
    project_team: dict[str, str]
    project_cost_center: dict[str, str]
    keys: dict[tuple[str, str], str]  # (owner_team, environment) -> api_key_id
    shared_batch_key: str | None
    aliases: dict[str, tuple[str, ...]]  # billable model -> logged names
    tag_aliases: dict[tuple[str, str], str]  # (tag, alias value) -> canonical value
    model_provider: dict[str, str]
    prices: dict[str, tuple[_PriceRow, ...]]


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _load_registries(seeds_dir: Path) -> _Registries:
    teams = _read_csv(seeds_dir / "owner_teams.csv")
    projects = _read_csv(seeds_dir / "projects.csv")
    features = _read_csv(seeds_dir / "features.csv")
    keys: dict[tuple[str, str], str] = {}
    shared_batch_key = None
    for row in _read_csv(seeds_dir / "api_keys.csv"):
        if not row["named_owner"].strip():
            # A key nobody owns is the shared batch key; it never stands for a team's environment.
            shared_batch_key = shared_batch_key or row["api_key_id"]
            continue
        keys.setdefault((row["owner_team"], row["environment"]), row["api_key_id"])
    aliases: dict[str, list[str]] = {}
    for row in _read_csv(seeds_dir / "model_aliases.csv"):
        aliases.setdefault(row["billable_model"], []).append(row["logged_model"])
    prices: dict[str, list[_PriceRow]] = {}
    model_provider: dict[str, str] = {}
    for row in _read_csv(seeds_dir / "model_prices.csv"):
        price_in = Decimal(row["input_usd_per_mtok"])
        cache_read = Decimal(row["cache_read_usd_per_mtok"] or row["input_usd_per_mtok"])
        cache_write = Decimal(row["cache_write_usd_per_mtok"] or row["input_usd_per_mtok"])
        cache_write_1h = Decimal(
            row["cache_write_1h_usd_per_mtok"] or row["cache_write_usd_per_mtok"] or row["input_usd_per_mtok"]
        )
        prices.setdefault(row["model"], []).append(
            _PriceRow(
                model=row["model"],
                effective_from=date.fromisoformat(row["effective_from"]),
                effective_to=date.fromisoformat(row["effective_to"]) if row["effective_to"] else None,
                prices=(
                    price_in,
                    cache_read,
                    cache_write,
                    cache_write_1h,
                    Decimal(row["output_usd_per_mtok"]),
                ),
            )
        )
        model_provider[row["model"]] = row["provider"]
    unknown_in, unknown_out = UNKNOWN_MODEL_PRICE
    prices[UNKNOWN_MODEL] = [
        _PriceRow(
            UNKNOWN_MODEL,
            date(1970, 1, 1),
            None,
            (unknown_in, unknown_in, unknown_in, unknown_in, unknown_out),
        )
    ]
    model_provider[UNKNOWN_MODEL] = UNKNOWN_MODEL_PROVIDER
    return _Registries(
        team_cost_center={row["owner_team"]: row["default_cost_center"] for row in teams},
        feature_project={row["feature"]: row["project_id"] for row in features},
        project_team={row["project_id"]: row["owner_team"] for row in projects},
        project_cost_center={row["project_id"]: row["cost_center"] for row in projects},
        keys=keys,
        shared_batch_key=shared_batch_key,
        aliases={model: tuple(names) for model, names in sorted(aliases.items())},
        tag_aliases={
            (row["tag_name"], row["alias_value"]): row["canonical_value"]
            for row in _read_csv(seeds_dir / "tag_value_aliases.csv")
        },
        model_provider=model_provider,
        prices={model: tuple(sorted(rows, key=lambda r: r.effective_from)) for model, rows in prices.items()},
    )


def _price_row(registries: _Registries, model: str, day: date) -> _PriceRow:
    for row in registries.prices[model]:
        if row.effective_from <= day and (row.effective_to is None or day < row.effective_to):
            return row
    raise ValueError(f"seeds/model_prices.csv has no price for {model} on {day.isoformat()}")


# -------------------------------------------------------------------------------------- pricing and utilities


def list_cost_usd(prices: tuple[Decimal, ...], tokens: tuple[int, int, int, int, int]) -> Decimal:
    """Exact list cost of (input, cache read, cache write, 1-hour cache write, output) tokens."""
    return sum((Decimal(count) * price for count, price in zip(tokens, prices, strict=True)), Decimal(0)) / MILLION


class _CostRounder:
    """List cost rounded half up to 8 decimals, in integer arithmetic: it runs once per OpenAI line.

    Equal to list_cost_usd(...).quantize(Decimal("1E-8"), ROUND_HALF_UP) for non-negative token counts.
    """

    __slots__ = ("scaled", "drop", "half")

    def __init__(self, row: _PriceRow) -> None:
        scale = row.scale
        self.scaled = tuple(int(price.scaleb(scale)) for price in row.prices)
        # The cost is sum(tokens * scaled) / 10**(6 + scale); 8 decimals keep all but (scale - 2) digits.
        self.drop = scale - 2
        self.half = 5 * 10 ** (self.drop - 1) if self.drop > 0 else 0

    def __call__(self, tokens: tuple[int, int, int, int, int]) -> float:
        scaled = self.scaled
        units = (
            tokens[0] * scaled[0]
            + tokens[1] * scaled[1]
            + tokens[2] * scaled[2]
            + tokens[3] * scaled[3]
            + tokens[4] * scaled[4]
        )
        if self.drop > 0:
            units = (units + self.half) // 10**self.drop
        elif self.drop < 0:
            units *= 10**-self.drop
        return units / 1e8


class _Rng(Random):
    """Random with the few cheap draws the hot loop needs (randrange and lognormvariate cost more)."""

    def below(self, n: int) -> int:
        return int(self.random() * n)

    def between(self, low: int, high: int) -> int:
        """An integer in [low, high)."""
        return low + int(self.random() * (high - low))

    def lognormal(self, mu: float, sigma: float) -> float:
        return math.exp(self.gauss(mu, sigma))


class _Choice:
    """Weighted choice by bisection over precomputed cumulative weights (cheaper than Random.choices)."""

    __slots__ = ("values", "cumulative")

    def __init__(self, pairs: tuple[tuple[object, float], ...] | list[tuple[object, float]]) -> None:
        self.values = tuple(value for value, _ in pairs)
        running = 0.0
        cumulative: list[float] = []
        for _, weight in pairs:
            running += weight
            cumulative.append(running)
        # The last bound is left out, so every draw in [0, 1) lands on a value.
        self.cumulative = [value / running for value in cumulative[:-1]]

    def pick(self, rng: Random) -> object:
        return self.values[bisect(self.cumulative, rng.random())]


_MASK80 = (1 << 80) - 1


def _mix80(value: int) -> int:
    """A bijection on 80-bit integers: distinct counters give distinct, random-looking ids."""
    value &= _MASK80
    value ^= value >> 41
    value = (value * 0x9E3779B97F4A7C15F39D) & _MASK80
    value ^= value >> 37
    value = (value * 0xC2B2AE3D27D4EB4F1B87) & _MASK80
    value ^= value >> 43
    return value


def _route_policy_version(day: date) -> str:
    # Routing policy releases roll out on the 12th of each month.
    year, month = day.year, day.month
    if day.day < 12:
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return f"rp-{year:04d}.{month:02d}"


def _allocate(total: int, weights: list[float]) -> list[int]:
    """Split total into integer parts proportional to weights (largest remainder, ties by position)."""
    weight_sum = sum(weights)
    if total <= 0 or weight_sum <= 0:
        return [0] * len(weights)
    raw = [total * weight / weight_sum for weight in weights]
    parts = [int(value) for value in raw]
    order = sorted(range(len(weights)), key=lambda i: (-(raw[i] - parts[i]), i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def _normalize_tag(registries: _Registries, tag: str, value: str) -> str:
    cleaned = value.strip().lower()
    return registries.tag_aliases.get((tag, cleaned), cleaned)


class _Quota:
    """Turns a rate into whole counts per batch, carrying the remainder so that small batches still add up."""

    __slots__ = ("rate", "carry")

    def __init__(self, rate: float) -> None:
        self.rate = rate
        self.carry = 0.0

    def take(self, size: int) -> int:
        self.carry += self.rate * size
        count = int(self.carry)
        self.carry -= count
        return count


# ----------------------------------------------------------------------------------------------- records


class _Request:
    __slots__ = (
        "tags",
        "environment",
        "has_environment_tag",
        "is_adhoc",
        "attempts",
        "cost",
        "root_id",
    )

    def __init__(self, tags: dict, environment: str, has_environment_tag: bool) -> None:
        self.tags = tags
        self.environment = environment
        self.has_environment_tag = has_environment_tag
        self.is_adhoc = False
        self.attempts: list[_Attempt] = []
        self.cost = 0.0  # rough float list cost, only to rank requests
        self.root_id = ""


class _Attempt:
    """One attempt. Its line is kept in two parts around the tags, which change with the day's defects."""

    __slots__ = (
        "time_ms",
        "sequence",
        "request_id",
        "timestamp",
        "head",
        "tail",
        "provider",
        "model",
        "price_row",
        "tokens",
        "request",
        "line",
        "malformed",
    )

    def __init__(
        self,
        time_ms: int,
        sequence: int,
        request_id: str,
        timestamp: str,
        head: str,
        tail: str,
        provider: str,
        model: str,
        price_row: _PriceRow,
        tokens: tuple[int, int, int, int, int],
        request: _Request,
    ) -> None:
        self.time_ms = time_ms
        self.sequence = sequence
        self.request_id = request_id
        self.timestamp = timestamp
        self.head = head
        self.tail = tail
        self.provider = provider
        self.model = model
        self.price_row = price_row
        self.tokens = tokens
        self.request = request
        self.line = ""
        self.malformed = False


_encode = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode

USAGE_KEYS = (
    "input_tokens",
    "cache_read_tokens",
    "cache_write_tokens",
    "cache_write_1h_tokens",
    "output_tokens",
    "reasoning_tokens",
)
_FULL_USAGE = "{" + ",".join(f'"{key}":%d' for key in USAGE_KEYS) + "}"


def _usage_json(tokens: tuple[int, ...], compact: bool) -> str:
    if compact:
        return "{" + ",".join(f'"{key}":{value}' for key, value in zip(USAGE_KEYS, tokens, strict=True) if value) + "}"
    return _FULL_USAGE % tokens


# ---------------------------------------------------------------------------------------------- generator


class _Generator:
    def __init__(
        self, out_dir: Path, requests: int, days: int, seed: int, start: date, seeds_dir: Path, max_lines: int
    ) -> None:
        self.out_dir = out_dir
        self.requests = requests
        self.days = days
        self.start = start
        self.max_lines = max_lines
        self.rng = _Rng(seed)
        self.id_key = self.rng.getrandbits(80)
        self.id_counter = 0
        self.sequence = 0
        self.reg = _load_registries(seeds_dir)
        self._prepare_choices()
        self.usage_totals: dict[tuple[str, str, str, date], list] = {}
        self.malformed_cost: dict[tuple[str, str, str], Decimal] = {}
        self.files_written = 0
        self.lines_written = 0
        self.duplicate_lines = 0
        self.malformed_lines = 0
        self.attempt_count = 0
        self.unknown_quota = _Quota(UNKNOWN_MODEL_RATE)
        self.duplicate_quota = _Quota(DUPLICATE_LINE_RATE)
        # The other exports draw from their own random stream: the gateway lines stay what they were.
        self.others = OtherSources(
            out_dir,
            seed,
            provider_accounts(seeds_dir),
            UNKNOWN_MODEL,
            lambda team: _normalize_tag(self.reg, "owner_team", team),
        )

    # -- setup

    def _prepare_choices(self) -> None:
        reg = self.reg
        self.features: dict[str, dict] = {}
        for name, profile in sorted(FEATURES.items()):
            project = reg.feature_project.get(name)
            team = reg.project_team.get(project or "")
            models = [(model, weight) for model, weight in profile.models if model in reg.model_provider]
            if project is None or team is None or not models:
                continue  # the registries no longer know the feature or its models
            input_median, input_sigma, output_median, output_sigma = profile.tokens
            self.features[name] = {
                "name": name,
                "profile": profile,
                "team": team,
                "project": project,
                "cost_center": reg.project_cost_center.get(project) or reg.team_cost_center[team],
                "models": _Choice(models),
                "intents": _Choice(profile.intents),
                "templates": profile.templates,
                "input_mu": math.log(input_median),
                "input_sigma": input_sigma,
                "output_mu": math.log(output_median),
                "output_sigma": output_sigma,
                # Cached prefixes (system prompt, documents) are larger than the fresh part of a prompt.
                "cache_mu": math.log(input_median * 1.5),
                "write_mu": math.log(max(input_median * 0.4, 200)),
            }
        workflows = []
        for name, share, steps in WORKFLOWS:
            steps = tuple(step for step in steps if step[0] in self.features)
            if not steps:
                continue
            mean_calls = sum((low + high) / 2 for _, low, high in steps)
            workflows.append(((name, steps, self.features[steps[0][0]]["team"]), share / mean_calls))
        self.workflows = _Choice(workflows)
        self.environments = _Choice(ENVIRONMENTS)
        self.route_reasons = _Choice(ROUTE_REASONS)
        self.hours = _Choice(list(enumerate(HOUR_WEIGHTS)))
        # Tenants follow a long tail: a few large customers send most of the traffic.
        self.tenants = _Choice([(f"tenant-{i:04d}", 1.0 / (i + 1) ** 0.9) for i in range(1, 401)])
        self.variants: dict[str, list[tuple[str, str]]] = {}
        for name, feature in self.features.items():
            canonical = {
                "owner_team": feature["team"],
                "feature": name,
                "project_id": feature["project"],
                "cost_center": feature["cost_center"],
            }
            options = []
            for tag, value in canonical.items():
                spellings = list(TAG_VARIANTS.get(tag, {}).get(value, ()))
                spellings.append(value.upper())
                options += [
                    (tag, spelling)
                    for spelling in spellings
                    if spelling != value and _normalize_tag(self.reg, tag, spelling) == value
                ]
            self.variants[name] = options
        self.prompt_texts = [
            ',"messages":'
            + _encode([{"role": "user", "content": prompt.format(email=f"{user}@example.com")}])
            + ',"response":'
            + _encode(response.format(email=f"{user}@example.com"))
            for user in _USERS
            for prompt, response in zip(_PROMPTS, _RESPONSES, strict=True)
        ]
        # JSON fragments of values that repeat on many lines, encoded once.
        self.routing_fragments: dict[tuple, str] = {}
        self.string_fragments: dict[str, str] = {}

    def _next_request_id(self) -> str:
        self.id_counter += 1
        return f"req_{_mix80(self.id_counter ^ self.id_key):020x}"

    # -- the run

    def run(self) -> SampleSummary:
        rng = self.rng
        days = [self.start + timedelta(days=i) for i in range(self.days)]
        (self.out_dir / "gateway").mkdir(parents=True, exist_ok=True)
        storm_requests = round(self.requests * STORM_SHARE) if self.requests >= 200 else 0
        weights = [
            (1.0 if day.weekday() < 5 else WEEKEND_FACTOR) * (1 + 0.004 * i) * rng.uniform(0.92, 1.08)
            for i, day in enumerate(days)
        ]
        per_day = _allocate(self.requests - storm_requests, weights)
        storm_index = self.days // 2
        while storm_index < self.days - 1 and days[storm_index].weekday() >= 5:
            storm_index += 1
        if self.requests >= 1000:
            malformed_total = max(MIN_MALFORMED_LINES, round(self.requests * MALFORMED_LINE_RATE))
        else:
            malformed_total = min(MIN_MALFORMED_LINES, self.requests // 100)
        malformed_days = (
            sorted(rng.choices(range(self.days), weights=[max(n, 0) for n in per_day], k=malformed_total))
            if malformed_total and sum(per_day)
            else []
        )
        kind_counter = 0
        for index, day in enumerate(days):
            storm = storm_requests if index == storm_index else 0
            malformed_here = malformed_days.count(index)
            kinds = [(kind_counter + k) % 5 for k in range(malformed_here)]
            kind_counter += malformed_here
            self._day(day, per_day[index], storm, kinds)
        invoice_files, totals = self._write_invoices(days)
        others = self.others.finish()
        return SampleSummary(
            files_written=self.files_written,
            lines_written=self.lines_written,
            attempts=self.attempt_count,
            requests=self.requests,
            malformed_lines=self.malformed_lines,
            duplicate_lines=self.duplicate_lines,
            invoice_files=invoice_files,
            invoice_totals=totals,
            malformed_list_cost_usd=dict(sorted(self.malformed_cost.items())),
            other_sources=others,
        )

    def _day(self, day: date, count: int, storm: int, malformed_kinds: list[int]) -> None:
        rng = self.rng
        context = {
            "day": day,
            "prefix": day.isoformat() + "T",
            "policy": _route_policy_version(day),
            "prices": {},
        }
        requests: list[_Request] = []
        unknown_due = self.unknown_quota.take(count)
        unknown_positions = sorted(rng.sample(range(count), min(unknown_due, count))) if count else []
        produced = 0
        while produced < count:
            (workflow, steps, team) = self.workflows.pick(rng)
            trace_id = f"{rng.getrandbits(128):032x}"
            environment = self.environments.pick(rng)
            has_environment_tag = rng.random() >= NO_ENVIRONMENT_TAG_RATE
            tenant = self.tenants.pick(rng)
            end_user = f"user-{rng.between(1, 6000):04d}@example.com"
            hour = self.hours.pick(rng)
            time_ms = min(hour * 3_600_000 + rng.below(3_600_000), LAST_TRACE_START_MS)
            trace = {
                "trace_id": trace_id,
                "team": team,
                "workflow": workflow,
                "environment": environment,
                "has_environment_tag": has_environment_tag,
                "tenant": tenant,
                "end_user": end_user,
            }
            for feature_name, low, high in steps:
                for _ in range(low if low == high else rng.randint(low, high)):
                    if produced >= count:
                        break
                    use_unknown = False
                    if (
                        unknown_positions
                        and unknown_positions[0] <= produced
                        and feature_name in UNKNOWN_MODEL_FEATURES
                    ):
                        unknown_positions.pop(0)
                        use_unknown = True
                    request, time_ms = self._request(context, trace, self.features[feature_name], time_ms, use_unknown)
                    requests.append(request)
                    produced += 1
                    time_ms += rng.between(50, 1500)
        for _ in range(storm):
            requests.append(self._storm_request(context))
        self._tag_defects(requests)

        attempts = [attempt for request in requests for attempt in request.attempts]
        attempts.sort(key=lambda a: (a.time_ms, a.sequence))
        self._account(day, attempts)
        for request in requests:
            tags = _encode(request.tags)
            for attempt in request.attempts:
                attempt.line = attempt.head + tags + attempt.tail
        self._malform(day, attempts, malformed_kinds)
        self._write_day(day, attempts)
        self.others.add_day(day, attempts, count + storm, list_cost_usd)

    # -- one logical request and its attempts

    def _prices(self, context: dict, model: str) -> tuple[_PriceRow, tuple[float, ...], _CostRounder]:
        """The price row in force on the day, with its float prices and 8-decimal rounder, once per day."""
        entry = context["prices"].get(model)
        if entry is None:
            row = _price_row(self.reg, model, context["day"])
            entry = context["prices"][model] = (row, row.approximate, _CostRounder(row))
        return entry

    def _tags(self, trace: dict, feature: dict, intent: str, template: str) -> dict:
        profile = feature["profile"]
        tags = {
            "owner_team": feature["team"],
            "project_id": feature["project"],
            "feature": feature["name"],
            "cost_center": feature["cost_center"],
            "environment": trace["environment"],
            "request_intent": intent,
            "service": profile.service,
            "tenant_id": trace["tenant"],
            "end_user_id": trace["end_user"],
            "prompt_template": template,
            "workflow_id": f"wf-{trace['workflow']}",
        }
        if not trace["has_environment_tag"]:
            del tags["environment"]
        if not profile.has_tenant:
            del tags["tenant_id"]
        if not profile.has_end_user:
            del tags["end_user_id"]
        return tags

    def _api_key(self, team: str, environment: str, intent: str) -> str:
        keys = self.reg.keys
        if environment == "prod" and intent == "batch_job" and self.reg.shared_batch_key and self.rng.random() < 0.5:
            return self.reg.shared_batch_key
        return keys.get((team, environment)) or keys.get((team, "prod")) or f"key-{team}-prod"

    def _tokens(self, feature: dict, model: str) -> tuple[int, int, int, int, int, int]:
        rng = self.rng
        input_tokens = min(MAX_INPUT_TOKENS, max(5, int(rng.lognormal(feature["input_mu"], feature["input_sigma"]))))
        output_tokens = min(
            MAX_OUTPUT_TOKENS, max(1, int(rng.lognormal(feature["output_mu"], feature["output_sigma"])))
        )
        cache_read = cache_write = cache_write_1h = reasoning = 0
        behaviour = CACHE_BEHAVIOUR.get(model)
        if behaviour is not None:
            p_read, p_write, p_write_1h = behaviour
            if rng.random() < p_read:
                cache_read = min(MAX_CACHE_READ_TOKENS, int(rng.lognormal(feature["cache_mu"], 0.5)))
            if p_write and rng.random() < p_write:
                cache_write = min(MAX_CACHE_WRITE_TOKENS, int(rng.lognormal(feature["write_mu"], 0.5)))
            if p_write_1h and rng.random() < p_write_1h:
                cache_write_1h = min(MAX_CACHE_WRITE_TOKENS, int(rng.lognormal(feature["write_mu"], 0.5)))
        reasoning_share = REASONING_MODELS.get(model)
        if reasoning_share and rng.random() < reasoning_share:
            # Reasoning tokens are billed as output and counted inside output_tokens.
            reasoning = int(output_tokens * rng.uniform(0.3, 2.0))
            output_tokens = min(MAX_OUTPUT_TOKENS, output_tokens + reasoning)
            reasoning = min(reasoning, output_tokens)
        return input_tokens, cache_read, cache_write, cache_write_1h, output_tokens, reasoning

    def _routing(self, model: str) -> tuple[str, str, str, bool]:
        """(requested_model, selected_model as logged, route_reason, fallback_used)."""
        rng = self.rng
        reason = self.route_reasons.pick(rng)
        requested = model
        fallback = False
        if reason in ("cost_optimized", "latency"):
            requested = DOWNGRADED_FROM.get(model, model)
            if requested == model:
                reason = "default"
        elif reason == "fallback_rate_limited":
            requested = FALLBACK_FROM.get(model, model)
            fallback = requested != model
            if not fallback:
                reason = "default"
        selected = model
        aliases = self.reg.aliases.get(model)
        if aliases and (reason == "pinned" or rng.random() < ALIAS_NAME_RATE):
            selected = aliases[rng.below(len(aliases))]
        if reason == "pinned":
            requested = selected
        return requested, selected, reason, fallback

    def _provider_request_id(self, provider: str) -> str:
        bits = self.rng.getrandbits(96)
        if provider == "openai":
            return f"chatcmpl-{bits:024x}"
        if provider == "anthropic":
            return f"msg_{bits:024x}"
        return f"{bits:024x}"

    def _json_string(self, value: str) -> str:
        encoded = self.string_fragments.get(value)
        if encoded is None:
            encoded = self.string_fragments[value] = _encode(value)
        return encoded

    def _routing_json(self, values: tuple[str, str, str, str, str, bool]) -> str:
        """The routing keys of a line, encoded once per distinct combination."""
        fragment = self.routing_fragments.get(values)
        if fragment is None:
            keys = ("provider", "requested_model", "selected_model", "route_policy_version", "route_reason")
            document = dict(zip(keys, values[:5], strict=True))
            document["fallback_used"] = values[5]
            fragment = self.routing_fragments[values] = _encode(document)[1:-1]
        return fragment

    def _request(
        self, context: dict, trace: dict, feature: dict, time_ms: int, use_unknown: bool
    ) -> tuple[_Request, int]:
        rng = self.rng
        intent = feature["intents"].pick(rng)
        templates = feature["templates"]
        template = templates[rng.below(len(templates))] if len(templates) > 1 else templates[0]
        if use_unknown:
            model = UNKNOWN_MODEL
            requested = selected = UNKNOWN_MODEL
            reason, fallback = "pinned", False
        else:
            model = feature["models"].pick(rng)
            requested, selected, reason, fallback = self._routing(model)
        tags = self._tags(trace, feature, intent, template)
        environment = trace["environment"]
        request = _Request(tags, environment, trace["has_environment_tag"])
        if trace["has_environment_tag"] and environment in ("dev", "sandbox") and rng.random() < ADHOC_TAG_RATE:
            tags["feature"] = ADHOC_FEATURES[rng.below(len(ADHOC_FEATURES))]
            request.is_adhoc = True
        elif rng.random() < TAG_VARIANT_RATE:
            options = self.variants[feature["name"]]
            if options:
                tag, value = options[rng.below(len(options))]
                tags[tag] = value
        if use_unknown:
            tokens = (
                min(MAX_INPUT_TOKENS, int(rng.lognormal(feature["input_mu"], 0.5))) + 5,
                0,
                0,
                0,
                max(1, int(rng.lognormal(feature["output_mu"], 0.5))),
                0,
            )
        else:
            tokens = self._tokens(feature, model)
        provider = self.reg.model_provider[model]
        price_entry = self._prices(context, model)
        approximate = price_entry[1]
        request.cost = (
            tokens[0] * approximate[0]
            + tokens[1] * approximate[1]
            + tokens[2] * approximate[2]
            + tokens[3] * approximate[3]
            + tokens[4] * approximate[4]
        )
        static = {
            "trace_id": trace["trace_id"],
            "provider": provider,
            "routing": self._routing_json((provider, requested, selected, context["policy"], reason, fallback)),
            "api_key": self._json_string(self._api_key(trace["team"], environment, intent)),
            "prefix": context["prefix"],
            "model": model,
            "price": price_entry,
        }

        roll = rng.random()
        failures = 0
        final_failure = None
        if roll < RETRY_RATE:
            failures = 1 if rng.random() < 0.7 else 2
        elif roll < RETRY_RATE + CONTENT_FILTER_RATE:
            final_failure = "content_filter"
        elif roll < RETRY_RATE + CONTENT_FILTER_RATE + TIMEOUT_RATE:
            final_failure = "timeout"

        speed = MS_PER_OUTPUT_TOKEN.get(model, 10)
        for number in range(1, failures + 2):
            consumed: tuple[int, ...] = NO_TOKENS
            provider_request_id: str | None = self._provider_request_id(provider)
            if number <= failures:
                if rng.random() < PARTIAL_FAILURE_SHARE:
                    # The stream started and broke: the prompt and part of the answer were billed.
                    partial_output = max(1, int(tokens[4] * rng.uniform(0.1, 0.6)))
                    consumed = (*tokens[:4], partial_output, min(tokens[5], partial_output))
                    result = PARTIAL_TIMEOUT if rng.random() < 0.5 else PARTIAL_SERVER_ERROR
                    latency = 400 + int(partial_output * speed * rng.uniform(0.8, 1.3))
                    usage_mode = "full"
                else:
                    status = (429, 429, 500, 529 if provider == "anthropic" else 500)[rng.below(4)]
                    result = (status, "rate_limited" if status == 429 else "server_error", "error")
                    latency = rng.between(20, 250) if status == 429 else rng.between(300, 3000)
                    if status == 429 and rng.random() < 0.6:
                        provider_request_id = None  # the gateway's own limiter answered
                    usage_mode = "absent" if rng.random() < 0.5 else "zero"
            elif final_failure == "content_filter":
                consumed = (*tokens[:4], 0, 0)
                result = CONTENT_FILTERED
                latency = rng.between(300, 1500)
                usage_mode = "full"
            elif final_failure == "timeout":
                result = TIMED_OUT
                latency = rng.between(30_000, 60_000)
                provider_request_id = None
                usage_mode = "absent"
            else:
                consumed = tokens
                result = SUCCESS
                latency = 250 + rng.below(600) + int(tokens[4] * speed * rng.uniform(0.8, 1.3))
                latency += (tokens[0] + tokens[1] + tokens[2] + tokens[3]) // 2000
                usage_mode = "full"
            self._add_attempt(
                request, static, number, time_ms, provider_request_id, consumed, usage_mode, result, latency
            )
            time_ms += latency
            if number <= failures:
                time_ms += int(200 * 2 ** (number - 1) * rng.uniform(1.0, 3.0))  # exponential backoff
        return request, time_ms

    def _storm_request(self, context: dict) -> _Request:
        """One request of the retry storm: an eval job hammering an overloaded model with no backoff."""
        rng = self.rng
        feature = self.features[STORM_FEATURE]
        model = STORM_MODEL if STORM_MODEL in self.reg.model_provider else feature["models"].values[0]
        provider = self.reg.model_provider[model]
        team = feature["team"]
        trace = {
            "trace_id": f"{rng.getrandbits(128):032x}",
            "workflow": "router-eval-suite",
            "environment": "prod",
            "has_environment_tag": True,
            "tenant": None,
            "end_user": None,
        }
        tags = self._tags(trace, feature, "evaluation", feature["templates"][0])
        tags.pop("tenant_id", None)
        tags.pop("end_user_id", None)
        request = _Request(tags, "prod", True)
        price_entry = self._prices(context, model)
        static = {
            "trace_id": trace["trace_id"],
            "provider": provider,
            "routing": self._routing_json((provider, model, model, context["policy"], "default", False)),
            "api_key": self._json_string(self.reg.keys.get((team, "prod"), f"key-{team}-prod")),
            "prefix": context["prefix"],
            "model": model,
            "price": price_entry,
        }
        tokens = self._tokens(feature, model)
        time_ms = 13 * 3_600_000 + rng.below(2 * 3_600_000 - 10 * 60_000)
        failures = rng.randint(4, 7)
        for number in range(1, failures + 2):
            if number <= failures:
                # Each failed attempt re-sent the whole prompt, which the provider processed and billed.
                consumed = (*tokens[:4], 0, 0)
                status = 529 if (provider == "anthropic" and rng.random() < 0.8) else 500
                result = (status, "server_error", "error")
                latency = rng.between(300, 3000)
            else:
                consumed = tokens
                result = SUCCESS
                latency = 400 + int(tokens[4] * MS_PER_OUTPUT_TOKEN.get(model, 10))
            provider_request_id = self._provider_request_id(provider)
            self._add_attempt(request, static, number, time_ms, provider_request_id, consumed, "full", result, latency)
            time_ms += latency + rng.between(50, 400)
        request.cost = sum(
            count * price
            for attempt in request.attempts
            for count, price in zip(attempt.tokens, price_entry[1], strict=True)
        )
        return request

    def _add_attempt(
        self,
        request: _Request,
        static: dict,
        number: int,
        time_ms: int,
        provider_request_id: str | None,
        consumed: tuple[int, ...],
        usage_mode: str,
        result: tuple[int, str | None, str],
        latency: int,
    ) -> None:
        """Build one attempt's log record; attempt 1 opens the chain that later attempts point back to."""
        rng = self.rng
        request_id = self._next_request_id()
        if number == 1:
            request.root_id = request_id
        time_ms = min(time_ms, DAY_MS - 1)
        seconds, millis = divmod(time_ms, 1000)
        minutes, seconds = divmod(seconds, 60)
        hours, minutes = divmod(minutes, 60)
        billed = (consumed[0], consumed[1], consumed[2], consumed[3], consumed[4])
        provider = static["provider"]
        price_row, _, rounder = static["price"]
        reported = "null"
        if provider == "openai" and provider_request_id is not None:
            reported = repr(rounder(billed))
        timestamp = f"{static['prefix']}{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}Z"
        if usage_mode == "absent":
            usage = ","
        else:
            compact = usage_mode == "full" and rng.random() < COMPACT_USAGE_RATE
            usage = f',"usage":{_usage_json(consumed, compact)},'
        status, category, outcome = result
        category_json = "null" if category is None else f'"{category}"'
        provider_request_json = "null" if provider_request_id is None else f'"{provider_request_id}"'
        # Built as text, key order as in SPEC; every value is either generated here from a safe alphabet
        # or JSON-encoded, so the line equals json.dumps(..., separators=(",", ":")) of the same object.
        head = (
            f'{{"request_id":"{request_id}","root_request_id":"{request.root_id}","attempt":{number},'
            f'"trace_id":"{static["trace_id"]}","provider_request_id":{provider_request_json},'
            f'"timestamp":"{timestamp}",{static["routing"]}{usage}'
            f'"is_batch":false,"service_tier":"default","status_code":{status},'
            f'"error_category":{category_json},'
            f'"outcome_status":"{outcome}","latency_ms":{latency},"retry_count":{number - 1},'
            f'"api_key_id":{static["api_key"]},"tags":'
        )
        tail = f',"provider_reported_cost_usd":{reported}'
        if rng.random() < PROMPT_TEXT_RATE:
            tail += self.prompt_texts[rng.below(len(self.prompt_texts))]
        self.sequence += 1
        request.attempts.append(
            _Attempt(
                time_ms,
                self.sequence,
                request_id,
                timestamp,
                head,
                tail + "}",
                provider,
                static["model"],
                price_row,
                billed,
                request,
            )
        )

    # -- day-level defects

    def _tag_defects(self, requests: list[_Request]) -> None:
        """Missing and invalid required tags on a fixed small share of each day's prod requests.

        Counted per day (not drawn per request) and placed on the cheaper half of the day's single-attempt
        prod requests, so that the unallocated share stays inside the contract thresholds on every day and
        every month, whether counted in requests, attempts or cost.
        """
        rng = self.rng
        prod = [
            request
            for request in requests
            if request.environment == "prod"
            and request.has_environment_tag
            and not request.is_adhoc
            and len(request.attempts) == 1  # a retried request would repeat its defect on every attempt
        ]
        if not prod:
            return
        missing = round(PROD_MISSING_TAG_RATE * len(prod))
        invalid = round(PROD_INVALID_TAG_RATE * len(prod))
        if missing + invalid == 0:
            return
        median = sorted(request.cost for request in prod)[len(prod) // 2]
        cheap = [request for request in prod if request.cost <= median]
        chosen = rng.sample(cheap, min(len(cheap), missing + invalid))
        for position, request in enumerate(chosen):
            tag = REQUIRED_TAGS[rng.randrange(len(REQUIRED_TAGS))]
            if position < missing:
                request.tags.pop(tag, None)
            else:
                values = INVALID_TAG_VALUES[tag]
                request.tags[tag] = values[rng.randrange(len(values))]

    def _malform(self, day: date, attempts: list[_Attempt], kinds: list[int]) -> None:
        """Corrupt a few lines the way real log shippers do. The attempts happened and stay on the invoice."""
        if not kinds:
            return
        rng = self.rng
        eligible = [
            index
            for index, attempt in enumerate(attempts)
            # Single attempts only: a retry chain must keep a readable root.
            if len(attempt.request.attempts) == 1 and attempt.tokens[0] > 0
        ]
        chosen = sorted(rng.sample(eligible, min(len(eligible), len(kinds))))
        month = f"{day.year:04d}-{day.month:02d}"
        for index, kind in zip(chosen, kinds, strict=False):
            attempt = attempts[index]
            line = attempt.line
            if kind == 0:
                line = line[: max(10, len(line) // 2)]  # the writer died mid-line
            elif kind == 1:
                line = (
                    f"{attempt.timestamp} WARN gateway-logger: upstream connection reset, "
                    f"buffer flushed (request {attempt.request_id})"
                )
            elif kind == 2:
                # A signed overflow in the token counter.
                count = attempt.tokens[0]
                line = line.replace(f'"usage":{{"input_tokens":{count},', f'"usage":{{"input_tokens":{-count},', 1)
            elif kind == 3:
                line = "{" + line.split(",", 1)[1]  # request_id is the first key
            else:
                line = line.replace(f'"timestamp":"{attempt.timestamp}"', '"timestamp":"not-a-date"', 1)
            attempt.line = line
            attempt.malformed = True
            key = (attempt.provider, month, attempt.model)
            cost = list_cost_usd(attempt.price_row.prices, attempt.tokens)
            self.malformed_cost[key] = self.malformed_cost.get(key, Decimal(0)) + cost
            self.malformed_lines += 1

    def _account(self, day: date, attempts: list[_Attempt]) -> None:
        """Token totals per provider, month, model and price row: what the provider bills."""
        month = f"{day.year:04d}-{day.month:02d}"
        totals = self.usage_totals
        for attempt in attempts:
            key = (attempt.provider, month, attempt.model, attempt.price_row.effective_from)
            bucket = totals.get(key)
            if bucket is None:
                bucket = totals[key] = [attempt.price_row, 0, 0, 0, 0, 0, 0]
            tokens = attempt.tokens
            bucket[1] += tokens[0]
            bucket[2] += tokens[1]
            bucket[3] += tokens[2]
            bucket[4] += tokens[3]
            bucket[5] += tokens[4]
            bucket[6] += 1
        self.attempt_count += len(attempts)

    def _write_day(self, day: date, attempts: list[_Attempt]) -> None:
        if not attempts:
            return
        rng = self.rng
        # Leave room for the duplicates so that no file goes over the line limit.
        capacity = max(1, int(self.max_lines * 0.99))
        chunks = math.ceil(len(attempts) / capacity)
        size = math.ceil(len(attempts) / chunks)
        folder = self.out_dir / "gateway" / day.isoformat()
        folder.mkdir(parents=True, exist_ok=True)
        for number in range(chunks):
            piece = attempts[number * size : (number + 1) * size]
            lines = [attempt.line for attempt in piece]
            candidates = [i for i, attempt in enumerate(piece) if not attempt.malformed]
            duplicates = min(self.duplicate_quota.take(len(piece)), len(candidates), self.max_lines - len(lines))
            # Insert from the back so earlier positions stay valid; the copy lands a few lines later.
            for index in sorted(rng.sample(candidates, duplicates), reverse=True):
                lines.insert(min(len(lines), index + 1 + rng.randrange(25)), lines[index])
            self.duplicate_lines += duplicates
            path = folder / f"requests-{number:03d}.jsonl"
            path.write_bytes(("\n".join(lines) + "\n").encode("utf-8"))
            self.files_written += 1
            self.lines_written += len(lines)

    # -- invoices

    def _write_invoices(self, days: list[date]) -> tuple[int, dict[tuple[str, str], InvoiceTotal]]:
        months = sorted({(day.year, day.month) for day in days})
        providers = sorted(PROVIDER_DISCOUNTS)
        by_model: dict[tuple[str, str, str], Decimal] = {}
        for (provider, month, model, _), bucket in sorted(self.usage_totals.items()):
            price_row, tokens = bucket[0], tuple(bucket[1:6])
            key = (provider, month, model)
            by_model[key] = by_model.get(key, Decimal(0)) + list_cost_usd(price_row.prices, tokens)
        folder = self.out_dir / "invoices"
        folder.mkdir(parents=True, exist_ok=True)
        totals: dict[tuple[str, str], InvoiceTotal] = {}
        files = 0
        for year, month_number in months:
            month = f"{year:04d}-{month_number:02d}"
            period_start = date(year, month_number, 1).isoformat()
            period_end = date(year, month_number, calendar.monthrange(year, month_number)[1]).isoformat()
            for provider in providers:
                invoice_id = f"INV-{provider.upper()}-{year:04d}{month_number:02d}"
                rows = []
                list_cost = Decimal(0)
                usage = Decimal(0)
                for (line_provider, line_month, model), cost in sorted(by_model.items()):
                    if (line_provider, line_month) != (provider, month):
                        continue
                    amount = cost.quantize(CENT, ROUND_HALF_UP)
                    list_cost += cost
                    usage += amount
                    rows.append(("usage", f"{model} usage", amount))
                line_type, description, rate = PROVIDER_DISCOUNTS[provider]
                adjustment = -(usage * rate).quantize(CENT, ROUND_HALF_UP)
                rows.append((line_type, description, adjustment))
                path = folder / f"{provider}_{month}.csv"
                with path.open("w", newline="", encoding="utf-8") as handle:
                    writer = csv.writer(handle, lineterminator="\n")
                    writer.writerow(INVOICE_COLUMNS)
                    for row_type, row_description, amount in rows:
                        writer.writerow(
                            (
                                invoice_id,
                                provider,
                                period_start,
                                period_end,
                                row_type,
                                row_description,
                                f"{amount:.2f}",
                                "USD",
                            )
                        )
                files += 1
                totals[(provider, month)] = InvoiceTotal(list_cost, usage, adjustment, usage + adjustment)
        return files, totals


def generate_sample(
    out_dir: Path,
    requests: int = 30000,
    days: int = 62,
    seed: int = 7,
    start: date = date(2026, 7, 1),
    *,
    seeds_dir: Path | None = None,
    max_lines_per_file: int = MAX_LINES_PER_FILE,
    overwrite: bool = True,
) -> SampleSummary:
    """Write a deterministic sample under out_dir: gateway/YYYY-MM-DD/requests-NNN.jsonl and
    invoices/<provider>_<YYYY-MM>.csv. `requests` counts logical requests; retries add attempts on top.

    An earlier sample in out_dir is replaced: its files (only files named as this function names them) are
    removed first, so that no stale day or invoice of a run with other arguments survives next to the new
    ones. With overwrite=False an earlier sample is an error instead.
    """
    if requests < 0:
        raise ValueError("requests must not be negative")
    if days < 1:
        raise ValueError("days must be at least 1")
    if max_lines_per_file < 1:
        raise ValueError("max_lines_per_file must be at least 1")
    out_dir = Path(out_dir)
    existing = sorted(out_dir.glob("gateway/*/requests-*.jsonl")) + sorted(out_dir.glob("invoices/*_*.csv"))
    existing += sample_files(out_dir)
    if existing and not overwrite:
        raise FileExistsError(
            f"{out_dir} already holds a sample ({existing[0]}); choose an empty folder or allow overwrite"
        )
    for path in existing:
        path.unlink()
        if path.parent.parent.name == "gateway" and not any(path.parent.iterdir()):
            path.parent.rmdir()
    generator = _Generator(out_dir, requests, days, seed, start, Path(seeds_dir or SEEDS_DIR), max_lines_per_file)
    return generator.run()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write a deterministic sample of gateway logs and invoices.")
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--requests", type=int, default=30000)
    parser.add_argument("--days", type=int, default=62)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--start", type=date.fromisoformat, default=date(2026, 7, 1))
    parser.add_argument("--keep", action="store_true", help="fail instead of replacing an earlier sample")
    args = parser.parse_args(argv)
    summary = generate_sample(args.out_dir, args.requests, args.days, args.seed, args.start, overwrite=not args.keep)
    print(
        f"{summary.lines_written} lines in {summary.files_written} files "
        f"({summary.attempts} attempts, {summary.duplicate_lines} duplicated, "
        f"{summary.malformed_lines} malformed), "
        f"{summary.invoice_files} invoices"
    )


if __name__ == "__main__":
    main()
