"""Attribution rules and the ledger on a worked example, every figure hand-computed (see comments).

Prices: gpt-4.1-mini input $0.40 / M (250,000 tokens = $0.10); claude-haiku-4-5 input $1 / M, output $5 / M.
All traffic is in July 2026.

openai gpt-4.1-mini                                                   list
  A  search, prod, fully tagged, 2 x 500k in                           0.40
  B  support, prod, tagged, 1 x 250k in                                0.10
     support retry storm: root + 4 retries, 250k in each; attempts
     1-4 fail (529), attempt 5 succeeds                                0.50 (retry 0.40, failed 0.40)
  D  platform router-evals (a shared feature), 750k in                 0.30
  E  untagged prod with key key-search-prod -> key fallback to search  0.10
  F  untagged prod with an unknown key -> unallocated                  0.10
  G1 dev, search, feature "prompt-lab" first seen 07-01 -> ad hoc      0.10
  G2 dev, same value on 07-20, 19 days later: expired -> violation     0.10
  H1 growth, prod, no feature/cost center, 07-10: EXC-2026-001 live    0.10
  H2 same on 07-25: the exception expired on 07-20 -> violation        0.10
                                                                       ----
                                                                       1.90   invoice: usage 1.90, discount -0.19
anthropic claude-haiku-4-5
  C  sales call-notes, 100k in + 20k out; and one "call_notes"
     (alias) 100k in                                                   0.30   invoice: usage 0.30, credit -0.03

Shared feature router-evals (rule ALLOC-ROUTER-EVALS, usage_cost): consumers' own July cost is
search 0.70 (A+E+G1+G2), support 0.60, sales 0.30, growth 0.20, data-science 0; W = 1.80.
30 cents x share: search 11.67, support 10.00, sales 5.00, growth 3.33 -> floors 11+10+5+3 = 29,
the leftover cent to the largest remainder (search): search 0.12, support 0.10, sales 0.05, growth 0.03.

openai discount -19 cents in proportion to net cost (net / 1.90 x 19 = net x 10 cents):
query-rewrite 4, search unallocated/unallocated (E+G2) 2, search ad_hoc 1, support ticket-summarization 6,
unallocated 1, growth 2, router-evals shares 1.2 / 1.0 / 0.5 / 0.3 -> floors 18, the leftover cent to
the largest remainder (sales' share, .5).
"""

from __future__ import annotations

import json
import os
import subprocess
from decimal import Decimal

import pytest
from helpers import query, run_on

from orchestration.pipeline_defs import dbt_executable
from orchestration.settings import PROFILES_DIR, PROJECT_DIR

D = Decimal


def _attempt(request_id, when, tags, *, model="gpt-4.1-mini", provider="openai", tokens_in=250_000, out=0, **extra):
    record = {
        "request_id": request_id,
        "timestamp": f"2026-07-{when}Z",
        "provider": provider,
        "selected_model": model,
        "usage": {"input_tokens": tokens_in, "output_tokens": out},
        "outcome_status": "success",
        "status_code": 200,
        "tags": tags,
    }
    record.update(extra)
    return record


def _tags(team, project, feature, cost_center, environment="prod"):
    return {"owner_team": team, "project_id": project, "feature": feature, "cost_center": cost_center,
            "environment": environment}  # fmt: skip


def worked_example_records() -> list[dict]:
    search = _tags("search", "search-ranking", "query-rewrite", "cc-1010")
    support = _tags("support", "support-assistant", "ticket-summarization", "cc-1020")
    records = [
        _attempt("A1", "05T10:00:00", search, tokens_in=500_000, api_key_id="key-search-prod"),
        _attempt("A2", "06T10:00:00", search, tokens_in=500_000, api_key_id="key-search-prod"),
        _attempt("B1", "07T09:00:00", support, api_key_id="key-support-prod"),
    ]
    for attempt in range(1, 6):
        failed = attempt < 5
        records.append(
            _attempt(
                f"S{attempt}", f"08T13:00:0{attempt}", support, api_key_id="key-support-prod",
                root_request_id="S1", attempt=attempt, retry_count=attempt - 1,
                status_code=529 if failed else 200, outcome_status="error" if failed else "success",
            )
        )  # fmt: skip
    records += [
        _attempt("C1", "09T11:00:00", _tags("sales", "sales-copilot", "call-notes", "cc-1040"),
                 provider="anthropic", model="claude-haiku-4-5", tokens_in=100_000, out=20_000),
        _attempt("C2", "09T12:00:00", _tags("sales", "sales-copilot", "call_notes", "cc-1040"),
                 provider="anthropic", model="claude-haiku-4-5", tokens_in=100_000),
        _attempt("D1", "10T08:00:00", _tags("platform", "platform-gateway", "router-evals", "cc-1050"),
                 tokens_in=750_000),
        _attempt("E1", "11T08:00:00", {"environment": "prod"}, api_key_id="key-search-prod"),
        _attempt("F1", "11T09:00:00", {"environment": "prod"}, api_key_id="key-unknown-999"),
        _attempt("G1", "01T08:00:00", {"owner_team": "search", "cost_center": "cc-1010", "feature": "prompt-lab",
                                       "environment": "dev"}),
        _attempt("G2", "20T08:00:00", {"owner_team": "search", "cost_center": "cc-1010", "feature": "prompt-lab",
                                       "environment": "dev"}),
        _attempt("H1", "10T15:00:00", {"owner_team": "growth", "project_id": "growth-experiments",
                                       "environment": "prod"}),
        _attempt("H2", "25T15:00:00", {"owner_team": "growth", "project_id": "growth-experiments",
                                       "environment": "prod"}),
    ]  # fmt: skip
    return records


def rebuild_ledger(warehouse, workdir, dbt_vars: str = "{}") -> None:
    """Rebuild the ledger steps (and their tests) of a warehouse copy, in a dbt process of its own."""
    command = [
        dbt_executable(), "build", "--quiet", "--select", "int_ledger_movements+", "--vars", dbt_vars,
        "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROFILES_DIR),
        "--target-path", str(workdir / "target"),
    ]  # fmt: skip
    env = {**os.environ, "CHARGEBACK_WAREHOUSE": str(warehouse)}
    completed = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert completed.returncode == 0, completed.stdout[-2000:]


INVOICES = {
    "openai_2026-07.csv": [("usage", "gpt-4.1-mini usage", "1.90"), ("discount", "Committed use discount", "-0.19")],
    "anthropic_2026-07.csv": [("usage", "claude-haiku-4-5 usage", "0.30"), ("credit", "Promotional credit", "-0.03")],
}


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("worked_example")
    day = workdir / "landing" / "gateway" / "2026-07"
    day.mkdir(parents=True)
    (day / "requests.jsonl").write_text("".join(json.dumps(r) + "\n" for r in worked_example_records()))
    invoices = workdir / "landing" / "invoices"
    invoices.mkdir()
    for name, lines in INVOICES.items():
        provider = name.split("_")[0]
        rows = ["invoice_id,provider,billing_period_start,billing_period_end,line_type,description,amount_usd,currency"]
        rows += [f"INV-{provider}-07,{provider},2026-07-01,2026-07-31,{kind},{text},{amount},USD"
                 for kind, text, amount in lines]  # fmt: skip
        (invoices / name).write_text("\n".join(rows) + "\n")
    summary = run_on(workdir / "landing", workdir)
    assert not summary.dbt_failures, summary.dbt_failures
    return workdir / "warehouse.duckdb"


def test_each_attempt_is_resolved_by_the_documented_rule(warehouse):
    rows = {
        r[0]: r[1:]
        for r in query(
            warehouse,
            """select request_id, owner_team, cost_center, project_id, feature, attribution_status,
                      attribution_severity, attribution_issues from marts.fct_ai_requests""",
        )
    }
    assert rows["A1"] == ("search", "cc-1010", "search-ranking", "query-rewrite", "attributed", "none", "")
    assert rows["C2"] == ("sales", "cc-1040", "sales-copilot", "call-notes", "attributed", "none", "")
    assert rows["E1"] == (
        "search",
        "cc-1010",
        "unallocated",
        "unallocated",
        "key_fallback",
        "violation",
        "missing:owner_team,feature,cost_center,key_fallback:owner_team,key_fallback:cost_center",
    )
    assert rows["F1"] == (
        "unallocated",
        "unallocated",
        "unallocated",
        "unallocated",
        "unallocated",
        "violation",
        "missing:owner_team,feature,cost_center",
    )
    assert rows["G1"] == ("search", "cc-1010", "unallocated", "ad_hoc", "attributed", "none", "ad_hoc:feature")
    assert rows["G2"] == (
        "search",
        "cc-1010",
        "unallocated",
        "unallocated",
        "attributed",
        "violation",
        "invalid:feature",
    )
    assert rows["H1"] == (
        "growth",
        "cc-1030",
        "growth-experiments",
        "unallocated",
        "derived",
        "warning",
        "missing:feature,cost_center,derived:cost_center,exception:EXC-2026-001",
    )
    assert rows["H2"] == ("growth", "cc-1030", "growth-experiments", "unallocated", "derived", "violation",
                          "missing:feature,cost_center,derived:cost_center")  # fmt: skip


LEDGER = [
    # provider, owner, cost center, project, feature: attempts, list, retry, failed, in, out, discount, effective
    ("anthropic", "sales", "cc-1040", "sales-copilot", "call-notes", 2, "0.30", "0", "0", "0", "0", "-0.03", "0.27"),
    ("openai", "growth", "cc-1030", "growth-experiments", "unallocated", 2, "0.20", "0", "0", "0", "0", "-0.02",
     "0.18"),
    ("openai", "growth", "cc-1030", "platform-gateway", "router-evals", 0, "0", "0", "0", "0.03", "0", "0",
     "0.03"),
    ("openai", "platform", "cc-1050", "platform-gateway", "router-evals", 1, "0.30", "0", "0", "0", "0.30", "0",
     "0"),
    ("openai", "sales", "cc-1040", "platform-gateway", "router-evals", 0, "0", "0", "0", "0.05", "0", "-0.01", "0.04"),
    ("openai", "search", "cc-1010", "platform-gateway", "router-evals", 0, "0", "0", "0", "0.12", "0", "-0.01", "0.11"),
    ("openai", "search", "cc-1010", "search-ranking", "query-rewrite", 2, "0.40", "0", "0", "0", "0", "-0.04", "0.36"),
    ("openai", "search", "cc-1010", "unallocated", "ad_hoc", 1, "0.10", "0", "0", "0", "0", "-0.01", "0.09"),
    ("openai", "search", "cc-1010", "unallocated", "unallocated", 2, "0.20", "0", "0", "0", "0", "-0.02", "0.18"),
    ("openai", "support", "cc-1020", "platform-gateway", "router-evals", 0, "0", "0", "0", "0.10", "0", "-0.01",
     "0.09"),
    ("openai", "support", "cc-1020", "support-assistant", "ticket-summarization", 6, "0.60", "0.40", "0.40", "0", "0",
     "-0.06", "0.54"),
    ("openai", "unallocated", "unallocated", "unallocated", "unallocated", 1, "0.10", "0", "0", "0", "0", "-0.01",
     "0.09"),
]  # fmt: skip


def test_every_ledger_figure_to_the_cent(warehouse):
    rows = query(
        warehouse,
        """select provider, owner_team, cost_center, project_id, feature, attempt_count, list_cost_usd,
                  retry_cost_usd, failed_cost_usd, allocated_in_usd, allocated_out_usd, discount_usd,
                  effective_cost_usd
           from marts.fct_chargeback_monthly order by 1, 2, 4, 5""",
    )
    expected = [(*line[:5], line[5], *(D(v) for v in line[6:])) for line in LEDGER]
    assert rows == expected


def test_effective_cost_equals_the_invoice_total_per_provider(warehouse):
    effective = dict(query(warehouse, "select provider, sum(effective_cost_usd) from marts.fct_chargeback_monthly "
                                      "group by 1"))  # fmt: skip
    invoiced = dict(query(warehouse, "select provider, invoice_total_usd from intermediate.int_invoice_totals"))
    assert effective == invoiced == {"openai": D("1.71"), "anthropic": D("0.27")}


def test_rule_ids_show_what_moved_money(warehouse):
    rules = dict(
        query(
            warehouse,
            "select owner_team || '/' || feature, rule_ids from marts.fct_chargeback_monthly where provider = 'openai'",
        )
    )
    assert rules["platform/router-evals"] == "ALLOC-ROUTER-EVALS"
    assert rules["sales/router-evals"] == "ALLOC-ROUTER-EVALS,invoice_discount"
    assert rules["growth/router-evals"] == "ALLOC-ROUTER-EVALS"
    assert rules["unallocated/unallocated"] == "invoice_discount"


def test_readiness_by_the_spec_thresholds(warehouse):
    rows = {
        r[0]: r[1:]
        for r in query(
            warehouse,
            """select owner_team, charged_list_cost_usd, attributable_cost_usd, readiness_status, blocking_reasons
               from marts.rpt_chargeback_readiness""",
        )
    }
    # search: 0.60 of 0.70 by tags (0.857 < 0.95), E1 came through key fallback
    assert rows["search"] == (D("0.70"), D("0.60"), "showback", "attributable share below 0.95")
    assert rows["support"] == (D("0.60"), D("0.60"), "chargeback", "")
    assert rows["sales"] == (D("0.30"), D("0.30"), "chargeback", "")
    assert rows["growth"] == (D("0.20"), D("0.20"), "chargeback", "")
    # key-shared-batch is a production key without a named owner
    assert rows["platform"][2:] == ("showback", "production key without a named owner")


def test_budget_forecast_extends_the_month_so_far(warehouse):
    (row,) = query(
        warehouse,
        """select budget_usd, actual_usd, days_elapsed, days_in_month, forecast_usd
           from marts.rpt_budget_vs_actual where owner_team = 'support' and billing_month = '2026-07-01'""",
    )
    # support effective 0.54 + 0.09 = 0.63 over data through 07-25 (25 days) of 31: 0.63 / 25 x 31 = 0.7812
    assert row[:4] == (D("30.00"), D("0.63"), 25, 31)
    assert row[4] == pytest.approx(0.7812)


def test_platform_retry_policy_moves_the_storm_and_splits_it_by_weights(warehouse, tmp_path):
    """With retry_failed_cost_policy = platform, the storm's retry-or-failed cost (all 5 attempts: 1-4
    failed, 2-5 retries = 0.50) moves to the platform-shared bucket, and rule ALLOC-PLATFORM-SHARED
    splits it by fixed weights 3/3/1/2/1 over search, support, growth, sales, data-science (W = 10):
    50 cents -> 15, 15, 5, 10, 5."""
    import shutil

    copy = tmp_path / "warehouse.duckdb"
    shutil.copy(warehouse, copy)
    rebuild_ledger(copy, tmp_path, '{"retry_failed_cost_policy": "platform"}')
    rows = query(
        copy,
        """select owner_team, cost_center, list_cost_usd, allocated_in_usd, allocated_out_usd, net_cost_usd
           from marts.fct_chargeback_monthly where feature = 'ticket-summarization' order by 1""",
    )
    assert rows == [
        ("data-science", "cc-1060", 0, D("0.05"), 0, D("0.05")),
        ("growth", "cc-1030", 0, D("0.05"), 0, D("0.05")),
        ("platform-shared", "cc-1050", 0, D("0.50"), D("0.50"), 0),
        ("sales", "cc-1040", 0, D("0.10"), 0, D("0.10")),
        ("search", "cc-1010", 0, D("0.15"), 0, D("0.15")),
        ("support", "cc-1020", D("0.60"), D("0.15"), D("0.50"), D("0.25")),
    ]
    total = query(copy, "select sum(net_cost_usd), sum(effective_cost_usd) from marts.fct_chargeback_monthly")
    assert total == [(D("2.20"), D("1.98"))]


def test_an_accepted_dispute_moves_the_amount_to_unallocated(warehouse, tmp_path):
    """Support disputes $0.25 of its ticket-summarization line; accepted, it moves to the unallocated line
    of the same project, feature, provider and model (rule dispute:DSP-T-1), and the discount follows the
    net cost: support 0.60 - 0.25 = 0.35 net."""
    import shutil

    import duckdb

    copy = tmp_path / "warehouse.duckdb"
    shutil.copy(warehouse, copy)
    with duckdb.connect(str(copy)) as con:
        con.execute(
            "insert into raw.disputes values ('DSP-T-1', '2026-07-01', 'support', 'cc-1020', 'support-assistant', "
            "'ticket-summarization', 'openai', 'gpt-4.1-mini', 'Marco Rossi', 'storm was a provider outage', "
            "'accepted', 'credited', 0.25)"
        )
    rebuild_ledger(copy, tmp_path)
    rows = query(
        copy,
        """select owner_team, allocated_in_usd, allocated_out_usd, net_cost_usd, rule_ids
           from marts.fct_chargeback_monthly where feature = 'ticket-summarization' order by 1""",
    )
    assert rows == [
        ("support", 0, D("0.25"), D("0.35"), "dispute:DSP-T-1,invoice_discount"),
        ("unallocated", D("0.25"), 0, D("0.25"), "dispute:DSP-T-1,invoice_discount"),
    ]
    total = query(copy, "select sum(net_cost_usd), sum(effective_cost_usd) from marts.fct_chargeback_monthly")
    assert total == [(D("2.20"), D("1.98"))]
