#!/usr/bin/env bash
# `make check`: the contributor's inner loop (issue 29), a subset of `make test` that follows
# what you changed:
#   1. sqlfluff on the SQL files changed against HEAD (staged, unstaged and new files);
#   2. dbt build on a DuckDB file of its own (target/check/): the first run loads the test
#      extracts and builds everything; later runs build only what changed since the last green
#      check and its children, with their tests (dbt's state:modified+, against the manifest
#      that check saved), so a changed macro rebuilds the models that use it;
#   3. pytest without the tests marked slow (the loads and builds of whole deliveries), in two
#      pytest-xdist workers, on the check's extracts and warehouse.
# `make test` stays the full check that CI runs.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

BIN=${BIN:-.venv/bin}
CHECK_DIR=target/check
CHECK_DUCKDB=$CHECK_DIR/warehouse.duckdb
STATE=$CHECK_DIR/state
DBT_ARGS=(--target duckdb --target-path "$CHECK_DIR/dbt" --log-path "$CHECK_DIR/logs")
export CLINICAL_DASHBOARD_DUCKDB=$CHECK_DUCKDB

step() { printf '\n==> %s\n' "$*"; }

step "lint: SQL files changed against HEAD"
mapfile -t changed < <({ git diff --name-only HEAD; git ls-files --others --exclude-standard; } |
    grep -E '^(models|tests|macros|analyses|snapshots)/.*\.sql$' | sort -u |
    while read -r file; do [[ -f $file ]] && echo "$file"; done || true)
if ((${#changed[@]})); then
    "$BIN/sqlfluff" lint --processes 2 "${changed[@]}"
else
    echo "no changed SQL files"
fi

TEST_RAW=${TEST_RAW:-target/test_raw}
if [[ ! -f $TEST_RAW/_manifest.json ]]; then
    make --no-print-directory test-extracts
fi
# the extracts the check's warehouse was loaded from (their manifest): new extracts (e.g. a
# changed generator) start the check over
RAW_STAMP=$(sha256sum "$TEST_RAW/_manifest.json" | cut -d' ' -f1)
if [[ ! -f $STATE/manifest.json || ! -f $CHECK_DUCKDB || $(cat "$STATE/raw" 2>/dev/null) != "$RAW_STAMP" ]]; then
    step "first check: load the test extracts into $CHECK_DUCKDB and build everything (once)"
    rm -rf "$CHECK_DIR" && mkdir -p "$CHECK_DIR"
    "$BIN/clinical-dashboard" load --raw-dir "$TEST_RAW" --target duckdb \
        --duckdb-path "$CHECK_DUCKDB" --report-dir "$CHECK_DIR/validation" --no-great-expectations --no-progress
    "$BIN/dbt" build "${DBT_ARGS[@]}"
else
    step "dbt build: what changed since the last green check, and its children"
    "$BIN/dbt" build "${DBT_ARGS[@]}" --select state:modified+ --state "$STATE"
fi
mkdir -p "$STATE"
cp "$CHECK_DIR/dbt/manifest.json" "$STATE/manifest.json"
echo "$RAW_STAMP" > "$STATE/raw"

# pytest reads the test extracts and the check's warehouse (built and tested just above from
# them) as make test's pytest steps read make test's (src/tests/conftest.py), instead of
# generating, loading and building the same delivery once more. Two pytest-xdist workers, one
# per core, each taking the next test file when it is done (a file's tests share their module
# fixtures): the files differ too much in cost for a fixed split to keep both cores busy.
step "pytest: the fast tests (-m 'not slow'), two workers"
export CLINICAL_DASHBOARD_TEST_WAREHOUSE=$CHECK_DUCKDB CLINICAL_DASHBOARD_TEST_RAW=$TEST_RAW
"$BIN/pytest" -q -m "not slow" -p no:cacheprovider -n 2 --dist loadfile src/tests
