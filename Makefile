# Two commands do all the set-up on a fresh machine with Python 3.11, git and make:
#   make run   - sample exports -> warehouse -> contracts -> summary (embedded DuckDB)
#   make test  - lint (ruff, sqlfluff) and the test suite (pytest, which also runs dbt build)
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export DBT_PROFILES_DIR := $(CURDIR)/profiles

# The sample is synthetic, so a fixed salt protects nothing there; real loads must set their own secret.
SAMPLE_SALT := sample-data-only-not-a-secret
SAMPLE_DIR := data/landing

.PHONY: setup run test lint sample clean dagster

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

setup: $(STAMP)
	$(BIN)/dbt parse --quiet --project-dir . > /dev/null

sample: setup
	$(BIN)/chargeback sample --out $(SAMPLE_DIR) --requests 30000 --days 62 --seed 7

run: sample
	CHARGEBACK_HASH_SALT=$${CHARGEBACK_HASH_SALT:-$(SAMPLE_SALT)} $(BIN)/chargeback run --landing $(SAMPLE_DIR)

lint: setup
	$(BIN)/ruff check orchestration tests
	$(BIN)/ruff format --check orchestration tests
	CHARGEBACK_WAREHOUSE=$$(mktemp -d)/lint.duckdb $(BIN)/sqlfluff lint models tests/dbt/singular

test: lint
	$(BIN)/pytest -q

dagster: setup
	CHARGEBACK_HASH_SALT=$${CHARGEBACK_HASH_SALT:-$(SAMPLE_SALT)} CHARGEBACK_LANDING=$(SAMPLE_DIR) \
		$(BIN)/dagster dev -m orchestration.definitions

clean:
	rm -rf data target logs .pytest_cache
