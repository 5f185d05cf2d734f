"""Benchmark: the whole pipeline against two baselines on the same generated landing folder, in one run.

    python benchmarks/bench.py --requests 1000000 [--days 30] [--workdir DIR] [--keep]

Three measurements, each in its own process so peak memory is its own:
  pipeline  `run_pipeline` (the `chargeback run` code path): load every source, dbt build, contracts.
  floor     what the engine needs at least: DuckDB loads the same raw JSON files into tables, then one
            priced daily aggregation of the gateway log by team and model.
  pandas    a plain pandas script doing that aggregation from the gateway JSON lines.
It prints wall time per stage, rows per second, peak memory and the ratios pipeline/floor and
pandas/pipeline. Figures vary with the machine; the ratios are what carries over.

    python benchmarks/bench.py --daily --requests 1000000 --days 31

measures the daily run instead: the pipeline over the first 30 days, then the run that adds day 31 to that
warehouse (incremental), against a new warehouse loading day 31 alone; it prints the ratio of the two.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
PRICES = PROJECT_DIR / "seeds" / "model_prices.csv"
BENCH_SALT = "benchmark-salt-not-a-secret"


# Peak memory is each process image's own high-water mark (VmHWM in /proc/<pid>/status). Not ru_maxrss: a
# child's ru_maxrss starts from its parent's resident memory at fork (Linux keeps it across exec), so dbt
# would count the loader's memory and every measurement the generator's.


def _vm_hwm_mib(pid: int | str = "self") -> float | None:
    """The process's peak resident memory (VmHWM), None when it is gone or /proc has no such field."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024  # kB
    return None


class DescendantPeaks(threading.Thread):
    """Samples the VmHWM of this process's descendants (dbt) every `interval` seconds. VmHWM only grows, so
    the last sample of a process is its peak but for what it added in its last interval."""

    def __init__(self, interval: float = 0.5) -> None:
        super().__init__(daemon=True)
        self.interval = interval
        self.peaks: dict[int, float] = {}
        self.done = threading.Event()

    def _descendants(self) -> list[int]:
        parents: dict[int, list[int]] = {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
        found, todo = [], [os.getpid()]
        while todo:
            children = parents.get(todo.pop(), [])
            found += children
            todo += children
        return found

    def run(self) -> None:
        while not self.done.wait(self.interval):
            for pid in self._descendants():
                if (peak := _vm_hwm_mib(pid)) is not None:
                    self.peaks[pid] = max(peak, self.peaks.get(pid, 0.0))

    def stop(self) -> float:
        self.done.set()
        self.join()
        return max(self.peaks.values(), default=0.0)


def _peak_mib() -> float:
    """Peak resident memory of this process (the whole process on systems without /proc)."""
    own = _vm_hwm_mib()
    return own if own is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_pipeline(landing: Path, workdir: Path) -> dict:
    from orchestration.pipeline import run_pipeline
    from orchestration.settings import Settings

    settings = Settings(
        landing_dir=landing, warehouse_path=workdir / "warehouse.duckdb", data_docs_dir=workdir / "data_docs"
    )
    dbt_peaks = DescendantPeaks()
    dbt_peaks.start()
    started = time.perf_counter()
    summary = run_pipeline(settings)
    wall = time.perf_counter() - started
    peak_dbt = dbt_peaks.stop()
    peak_own = _peak_mib()
    steps = summary.step_seconds
    return {
        "success": summary.success,
        "wall": wall,
        "load": sum(seconds for step, seconds in steps.items() if step.startswith("raw")),
        "dbt_build": steps.get("chargeback_dbt_assets", 0.0),
        "contracts": steps.get("data_contracts", 0.0),
        "publish": steps.get("published__marts_read_copy", 0.0),
        "raw_rows": summary.rows_total,
        "attempts": summary.attempts_billable,
        "list_cost_usd": summary.list_cost_usd,
        "peak_mib": max(peak_own, peak_dbt),
        # Which side peaked: this process (loading, contracts, publishing) or dbt (a child process).
        "peak_in_process_mib": peak_own,
        "peak_dbt_mib": peak_dbt,
    }


# Gateway usage priced at the latest standard price of the selected model: enough to make the
# aggregation real work (a join and arithmetic per row) without the pipeline's full pricing rules. An
# absent token count is none used (a null would price the whole line as nothing); the pandas script too.
FLOOR_AGGREGATION = """
    with prices as (
        select model, input_usd_per_mtok, coalesce(cache_read_usd_per_mtok, input_usd_per_mtok) as cache_usd,
               output_usd_per_mtok,
               row_number() over (partition by model order by effective_from desc) as newest
        from read_csv('{prices}', header = true)
        where processing = 'standard' and service_tier = 'default' and tier_min_input_tokens = 0
    )
    select cast(g."timestamp" as date) as request_date, g.tags.owner_team as owner_team, g.selected_model,
           count(*) as requests,
           sum(coalesce(g.usage.input_tokens, 0) * p.input_usd_per_mtok
               + coalesce(g.usage.cache_read_tokens, 0) * p.cache_usd
               + coalesce(g.usage.output_tokens, 0) * p.output_usd_per_mtok) / 1e6 as cost_usd
    from raw_gateway as g
    left join prices as p on p.model = g.selected_model and p.newest = 1
    group by all
"""


def child_floor(landing: Path, workdir: Path) -> dict:
    import duckdb

    (workdir / "floor.duckdb").unlink(missing_ok=True)
    con = duckdb.connect(str(workdir / "floor.duckdb"))
    started = time.perf_counter()
    rows = 0
    for folder in sorted(p for p in landing.iterdir() if p.is_dir() and p.name != "invoices"):
        table = f"raw_{folder.name}"
        patterns = [
            str(folder / "**" / f"*{ext}") for ext in (".jsonl", ".json", ".json.gz") if any(folder.rglob(f"*{ext}"))
        ]
        source = f"read_json_auto({patterns!r}, union_by_name = true, ignore_errors = true)"
        columns = con.execute(f"describe select * from {source}").fetchall()
        if [c[1] for c in columns] == ["JSON"]:
            # A few non-object lines make detection fall back to one JSON column: take the schema of the
            # first line instead, as anyone loading these files would.
            first = next(folder.rglob("*.jsonl"))
            sample = workdir / "schema_sample.jsonl"
            sample.write_text(first.open().readline())
            schema = con.execute(f"describe select * from read_json_auto('{sample}')").fetchall()
            spec = "{" + ", ".join(f"'{name}': '{kind}'" for name, kind, *_ in schema) + "}"
            source = (
                f"read_json({patterns!r}, columns = {spec}, format = 'newline_delimited', "
                "union_by_name = true, ignore_errors = true)"
            )
        con.execute(f"create table {table} as select * from {source}")
        rows += con.execute(f"select count(*) from {table}").fetchone()[0]
    load = time.perf_counter() - started
    con.execute("create table daily_cost as " + FLOOR_AGGREGATION.format(prices=PRICES))
    total = con.execute("select sum(cost_usd) from daily_cost").fetchone()[0]
    wall = time.perf_counter() - started
    con.close()
    return {
        "wall": wall,
        "load": load,
        "aggregate": wall - load,
        "raw_rows": rows,
        "cost_usd": total,
        "peak_mib": _peak_mib(),
    }


def child_pandas(landing: Path, workdir: Path) -> dict:
    import pandas as pd

    started = time.perf_counter()
    frames = []
    # A file at a time, as a script must at 10M requests: all the records at once would not fit in memory.
    for path in sorted((landing / "gateway").rglob("*.jsonl")):
        records = []
        with path.open() as lines:
            for line in lines:
                try:  # the exports carry the odd malformed line; a script has to skip it too
                    records.append(json.loads(line))
                except json.JSONDecodeError:
                    continue
        frame = pd.json_normalize(records)
        del records
        frames.append(
            pd.DataFrame(
                {
                    "request_date": pd.to_datetime(
                        frame["timestamp"], utc=True, format="ISO8601", errors="coerce"
                    ).dt.date,
                    "owner_team": frame["tags.owner_team"],
                    "selected_model": frame["selected_model"],
                    "input_tokens": frame["usage.input_tokens"].fillna(0),
                    "cache_read_tokens": frame["usage.cache_read_tokens"].fillna(0),
                    "output_tokens": frame["usage.output_tokens"].fillna(0),
                }
            )
        )
    requests = pd.concat(frames, ignore_index=True)
    load = time.perf_counter() - started
    prices = pd.read_csv(PRICES)
    prices = prices[
        (prices.processing == "standard") & (prices.service_tier == "default") & (prices.tier_min_input_tokens == 0)
    ]
    prices = prices.sort_values("effective_from").groupby("model").tail(1)
    prices = prices.assign(cache_usd=prices.cache_read_usd_per_mtok.fillna(prices.input_usd_per_mtok))
    priced = requests.merge(
        prices[["model", "input_usd_per_mtok", "cache_usd", "output_usd_per_mtok"]],
        left_on="selected_model",
        right_on="model",
        how="left",
    )
    priced["cost_usd"] = (
        priced.input_tokens * priced.input_usd_per_mtok
        + priced.cache_read_tokens * priced.cache_usd
        + priced.output_tokens * priced.output_usd_per_mtok
    ) / 1e6
    daily = priced.groupby(["request_date", "owner_team", "selected_model"], dropna=False).agg(
        requests=("cost_usd", "size"), cost_usd=("cost_usd", "sum")
    )
    wall = time.perf_counter() - started
    return {
        "wall": wall,
        "load": load,
        "aggregate": wall - load,
        "raw_rows": len(requests),
        "cost_usd": float(daily.cost_usd.sum()),
        "peak_mib": _peak_mib(),
    }


CHILDREN = {"pipeline": child_pipeline, "floor": child_floor, "pandas": child_pandas}


def measure(name: str, landing: Path, workdir: Path) -> dict:
    env = {**os.environ, "CHARGEBACK_HASH_SALT": os.environ.get("CHARGEBACK_HASH_SALT", BENCH_SALT)}
    env.setdefault("DBT_PROFILES_DIR", str(PROJECT_DIR / "profiles"))
    out = subprocess.run(
        [sys.executable, __file__, "--child", name, "--landing", str(landing), "--workdir", str(workdir)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _link_tree(landing: Path, target: Path, wanted) -> None:
    """Hard links of the landing files whose day (loader.day_of; None for monthly files) is wanted."""
    from orchestration.ingest.loader import day_of

    for path in sorted(p for p in landing.rglob("*") if p.is_file()):
        relative = path.relative_to(landing)
        if wanted(day_of(relative.as_posix())) and not (target / relative).exists():
            (target / relative).parent.mkdir(parents=True, exist_ok=True)
            os.link(path, target / relative)


def daily(landing: Path, workdir: Path) -> None:
    """The daily target: adding the landing's last day to a warehouse holding the days before it (an
    incremental run) against loading that day alone into a new warehouse and building it. Files without a
    day (monthly usage pages, invoices) are in both."""
    from orchestration.ingest.loader import day_of

    last = max(day for p in landing.rglob("*") if p.is_file() and (day := day_of(p.relative_to(landing).as_posix())))
    root = workdir / "daily"
    shutil.rmtree(root, ignore_errors=True)
    history, alone = root / "landing_history", root / "landing_day"
    _link_tree(landing, history, lambda day: day != last)
    _link_tree(landing, alone, lambda day: day in (None, last))
    runs = {}

    def run(name: str, folder: Path, run_dir: str) -> None:
        (root / run_dir).mkdir(parents=True, exist_ok=True)
        runs[name] = measure("pipeline", folder, root / run_dir)
        print(f"{name}: {json.dumps(runs[name])}", flush=True)

    run("history", history, "incremental")
    _link_tree(landing, history, lambda day: day == last)  # the new day lands next to the history
    run("incremental", history, "incremental")
    run("day_alone", alone, "alone")
    for name, res in runs.items():
        print(
            f"{name:<12} {res['wall']:8.1f} s  load {res['load']:.1f} s, dbt build {res['dbt_build']:.1f} s; "
            f"{res['raw_rows']:,} raw rows in the warehouse, peak {res['peak_mib']:,.0f} MiB"
        )
    ratio = runs["incremental"]["wall"] / runs["day_alone"]["wall"]
    print(f"new day {last}: incremental run / that day alone   {ratio:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--keep", action="store_true", help="Keep the landing folder and warehouses.")
    parser.add_argument("--only", nargs="+", choices=sorted(CHILDREN), help="Measure only these.")
    parser.add_argument(
        "--daily", action="store_true", help="Measure the daily run instead: the last day added to the others."
    )
    parser.add_argument("--child", choices=sorted(CHILDREN), help=argparse.SUPPRESS)
    parser.add_argument("--landing", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        print(json.dumps(CHILDREN[args.child](args.landing, args.workdir)))
        return

    from orchestration.sample.generator import generate_sample

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="chargeback-bench-"))
    landing = workdir / "landing"
    started = time.perf_counter()
    if not (landing / "gateway").is_dir():  # a kept workdir is measured again on the same input
        # In a process of its own, so that this one stays small: every measurement is its child.
        generator = multiprocessing.get_context("spawn").Process(
            target=generate_sample,
            args=(landing,),
            kwargs={"requests": args.requests, "days": args.days, "seed": args.seed, "start": date(2026, 7, 1)},
        )
        generator.start()
        generator.join()
        if generator.exitcode != 0:
            sys.exit(f"generating the sample failed (exit code {generator.exitcode})")
    size_mib = sum(p.stat().st_size for p in landing.rglob("*") if p.is_file()) / 2**20
    print(
        f"input: {args.requests:,} requests over {args.days} days, {size_mib:,.0f} MiB of landing files "
        f"(generated in {time.perf_counter() - started:.0f} s)"
    )

    if args.daily:
        daily(landing, workdir)
        if not args.keep and args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
        return

    results = {}
    for name in args.only or ("floor", "pandas", "pipeline"):
        (workdir / name).mkdir(parents=True, exist_ok=True)
        results[name] = measure(name, landing, workdir / name)
        print(f"{name}: {json.dumps(results[name])}", flush=True)
        if name != "pipeline" and not args.keep:
            shutil.rmtree(workdir / name)  # a baseline's warehouse (GBs at 10M) is not needed again

    pipe = results.get("pipeline")
    if pipe:
        print(
            f"pipeline  {pipe['wall']:8.1f} s  load {pipe['load']:.1f} s, dbt build {pipe['dbt_build']:.1f} s, "
            f"contracts {pipe['contracts']:.1f} s, publish {pipe['publish']:.1f} s; "
            f"{pipe['raw_rows']:,} raw rows ({pipe['raw_rows'] / pipe['wall']:,.0f}/s), "
            f"{pipe['attempts']:,} attempts, peak {pipe['peak_mib']:,.0f} MiB (in process "
            f"{pipe['peak_in_process_mib']:,.0f}, dbt {pipe['peak_dbt_mib']:,.0f}), success={pipe['success']}"
        )
    for name in ("floor", "pandas"):
        if res := results.get(name):
            print(
                f"{name:<8}  {res['wall']:8.1f} s  load {res['load']:.1f} s, aggregate {res['aggregate']:.1f} s; "
                f"{res['raw_rows']:,} rows ({res['raw_rows'] / res['wall']:,.0f}/s), peak {res['peak_mib']:,.0f} MiB"
            )
    if pipe and "floor" in results:
        print(f"ratio pipeline / DuckDB floor   {pipe['wall'] / results['floor']['wall']:.2f}x")
    if pipe and "pandas" in results:
        print(f"ratio pandas / pipeline         {results['pandas']['wall'] / pipe['wall']:.2f}x")
    if not args.keep and args.workdir is None:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
