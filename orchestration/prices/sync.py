"""Build the price book (seeds/model_prices.csv) from the genai-prices data bundled in the installed package.

The seed stays a reviewed, committed file: syncing is a deliberate step, never a run-time download. One row is
one price set in force for [effective_from, effective_to) for one request context (processing, service tier)
and one long-context tier range (total input tokens incl. cache reads and writes in
[tier_min_input_tokens, tier_max_input_tokens]). Rows are written only for contexts whose prices differ from
the standard context; the dbt lookup falls back to the standard row, exactly as genai-prices falls back from a
price variant to the standard price. Local overrides (negotiated rates, private models) replace the synced rows
of their model for their window.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from orchestration.prices.providers import PROCESSING_KINDS, PROVIDER_IDS, SERVICE_TIERS, price_context

OPEN_START = date(1970, 1, 1)

# Price components we bill: seed column -> genai-prices price key. Other keys (audio, image, web searches) have
# no counterpart in the canonical usage record.
COMPONENTS: dict[str, str] = {
    "input_usd_per_mtok": "input_mtok",
    "cache_read_usd_per_mtok": "cache_read_mtok",
    "cache_write_usd_per_mtok": "cache_write_mtok",
    "cache_write_1h_usd_per_mtok": "cache_write_1h_mtok",
    "output_usd_per_mtok": "output_mtok",
    "output_reasoning_usd_per_mtok": "output_reasoning_mtok",
}

SEED_COLUMNS: tuple[str, ...] = (
    "provider",
    "model",
    "price_version",
    "effective_from",
    "effective_to",
    "input_usd_per_mtok",
    "cache_read_usd_per_mtok",
    "cache_write_usd_per_mtok",
    "cache_write_1h_usd_per_mtok",
    "output_usd_per_mtok",
    "source",
    "processing",
    "service_tier",
    "tier_min_input_tokens",
    "tier_max_input_tokens",
    "output_reasoning_usd_per_mtok",
    "source_model",
)
OVERRIDE_COLUMNS: tuple[str, ...] = (*SEED_COLUMNS, "reason")

# A row is identified by its model, start, context and tier; the diff compares rows by this key.
ROW_KEY: tuple[str, ...] = (
    "provider",
    "model",
    "effective_from",
    "processing",
    "service_tier",
    "tier_min_input_tokens",
)
PROVIDER_ORDER: tuple[str, ...] = ("azure_openai", "aws_bedrock", "google", "anthropic", "openai")
PRICE_COLUMNS: tuple[str, ...] = (*COMPONENTS, "tier_max_input_tokens", "effective_to", "price_version")


@dataclass
class SyncResult:
    rows: list[dict[str, str]]
    diff: list[dict[str, str]]
    skipped: list[str] = field(default_factory=list)
    source: str = ""

    @property
    def counts(self) -> dict[str, int]:
        counts = {"added": 0, "removed": 0, "changed": 0}
        for change in self.diff:
            counts[change["change"]] += 1
        return counts


def _fmt(value: Decimal | None) -> str:
    return "" if value is None else format(value.normalize(), "f")


def _start_dates(model, with_variants: bool) -> set[date]:
    from genai_prices import types

    dates = {OPEN_START}
    if isinstance(model.prices, list):
        dates |= {c.constraint.start_date for c in model.prices if isinstance(c.constraint, types.StartDateConstraint)}
    if with_variants:
        dates |= {
            v.constraint.start_date
            for v in model.price_variants or ()
            if isinstance(v.constraint, types.StartDateConstraint)
        }
    return dates


def _has_time_of_day_prices(model) -> bool:
    from genai_prices import types

    constraints = [c.constraint for c in model.prices] if isinstance(model.prices, list) else []
    constraints += [v.constraint for v in model.price_variants or ()]
    return any(isinstance(c, types.TimeOfDateConstraint) for c in constraints)


def _tier_ranges(model_price) -> list[tuple[int, int | None, dict[str, Decimal | None]]]:
    """Split a price set into cliff ranges of total input tokens: above a tier's start, every token of the
    request pays that tier's price (genai-prices TieredPrices, as the providers bill it)."""
    from genai_prices import types

    values = {column: getattr(model_price, key) for column, key in COMPONENTS.items()}
    starts = sorted({tier.start for v in values.values() if isinstance(v, types.TieredPrices) for tier in v.tiers})
    bounds = [0, *(start + 1 for start in starts)]
    ranges = []
    for index, low in enumerate(bounds):
        high = starts[index] if index < len(starts) else None
        prices: dict[str, Decimal | None] = {}
        for column, value in values.items():
            if isinstance(value, types.TieredPrices):
                applicable = value.base
                for tier in value.tiers:
                    if low > tier.start:
                        applicable = tier.price
                prices[column] = applicable
            else:
                prices[column] = value
        ranges.append((low, high, prices))
    return ranges


def _price_sets(model, served_directly: bool, start: date) -> dict[tuple[str, str], object]:
    timestamp = datetime(start.year, start.month, start.day, tzinfo=UTC)
    if not served_directly:
        # genai-prices ignores price variants for a model a provider serves from another provider's list.
        return {("standard", "default"): model.get_prices(timestamp)}
    base = model.get_prices(timestamp, price_context("standard", "default"))
    sets: dict[tuple[str, str], object] = {("standard", "default"): base}
    for processing in PROCESSING_KINDS:
        for tier in SERVICE_TIERS:
            resolved = model.get_prices(timestamp, price_context(processing, tier))
            if resolved != base:
                sets[(processing, tier)] = resolved
    return sets


def _model_rows(our_provider: str, gp_provider: str, model, served_directly: bool, source: str) -> list[dict]:
    starts = sorted(_start_dates(model, with_variants=served_directly))
    intervals: list[tuple[date, list[dict]]] = []
    for start in starts:
        rows = []
        for (processing, tier), model_price in _price_sets(model, served_directly, start).items():
            for low, high, prices in _tier_ranges(model_price):
                rows.append(
                    {
                        "processing": processing,
                        "service_tier": tier,
                        "tier_min_input_tokens": str(low),
                        "tier_max_input_tokens": "" if high is None else str(high),
                        **{column: _fmt(value) for column, value in prices.items()},
                    }
                )
        # A start date that changes nothing (a variant identical to the standard price) opens no new version.
        if intervals and intervals[-1][1] == rows:
            continue
        intervals.append((start, rows))

    out: list[dict[str, str]] = []
    for index, (start, rows) in enumerate(intervals):
        end = intervals[index + 1][0] if index + 1 < len(intervals) else None
        # The version names the start and the content, so it stays stable when a later change closes the row.
        digest = hashlib.sha256(repr((our_provider, model.id, start, rows)).encode()).hexdigest()[:6]
        version = f"gp-{start:%Y%m%d}-{digest}"
        for row in rows:
            if not row["input_usd_per_mtok"]:
                continue
            out.append(
                {
                    "provider": our_provider,
                    "model": model.id,
                    "price_version": version,
                    "effective_from": start.isoformat(),
                    "effective_to": "" if end is None else end.isoformat(),
                    **row,
                    # genai-prices bills output tokens of a model without an output price at nothing.
                    "output_usd_per_mtok": row["output_usd_per_mtok"] or "0",
                    "source": source,
                    "source_model": f"{gp_provider}/{model.id}",
                }
            )
    return out


def synced_rows() -> tuple[list[dict[str, str]], list[str], str]:
    """Every model each of our providers can be priced for by genai-prices, as seed rows."""
    import genai_prices
    from genai_prices.data import providers

    source = f"genai-prices=={genai_prices.__version__}"
    by_id = {p.id: p for p in providers}
    rows: list[dict[str, str]] = []
    skipped: list[str] = []
    for our_provider, gp_id in sorted(PROVIDER_IDS.items()):
        provider = by_id[gp_id]
        served: list[tuple[str, object, bool]] = [(gp_id, m, True) for m in provider.models]
        seen = {m.id for m in provider.models}
        for fallback_id in provider.fallback_model_providers or ():
            for model in by_id[fallback_id].models:
                if model.id not in seen:
                    seen.add(model.id)
                    served.append((fallback_id, model, False))
        for source_provider, model, served_directly in served:
            if _has_time_of_day_prices(model):
                skipped.append(f"{our_provider}/{model.id}: time-of-day prices are not modelled")
                continue
            model_rows = _model_rows(our_provider, source_provider, model, served_directly, source)
            if not model_rows:
                skipped.append(f"{our_provider}/{model.id}: no per-token input price")
            rows.extend(model_rows)
    return rows, skipped, source


def _clip(rows: list[dict[str, str]], windows: list[tuple[date, date]]) -> list[dict[str, str]]:
    """Synced rows minus the override windows of their model; a row cut in two gets a suffixed version."""
    out = []
    for row in rows:
        pieces = [(date.fromisoformat(row["effective_from"]), _end(row["effective_to"]))]
        for w_from, w_to in windows:
            pieces = [
                piece
                for start, end in pieces
                for piece in ((start, min(end, w_from)), (max(start, w_to), end))
                if piece[0] < piece[1]
            ]
        for index, (start, end) in enumerate(pieces):
            out.append(
                {
                    **row,
                    "effective_from": start.isoformat(),
                    "effective_to": "" if end == date.max else end.isoformat(),
                    "price_version": row["price_version"] + (f".{index + 1}" if len(pieces) > 1 else ""),
                }
            )
    return out


def _end(value: str) -> date:
    return date.fromisoformat(value) if value else date.max


def merge_overrides(synced: list[dict[str, str]], overrides: list[dict[str, str]]) -> list[dict[str, str]]:
    """Overrides win: within an override row's window its model is priced from the override rows only."""
    windows: dict[tuple[str, str], list[tuple[date, date]]] = {}
    for row in overrides:
        windows.setdefault((row["provider"], row["model"]), []).append(
            (date.fromisoformat(row["effective_from"]), _end(row["effective_to"]))
        )
    merged = []
    for key, group in _group(synced).items():
        merged.extend(_clip(group, windows[key]) if key in windows else group)
    merged.extend({column: row.get(column, "") or "" for column in SEED_COLUMNS} for row in overrides)
    return merged


def _group(rows: Iterable[dict[str, str]]) -> dict[tuple[str, str], list[dict[str, str]]]:
    groups: dict[tuple[str, str], list[dict[str, str]]] = {}
    for row in rows:
        groups.setdefault((row["provider"], row["model"]), []).append(row)
    return groups


def _sort_key(row: dict[str, str]) -> tuple:
    # Platforms that also resell other makers' models (Azure, Bedrock, Vertex) first, the makers last, so the
    # last provider listed for a model id is its maker; within a version the standard context and the base
    # tier come first.
    return (
        PROVIDER_ORDER.index(row["provider"]) if row["provider"] in PROVIDER_ORDER else -1,
        row["provider"],
        row["model"],
        row["effective_from"],
        PROCESSING_KINDS.index(row["processing"]) if row["processing"] in PROCESSING_KINDS else 9,
        SERVICE_TIERS.index(row["service_tier"]) if row["service_tier"] in SERVICE_TIERS else 9,
        int(row["tier_min_input_tokens"] or 0),
    )


def diff_rows(old: Sequence[dict[str, str]], new: Sequence[dict[str, str]]) -> list[dict[str, str]]:
    """What a reviewer needs next to the seed diff: rows added, removed, or with changed prices or window."""

    def key(row: dict[str, str]) -> tuple[str, ...]:
        return tuple(row.get(column, "") or "" for column in ROW_KEY)

    old_by_key = {key(r): r for r in old}
    new_by_key = {key(r): r for r in new}
    changes = []
    for k in sorted(old_by_key.keys() | new_by_key.keys()):
        before, after = old_by_key.get(k), new_by_key.get(k)
        if before is None:
            change, details = "added", ""
        elif after is None:
            change, details = "removed", ""
        else:
            moved = [
                f"{column}: {before.get(column, '') or ''} -> {after.get(column, '') or ''}"
                for column in PRICE_COLUMNS
                if (before.get(column, "") or "") != (after.get(column, "") or "")
            ]
            if not moved:
                continue
            change, details = "changed", "; ".join(moved)
        changes.append(
            {
                "change": change,
                **dict(zip(ROW_KEY, k, strict=True)),
                "price_version_before": (before or {}).get("price_version", ""),
                "price_version_after": (after or {}).get("price_version", ""),
                "details": details,
            }
        )
    return changes


def _read(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _write(path: Path, columns: Sequence[str], rows: Iterable[dict[str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    with tmp.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns), lineterminator="\n", extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    tmp.replace(path)


def sync_price_book(seeds_dir: Path, diff_path: Path, *, dry_run: bool = False) -> SyncResult:
    """Rebuild seeds/model_prices.csv from genai-prices + seeds/model_price_overrides.csv; write the diff."""
    synced, skipped, source = synced_rows()
    overrides = _read(seeds_dir / "model_price_overrides.csv")
    rows = sorted(merge_overrides(synced, overrides), key=_sort_key)
    seed_path = seeds_dir / "model_prices.csv"
    changes = diff_rows(_read(seed_path), rows)
    if not dry_run:
        _write(seed_path, SEED_COLUMNS, rows)
    diff_columns = ("change", *ROW_KEY, "price_version_before", "price_version_after", "details")
    _write(diff_path, diff_columns, changes)
    return SyncResult(rows=rows, diff=changes, skipped=skipped, source=source)
