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
# The generator's processes for the demo's and the tests' extracts: both are a step that every
# later one waits for. The files are the same byte for byte with any number of workers
# (src/tests/test_generate.py).
GENERATE_WORKERS ?= 2
# The DuckDB file `make test` builds: kept apart from the working warehouse
# (target/warehouse.duckdb), which an analyst or the dashboard may hold open.
TEST_DUCKDB  := target/test.duckdb
# SQL that sqlfluff lints: whichever of these folders exist.
SQL_DIRS     := $(wildcard models analyses tests macros snapshots)

export DBT_PROFILES_DIR := $(CURDIR)
export DBT_SEND_ANONYMOUS_USAGE_STATS := false

.PHONY: help setup demo extracts load build test test-extracts lint dbt-build dbt-build-postgres pytest clean distclean \
	pytest-early pytest-deliveries pytest-warehouse pytest-postgres \
	pg-test-server dashboard-modules check \
	test-spark dbt-build-spark \
	dashboard dashboard-build test-dashboard bench docs api

help:
	@echo "make setup      install uv ($(TOOLS_DIR)/) and the locked Python environment ($(VENV)/)"
	@echo "make demo       extracts in $(RAW_DIR)/ (scale $(DEMO_SCALE), seed $(DEMO_SEED)), validate + load, dbt build"
	@echo "make load       validate and load $(RAW_DIR)/ into the raw schema of $(WORK_WAREHOUSE)"
	@echo "make build      dbt build on $(WORK_WAREHOUSE); publish it to $(WAREHOUSE) after a green build"
	@echo "make test       lint; small extracts loaded and built on DuckDB and PostgreSQL; pytest"
	@echo "make check      inner loop: lint changed SQL, DuckDB build of what changed + children, fast pytest"
	@echo "make lint       sqlfluff lint only"
	@echo "make test-spark the small extracts loaded and built on local Spark (dbt-spark session; not in make test)"
	@echo "make dashboard  serve the dashboard (Evidence) on http://127.0.0.1:$(DASHBOARD_PORT)/, building it if needed"
	@echo "make api        serve the published warehouse's marts read-only (JSON, CSV) on http://127.0.0.1:$(API_PORT)/ (docs/api.md)"
	@echo "make test-dashboard  build the dashboard from the test warehouse, end-to-end test in Chromium"
	@echo "make bench      national-scale benchmark (not in make test): benchmarks/results/latest.json"
	@echo "make docs       the dbt docs site of $(WAREHOUSE) as one file: $(DOCS_SITE) (open it in a browser)"
	@echo "make clean      remove dbt output, logs, generated extracts and caches"
	@echo "make distclean  clean, and remove $(VENV)/ and $(TOOLS_DIR)/"

# --- setup ---------------------------------------------------------------------------------
# uv comes from PyPI into its own virtualenv (no installer script, no global install);
# `uv sync --frozen` installs exactly uv.lock into .venv (a no-op when it already matches).
$(UV):
	$(PYTHON) -m venv $(TOOLS_DIR)
	$(TOOLS_DIR)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# SYNC_EXTRAS: optional extras of pyproject.toml to install as well (test-spark sets
# --extra spark for itself and its prerequisites; a plain `make setup` removes them again).
SYNC_EXTRAS ?=
# Then the installed packages' bytecode, compiled once per lock file (the stamp BYTECODE). Where
# PYTHONDONTWRITEBYTECODE is set (it is on these machines) Python never writes a .pyc itself,
# so every process (dbt, the loader, pytest, the API server, sqlfluff) would compile the modules
# it imports from source again (docs/testing.md; the figures in benchmarks/README.md). Not the
# packages' own test suites (a third of the files, pandas' above all), which nothing imports:
# half the compile's CPU, on the step everything else waits for.
BYTECODE := $(VENV)/.bytecode-compiled
setup: $(UV)
	$(UV) sync --frozen $(SYNC_EXTRAS)
	@if [ ! -f $(BYTECODE) ] || [ uv.lock -nt $(BYTECODE) ]; then \
		$(BIN)/python -m compileall -q -j 0 -x '/tests/' \
			"$$($(BIN)/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')" >/dev/null \
			&& touch $(BYTECODE) && echo "compiled the installed packages' bytecode"; fi

# --- demo ----------------------------------------------------------------------------------
# Generate synthetic extracts, validate and load them into the raw schema, dbt build.
# (The dashboard step arrives with issue 7.)
# WAREHOUSE is the published file (dashboard exports, analysts, BI); WORK_WAREHOUSE the working
# copy that `load` writes and `build` builds. `clinical-dashboard build` replaces WAREHOUSE
# atomically only after a fully green dbt build (src/clinical_dashboard/publish.py).
WAREHOUSE      ?= target/warehouse.duckdb
WORK_WAREHOUSE ?= target/work/warehouse.duckdb
REPORT_DIR     := target/validation

# The steps run through scripts/steps.py (as `make test`'s): the dashboard's npm install beside
# the generator, the load and the build, and a table of each step's wall and CPU seconds at the
# end (target/demo-steps.tsv).
DEMO_STEPS := setup 'dashboard-modules&' extracts load build wait:dashboard-modules dashboard-build
demo:
	@$(PYTHON) scripts/steps.py --table target/demo-steps.tsv $(DEMO_STEPS)
	@echo
	@echo "Demo done."
	@echo "  extracts:          $(CURDIR)/$(RAW_DIR)/<source>/<year>.csv (+ _defect_ledger.csv)"
	@echo "  validation report: $(CURDIR)/$(REPORT_DIR)/report.md"
	@echo "  warehouse:         $(CURDIR)/$(WAREHOUSE) (DuckDB; e.g. duckdb $(WAREHOUSE))"
	@echo "  dashboard:         $(CURDIR)/$(DASHBOARD_SITE) (static site; open it with: make dashboard,"
	@echo "                     then http://127.0.0.1:$(DASHBOARD_PORT)/)"

extracts: setup
	$(CLI) generate --scale $(DEMO_SCALE) --seed $(DEMO_SEED) --out $(RAW_DIR) --workers $(GENERATE_WORKERS)

load: setup
	mkdir -p $(dir $(WORK_WAREHOUSE))
	$(CLI) load --raw-dir $(RAW_DIR) --target duckdb --duckdb-path $(WORK_WAREHOUSE) --report-dir $(REPORT_DIR)

build: setup
	$(CLI) build --work $(WORK_WAREHOUSE) --published $(WAREHOUSE)

# --- checks --------------------------------------------------------------------------------
# Small extracts (TEST_SCALE) are generated once, loaded and built on DuckDB and on a real
# PostgreSQL server (scripts/pg-test-server.sh installs it from Debian's packages, starts it on
# 127.0.0.1:$(PGPORT) and always stops it); pytest runs while the server is up so that its
# PostgreSQL tests run too, and last so that its summary closes the output.
TEST_SCALE   := 0.002
TEST_SEED    := 7
TEST_RAW     := target/test_raw
TEST_REPORTS := target/test_validation
export PGHOST := 127.0.0.1
export PGPORT := 5433
export PGUSER := postgres
export PGDATABASE := clinical_dashboard

# The steps run through scripts/steps.py, which prints a table of each step's wall and CPU
# seconds at the end (also on failure; target/test-steps.tsv keeps it). A step written with
# `&` runs beside the ones after it, its output printed whole when it ends; `wait:X` waits for
# step X. A step with `&` runs niced, so that the steps in sequence (the chain the others wait
# for) get the cores first. Everything that can overlap does (the machine's cores are the limit): the linter,
# the dashboard's npm install, the tests that need no built warehouse (pytest-early) and the
# PostgreSQL load and build (its server niced too: scripts/pg-test-server.sh) beside the DuckDB
# build; the tests of its warehouse (pytest-warehouse) and the dashboard's build and browser
# test after it. Only the read-only role's test
# needs the PostgreSQL marts, so it runs after their build (pytest-postgres); the server is
# started first (pytest's PostgreSQL tests need it) and stopped in every case. pytest-warehouse
# starts last (after the DuckDB build) with the most left to do, and niced it ended alone on one
# core some 15-30 s after the rest: it runs at the priority of the steps in sequence (--unniced),
# so that the two other pytest processes end the run together on both cores.
TEST_STEPS := setup pg-test-server 'lint&' 'dashboard-modules&' test-extracts 'pytest-early&' 'pytest-deliveries&' \
              'dbt-build-postgres&' dbt-build 'pytest-warehouse&' wait:dashboard-modules \
              test-dashboard wait:dbt-build-postgres pytest-postgres
# pytest reads the test-extracts step's files (every pytest step starts after it) and the
# dbt-build step's warehouse instead of generating, loading and building the same extracts
# again (src/tests/conftest.py, small_delivery and small_warehouse).
# The linter runs as two processes with half of the files each (LINT_PROCESSES): beside the
# other steps they only share the cores, and the linter, niced, is the last step to end, which
# it then does on both cores instead of one.
# The checks' environment (TEST_ENV): dbt's file log at level info, a line per node and every
# failure with its compiled SQL's path, without the debug events (each statement's whole SQL),
# whose writing costs several CPU seconds per build; and DuckDB on one thread per process
# (CLINICAL_DASHBOARD_DUCKDB_THREADS, read by dbt's hook and the loader): the steps already run
# side by side on both cores, and splitting each small statement over two threads as well only
# adds work (docs/testing.md). `make demo` and `make build` keep the defaults.
TEST_ENV := DBT_LOG_LEVEL_FILE=info CLINICAL_DASHBOARD_DUCKDB_THREADS=1
test:
	@CLINICAL_DASHBOARD_TEST_WAREHOUSE=$(TEST_DUCKDB) CLINICAL_DASHBOARD_TEST_RAW=$(TEST_RAW) \
		$(TEST_ENV) $(PYTHON) scripts/steps.py --table target/test-steps.tsv \
		--finally "scripts/pg-test-server.sh stop" --unniced pytest-warehouse $(TEST_STEPS)

pg-test-server:
	scripts/pg-test-server.sh start

# The inner loop for contributors (scripts/check.sh): lint the changed SQL, build what changed
# since the last green check and its children on target/check/, run the fast tests.
check: setup
	BIN=$(BIN) $(TEST_ENV) scripts/check.sh

test-extracts: setup
	rm -rf $(TEST_RAW)
	$(CLI) generate --scale $(TEST_SCALE) --seed $(TEST_SEED) --out $(TEST_RAW) --no-progress \
		--workers $(GENERATE_WORKERS)

# sqlfluff in LINT_PROCESSES processes, each linting its share of the files (scripts/lint.py:
# sqlfluff's own --processes builds its rules again for every file; the jinja templater needs no
# database, so processes never collide on a lock).
LINT_PROCESSES ?= 2
lint: setup
	$(PYTHON) scripts/lint.py --processes $(LINT_PROCESSES) --sqlfluff $(SQLFLUFF) $(SQL_DIRS)

# Load the test extracts and build everything (seeds, models, data tests) on a scratch
# DuckDB file, apart from the working warehouse an analyst or the dashboard may hold open.
# The load leaves Great Expectations out (the loader's per-row counts, the ledger and the
# warehouse are the same without it: src/tests/test_load_without_ge.py): no test reads its report
# here, and GE's own run on a delivery of every source, its agreement with the loader's counts and
# its Data Docs are tested in src/tests/test_validate.py. `make demo` and `make load` run it.
dbt-build: setup
	mkdir -p $(dir $(TEST_DUCKDB))
	rm -rf $(TEST_DUCKDB) $(basename $(TEST_DUCKDB))_landing
	$(CLI) load --raw-dir $(TEST_RAW) --target duckdb --duckdb-path $(TEST_DUCKDB) \
		--report-dir $(TEST_REPORTS)/duckdb --no-great-expectations --no-progress
	CLINICAL_DASHBOARD_DUCKDB=$(TEST_DUCKDB) $(DBT) build --target duckdb

# The same on PostgreSQL (needs a server: `make test` starts one). dbt's output goes to a folder
# of its own, so that it can run beside the DuckDB build.
PG_DBT_TARGET := target/postgres
# The same files as the DuckDB build's, and GE left out the same way.
dbt-build-postgres: setup
	$(CLI) load --raw-dir $(TEST_RAW) --target postgres --report-dir $(TEST_REPORTS)/postgres \
		--no-great-expectations --no-progress
	$(DBT) build --target postgres --target-path $(PG_DBT_TARGET) --log-path $(PG_DBT_TARGET)/logs

# The same on Spark (dbt-spark, method session: pyspark in the dbt process, local[2], Java 17),
# not part of `make test`. Installs the spark extra (pyspark), loads the test extracts as parquet
# raw tables registered in a fresh metastore under SPARK_DIR and runs dbt build --target spark,
# one dbt process (a fresh Spark driver) per layer: scripts/dbt-build-in-layers.sh.
SPARK_DIR := target/spark
test-spark: SYNC_EXTRAS := --extra spark
test-spark: setup test-extracts
	$(MAKE) --no-print-directory dbt-build-spark

dbt-build-spark: SYNC_EXTRAS := --extra spark
dbt-build-spark: setup
	rm -rf $(SPARK_DIR)
	CLINICAL_DASHBOARD_SPARK_DIR=$(SPARK_DIR) $(CLI) load --raw-dir $(TEST_RAW) --target spark \
		--report-dir $(TEST_REPORTS)/spark --no-progress
	CLINICAL_DASHBOARD_SPARK_DIR=$(SPARK_DIR) DBT=$(DBT) scripts/dbt-build-in-layers.sh --target spark

# --durations: the slowest tests in every run, so that a slow one is seen the day it appears.
# make test runs the suite in three parts: from the start, the tests that read no built
# warehouse (pytest-early); after the DuckDB build, the tests that read its warehouse (marker
# test_warehouse, set by src/tests/conftest.py on every test that uses small_warehouse); after
# the PostgreSQL build, the tests of its marts (PYTEST_PG_MARTS).
PYTEST_PG_MARTS := $(PYTEST_DIR)/test_privacy_readonly_role.py
pytest: setup
	$(PYTEST) -q --durations=15 $(PYTEST_DIR)

# The tests that read no built warehouse run as two processes beside each other (each one
# test process, so two use both cores): the whole deliveries through the loader and the
# publishing build, with the other tests that need dbt's parse of the project (one parse per
# process: src/tests/warehouses.py) (PYTEST_DELIVERIES), and the rest. test_publish first: it
# parses at once (its build reads the parse's folder as its partial parse), and the parse it
# keeps on disk is then the one the other dbt tests of both processes read
# (pytest-warehouse's too), instead of a second parse.
PYTEST_DELIVERIES := $(PYTEST_DIR)/test_publish.py $(PYTEST_DIR)/test_bad_input.py \
	$(PYTEST_DIR)/test_year_rebuild.py
pytest-early: setup
	$(PYTEST) -q --durations=15 $(PYTEST_DIR) --ignore=$(PYTEST_PG_MARTS) \
		$(addprefix --ignore=,$(PYTEST_DELIVERIES)) -m "not test_warehouse"

pytest-deliveries: setup
	$(PYTEST) -q --durations=10 $(PYTEST_DELIVERIES) -m "not test_warehouse"

pytest-warehouse: setup
	$(PYTEST) -q --durations=15 $(PYTEST_DIR) --ignore=$(PYTEST_PG_MARTS) -m test_warehouse

pytest-postgres: setup
	$(PYTEST) -q $(PYTEST_PG_MARTS)

# --- dashboard -----------------------------------------------------------------------------
# Evidence project in dashboard/ (installed from its package-lock.json). It reads parquet exports of
# the public marts (`clinical-dashboard export`, list: var dashboard_exports in dbt_project.yml),
# never the DuckDB file, so it holds no lock on the warehouse. One site per warehouse:
# the demo's in target/dashboard/site, the test's in target/dashboard-test/site.
DASHBOARD_DIR     := dashboard
DASHBOARD_MODULES := $(DASHBOARD_DIR)/node_modules/.package-lock.json
DASHBOARD_EXPORTS := target/exports/warehouse
DASHBOARD_SITE    := target/dashboard/site
DASHBOARD_PORT    ?= 3000
DASHBOARD_TEST    := target/dashboard-test
DASHBOARD_INPUTS  := $(DASHBOARD_DIR)/pages $(DASHBOARD_DIR)/partials $(DASHBOARD_DIR)/components \
                     $(DASHBOARD_DIR)/package-lock.json $(DASHBOARD_DIR)/evidence.plugins.yaml

# `npm ci` refuses this lock: it lacks some of the other platforms' optional binaries (e.g.
# @rollup/rollup-darwin-x64), which the registry reachable here did not always offer. `npm
# install` installs the locked versions; scripts/check-lock.mjs then fails when the install
# changed a locked package (package.json and the lock disagree), allows added optional
# binaries only, and restores the committed lock.
$(DASHBOARD_MODULES): $(DASHBOARD_DIR)/package-lock.json $(DASHBOARD_DIR)/package.json
	cp $(DASHBOARD_DIR)/package-lock.json $(DASHBOARD_DIR)/.package-lock.json.before
	cd $(DASHBOARD_DIR) && npm install --no-audit --no-fund --loglevel=error
	node $(DASHBOARD_DIR)/scripts/check-lock.mjs $(DASHBOARD_DIR)/.package-lock.json.before \
		$(DASHBOARD_DIR)/package-lock.json
	rm -f $(DASHBOARD_DIR)/.package-lock.json.before
	touch $@

# $(call dashboard_site,<duckdb file>,<export folder>,<site folder>): export, build, move the site.
# scripts/sources.mjs writes the same files as `npm run sources` (Evidence's), byte for byte, with
# DuckDB instead of row by row in JavaScript (3 instead of 28 CPU s on the test warehouse); it runs
# Evidence's for sources it does not cover.
# The build (vite and rollup in one node process) with V8's young generation at 128 MB instead
# of its 16 MB default: it collects garbage less often and promotes less, about a tenth less CPU
# for half a GB more memory (benchmarks/README.md).
DASHBOARD_BUILD_NODE_OPTIONS := --max-semi-space-size=128
define dashboard_site
	$(CLI) export --duckdb-path $(1) --out $(2)
	node $(DASHBOARD_DIR)/scripts/prepare-sources.mjs $(2)
	rm -rf $(DASHBOARD_DIR)/build
	cd $(DASHBOARD_DIR) && node scripts/sources.mjs && \
		NODE_OPTIONS="$(DASHBOARD_BUILD_NODE_OPTIONS)" npm run --silent build
	rm -rf $(3) && mkdir -p $(dir $(3)) && mv $(DASHBOARD_DIR)/build $(3)
endef

dashboard-build: setup $(DASHBOARD_MODULES)
	@test -f $(WAREHOUSE) || { echo "no warehouse $(WAREHOUSE): run make demo (or make load build) first"; exit 1; }
	$(call dashboard_site,$(WAREHOUSE),$(DASHBOARD_EXPORTS),$(DASHBOARD_SITE))

# Serves the built site on 127.0.0.1; rebuilds it first when it is missing or older than the
# warehouse or the dashboard's sources.
dashboard: setup $(DASHBOARD_MODULES)
	@if [ ! -f $(DASHBOARD_SITE)/index.html ] || [ $(WAREHOUSE) -nt $(DASHBOARD_SITE)/index.html ] || \
		[ -n "$$(find $(DASHBOARD_INPUTS) -newer $(DASHBOARD_SITE)/index.html | head -1)" ]; then \
		$(MAKE) --no-print-directory dashboard-build; fi
	node $(DASHBOARD_DIR)/scripts/serve.mjs $(DASHBOARD_SITE) $(DASHBOARD_PORT) 127.0.0.1

# The open data API (docs/api.md): the public marts of the published warehouse, read-only,
# JSON and CSV, on 127.0.0.1 without keys; e.g. API_ARGS="--host 0.0.0.0" serves others and
# then requires keys (clinical-dashboard api-key issue --name ...).
API_PORT ?= 8000
API_ARGS ?=
api: setup
	@test -f $(WAREHOUSE) || { echo "no warehouse $(WAREHOUSE): run make demo (or make load build) first"; exit 1; }
	$(CLI) api --warehouse $(WAREHOUSE) --port $(API_PORT) $(API_ARGS)

dashboard-modules: $(DASHBOARD_MODULES)

# Builds the site from the test warehouse (made by dbt-build) and runs the end-to-end test in
# Debian's Chromium (playwright-core; screenshots in $(DASHBOARD_TEST)/screenshots). Two test
# files at a time (node's default on two cores is one): the browser tests wait on pages much of
# the time, so the health-community file runs beside the long dashboard one.
test-dashboard: setup $(DASHBOARD_MODULES)
	@test -f $(TEST_DUCKDB) || { echo "no $(TEST_DUCKDB): run make test-extracts dbt-build first"; exit 1; }
	$(DASHBOARD_DIR)/scripts/ensure-chromium.sh
	$(call dashboard_site,$(TEST_DUCKDB),$(DASHBOARD_TEST)/exports,$(DASHBOARD_TEST)/site)
	rm -rf $(DASHBOARD_TEST)/screenshots
	cd $(DASHBOARD_DIR) && DASHBOARD_SITE=$(abspath $(DASHBOARD_TEST)/site) \
		DASHBOARD_EXPORTS=$(abspath $(DASHBOARD_TEST)/exports) \
		DASHBOARD_SCREENSHOTS=$(abspath $(DASHBOARD_TEST)/screenshots) node --test --test-concurrency=2 tests/

# --- benchmark -----------------------------------------------------------------------------
# Not part of `make test`: national scale (BENCH_SCALE, extracts cached in data/bench/), load,
# dbt build, scan floor and the PostgreSQL ratio at 0.1; benchmarks/results/latest.json.
BENCH_SCALE ?= 1.0
# e.g. BENCH_ARGS="--postgres-scale 0.05 --threads 2" (clinical-dashboard bench --help)
BENCH_ARGS  ?=
bench: setup
	$(CLI) bench --scale $(BENCH_SCALE) --seed $(DEMO_SEED) $(BENCH_ARGS)

# --- documentation -------------------------------------------------------------------------
# The dbt docs site (models, columns, tests, lineage down to the dashboard pages of
# models/exposures.yml) as one self-contained HTML file: `dbt docs generate --static` inlines the
# manifest and the catalog, so a browser opens it without a server. The catalog (the columns and
# their types as built) is read from the published warehouse: build it first. dbt's output goes to
# DOCS_BUILD, apart from the builds' target/ (its partial parse is kept there between runs).
DOCS_BUILD := target/docs/build
DOCS_SITE  := target/docs/index.html
docs: setup
	@test -f $(WAREHOUSE) || { echo "no warehouse $(WAREHOUSE): make docs reads its catalog; run make demo (or make load build) first"; exit 1; }
	CLINICAL_DASHBOARD_DUCKDB=$(WAREHOUSE) $(DBT) docs generate --static --target duckdb \
		--target-path $(DOCS_BUILD) --log-path $(DOCS_BUILD)/logs
	mkdir -p $(dir $(DOCS_SITE)) && cp $(DOCS_BUILD)/static_index.html $(DOCS_SITE)
	@echo "docs site: $(CURDIR)/$(DOCS_SITE) (open it in a browser; no server needed)"

# --- cleaning ------------------------------------------------------------------------------
clean:
	rm -rf target logs dbt_packages data .pytest_cache
	find . -path ./$(VENV) -prune -o -path ./$(TOOLS_DIR) -prune -o \
		-name __pycache__ -type d -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) $(TOOLS_DIR)
