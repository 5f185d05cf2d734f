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

.PHONY: setup run test test-spark spark lint sample clean dagster focus-validator

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
	$(BIN)/chargeback docs

lint: setup
	$(BIN)/ruff check orchestration tests
	$(BIN)/ruff format --check orchestration tests
	CHARGEBACK_WAREHOUSE=$$(mktemp -d)/lint.duckdb $(BIN)/sqlfluff lint models tests/dbt/singular

# PostgreSQL target tests use the libpq variables; these defaults match a local server (they skip without one).
test: lint
	PGHOST=$${PGHOST:-127.0.0.1} PGPORT=$${PGPORT:-5432} PGUSER=$${PGUSER:-postgres} $(BIN)/pytest -q -m "not spark"

# The Spark target: PySpark and dbt-spark in the same virtualenv (about 450 MB more), then the slow test
# that runs every model and test on Spark (it skips, saying why, without PySpark or Java).
SPARK_STAMP := $(VENV)/.spark-installed
$(SPARK_STAMP): $(STAMP) requirements-spark.lock
	$(BIN)/python -m pip install --quiet -r requirements-spark.lock
	@touch $(SPARK_STAMP)

spark: $(SPARK_STAMP)

test-spark: setup
	$(BIN)/pytest -q -m spark

# The FinOps Foundation's FOCUS validator needs Python >= 3.12 and pins numpy < 2, so it lives in its own
# virtualenv; tests/python/test_focus_export.py runs it when it is there.
FOCUS_PYTHON ?= $(firstword $(wildcard $(HOME)/.pyenv/versions/3.12*/bin/python3.12) python3.12)
focus-validator: .venv-focus/bin/focus-validator

.venv-focus/bin/focus-validator:
	$(FOCUS_PYTHON) -m venv .venv-focus
	.venv-focus/bin/python -m pip install --quiet "focus-validator==2.2.1" "pyarrow<20"

dagster: setup
	CHARGEBACK_HASH_SALT=$${CHARGEBACK_HASH_SALT:-$(SAMPLE_SALT)} CHARGEBACK_LANDING=$(SAMPLE_DIR) \
		$(BIN)/dagster dev -m orchestration.definitions

clean:
	rm -rf data target logs .pytest_cache
