#!/usr/bin/env bash
# dbt build in one dbt process per layer: seeds, staging, intermediate, marts (used by
# `make dbt-build-spark`). With dbt-spark's session method the Spark driver lives in the dbt
# process, and one driver running the whole build (~1,400 statements) filled its heap: the
# same unit test that ran out of memory after 1,000 nodes passed in a fresh session in
# seconds. Each layer gets a fresh driver.
#
# Every data and unit test runs once, in the first layer where all its parents exist
# (`--indirect-selection buildable`); tests that no layer selects (a test with no parent
# model, e.g. of a macro) run in a last step, so nothing dbt build would run is left out.
# Usage: scripts/dbt-build-in-layers.sh <dbt arguments, e.g. --target spark>
set -euo pipefail
DBT=${DBT:-.venv/bin/dbt}
# A model of an earlier folder that reads a mart (int_nki__indicators and the RBF models read
# the areas of dim_areas) is built in the marts' layer: each layer is a selector and
# what it leaves to a later one. fct_rbf_indicators, whose points search has the largest query
# plan of the project, and what reads it get a layer (a driver) of their own: after the other
# marts its driver ran out of heap, in a fresh one it builds.
layers=("resource_type:seed" "path:models/staging" "path:models/intermediate" "path:models/marts+"
    "fct_rbf_indicators+")
excludes=("" "" "path:models/marts+" "fct_rbf_indicators+" "")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

list_tests() {
    "$DBT" ls "$@" --quiet --output name --resource-type test --resource-type unit_test
}
list_tests "$@" | sort > "$tmp/all"
layer_args() {  # the dbt arguments of layer $1
    echo --select "${layers[$1]}" ${excludes[$1]:+--exclude "${excludes[$1]}"}
}
for i in "${!layers[@]}"; do
    # shellcheck disable=SC2046 # the layer's arguments, split on purpose
    list_tests "$@" $(layer_args "$i") --indirect-selection buildable
done | sort > "$tmp/layered"
twice=$(uniq -d "$tmp/layered")
if [ -n "$twice" ]; then
    echo "dbt-build-in-layers: tests selected by two layers:" >&2
    echo "$twice" >&2
    exit 1
fi
rest=$(comm -23 "$tmp/all" "$tmp/layered" | tr '\n' ' ')

started=$SECONDS
for i in "${!layers[@]}"; do
    echo "== dbt build $(layer_args "$i") --indirect-selection buildable ($((SECONDS - started)) s)"
    # shellcheck disable=SC2046 # the layer's arguments, split on purpose
    "$DBT" build "$@" $(layer_args "$i") --indirect-selection buildable
done
if [ -n "${rest// /}" ]; then
    echo "== dbt build --select $rest(tests of no layer; $((SECONDS - started)) s)"
    # shellcheck disable=SC2086 # one selector per test name
    "$DBT" build "$@" --select $rest
fi
echo "== dbt build in ${#layers[@]} layers done in $((SECONDS - started)) s"
