"""Shared fixtures: full pipeline runs on small landing folders, each in its own temporary warehouse."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import FIXTURES, run_on

from orchestration.pipeline import RunSummary

TEST_SALT = "test-salt-4f1c9a"
ENV_KEYS = (
    "CHARGEBACK_LANDING",
    "CHARGEBACK_WAREHOUSE",
    "CHARGEBACK_DATA_DOCS",
    "CHARGEBACK_TARGET",
    "CHARGEBACK_HASH_SALT",
)


@pytest.fixture(autouse=True, scope="session")
def _isolated_environment() -> Iterator[None]:
    """Pipeline runs publish their settings to the environment; restore it after the session."""
    saved = {key: os.environ.get(key) for key in ENV_KEYS}
    os.environ["CHARGEBACK_HASH_SALT"] = TEST_SALT
    yield
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(scope="session")
def hand_worked_run(tmp_path_factory) -> tuple[RunSummary, Path]:
    workdir = tmp_path_factory.mktemp("hand_worked")
    landing = workdir / "landing"
    shutil.copytree(FIXTURES / "hand_worked", landing)
    summary = run_on(landing, workdir)
    return summary, workdir / "warehouse.duckdb"
