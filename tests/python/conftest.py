"""Shared fixtures: full pipeline runs on small landing folders, each in its own temporary warehouse."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from helpers import FIXTURES, run_on

from orchestration.pipeline import RunSummary
from orchestration.sample.generator import generate_sample

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
def sample_run(tmp_path_factory):
    """A generated sample with every source, shared by the tests that read it (a re-run keeps it as is)."""
    workdir = tmp_path_factory.mktemp("sample")
    landing = workdir / "landing"
    # Ten days across the 2026-07-30 price change and a month boundary.
    generated = generate_sample(landing, requests=3000, days=10, seed=11, start=date(2026, 7, 25))
    first = run_on(landing, workdir)
    return landing, workdir, first, generated


@pytest.fixture(scope="session")
def report_run(tmp_path_factory) -> Path:
    """The report fixture (report_fixtures.py) through the whole pipeline; returns its work folder."""
    from report_fixtures import write_report_landing

    workdir = tmp_path_factory.mktemp("reports")
    summary = run_on(write_report_landing(workdir / "landing"), workdir)
    assert summary.success, summary.failed_steps
    return workdir


@pytest.fixture(scope="session")
def hand_worked_run(tmp_path_factory) -> tuple[RunSummary, Path]:
    workdir = tmp_path_factory.mktemp("hand_worked")
    landing = workdir / "landing"
    shutil.copytree(FIXTURES / "hand_worked", landing)
    summary = run_on(landing, workdir)
    return summary, workdir / "warehouse.duckdb"
