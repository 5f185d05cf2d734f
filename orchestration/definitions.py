"""The Dagster code location (`dagster dev` loads it): ingest assets -> dbt assets (dbt tests as checks)
-> data contracts, one daily_refresh job and its schedule. `chargeback run` executes the same job headless.
Paths come from the environment (see orchestration/settings.py)."""

from orchestration.pipeline_defs import build_definitions
from orchestration.settings import Settings

defs = build_definitions(Settings.from_env())
