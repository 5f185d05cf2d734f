"""The dbt project as Dagster sees it. Kept in its own module: dagster-dbt needs the manifest before the
definitions load, and `ensure_manifest()` builds it (dbt parse) when it is missing or older than the SQL."""

from __future__ import annotations

import os
from pathlib import Path

from dagster_dbt import DbtProject

from orchestration.settings import PROFILES_DIR, PROJECT_DIR

DBT_INPUTS = ("models", "seeds", "macros", "tests/dbt", "dbt_project.yml")

dbt_project = DbtProject(
    project_dir=PROJECT_DIR,
    profiles_dir=PROFILES_DIR,
    target=os.environ.get("CHARGEBACK_TARGET", "duckdb"),
)


def _newest_input_mtime() -> float:
    newest = 0.0
    for name in DBT_INPUTS:
        path = PROJECT_DIR / name
        files = [path] if path.is_file() else path.rglob("*")
        newest = max([newest, *(f.stat().st_mtime for f in files if f.is_file())])
    return newest


def ensure_manifest() -> Path:
    manifest = dbt_project.manifest_path
    if not manifest.exists() or manifest.stat().st_mtime < _newest_input_mtime():
        from dbt.cli.main import dbtRunner

        result = dbtRunner().invoke(
            ["parse", "--quiet", "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROFILES_DIR)]
        )
        if not result.success:
            raise RuntimeError(f"dbt parse failed: {result.exception}")
    return manifest
