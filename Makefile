# Entry points of the clinical dashboard warehouse. `make setup` installs everything from the
# lock file; `make demo` and `make test` call it first. CI runs `make test` (.ci/run).

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# --- tools ---------------------------------------------------------------------------------
PYTHON     ?= python3
UV_VERSION := 0.13.9
TOOLS_DIR  := .tools
UV         := $(TOOLS_DIR)/bin/uv
VENV       := .venv
BIN        := $(VENV)/bin
DBT        := $(BIN)/dbt
SQLFLUFF   := $(BIN)/sqlfluff
PYTEST     := $(BIN)/pytest
CLI        := $(BIN)/clinical-dashboard

# --- paths and demo parameters -------------------------------------------------------------
RAW_DIR      := data/raw
PYTEST_DIR   := src/tests
DEMO_SCALE   ?= 0.05
DEMO_SEED    ?= 42
# The DuckDB file `make test` builds: kept apart from the working warehouse
# (target/warehouse.duckdb), which an analyst or the dashboard may hold open.
TEST_DUCKDB  := target/test.duckdb
# SQL that sqlfluff lints: whichever of these folders exist.
SQL_DIRS     := $(wildcard models analyses tests macros snapshots)

export DBT_PROFILES_DIR := $(CURDIR)
export DBT_SEND_ANONYMOUS_USAGE_STATS := false

.PHONY: help setup demo extracts test lint dbt-build pytest clean distclean

help:
	@echo "make setup      install uv ($(TOOLS_DIR)/) and the locked Python environment ($(VENV)/)"
	@echo "make demo       synthetic registry extracts in $(RAW_DIR)/ (scale $(DEMO_SCALE), seed $(DEMO_SEED))"
	@echo "make test       sqlfluff lint, dbt build on DuckDB ($(TEST_DUCKDB)), pytest"
	@echo "make lint       sqlfluff lint only"
	@echo "make clean      remove dbt output, logs, generated extracts and caches"
	@echo "make distclean  clean, and remove $(VENV)/ and $(TOOLS_DIR)/"

# --- setup ---------------------------------------------------------------------------------
# uv comes from PyPI into its own virtualenv (no installer script, no global install);
# `uv sync --frozen` installs exactly uv.lock into .venv (a no-op when it already matches).
$(UV):
	$(PYTHON) -m venv $(TOOLS_DIR)
	$(TOOLS_DIR)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

setup: $(UV)
	$(UV) sync --frozen

# --- demo ----------------------------------------------------------------------------------
# The demo is a chain of steps; later steps (load + validate the extracts into the raw
# schema, dbt build, build the dashboard) are added to DEMO_STEPS as they arrive.
DEMO_STEPS := extracts

demo: setup $(DEMO_STEPS)
	@echo "Demo done. Synthetic registry extracts: $(CURDIR)/$(RAW_DIR)/<source>/<year>.csv"

extracts: setup
	$(CLI) generate --scale $(DEMO_SCALE) --seed $(DEMO_SEED) --out $(RAW_DIR)

# --- checks --------------------------------------------------------------------------------
# pytest runs last so that its summary closes the output.
test: setup lint dbt-build pytest

lint: setup
	$(SQLFLUFF) lint $(SQL_DIRS)

# Seeds, then every data test (seed tests and singular tests), in one dbt call, on a
# scratch DuckDB file.
dbt-build: setup
	mkdir -p $(dir $(TEST_DUCKDB))
	CLINICAL_DASHBOARD_DUCKDB=$(TEST_DUCKDB) $(DBT) build --target duckdb

pytest: setup
	$(PYTEST) -q $(PYTEST_DIR)

# --- cleaning ------------------------------------------------------------------------------
clean:
	rm -rf target logs dbt_packages data .pytest_cache
	find . -path ./$(VENV) -prune -o -path ./$(TOOLS_DIR) -prune -o \
		-name __pycache__ -type d -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) $(TOOLS_DIR)
