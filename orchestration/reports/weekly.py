"""The weekly burn review as one self-contained HTML page with PNG charts, readable without any server.

Every figure comes from the marts (rpt_weekly_burn_summary, rpt_weekly_burn_review, fct_ai_requests); the
page only groups and sums what they hold. Charts are drawn with matplotlib (Agg, no display) and written
both as PNG files beside the page and inline as base64, so the page alone is enough.
"""

from __future__ import annotations

import base64
import html
import io
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from orchestration.settings import ConfigError, Settings

ISO_WEEK = re.compile(r"^\d{4}-W\d{2}$")
TREND_WEEKS = 8
MIX_MODELS = 8

STYLE = """
body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 2rem auto; max-width: 1180px;
       color: #1f2933; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
.meta { color: #616e7c; font-size: .9rem; } .summary { font-size: 1.1rem; background: #f0f4f8;
        border-left: 4px solid #3e7bfa; padding: .8rem 1rem; }
.kpis { display: flex; gap: 2rem; margin: 1rem 0; } .kpi b { display: block; font-size: 1.3rem; }
table { border-collapse: collapse; width: 100%; font-size: .82rem; }
th, td { border-bottom: 1px solid #d9e2ec; padding: .35rem .4rem; text-align: left; vertical-align: top; }
th { background: #f5f7fa; } td.num { text-align: right; white-space: nowrap; }
.up { color: #b42318; } .down { color: #027a48; }
.charts { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; } .charts img { width: 100%; }
"""


@dataclass
class WeeklyReport:
    week: str
    page: Path
    charts: list[Path] = field(default_factory=list)
    top_rows: int = 0


def available_weeks(settings: Settings) -> list[tuple[str, bool]]:
    """(ISO week, complete) in time order; a week is complete when the data reaches its Sunday."""
    rows = _query(
        settings,
        """
        select summary.iso_week, summary.week_start, max(requests.request_date)
        from marts.rpt_weekly_burn_summary as summary
        cross join marts.fct_ai_requests as requests
        group by summary.iso_week, summary.week_start
        order by summary.week_start
        """,
    )
    return [(week, (last_day - start).days >= 6) for week, start, last_day in rows]


def write_weekly_report(settings: Settings, out_dir: Path, week: str | None = None) -> WeeklyReport:
    weeks = available_weeks(settings)
    if not weeks:
        raise ConfigError("the warehouse holds no weekly review yet: run `chargeback run` on a landing folder first")
    names = [name for name, _ in weeks]
    if week is None:
        complete = [name for name, is_complete in weeks if is_complete]
        week = complete[-1] if complete else names[-1]
    elif not ISO_WEEK.match(week) or week not in names:
        raise ConfigError(f"no weekly review for {week!r}: pass --week as YYYY-Www, one of {names[0]} .. {names[-1]}")
    out_dir.mkdir(parents=True, exist_ok=True)
    data = _read_week(settings, week, names)
    charts = _draw_charts(data, out_dir, week)
    page = out_dir / f"weekly-{week}.html"
    staged = out_dir / f".weekly-{week}.html.tmp"
    staged.write_text(_render(data, charts), encoding="utf-8")
    staged.replace(page)  # a reader never sees half a page
    return WeeklyReport(week=week, page=page, charts=[path for path, _ in charts], top_rows=len(data["top"]))


def _query(settings: Settings, sql: str, params: list | None = None) -> list[tuple]:
    from orchestration.pipeline import _open_marts, _rows

    con = _open_marts(settings)
    if con is None:
        raise ConfigError(f"no warehouse at {settings.warehouse_path}: run `chargeback run --landing DIR` first")
    try:
        return _rows(con, sql, params)
    finally:
        con.close()


def _read_week(settings: Settings, week: str, names: list[str]) -> dict:
    trend_weeks = names[max(0, names.index(week) - TREND_WEEKS + 1) : names.index(week) + 1]
    marks = ", ".join(["?"] * len(trend_weeks))
    summary = _query(
        settings,
        "select summary_text, total_spend_usd, prior_total_spend_usd, total_variance_pct, week_start "
        "from marts.rpt_weekly_burn_summary where iso_week = ?",
        [week],
    )[0]
    top = _query(
        settings,
        """
        select spend_rank, cost_center, project_id, feature, owner_team, current_spend_usd, prior_spend_usd,
               variance_usd, variance_pct, model_mix, intent_mix, top_route_reason, error_or_retry_rate,
               classification, next_action, owner_comment
        from marts.rpt_weekly_burn_review
        where iso_week = ? and is_top_10
        order by spend_rank
        """,
        [week],
    )
    team_trend = _query(
        settings,
        f"""
        select iso_week, owner_team, sum(current_spend_usd)
        from marts.rpt_weekly_burn_review
        where iso_week in ({marks})
        group by iso_week, owner_team
        order by iso_week, owner_team
        """,
        trend_weeks,
    )
    unallocated_trend = _query(
        settings,
        f"""
        select iso_week,
               sum(case when owner_team = 'unallocated' then current_spend_usd else 0 end),
               sum(current_spend_usd)
        from marts.rpt_weekly_burn_review
        where iso_week in ({marks})
        group by iso_week
        order by iso_week
        """,
        trend_weeks,
    )
    model_mix = _query(
        settings,
        """
        select coalesce(selected_model, 'unknown'), sum(coalesce(list_cost_usd, 0)), count(*)
        from marts.fct_ai_requests
        where request_date >= cast(? as date) and request_date < cast(? as date) + 7
        group by 1
        order by 2 desc, 1
        """,
        [summary[4].isoformat(), summary[4].isoformat()],
    )
    return {
        "week": week,
        "summary": summary,
        "top": top,
        "trend_weeks": trend_weeks,
        "team_trend": team_trend,
        "unallocated_trend": unallocated_trend,
        "model_mix": model_mix,
    }


def _draw_charts(data: dict, out_dir: Path, week: str) -> list[tuple[Path, str]]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    charts: list[tuple[Path, str]] = []

    def save(fig, name: str, title: str) -> None:
        path = out_dir / f"weekly-{week}-{name}.png"
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
        plt.close(fig)
        path.write_bytes(buffer.getvalue())
        charts.append((path, title))

    weeks = data["trend_weeks"]
    teams = sorted({team for _, team, _ in data["team_trend"]})
    spend = {(w, t): float(v) for w, t, v in data["team_trend"]}
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    bottom = [0.0] * len(weeks)
    for team in teams:
        values = [spend.get((w, team), 0.0) for w in weeks]
        ax.bar(weeks, values, bottom=bottom, label=team)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    ax.set_title("Spend by team (list cost, USD)")
    ax.tick_params(axis="x", labelrotation=45)
    ax.legend(fontsize=7, ncol=2)
    save(fig, "team-trend", "Spend trend by team")

    mix = data["model_mix"]
    shown = mix[:MIX_MODELS]
    other = sum(float(cost) for _, cost, _ in mix[MIX_MODELS:])
    labels = [model for model, _, _ in shown] + (["other"] if other else [])
    values = [float(cost) for _, cost, _ in shown] + ([other] if other else [])
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    ax.barh(labels[::-1], values[::-1], color="#3e7bfa")
    ax.set_title(f"Model mix {week} (spend by selected model, USD)")
    save(fig, "model-mix", "Model mix")

    fig, ax = plt.subplots(figsize=(6.4, 3.0))
    shares = [100 * float(u) / float(t) if t else 0.0 for _, u, t in data["unallocated_trend"]]
    ax.plot([w for w, _, _ in data["unallocated_trend"]], shares, marker="o", color="#b42318")
    ax.set_ylim(bottom=0)
    ax.set_title("Unallocated share of spend (%)")
    ax.tick_params(axis="x", labelrotation=45)
    save(fig, "unallocated-trend", "Unallocated trend")
    return charts


def _money(value) -> str:
    return "" if value is None else f"${float(value):,.2f}"


def _pct(value) -> str:
    return "" if value is None else f"{float(value):+.1f}%"


def _render(data: dict, charts: list[tuple[Path, str]]) -> str:
    text, total, prior, change_pct, _ = data["summary"]
    esc = html.escape
    rows = []
    for row in data["top"]:
        (rank, cost_center, project, feature, team, spend, prior_spend, var_usd, var_pct, models, intents,
         route, error_rate, classification, action, comment) = row  # fmt: skip
        trend = "up" if var_usd and var_usd > 0 else "down"
        rows.append(
            "<tr>"
            f"<td class=num>{rank}</td><td>{esc(cost_center)}</td><td>{esc(project)}</td><td>{esc(feature)}</td>"
            f"<td>{esc(team)}</td><td class=num>{_money(spend)}</td><td class=num>{_money(prior_spend)}</td>"
            f"<td class='num {trend}'>{_money(var_usd)}</td><td class='num {trend}'>{_pct(var_pct)}</td>"
            f"<td>{esc(models or '')}</td><td>{esc(intents or '')}</td><td>{esc(route or '')}</td>"
            f"<td class=num>{'' if error_rate is None else f'{float(error_rate):.1%}'}</td>"
            f"<td>{esc(classification)}</td><td>{esc(action or '')}</td><td>{esc(comment or '')}</td>"
            "</tr>"
        )
    images = "".join(
        f"<figure><img alt='{esc(title)}' src='data:image/png;base64,"
        f"{base64.b64encode(path.read_bytes()).decode()}'><figcaption>{esc(title)} ({esc(path.name)})"
        "</figcaption></figure>"
        for path, title in charts
    )
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Weekly AI burn review {esc(data["week"])}</title>
<style>{STYLE}</style></head>
<body>
<h1>Weekly AI burn review {esc(data["week"])}</h1>
<div class="meta">ai-chargeback; list cost from marts.fct_ai_requests; generated {generated}</div>
<p class="summary">{esc(text)}</p>
<div class="kpis"><div class="kpi">This week<b>{_money(total)}</b></div>
<div class="kpi">Last week<b>{_money(prior)}</b></div>
<div class="kpi">Change<b>{_pct(change_pct) or "n/a"}</b></div></div>
<h2>Top 10 lines (cost center x project x feature x owner team)</h2>
<table><thead><tr><th>#</th><th>Cost center</th><th>Project</th><th>Feature</th><th>Owner team</th>
<th>Spend</th><th>Prior week</th><th>Variance</th><th>%</th><th>Model mix</th><th>Intent mix</th>
<th>Top route</th><th>Errors/retries</th><th>Classification</th><th>Next action</th><th>Owner comment</th></tr>
</thead><tbody>
{"".join(rows)}
</tbody></table>
<h2>Trends</h2>
<div class="charts">{images}</div>
</body></html>
"""
