"""The sample generator: deterministic, well-formed gateway lines with the intended defects, and invoices
that equal an independent recomputation from the written lines."""

from __future__ import annotations

import csv
import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from orchestration.sample.generator import generate_sample

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
# Ten days across the end of July: two billing months and both gpt-5.6 price versions (change on 07-30).
START = date(2026, 7, 25)
DAYS = 10
REQUESTS = 2000

TOKEN_KEYS = ("input_tokens", "cache_read_tokens", "cache_write_tokens", "cache_write_1h_tokens", "output_tokens")
REQUIRED_KEYS = {
    "request_id",
    "root_request_id",
    "attempt",
    "trace_id",
    "provider_request_id",
    "timestamp",
    "provider",
    "requested_model",
    "selected_model",
    "route_policy_version",
    "route_reason",
    "fallback_used",
    "is_batch",
    "service_tier",
    "status_code",
    "error_category",
    "outcome_status",
    "latency_ms",
    "retry_count",
    "api_key_id",
    "tags",
    "provider_reported_cost_usd",
}
OPTIONAL_KEYS = {"usage", "messages", "response"}
TAG_KEYS = {
    "owner_team",
    "project_id",
    "feature",
    "cost_center",
    "environment",
    "request_intent",
    "service",
    "tenant_id",
    "end_user_id",
    "prompt_template",
    "workflow_id",
}
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
UNKNOWN_MODEL = "acme-ft-support-v2"


def _seed(name: str) -> list[dict[str, str]]:
    with (SEEDS / f"{name}.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


MODEL_ALIASES = {row["logged_model"]: row["billable_model"] for row in _seed("model_aliases")}
TAG_ALIASES = {(row["tag_name"], row["alias_value"]): row["canonical_value"] for row in _seed("tag_value_aliases")}
PRICE_ROWS = _seed("model_prices")


def _prices(model: str, day: date) -> list[Decimal]:
    """Price vector (input, cache read, cache write, 1-hour cache write, output) in force on the day."""
    if model == UNKNOWN_MODEL:
        return [Decimal(1)] * 4 + [Decimal(4)]
    for row in PRICE_ROWS:
        if row["model"] != model or date.fromisoformat(row["effective_from"]) > day:
            continue
        if row["effective_to"] and day >= date.fromisoformat(row["effective_to"]):
            continue
        price_in = row["input_usd_per_mtok"]
        write = row["cache_write_usd_per_mtok"] or price_in
        return [
            Decimal(price_in),
            Decimal(row["cache_read_usd_per_mtok"] or price_in),
            Decimal(write),
            Decimal(row["cache_write_1h_usd_per_mtok"] or write),
            Decimal(row["output_usd_per_mtok"]),
        ]
    raise AssertionError(f"no price for {model} on {day}")


def _cost(line: dict) -> Decimal:
    usage = line.get("usage") or {}
    model = MODEL_ALIASES.get(line["selected_model"], line["selected_model"])
    prices = _prices(model, date.fromisoformat(line["timestamp"][:10]))
    return sum(
        (Decimal(usage.get(key, 0)) * price for key, price in zip(TOKEN_KEYS, prices, strict=True)), Decimal(0)
    ) / (1_000_000)


def _normalized(tag: str, value: str | None) -> str | None:
    if value is None:
        return None
    cleaned = value.strip().lower()
    return TAG_ALIASES.get((tag, cleaned), cleaned)


@dataclass
class Sample:
    root: Path
    summary: object
    raw: list[tuple[Path, str]]  # every line as written, with its file
    parsed: list[dict]  # well-formed lines, duplicates included
    malformed: list[str]


def _is_well_formed(document: object) -> bool:
    if not isinstance(document, dict) or "request_id" not in document:
        return False
    if not TIMESTAMP.match(str(document.get("timestamp"))):
        return False
    return all(value >= 0 for value in (document.get("usage") or {}).values())


def _read(root: Path, summary: object) -> Sample:
    raw, parsed, malformed = [], [], []
    for path in sorted((root / "gateway").glob("*/*.jsonl")):
        content = path.read_bytes().decode("utf-8")
        assert content.endswith("\n")
        for line in content[:-1].split("\n"):
            raw.append((path, line))
            try:
                document = json.loads(line)
            except json.JSONDecodeError:
                malformed.append(line)
                continue
            if _is_well_formed(document):
                parsed.append(document)
            else:
                malformed.append(line)
    return Sample(root, summary, raw, parsed, malformed)


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Sample:
    root = tmp_path_factory.mktemp("sample")
    summary = generate_sample(root, requests=REQUESTS, days=DAYS, seed=11, start=START)
    return _read(root, summary)


def _unique(sample: Sample) -> dict[str, dict]:
    return {line["request_id"]: line for line in sample.parsed}


def _tree_bytes(root: Path) -> dict[str, bytes]:
    return {str(path.relative_to(root)): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


def test_same_arguments_write_identical_bytes_and_another_seed_differs(tmp_path: Path) -> None:
    first, second, other = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    generate_sample(first, requests=500, days=5, seed=3, start=START)
    generate_sample(second, requests=500, days=5, seed=3, start=START)
    generate_sample(other, requests=500, days=5, seed=4, start=START)
    assert _tree_bytes(first) == _tree_bytes(second)
    assert _tree_bytes(first) != _tree_bytes(other)


def test_layout_and_summary_counts(sample: Sample) -> None:
    summary = sample.summary
    days = sorted(path.name for path in (sample.root / "gateway").iterdir())
    assert days == [date.fromordinal(START.toordinal() + i).isoformat() for i in range(DAYS)]
    assert all(path.name.startswith("requests-") for path, _ in sample.raw)
    assert summary.files_written == len({path for path, _ in sample.raw})
    assert summary.lines_written == len(sample.raw)
    assert summary.attempts == summary.lines_written - summary.duplicate_lines
    assert summary.malformed_lines == len(sample.malformed)
    invoices = sorted(path.name for path in (sample.root / "invoices").iterdir())
    expected = [f"{p}_{m}.csv" for p in ("anthropic", "google", "openai") for m in ("2026-07", "2026-08")]
    assert invoices == expected
    assert summary.invoice_files == len(expected)


def test_well_formed_lines_follow_the_gateway_format(sample: Sample) -> None:
    prefixes = {"openai": "chatcmpl-", "anthropic": "msg_", "google": ""}
    for line in sample.parsed:
        keys = set(line)
        assert REQUIRED_KEYS <= keys <= REQUIRED_KEYS | OPTIONAL_KEYS, keys ^ REQUIRED_KEYS
        assert re.fullmatch(r"req_[0-9a-f]{20}", line["request_id"])
        assert line["attempt"] >= 1 and line["retry_count"] == line["attempt"] - 1
        if line["attempt"] == 1:
            assert line["root_request_id"] == line["request_id"]
        assert line["provider"] in prefixes
        if line["provider_request_id"] is not None:
            assert line["provider_request_id"].startswith(prefixes[line["provider"]])
        assert line["is_batch"] is False and line["service_tier"] == "default"
        assert line["outcome_status"] in {"success", "error", "partial"}
        assert (line["error_category"] is None) == (line["outcome_status"] == "success")
        assert set(line["tags"]) <= TAG_KEYS
        assert isinstance(line["fallback_used"], bool) and line["latency_ms"] >= 0
        if "messages" in line:
            assert line["messages"][0]["role"] == "user" and isinstance(line["response"], str)


def test_lines_are_compact_json(sample: Sample) -> None:
    encode = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode
    well_formed = [line for _, line in sample.raw if line not in sample.malformed]
    assert all(encode(json.loads(line)) == line for line in well_formed)


def test_token_counts_are_disjoint_and_bounded(sample: Sample) -> None:
    omitted = 0
    for line in sample.parsed:
        usage = line.get("usage")
        if usage is None:
            continue
        omitted += len(usage) < 6
        assert all(isinstance(value, int) and value >= 0 for value in usage.values())
        assert usage.get("reasoning_tokens", 0) <= usage.get("output_tokens", 0)
        total_input = sum(usage.get(key, 0) for key in TOKEN_KEYS[:4])
        assert total_input < 150_000
    assert omitted > 0  # some lines rely on "absent = 0"


def test_ids_are_unique_except_verbatim_duplicates(sample: Sample) -> None:
    lines_by_id: dict[str, list[str]] = defaultdict(list)
    files_by_id: dict[str, set[Path]] = defaultdict(set)
    for path, raw in sample.raw:
        if raw in sample.malformed:
            continue
        request_id = json.loads(raw)["request_id"]
        lines_by_id[request_id].append(raw)
        files_by_id[request_id].add(path)
    repeated = {key: lines for key, lines in lines_by_id.items() if len(lines) > 1}
    assert all(len(set(lines)) == 1 and len(lines) == 2 for lines in repeated.values())
    assert all(len(files_by_id[key]) == 1 for key in repeated)
    assert len(repeated) == sample.summary.duplicate_lines > 0


def test_retries_point_to_an_existing_root(sample: Sample) -> None:
    by_id = _unique(sample)
    retries = [line for line in by_id.values() if line["attempt"] > 1]
    assert retries
    for line in retries:
        root = by_id[line["root_request_id"]]
        assert root["attempt"] == 1 and root["trace_id"] == line["trace_id"]
        assert root["timestamp"] < line["timestamp"]
        assert root["outcome_status"] in {"error", "partial"}
    assert any(line["outcome_status"] == "partial" and line["usage"]["input_tokens"] > 0 for line in by_id.values())


def test_retry_storm_on_one_weekday(sample: Sample) -> None:
    attempts_per_root = Counter(line["root_request_id"] for line in _unique(sample).values())
    storm = [root for root, attempts in attempts_per_root.items() if attempts >= 5]
    by_id = _unique(sample)
    days = {by_id[root]["timestamp"][:10] for root in storm}
    assert len(storm) >= REQUESTS * 0.01 and len(days) == 1
    assert date.fromisoformat(days.pop()).weekday() < 5
    assert {by_id[root]["tags"]["feature"] for root in storm} == {"router-evals"}
    failed = [line for line in by_id.values() if line["root_request_id"] in storm and line["outcome_status"] == "error"]
    assert all(line["status_code"] in (500, 529) and line["usage"]["input_tokens"] > 0 for line in failed)


def test_malformed_lines_of_every_kind(sample: Sample) -> None:
    assert len(sample.malformed) >= 3
    kinds = Counter()
    for line in sample.malformed:
        try:
            document = json.loads(line)
        except json.JSONDecodeError:
            kinds["plain text" if not line.startswith("{") else "truncated"] += 1
            continue
        if "request_id" not in document:
            kinds["no request_id"] += 1
        elif document["timestamp"] == "not-a-date":
            kinds["bad timestamp"] += 1
        else:
            kinds["negative tokens"] += 1
    assert set(kinds) == {"plain text", "truncated", "no request_id", "bad timestamp", "negative tokens"}


def test_invoices_equal_the_recomputed_list_cost(sample: Sample) -> None:
    cost: dict[tuple[str, str, str], Decimal] = defaultdict(Decimal)
    for line in _unique(sample).values():
        model = MODEL_ALIASES.get(line["selected_model"], line["selected_model"])
        cost[(line["provider"], line["timestamp"][:7], model)] += _cost(line)
    for key, malformed_cost in sample.summary.malformed_list_cost_usd.items():
        cost[key] += malformed_cost
    discounts = {"openai": ("discount", "0.04"), "anthropic": ("discount", "0.05"), "google": ("credit", "0.02")}
    for path in sorted((sample.root / "invoices").glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        provider, month = path.stem.split("_")
        usage_rows = [row for row in rows if row["line_type"] == "usage"]
        billed = {row["description"].removesuffix(" usage") for row in usage_rows}
        assert billed == {model for (p, m, model) in cost if (p, m) == (provider, month)}
        for row in usage_rows:
            expected = cost[(provider, month, row["description"].removesuffix(" usage"))]
            assert Decimal(row["amount_usd"]) == expected.quantize(Decimal("0.01"), ROUND_HALF_UP), row
        usage_total = sum(Decimal(row["amount_usd"]) for row in usage_rows)
        adjustments = [row for row in rows if row["line_type"] != "usage"]
        line_type, rate = discounts[provider]
        assert [row["line_type"] for row in adjustments] == [line_type]
        assert Decimal(adjustments[0]["amount_usd"]) == -(usage_total * Decimal(rate)).quantize(
            Decimal("0.01"), ROUND_HALF_UP
        )
        assert {row["currency"] for row in rows} == {"USD"}
        assert {row["billing_period_start"] for row in rows} == {f"{month}-01"}
        totals = sample.summary.invoice_totals[(provider, month)]
        assert totals.usage_usd == usage_total
        assert totals.total_usd == usage_total + Decimal(adjustments[0]["amount_usd"])


def test_openai_lines_report_their_list_cost(sample: Sample) -> None:
    reported = 0
    for line in _unique(sample).values():
        if line["provider"] != "openai":
            assert line["provider_reported_cost_usd"] is None
        elif line["provider_reported_cost_usd"] is not None:
            expected = _cost(line).quantize(Decimal("1E-8"), ROUND_HALF_UP)
            assert Decimal(str(line["provider_reported_cost_usd"])) == expected
            reported += 1
    assert reported > 0


def test_weekends_are_quieter_than_weekdays(sample: Sample) -> None:
    per_day = Counter(line["timestamp"][:10] for line in _unique(sample).values() if line["attempt"] == 1)
    weekday = [n for day, n in per_day.items() if date.fromisoformat(day).weekday() < 5]
    weekend = [n for day, n in per_day.items() if date.fromisoformat(day).weekday() >= 5]
    assert max(weekend) < 0.6 * min(weekday)


def test_models_providers_aliases_and_unknown_model(sample: Sample) -> None:
    lines = list(_unique(sample).values())
    billable = {MODEL_ALIASES.get(line["selected_model"], line["selected_model"]) for line in lines}
    # The price book covers every model of every provider; the sample uses a handful of them.
    assert billable - {UNKNOWN_MODEL} <= {row["model"] for row in _seed("model_prices")}
    assert {line["provider"] for line in lines} == {"openai", "anthropic", "google"}
    assert {line["selected_model"] for line in lines} & set(MODEL_ALIASES)
    unknown = [line for line in lines if line["selected_model"] == UNKNOWN_MODEL]
    assert unknown and {line["provider"] for line in unknown} == {"openai"}
    for model in ("gpt-5.6-terra", "gpt-5.6-luna"):
        days = {line["timestamp"][:10] for line in lines if MODEL_ALIASES.get(line["selected_model"]) == model}
        days |= {line["timestamp"][:10] for line in lines if line["selected_model"] == model}
        assert min(days) < "2026-07-30" <= max(days)


def test_tags_agree_with_the_registries(sample: Sample) -> None:
    teams = {row["owner_team"] for row in _seed("owner_teams")}
    projects = {row["project_id"]: row for row in _seed("projects")}
    features = {row["feature"]: row["project_id"] for row in _seed("features")}
    keys = {row["api_key_id"]: row for row in _seed("api_keys")}
    lines = list(_unique(sample).values())
    environments = Counter(line["tags"].get("environment") for line in lines)
    assert set(environments) == {"prod", "staging", "dev", "sandbox", None}
    assert environments["prod"] > environments["staging"] > environments["sandbox"]
    variants = 0
    for line in lines:
        tags = line["tags"]
        team = _normalized("owner_team", tags.get("owner_team"))
        feature = _normalized("feature", tags.get("feature"))
        variants += tags.get("owner_team") != team or tags.get("feature") != feature
        assert line["api_key_id"] in keys
        if team in teams and feature in features:
            project = projects[features[feature]]
            assert project["owner_team"] == team
            assert _normalized("project_id", tags["project_id"]) == project["project_id"]
            if keys[line["api_key_id"]]["named_owner"]:
                assert keys[line["api_key_id"]]["owner_team"] == team
    assert variants > 0
    assert any((tag, value) in TAG_ALIASES for line in lines for tag, value in line["tags"].items())
    assert any("tenant_id" in line["tags"] and "end_user_id" in line["tags"] for line in lines)
    assert any("messages" in line and "@example.com" in line["messages"][0]["content"] for line in lines)


def test_files_split_at_the_line_limit_and_duplicates_stay_in_their_file(tmp_path: Path) -> None:
    summary = generate_sample(tmp_path, requests=3000, days=3, seed=5, start=START, max_lines_per_file=400)
    files = sorted((tmp_path / "gateway").glob("*/*.jsonl"))
    assert len(files) == summary.files_written > 3
    seen_in: dict[str, Path] = {}
    for path in files:
        lines = path.read_text(encoding="utf-8").splitlines()
        assert len(lines) <= 400
        for line in lines:
            assert seen_in.setdefault(line, path) == path


def test_an_earlier_sample_is_replaced_without_stale_files(tmp_path: Path) -> None:
    generate_sample(tmp_path, requests=300, days=4, seed=1, start=START)
    with pytest.raises(FileExistsError):
        generate_sample(tmp_path, requests=300, days=2, seed=1, start=START, overwrite=False)
    (tmp_path / "gateway" / "README.txt").write_text("kept")
    generate_sample(tmp_path, requests=300, days=2, seed=1, start=START)
    assert sorted(path.name for path in (tmp_path / "gateway").iterdir()) == ["2026-07-25", "2026-07-26", "README.txt"]
    fresh = tmp_path / "fresh"
    generate_sample(fresh, requests=300, days=2, seed=1, start=START)
    assert _tree_bytes(fresh) == {
        name: content
        for name, content in _tree_bytes(tmp_path).items()
        if not name.startswith(("fresh/", "gateway/README"))
    }


def _unallocated_shares(sample: Sample) -> tuple[float, float]:
    """Worst day's share of unallocated prod attempts and worst month's share of unallocated prod cost."""
    teams = {row["owner_team"] for row in _seed("owner_teams")}
    features = {row["feature"] for row in _seed("features")}
    cost_centers = {row["cost_center"] for row in _seed("cost_centers")}
    key_environment = {row["api_key_id"]: row["environment"] for row in _seed("api_keys")}
    days: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    months: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for line in _unique(sample).values():
        tags = line["tags"]
        environment = tags.get("environment") or key_environment.get(line["api_key_id"]) or "prod"
        if environment != "prod":
            continue
        allocated = (
            _normalized("owner_team", tags.get("owner_team")) in teams
            and _normalized("feature", tags.get("feature")) in features
            and _normalized("cost_center", tags.get("cost_center")) in cost_centers
        )
        cost = _cost(line)
        days[line["timestamp"][:10]][0] += 1
        days[line["timestamp"][:10]][1] += not allocated
        months[line["timestamp"][:7]][0] += cost
        months[line["timestamp"][:7]][1] += 0 if allocated else cost
    worst_day = max(unallocated / total for total, unallocated in days.values())
    worst_month = max(float(unallocated / total) for total, unallocated in months.values())
    return worst_day, worst_month


def test_prod_tag_defects_stay_inside_the_contract_thresholds(sample: Sample) -> None:
    worst_day, worst_month = _unallocated_shares(sample)
    assert worst_day <= 0.02 and worst_month <= 0.01


@pytest.mark.slow
def test_default_sample_passes_the_attribution_contract(tmp_path: Path) -> None:
    summary = generate_sample(tmp_path)
    default = _read(tmp_path, summary)
    assert 30_000 < summary.attempts < 40_000
    worst_day, worst_month = _unallocated_shares(default)
    assert 0 < worst_day <= 0.02 and 0 < worst_month <= 0.01
