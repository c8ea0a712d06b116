#!/usr/bin/env bash
# A throwaway PostgreSQL server for the test suite: `start` installs PostgreSQL from Debian's
# packages when it is missing, creates a cluster under $PG_TEST_DIR (default /tmp/clinical-pg),
# listens on 127.0.0.1:$PGPORT (default 5433) only, trusts local connections and creates the
# database $PGDATABASE (default clinical_dashboard); `stop` stops it and removes the cluster.
# Settings for a test server only: no fsync (a crash loses nothing we keep), and neither
# parallel workers nor JIT compilation: at the test scale every query is small, and starting
# workers and compiling plans cost more than they save (the test build's server CPU halves;
# benchmarks/README.md); and no autovacuum: the build drops and creates hundreds of small tables,
# every model's and seed's table is analysed by dbt's post-hook (refresh_statistics) and every
# raw table by the loader with each delivery, so the daemon's visits only cost (8-21 CPU s of the
# server's some 150 in the test build). A real server keeps its defaults.
set -euo pipefail

PG_TEST_DIR=${PG_TEST_DIR:-/tmp/clinical-pg}
PGPORT=${PGPORT:-5433}
PGDATABASE=${PGDATABASE:-clinical_dashboard}
TEST_SETTINGS="-c fsync=off -c full_page_writes=off -c max_parallel_workers_per_gather=0 -c jit=off -c autovacuum=off"

pg_bin() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    if [[ -z "$dir" ]]; then
        if [[ $(id -u) -ne 0 ]]; then
            echo "pg-test-server: PostgreSQL is not installed and this is not root;" \
                 "install the Debian package 'postgresql' (or run as root)" >&2
            exit 1
        fi
        echo "pg-test-server: installing PostgreSQL from Debian's packages ..." >&2
        DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
        dir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    fi
    echo "$dir"
}

as_owner() {
    # initdb refuses to run as root: run the server as the 'postgres' system user then
    if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start() {
    local bin
    bin=$(pg_bin)
    stop quiet
    mkdir -p "$PG_TEST_DIR"
    [[ $(id -u) -eq 0 ]] && chown postgres "$PG_TEST_DIR"
    as_owner "$bin/initdb" -D "$PG_TEST_DIR/data" -U postgres -A trust --no-sync -E UTF8 >/dev/null
    # niced: make test's steps in sequence (the DuckDB build, the dashboard) go first
    as_owner nice -n 10 "$bin/pg_ctl" -D "$PG_TEST_DIR/data" -l "$PG_TEST_DIR/log" -w \
        -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PG_TEST_DIR $TEST_SETTINGS" \
        start >/dev/null
    "$bin/psql" -h 127.0.0.1 -p "$PGPORT" -U postgres -d postgres -q -c "create database $PGDATABASE" >/dev/null
    echo "pg-test-server: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$PGPORT, database $PGDATABASE"
}

# CPU seconds the server has used: the postmaster, the backends it has reaped and those still
# running (make test's step table counts the steps' own processes, not the server's).
server_cpu() {
    local pid
    pid=$(head -n 1 "$PG_TEST_DIR/data/postmaster.pid" 2>/dev/null) || return 0
    [[ -r /proc/$pid/stat ]] || return 0
    # fields 14-17 of /proc/PID/stat: utime, stime, cutime, cstime in clock ticks
    { awk '{print $14 + $15 + $16 + $17}' "/proc/$pid/stat"
      for child in $(pgrep -P "$pid"); do awk '{print $14 + $15}' "/proc/$child/stat" 2>/dev/null; done
    } | awk -v hz="$(getconf CLK_TCK)" '{ticks += $1} END {printf "%.1f", ticks / hz}'
}

stop() {
    local bin cpu
    if [[ -d "$PG_TEST_DIR/data" ]]; then
        bin=$(pg_bin)
        cpu=$(server_cpu)
        as_owner "$bin/pg_ctl" -D "$PG_TEST_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
        rm -rf "$PG_TEST_DIR"
        [[ "${1:-}" == quiet ]] || echo "pg-test-server: stopped${cpu:+ (the server used $cpu CPU s)}"
    fi
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
