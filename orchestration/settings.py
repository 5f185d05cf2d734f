"""Where things live. Paths come from the environment (with local defaults) so the CLI, Dagster and dbt agree."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
PROFILES_DIR = PROJECT_DIR / "profiles"
SEEDS_DIR = PROJECT_DIR / "seeds"


class ConfigError(Exception):
    """A problem a person can fix: the message says what is wrong and what to do."""


@dataclass(frozen=True)
class Settings:
    landing_dir: Path
    warehouse_path: Path
    data_docs_dir: Path
    target: str = "duckdb"
    posting_dir: Path | None = None

    @property
    def posted_dir(self) -> Path:
        """Posted ledgers: beside the warehouse unless set (CHARGEBACK_POSTING_DIR)."""
        return self.posting_dir or self.warehouse_path.parent / "posted"

    @property
    def spark_dir(self) -> Path:
        return spark_dir(self.warehouse_path)

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        def path(var: str, default: str) -> Path:
            return Path(os.environ.get(var, default)).expanduser().resolve()

        values = {
            "landing_dir": path("CHARGEBACK_LANDING", "data/landing"),
            "warehouse_path": path("CHARGEBACK_WAREHOUSE", "data/warehouse.duckdb"),
            "data_docs_dir": path("CHARGEBACK_DATA_DOCS", "data/data_docs"),
            "target": os.environ.get("CHARGEBACK_TARGET", "duckdb"),
            "posting_dir": path("CHARGEBACK_POSTING_DIR", "") if os.environ.get("CHARGEBACK_POSTING_DIR") else None,
        }
        values.update(
            {
                k: (Path(v).expanduser().resolve() if k.endswith(("_dir", "_path")) else v)
                for k, v in overrides.items()
                if v is not None
            }
        )
        return cls(**values)  # type: ignore[arg-type]

    def export(self) -> None:
        """Publish the settings to the environment so the dbt subprocess reads the same warehouse."""
        os.environ["CHARGEBACK_LANDING"] = str(self.landing_dir)
        os.environ["CHARGEBACK_WAREHOUSE"] = str(self.warehouse_path)
        os.environ["CHARGEBACK_DATA_DOCS"] = str(self.data_docs_dir)
        os.environ["CHARGEBACK_TARGET"] = self.target
        os.environ["CHARGEBACK_SPARK_DIR"] = str(self.spark_dir)


def spark_dir(warehouse_path: Path) -> Path:
    """The Spark target's metastore, table files and raw Parquet tables: beside the (ingest) warehouse."""
    return warehouse_path.parent / "spark"


# DuckDB's own cap (its default is 80% of the machine), for dbt in profiles.yml (which reads the same variable
# with the same default) and for publishing. It bounds DuckDB's buffers, not all a process allocates: at 10M
# requests a month a 3 GB cap let the matching step reach 4.6 GB (README "Benchmark"). Beyond the cap joins
# and sorts spill to `<warehouse>.tmp`.
DEFAULT_DUCKDB_MEMORY_LIMIT = "2GB"
# Loading holds one chunk of lines and the rows written since the last checkpoint: it needs far less.
LOADING_MEMORY_LIMIT = "1GB"
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]i?b)\s*$", re.IGNORECASE)
_UNITS = {"kb": 10**3, "mb": 10**6, "gb": 10**9, "tb": 10**12, "kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40}


def duckdb_memory_limit() -> str:
    return os.environ.get("CHARGEBACK_DUCKDB_MEMORY_LIMIT") or DEFAULT_DUCKDB_MEMORY_LIMIT


def loading_memory_limit() -> str:
    """The cap while loading: the configured cap, at most LOADING_MEMORY_LIMIT. A cap written some other way
    is passed on as it is (DuckDB says what is wrong with it)."""
    configured = duckdb_memory_limit()
    size = _size_bytes(configured)
    return configured if size is None or size <= _size_bytes(LOADING_MEMORY_LIMIT) else LOADING_MEMORY_LIMIT


def _size_bytes(text: str) -> float | None:
    match = _SIZE.match(text)
    return float(match.group(1)) * _UNITS[match.group(2).lower()] if match else None


def hash_salt() -> str:
    """The salt for tenant and end-user hashes. Never written anywhere; only its use is visible."""
    salt = os.environ.get("CHARGEBACK_HASH_SALT", "")
    if len(salt) < 8:
        raise ConfigError(
            "CHARGEBACK_HASH_SALT is not set (or shorter than 8 characters): set it to a secret string "
            "before loading, e.g. export CHARGEBACK_HASH_SALT=$(openssl rand -hex 16), and keep it stable."
        )
    return salt
