"""Make Great Expectations' SQL data source work on DuckDB.

GX 1.x does not support DuckDB as a dialect. As shipped, every expectation on a DuckDB table fails with
`MetricResolutionError: list index out of range`: GX opens a SQLAlchemy connection per query, closes it, and
only then reads the result, and duckdb-engine returns no rows from a closed connection (GX issues #11579,
#10738; `poolclass=StaticPool` or `create_temp_table=False` alone do not help).

GX already keeps one connection open per engine, and creates that engine with a `StaticPool`, for the dialects
listed in `_PERSISTED_CONNECTION_DIALECTS` of its SQLAlchemy execution engine (SQLite, SQL Server, ...).
Adding DuckDB to that list makes every expectation run inside DuckDB and return its results.

This is the only place the project touches GX internals. `tests/python/test_contracts.py` has a guard test
that fails loudly if a GX upgrade breaks it.
"""

from __future__ import annotations

import threading

DUCKDB_DIALECT = "duckdb"

_lock = threading.Lock()


class _DialectName(str):
    """A dialect name GX can read both ways it reads its own `GXSqlDialect` members.

    `SqlAlchemyExecutionEngine.get_connection` compares the engine's dialect name (a str) with the list
    entries, and `_dialect_requires_persisted_connection` reads each entry's `.value`.
    """

    __slots__ = ()

    @property
    def value(self) -> str:
        return str(self)


def _gx_version() -> str:
    try:
        import great_expectations

        return str(great_expectations.__version__)
    except Exception:  # the version only decorates an error message
        return "unknown"


def _internals_gone(what: str) -> RuntimeError:
    return RuntimeError(
        f"great_expectations {_gx_version()} no longer has {what}, which "
        "orchestration/quality/gx_duckdb.py relies on to keep one DuckDB connection open per engine. "
        "Without it every expectation on DuckDB fails with 'list index out of range'. Pin "
        "great-expectations to a version where the fix works (1.24.1 is tested) or port the fix."
    )


def enable_duckdb_persisted_connection() -> None:
    """Have GX keep one persisted connection for DuckDB engines, as it does for SQLite. Idempotent.

    Call before GX creates the execution engine for a DuckDB data source (engines created earlier keep
    their pool). Raises RuntimeError naming the GX version if the internals this relies on are gone.
    """
    try:
        from great_expectations.execution_engine import sqlalchemy_execution_engine as engine_module
    except ImportError as exc:
        raise _internals_gone("great_expectations.execution_engine.sqlalchemy_execution_engine") from exc

    with _lock:
        dialects = getattr(engine_module, "_PERSISTED_CONNECTION_DIALECTS", None)
        if not isinstance(dialects, tuple):
            raise _internals_gone("the _PERSISTED_CONNECTION_DIALECTS tuple")
        requires_persisted = getattr(engine_module, "_dialect_requires_persisted_connection", None)
        engine_class = getattr(engine_module, "SqlAlchemyExecutionEngine", None)
        if requires_persisted is None or not hasattr(engine_class, "get_connection"):
            raise _internals_gone("_dialect_requires_persisted_connection / SqlAlchemyExecutionEngine")

        if not any(dialect == DUCKDB_DIALECT for dialect in dialects):
            engine_module._PERSISTED_CONNECTION_DIALECTS = (*dialects, _DialectName(DUCKDB_DIALECT))

        # The list must still be read at call time: a GX that copied it elsewhere would ignore the entry.
        try:
            honoured = requires_persisted(connection_string="duckdb:///warehouse.duckdb")
        except Exception as exc:
            raise _internals_gone("a _dialect_requires_persisted_connection with this signature") from exc
        if not honoured:
            raise _internals_gone("a _PERSISTED_CONNECTION_DIALECTS list that its engines consult")
