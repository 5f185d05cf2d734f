"""Data contracts over the DuckDB warehouse, run with Great Expectations.

Structural properties (keys, relationships, accepted values) are dbt tests. The contracts here are the
thresholds finance reviews (SPEC "Rules of thumb"), so each has one home: a suite built in code by one
function, listed in `CONTRACTS` with the dbt model it guards and whether a failure blocks downstream assets.

The warehouse file is opened read-only and every connection is closed before `run_contracts` returns:
DuckDB lets one process open a file read-write only when no other holds it, and dbt runs next.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from datetime import datetime
from pathlib import Path
from typing import Any

import great_expectations as gx
import sqlalchemy
import yaml
from great_expectations.core import ExpectationSuiteValidationResult, ExpectationValidationResult
from great_expectations.core.run_identifier import RunIdentifier
from great_expectations.data_context import AbstractDataContext
from great_expectations.data_context.types.base import (
    DataContextConfig,
    InMemoryStoreBackendDefaults,
    ProgressBarsConfig,
)

from orchestration.quality.gx_duckdb import enable_duckdb_persisted_connection
from orchestration.readers import spark_read_views
from orchestration.settings import PROJECT_DIR, spark_dir

logger = logging.getLogger(__name__)

DATA_DOCS_SITE = "data_contracts"
DATASOURCE_NAME = "warehouse"
CHECKPOINT_NAME = "data_contracts"
# COMPLETE is what returns the rows of unexpected-rows expectations; GX caps every list at 200 entries.
RESULT_FORMAT = {"result_format": "COMPLETE"}
# How many offending days, months or rows one failure reason spells out before "and N more".
MAX_EXAMPLES = 5
UNALLOCATED = "unallocated"

# Tag column -> (registry table, key column). A tag is either one of the registered keys or 'unallocated'.
TAG_REGISTRIES: dict[str, tuple[str, str]] = {
    "owner_team": ("raw.owner_teams", "owner_team"),
    "cost_center": ("raw.cost_centers", "cost_center"),
    "feature": ("raw.features", "feature"),
}


@dataclass(frozen=True)
class Thresholds:
    """Contract limits, as shares between 0 and 1. Same keys as the `vars:` of dbt_project.yml."""

    # SPEC: unallocated requests above 2% of a day's requests fail.
    unallocated_request_share_max_daily: float = 0.02
    # SPEC: unallocated cost above 1% of a month's cost fails.
    unallocated_cost_share_max_monthly: float = 0.01
    # SPEC: reconciliation variance above 2% per provider and month blocks posting until explained.
    reconciliation_tolerance_share: float = 0.02
    # Price coverage: the cost sources report for attempts we could not price, at most this share of a
    # month's list cost.
    unpriced_share_max_monthly: float = 0.01

    def __post_init__(self) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
                raise ValueError(f"{item.name} must be a share between 0 and 1, got {value!r}")

    @classmethod
    def from_dbt_vars(cls, dbt_project_yml: Path) -> Thresholds:
        """Read the thresholds from the top-level `vars:` of a dbt_project.yml; defaults where absent."""
        project = yaml.safe_load(Path(dbt_project_yml).read_text(encoding="utf-8")) or {}
        dbt_vars = project.get("vars") or {}
        values: dict[str, float] = {}
        for item in fields(cls):
            if item.name not in dbt_vars:
                continue
            raw = dbt_vars[item.name]
            try:
                if isinstance(raw, bool):
                    raise TypeError
                values[item.name] = float(raw)
            except (TypeError, ValueError) as exc:
                raise ValueError(
                    f"{dbt_project_yml}: vars.{item.name} must be a number such as 0.02, got {raw!r}"
                ) from exc
        return cls(**values)


@dataclass(frozen=True)
class ContractInputs:
    """What suites are built from at run time."""

    thresholds: Thresholds
    # Tag column -> values registered for it in the warehouse's registry tables.
    registered: Mapping[str, frozenset[str]]


@dataclass(frozen=True)
class Contract:
    name: str  # GX suite name
    asset: str  # dbt model the contract guards
    blocking: bool  # a failure stops assets downstream of `asset`
    rows: str  # SQL selecting the rows the suite sees
    build_suite: Callable[[str, ContractInputs], gx.ExpectationSuite]
    monthly: bool = True  # rows carry billing_month, so posting can check one month


@dataclass(frozen=True)
class ContractResult:
    name: str
    asset: str
    passed: bool
    blocking: bool
    summary: str
    failures: tuple[str, ...]
    statistics: dict


def _sql_share(value: float) -> str:
    # A double literal, so the comparison with a computed share is exact at the boundary (1/50 vs 0.02).
    return f"cast({float(value)!r} as double precision)"


# Failure texts live beside each expectation in its `meta` (and so show in Data Docs too):
# - "failure": for column-map expectations a template over column, unexpected_count, element_count,
#   unexpected_share and examples; for unexpected-rows expectations a template over each returned row;
# - "failure_lead" (optional): a template over count, put before the listed rows;
# - "failure_unit": what one returned row is ("days"), for the "and N more" tail.


def tag_completeness_suite(name: str, inputs: ContractInputs) -> gx.ExpectationSuite:
    """Tag completeness of production traffic: every prod request is charged to a registered owner,
    and what cannot be charged stays below the daily request share and the monthly cost share."""
    daily_limit = _sql_share(inputs.thresholds.unallocated_request_share_max_daily)
    monthly_limit = _sql_share(inputs.thresholds.unallocated_cost_share_max_monthly)
    expectations: list[gx.expectations.Expectation] = []

    for column, (registry, _key) in TAG_REGISTRIES.items():
        expectations.append(
            gx.expectations.ExpectColumnValuesToBeInSet(
                column=column,
                value_set=sorted(inputs.registered[column] | {UNALLOCATED}),
                description=f"Prod {column} is registered in {registry} or '{UNALLOCATED}'.",
                meta={
                    "failure": "{column}: {unexpected_count:,} of {element_count:,} prod rows "
                    "({unexpected_share:.1%}) are neither registered in " + registry + " nor "
                    f"'{UNALLOCATED}' (e.g. {{examples}})"
                },
            )
        )

    # `{batch}` is GX's placeholder for the rows of the asset (prod requests).
    expectations.append(
        gx.expectations.UnexpectedRowsExpectation(
            description="Unallocated prod requests stay within the daily share of the day's prod requests.",
            unexpected_rows_query=f"""
with daily as (
    select
        request_date,
        count(*) as prod_requests,
        count(*) filter (where attribution_status = '{UNALLOCATED}') as unallocated_requests
    from {{batch}}
    group by request_date
),

shares as (
    select
        cast(request_date as varchar) as request_date,
        prod_requests,
        unallocated_requests,
        cast(unallocated_requests as double precision) / prod_requests as share,
        {daily_limit} as limit_share
    from daily
)

select * from shares
where share > limit_share
order by share desc, request_date
""",
            meta={
                "failure": "prod unallocated share {share:.1%} of requests on {request_date} "
                "({unallocated_requests:,} of {prod_requests:,}; limit {limit_share:.1%})",
                "failure_unit": "days",
            },
        )
    )

    expectations.append(
        gx.expectations.UnexpectedRowsExpectation(
            description="Unallocated prod list cost stays within the monthly share of the month's prod cost.",
            unexpected_rows_query=f"""
with monthly as (
    select
        billing_month,
        coalesce(cast(sum(list_cost_usd) as double precision), 0) as prod_cost_usd,
        coalesce(
            cast(sum(list_cost_usd) filter (where attribution_status = '{UNALLOCATED}') as double precision), 0
        ) as unallocated_cost_usd
    from {{batch}}
    group by billing_month
),

shares as (
    select
        substring(cast(billing_month as varchar) from 1 for 7) as billing_month,
        prod_cost_usd,
        unallocated_cost_usd,
        unallocated_cost_usd / nullif(prod_cost_usd, 0) as share,
        {monthly_limit} as limit_share
    from monthly
)

select * from shares
where share > limit_share
order by share desc, billing_month
""",
            meta={
                "failure": "prod unallocated share {share:.1%} of list cost in {billing_month} "
                "(USD {unallocated_cost_usd:,.2f} of {prod_cost_usd:,.2f}; limit {limit_share:.1%})",
                "failure_unit": "months",
            },
        )
    )

    expectations.append(
        gx.expectations.UnexpectedRowsExpectation(
            description="A row is 'unallocated' exactly when no owner team or cost center could be resolved, "
            "and only when a required tag was missing or invalid.",
            unexpected_rows_query=f"""
select
    request_id,
    cast(request_date as varchar) as request_date,
    attribution_status,
    missing_required_tags,
    invalid_required_tags
from {{batch}}
where (attribution_status = '{UNALLOCATED}') is distinct from (
    owner_team = '{UNALLOCATED}' or cost_center = '{UNALLOCATED}'
)
or (
    attribution_status = '{UNALLOCATED}'
    and coalesce(missing_required_tags, '') = '' and coalesce(invalid_required_tags, '') = ''
)
order by request_date, request_id
""",
            meta={
                "failure_lead": "attribution_status disagrees with the resolved owner or the tag problems "
                "on {count:,} prod rows",
                "failure": "{request_id} on {request_date} is '{attribution_status}' with missing tags "
                "'{missing_required_tags}' and invalid tags '{invalid_required_tags}'",
                "failure_unit": "rows",
            },
        )
    )

    return gx.ExpectationSuite(name=name, expectations=expectations)


def reconciliation_suite(name: str, inputs: ContractInputs) -> gx.ExpectationSuite:
    """Invoice reconciliation: per provider and month with an invoice, the invoice's usage and the
    ledger's list cost differ by less than the tolerance; a failure names the provider, the variance and
    the largest explained cause."""
    limit = inputs.thresholds.reconciliation_tolerance_share
    return gx.ExpectationSuite(
        name=name,
        expectations=[
            gx.expectations.UnexpectedRowsExpectation(
                description=f"Invoice usage vs ledger list cost within {limit:.1%} per provider and month.",
                unexpected_rows_query=f"""
select
    provider,
    cast(billing_month as varchar) as billing_month,
    cast(cast(variance_usd as decimal(18, 2)) as varchar) as variance_usd,
    cast(cast(100 * variance_share as decimal(9, 1)) as varchar) as variance_pct,
    cast(cast(ledger_list_cost_usd as decimal(18, 2)) as varchar) as ledger_usd,
    cast(cast(invoice_usage_usd as decimal(18, 2)) as varchar) as invoice_usd,
    largest_explained_cause,
    cast(cast(
        case largest_explained_cause
            when 'unpriced models' then unpriced_models_usd
            when 'missing requests' then missing_requests_usd
            when 'cache pricing' then cache_pricing_usd
            when 'batch' then batch_usd
            else rounding_usd
        end as decimal(18, 2)
    ) as varchar) as cause_usd,
    cast(cast(unexplained_usd as decimal(18, 2)) as varchar) as unexplained_usd
from {{batch}}
where has_invoice and abs(variance_share) >= {_sql_share(limit)}
order by abs(variance_share) desc, provider
""",
                meta={
                    "failure": "{provider} {billing_month}: ledger USD {ledger_usd} vs invoice USD {invoice_usd}, "
                    "variance USD {variance_usd} ({variance_pct}%; limit " + f"{limit:.1%}" + "); largest "
                    "explained cause: {largest_explained_cause} (USD {cause_usd}), unexplained USD "
                    "{unexplained_usd}",
                    "failure_unit": "provider-months",
                },
            )
        ],
    )


def price_coverage_suite(name: str, inputs: ContractInputs) -> gx.ExpectationSuite:
    """Price coverage: unknown models are never priced as zero, and the cost their sources report for them
    (the cost at risk) stays below a share of the month's priced cost."""
    limit = inputs.thresholds.unpriced_share_max_monthly
    return gx.ExpectationSuite(
        name=name,
        expectations=[
            gx.expectations.UnexpectedRowsExpectation(
                description=f"Cost reported for unpriced attempts at most {limit:.1%} of a month's list cost.",
                unexpected_rows_query=f"""
select
    cast(billing_month as varchar) as billing_month,
    count(*) as attempts,
    sum(case when pricing_status <> 'priced' then 1 else 0 end) as unpriced_attempts,
    cast(cast(100.0 * sum(case when pricing_status <> 'priced' then 1 else 0 end) / count(*) as decimal(9, 2))
        as varchar) as unpriced_pct,
    cast(cast(coalesce(sum(case when pricing_status <> 'priced' then provider_reported_cost_usd end), 0)
        as decimal(18, 2)) as varchar) as at_risk_usd,
    string_agg(distinct case when pricing_status <> 'priced' then provider || '/' || billable_model end, ', ')
        as unpriced_models
from {{batch}}
group by billing_month
having
    coalesce(sum(case when pricing_status <> 'priced' then provider_reported_cost_usd end), 0)
    > {_sql_share(limit)} * coalesce(sum(list_cost_usd), 0)
order by billing_month
""",
                meta={
                    "failure": "{billing_month}: {unpriced_attempts} of {attempts} attempts ({unpriced_pct}%) "
                    "have no price, USD {at_risk_usd} reported by the source is at risk (limit "
                    + f"{limit:.1%}"
                    + "); models: {unpriced_models}",
                    "failure_unit": "months",
                },
            )
        ],
    )


def uniqueness_suite(name: str, inputs: ContractInputs) -> gx.ExpectationSuite:
    """One row per attempt: an attempt charged twice is charged to somebody twice."""
    return gx.ExpectationSuite(
        name=name,
        expectations=[
            gx.expectations.ExpectColumnValuesToBeUnique(
                column="request_id",
                description="Each attempt appears once in the priced fact.",
                meta={
                    "failure": "{column}: {unexpected_count:,} of {element_count:,} rows repeat an attempt "
                    "(e.g. {examples})"
                },
            )
        ],
    )


def conservation_suite(name: str, inputs: ContractInputs) -> gx.ExpectationSuite:
    """Conservation of rows per source: every record read is a canonical attempt, a de-duplicated copy,
    a quarantined record or a loaded non-attempt row; nothing disappears between the landing file and the
    fact. (Conservation of cost, fact = ledger, is the dbt test assert_ledger_conserves_fact_cost.)"""
    return gx.ExpectationSuite(
        name=name,
        expectations=[
            gx.expectations.UnexpectedRowsExpectation(
                description="raw records = canonical + de-duplicated + quarantined + non-attempt, per source.",
                unexpected_rows_query="""
select source, raw_records, canonical_rows, deduplicated_rows, quarantined_rows, non_attempt_rows
from {batch}
where not is_conserved
order by source
""",
                meta={
                    "failure": "{source}: {raw_records} raw records but {canonical_rows} canonical + "
                    "{deduplicated_rows} de-duplicated + {quarantined_rows} quarantined + {non_attempt_rows} "
                    "non-attempt rows",
                    "failure_unit": "sources",
                },
            )
        ],
    )


def freshness_suite(name: str, inputs: ContractInputs) -> gx.ExpectationSuite:
    """Each source that has delivered before delivered again within its limit (rpt_source_freshness)."""
    return gx.ExpectationSuite(
        name=name,
        expectations=[
            gx.expectations.UnexpectedRowsExpectation(
                description="Every source's newest file was loaded within source_freshness_max_hours.",
                unexpected_rows_query="""
select
    source,
    cast(cast(hours_since_last_file as decimal(18, 1)) as varchar) as hours,
    cast(max_hours as varchar) as max_hours,
    cast(last_file_loaded_at as varchar) as last_file_loaded_at
from {batch}
where not is_fresh
order by hours_since_last_file desc, source
""",
                meta={
                    "failure": "{source}: newest file loaded {hours} h ago at {last_file_loaded_at} "
                    "(limit {max_hours} h)",
                    "failure_unit": "sources",
                },
            )
        ],
    )


FRESHNESS_CONTRACT = "rpt_source_freshness__sources_fresh"

CONTRACTS: list[Contract] = [
    Contract(
        name="fct_ai_requests__tag_completeness",
        asset="fct_ai_requests",
        blocking=True,
        rows="select * from marts.fct_ai_requests where environment = 'prod'",
        build_suite=tag_completeness_suite,
    ),
    Contract(
        name="fct_ai_requests__price_coverage",
        asset="fct_ai_requests",
        blocking=True,
        rows="select * from marts.fct_ai_requests",
        build_suite=price_coverage_suite,
    ),
    Contract(
        name="fct_ai_requests__unique_attempts",
        asset="fct_ai_requests",
        blocking=True,
        rows="select request_id, billing_month from marts.fct_ai_requests",
        build_suite=uniqueness_suite,
    ),
    Contract(
        name="rpt_source_conservation__rows_conserved",
        asset="rpt_source_conservation",
        blocking=True,
        rows="select * from marts.rpt_source_conservation",
        build_suite=conservation_suite,
        monthly=False,
    ),
    Contract(
        name="fct_invoice_reconciliation__within_tolerance",
        asset="fct_invoice_reconciliation",
        blocking=True,
        rows="select * from marts.fct_invoice_reconciliation",
        build_suite=reconciliation_suite,
    ),
    Contract(
        name=FRESHNESS_CONTRACT,
        asset="rpt_source_freshness",
        # A late source is reported, not blocking: the ledger of what did arrive is still right.
        blocking=False,
        rows="select * from marts.rpt_source_freshness",
        build_suite=freshness_suite,
        monthly=False,
    ),
]


def run_contracts(
    warehouse_path: Path,
    data_docs_dir: Path,
    thresholds: Thresholds | None = None,
    *,
    names: list[str] | None = None,
    month: str | None = None,
    target: str = "duckdb",
) -> list[ContractResult]:
    """Validate the contracts in `CONTRACTS` (all, or those in `names`) against the warehouse file and
    write Data Docs. With `month` (YYYY-MM) each contract sees only the rows of that billing month, which
    is what posting a month checks.

    Thresholds default to the vars of the project's dbt_project.yml. The file is opened read-only and
    released before returning, so dbt can open it read-write straight after. On the postgres target the
    marts are read from the server named by the PG* variables instead of the file.
    """
    contracts = [c for c in CONTRACTS if names is None or c.name in names]
    warehouse_path = Path(warehouse_path).expanduser().resolve()
    if target == "duckdb" and not warehouse_path.is_file():
        raise FileNotFoundError(f"No warehouse at {warehouse_path}: build it (dbt build) first.")
    data_docs_dir = Path(data_docs_dir).expanduser().resolve()
    data_docs_dir.mkdir(parents=True, exist_ok=True)
    if thresholds is None:
        thresholds = _project_thresholds()

    if target == "spark":
        # The marts Spark wrote, read through DuckDB views over its table files (orchestration/readers.py).
        warehouse_path, target = spark_read_views(spark_dir(warehouse_path)), "duckdb"
    enable_duckdb_persisted_connection()
    connection = _connection(warehouse_path, target)
    inputs = ContractInputs(thresholds=thresholds, registered=_read_registries(connection))
    context = _ephemeral_context(data_docs_dir)
    datasource = context.data_sources.add_sql(name=DATASOURCE_NAME, **connection)
    try:
        validation_definitions = []
        for contract in contracts:
            query = contract.rows
            if month is not None and contract.monthly:
                query = f"select * from ({query}) as rows_of_month where billing_month = date '{_month_start(month)}'"
            asset = datasource.add_query_asset(name=contract.name, query=query)
            batch_definition = asset.add_batch_definition_whole_table(name="all_rows")
            suite = context.suites.add(contract.build_suite(contract.name, inputs))
            validation_definitions.append(
                context.validation_definitions.add(
                    gx.ValidationDefinition(name=contract.name, data=batch_definition, suite=suite)
                )
            )
        checkpoint = context.checkpoints.add(
            gx.Checkpoint(
                name=CHECKPOINT_NAME,
                validation_definitions=validation_definitions,
                actions=[gx.checkpoint.UpdateDataDocsAction(name="data_docs", site_names=[DATA_DOCS_SITE])],
                result_format=RESULT_FORMAT,
            )
        )
        outcome = checkpoint.run(run_id=RunIdentifier(run_name=CHECKPOINT_NAME))
    finally:
        _release_connections(context)

    by_suite = {validation.suite_name: validation for validation in outcome.run_results.values()}
    results = [_contract_result(contract, by_suite[contract.name]) for contract in contracts]
    for result in results:
        logger.info("%s: %s", result.name, result.summary)
    return results


def _month_start(month: str) -> str:
    """YYYY-MM as the first day of the month, validated (it becomes part of a query)."""
    return datetime.strptime(month, "%Y-%m").date().isoformat()


def _project_thresholds() -> Thresholds:
    dbt_project_yml = PROJECT_DIR / "dbt_project.yml"
    return Thresholds.from_dbt_vars(dbt_project_yml) if dbt_project_yml.is_file() else Thresholds()


def _connection(warehouse_path: Path, target: str) -> dict[str, Any]:
    """SQLAlchemy connection arguments for the marts: the DuckDB file read-only, or PostgreSQL through
    libpq's PG* variables (an empty URL lets libpq read them)."""
    if target == "duckdb":
        return {
            "connection_string": f"duckdb:///{warehouse_path}",
            "kwargs": {"connect_args": {"read_only": True}},
        }
    if target == "postgres":
        return {"connection_string": "postgresql+psycopg2://"}
    raise ValueError(f"no data contracts for target {target!r}")


def _read_registries(connection: dict[str, Any]) -> dict[str, frozenset[str]]:
    engine = sqlalchemy.create_engine(connection["connection_string"], **connection.get("kwargs", {}))
    registered: dict[str, frozenset[str]] = {}
    try:
        with engine.connect() as sql:
            for column, (registry, key) in TAG_REGISTRIES.items():
                try:
                    rows = sql.execute(
                        sqlalchemy.text(f"select distinct {key} from {registry} where {key} is not null")
                    )
                except sqlalchemy.exc.DBAPIError as exc:
                    raise RuntimeError(
                        f"the warehouse has no registry table {registry}: load the seeds (dbt seed) first."
                    ) from exc
                registered[column] = frozenset(str(row[0]) for row in rows.fetchall())
    finally:
        engine.dispose()  # closes the file: dbt opens it read-write next
    return registered


def _ephemeral_context(data_docs_dir: Path) -> AbstractDataContext:
    # Stores stay in memory; only Data Docs are written, to one site in data_docs_dir.
    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        data_docs_sites={
            DATA_DOCS_SITE: {
                "class_name": "SiteBuilder",
                "show_how_to_buttons": False,
                "store_backend": {
                    "class_name": "TupleFilesystemStoreBackend",
                    "base_directory": str(data_docs_dir),
                },
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            }
        },
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False),
    )
    return gx.get_context(mode="ephemeral", project_config=config)


def _release_connections(context: AbstractDataContext) -> None:
    # The execution engine holds the persisted connection (StaticPool: disposing closes it); the data
    # source's own engine pools the connection used to inspect the query. Both keep the file open.
    for datasource in context.data_sources.all().values():
        execution_engine = getattr(datasource, "execution_engine", None)
        if execution_engine is not None:
            execution_engine.close()
        if hasattr(datasource, "get_engine"):
            datasource.get_engine().dispose()


def _contract_result(contract: Contract, validation: ExpectationSuiteValidationResult) -> ContractResult:
    failures = tuple(
        reason for reason in (_failure_reason(result) for result in validation.results) if reason is not None
    )
    counts = [
        result.result["element_count"]
        for result in validation.results
        if isinstance(result.result, dict) and "element_count" in result.result
    ]
    statistics = dict(validation.statistics)
    statistics["rows_checked"] = max(counts) if counts else None
    passed = bool(validation.success) and not failures
    if passed:
        checked = statistics["rows_checked"]
        rows = f"{checked:,} row{'' if checked == 1 else 's'}" if counts else "the rows"
        summary = (
            f"PASSED: {statistics['successful_expectations']} of {statistics['evaluated_expectations']} "
            f"expectations met on {rows} of {contract.asset} checked"
        )
    else:
        summary = "FAILED: " + "; ".join(failures or ("the validation failed without a reported reason",))
    return ContractResult(
        name=contract.name,
        asset=contract.asset,
        passed=passed,
        blocking=contract.blocking,
        summary=summary,
        failures=failures,
        statistics=statistics,
    )


def _failure_reason(result: ExpectationValidationResult) -> str | None:
    """One readable line for a failed expectation, from the figures GX returned; None if it passed."""
    config = result.expectation_config
    meta = config.meta or {}
    label = config.description or f"{config.type} {config.kwargs.get('column', '')}".strip()
    error = _exception_message(result.exception_info)
    if error:
        return f"{label.rstrip('.')}: could not be evaluated ({error})"
    if result.success:
        return None
    figures = result.result or {}
    try:
        if "details" in figures or config.type == "unexpected_rows_expectation":
            return _unexpected_rows_reason(meta, figures, label)
        return _column_map_reason(meta, figures, config.kwargs.get("column"), label)
    except (KeyError, IndexError, TypeError, ValueError):
        # A template that does not fit the result must not hide the failure itself.
        return f"{label.rstrip('.')}: failed ({figures})"


def _column_map_reason(meta: Mapping, figures: Mapping, column: str | None, label: str) -> str:
    unexpected, total = figures.get("unexpected_count", 0), figures.get("element_count", 0)
    counts = figures.get("partial_unexpected_counts") or []
    examples = ", ".join(f"{entry['value']!r} x{entry['count']}" for entry in counts[:MAX_EXAMPLES])
    if len(counts) > MAX_EXAMPLES:
        examples += ", ..."
    fallback = label.rstrip(".") + ": {unexpected_count:,} of {element_count:,} rows unexpected"
    template = meta.get("failure") or fallback
    return template.format(
        column=column,
        unexpected_count=unexpected,
        element_count=total,
        unexpected_share=unexpected / total if total else 0.0,
        examples=examples,
    )


def _unexpected_rows_reason(meta: Mapping, figures: Mapping, label: str) -> str:
    rows = (figures.get("details") or {}).get("unexpected_rows") or []
    count = figures.get("observed_value", len(rows))
    template = meta.get("failure")
    if template is None or not rows:
        return f"{label.rstrip('.')}: {count:,} unexpected rows"
    parts = [template.format(**row) for row in rows[:MAX_EXAMPLES]]
    if count > len(parts):
        parts.append(f"and {count - len(parts):,} more {meta.get('failure_unit', 'rows')}")
    listed = "; ".join(parts)
    lead = meta.get("failure_lead")
    return f"{lead.format(count=count)}: {listed}" if lead else listed


def _exception_message(exception_info: Any) -> str | None:
    # GX reports either one {"raised_exception", "exception_message"} dict or one such dict per metric.
    if not isinstance(exception_info, dict):
        return None
    if "raised_exception" in exception_info:
        if exception_info.get("raised_exception"):
            return str(exception_info.get("exception_message") or "unknown error")
        return None
    for info in exception_info.values():
        message = _exception_message(info)
        if message:
            return message
    return None
