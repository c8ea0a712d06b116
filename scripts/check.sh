#!/usr/bin/env bash
# `make check`: the contributor's inner loop (issue 29), a subset of `make test` that follows
# what you changed:
#   1. sqlfluff on the SQL files changed against HEAD (staged, unstaged and new files);
#   2. dbt build on a DuckDB file of its own (target/check/): the first run loads the test
#      extracts and builds everything; later runs build only what changed since the last green
#      check and its children, with their tests (dbt's state:modified+, against the manifest
#      that check saved), so a changed macro rebuilds the models that use it;
#   3. pytest without the tests marked slow (the loads and builds of whole deliveries).
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

if [[ ! -f $STATE/manifest.json || ! -f $CHECK_DUCKDB ]]; then
    step "first check: load the test extracts into $CHECK_DUCKDB and build everything (once)"
    rm -rf "$CHECK_DIR" && mkdir -p "$CHECK_DIR"
    if [[ ! -f ${TEST_RAW:-target/test_raw}/_manifest.json ]]; then
        make --no-print-directory test-extracts
    fi
    "$BIN/clinical-dashboard" load --raw-dir "${TEST_RAW:-target/test_raw}" --target duckdb \
        --duckdb-path "$CHECK_DUCKDB" --report-dir "$CHECK_DIR/validation" --no-great-expectations --no-progress
    "$BIN/dbt" build "${DBT_ARGS[@]}"
else
    step "dbt build: what changed since the last green check, and its children"
    "$BIN/dbt" build "${DBT_ARGS[@]}" --select state:modified+ --state "$STATE"
fi
mkdir -p "$STATE"
cp "$CHECK_DIR/dbt/manifest.json" "$STATE/manifest.json"

step "pytest: the fast tests (-m 'not slow')"
"$BIN/pytest" -q -m "not slow" -p no:cacheprovider src/tests
