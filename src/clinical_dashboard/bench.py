"""National-scale benchmark (``clinical-dashboard bench``; ``make bench``; issue 8).

Measures, in one run on this machine, the stages of the main job at a given scale:

* ``generate``: the synthetic extracts (cached between runs: a folder per scale and seed,
  reused when its manifest matches; the figure then comes from the run that made it);
* ``load``: validate and load every extract into a fresh working DuckDB file (a pristine copy
  of the loaded file is cached beside the extracts, keyed by their manifest and the loader's
  source; a later run copies it instead of loading again, and its figures then come from
  the run that made it, flagged ``load_cached``; ``--reload`` forces a new load);
* ``build``: the production ``dbt build`` on that file (seeds, models and data tests, without
  the unit tests and the construction tests, as ``clinical-dashboard build`` runs it);
* ``incremental``: one delivery (``held_back``, default the newest NPR-SOM year: a new
  tertial of the largest source) is taken out of the loaded warehouse before the full build
  (its raw rows and its line in raw._deliveries), then loaded on its own after it, and
  ``dbt build --select source:raw.<its source>+`` runs (what ``clinical-dashboard build
  --sources <source>`` runs): the models and tests that read the source, the base model
  rebuilding only the files the delivery touches;
* ``build_floor``: the build's floor, one DuckDB pass that reads every raw table once (every
  column of every row of the landing zone, as text lengths), in this process;
* ``ingest_floor``: the load's floor, one DuckDB ``read_csv`` of every delivery file (every
  column of every row touched, as text lengths), in this process;
* ``postgres``: the same load and build at a small scale (default 0.1) on DuckDB and on a
  PostgreSQL server, for the ratio PostgreSQL / DuckDB.

Every stage runs as a child process whose wall time, CPU seconds (user + system, from wait4)
and peak resident memory (the whole process tree, sampled every 0.2 s from /proc) are
recorded; each dbt build keeps its own run results, and the JSON lists every node's time of
the full and the incremental build (``nodes``, ``incremental_nodes``, slowest first).
``end_to_end_s`` is load + build, CSV to published marts. Nothing is asserted: the figures are
printed, with the ratios, and written to ``benchmarks/results/latest.json``.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb

from .load import default_landing_dir, landing_file
from .publish import changed_sources_selection

RESULTS = Path("benchmarks/results/latest.json")


@dataclass(frozen=True)
class BenchConfig:
    scale: float = 1.0
    seed: int = 42
    workers: int = 1
    #: extracts are cached here, one folder per scale and seed
    cache_dir: Path = Path("data/bench")
    #: working DuckDB files and logs (rebuilt every run)
    work_dir: Path = Path("target/bench")
    results: Path = RESULTS
    #: scale of the PostgreSQL comparison (0 = skip it)
    postgres_scale: float = 0.1
    #: the delivery the incremental stage adds after the full build (None: no incremental stage)
    held_back: str | None = "npr_som/2026.csv"
    #: reuse the cached loaded warehouse of the same extracts and loader (False: load again)
    reuse_load: bool = True
    #: extra dbt build arguments (e.g. ("--select", "staging"))
    dbt_args: tuple[str, ...] = field(default_factory=tuple)


@dataclass
class Stage:
    name: str
    seconds: float
    peak_rss_mb: float
    returncode: int
    log: str
    cpu_seconds: float = 0.0


def _tree_rss_kb(root: int) -> int:
    """Resident memory of ``root`` and all its descendants (kB), from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
            ppid, pages = int(fields[1]), int(fields[21])
        except (OSError, IndexError, ValueError):
            continue
        pid = int(entry)
        children.setdefault(ppid, []).append(pid)
        rss[pid] = pages * os.sysconf("SC_PAGE_SIZE") // 1024
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total


def run_stage(name: str, command: list[str], log: Path, env: dict[str, str] | None = None) -> Stage:
    """Run ``command``, its output to ``log``; wall time and peak RSS of its process tree."""
    log.parent.mkdir(parents=True, exist_ok=True)
    print(f"[bench] {name}: {' '.join(command)}  (log: {log})", flush=True)
    peak = 0
    started = time.perf_counter()
    with log.open("w") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT,
                                   env={**os.environ, **(env or {})})
        done = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not done.wait(0.2):
                peak = max(peak, _tree_rss_kb(process.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
            process.returncode = returncode = os.waitstatus_to_exitcode(status)
        finally:
            done.set()
            sampler.join()
    seconds = time.perf_counter() - started
    cpu = usage.ru_utime + usage.ru_stime
    stage = Stage(name, round(seconds, 1), round(peak / 1024, 1), returncode, str(log), round(cpu, 1))
    status = "ok" if returncode == 0 else f"FAILED (exit {returncode}; see {log})"
    print(f"[bench] {name}: {seconds:,.1f} s ({cpu:,.1f} CPU s), peak RSS {peak / 1024:,.0f} MB, {status}",
          flush=True)
    return stage


def _bin(name: str) -> str:
    """An executable of this environment (the venv's bin folder), else from PATH."""
    candidate = Path(sys.executable).parent / name
    return str(candidate) if candidate.exists() else name


def extracts(config: BenchConfig, scale: float, log_dir: Path) -> tuple[Path, Stage | None, dict]:
    """The cached extracts of ``scale``; generates them when missing. (folder, stage, timing)."""
    folder = config.cache_dir / f"scale-{scale:g}-seed-{config.seed}"
    timing_file = folder / "_bench_generate.json"
    if (folder / "_manifest.json").exists() and timing_file.exists():
        timing = json.loads(timing_file.read_text())
        print(f"[bench] generate: cached in {folder} (made in {timing['seconds']:,.1f} s)", flush=True)
        return folder, None, timing
    shutil.rmtree(folder, ignore_errors=True)
    stage = run_stage(f"generate {scale:g}", [
        _bin("clinical-dashboard"), "generate", "--scale", str(scale), "--seed", str(config.seed),
        "--out", str(folder), "--workers", str(config.workers), "--no-progress"],
        log_dir / f"generate-{scale:g}.log")
    if stage.returncode != 0:
        raise RuntimeError(f"generate failed: see {stage.log}")
    timing = {"seconds": stage.seconds, "peak_rss_mb": stage.peak_rss_mb,
              "made_at": time.strftime("%Y-%m-%dT%H:%M:%S")}
    timing_file.write_text(json.dumps(timing, indent=2))
    return folder, stage, timing


def load_stage(name: str, raw: Path, target: str, duckdb_path: Path | None, log_dir: Path,
               keep: Path | None = None) -> Stage:
    """Load ``raw`` into a fresh DuckDB file ``duckdb_path`` (or the PostgreSQL target when
    None), or append it to the existing DuckDB file ``keep``."""
    command = [_bin("clinical-dashboard"), "load", "--raw-dir", str(raw), "--target", target,
               "--report-dir", str(log_dir / f"{name}-report"), "--no-progress"]
    if keep is not None:
        command += ["--duckdb-path", str(keep)]
    elif duckdb_path is not None:
        _remove_warehouse(duckdb_path)
        duckdb_path.parent.mkdir(parents=True, exist_ok=True)
        command += ["--duckdb-path", str(duckdb_path)]
    return run_stage(name, command, log_dir / f"{name}.log")


def _remove_warehouse(path: Path) -> None:
    """A DuckDB warehouse file, its write-ahead log and its landing zone."""
    for suffix in ("", ".wal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    shutil.rmtree(default_landing_dir(path), ignore_errors=True)


def _load_key(raw: Path) -> str:
    """What a loaded warehouse depends on: the extracts' manifest and the loader's code."""
    digest = hashlib.sha256((raw / "_manifest.json").read_bytes())
    package = Path(__file__).parent
    for name in ("load.py", "validate.py"):
        digest.update((package / name).read_bytes())
    return digest.hexdigest()


def loaded(config: BenchConfig, raw: Path, warehouse: Path, log_dir: Path) -> tuple[Stage | None, dict]:
    """``warehouse`` holding the loaded extracts of ``raw``: a copy of the cached load when its
    key matches (stage None; the timing of the run that made it), else a new load (cached
    when it succeeds). (stage, timing)"""
    cache = raw.parent / f"{raw.name}.loaded.duckdb"  # with its landing zone beside it
    timing_file = raw.parent / f"{raw.name}.loaded.json"
    key = _load_key(raw)
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    if config.reuse_load and cache.exists() and default_landing_dir(cache).is_dir() and timing_file.exists():
        timing = json.loads(timing_file.read_text())
        if timing.get("key") == key:
            _copy_warehouse(cache, warehouse)
            print(f"[bench] load: cached in {cache} (made in {timing['seconds']:,.1f} s)", flush=True)
            return None, timing
    stage = load_stage("load", raw, "duckdb", warehouse, log_dir)
    timing = {"seconds": stage.seconds, "cpu_seconds": stage.cpu_seconds, "peak_rss_mb": stage.peak_rss_mb,
              "steps": load_steps(log_dir / "load-report" / "report.json"),
              "key": key, "returncode": stage.returncode, "made_at": time.strftime("%Y-%m-%dT%H:%M:%S")}
    if stage.returncode == 0:
        _copy_warehouse(warehouse, cache)
        timing_file.write_text(json.dumps(timing, indent=2))
    return stage, timing


def load_steps(report: Path) -> dict[str, float] | None:
    """Where the load's time went: the wall seconds of each step of the loader (scan, read,
    check, load: ``FileResult.timings``) summed over the files of its report (None: no report)."""
    if not report.is_file():
        return None
    steps: dict[str, float] = {}
    for result in json.loads(report.read_text("utf-8"))["files"]:
        for step, seconds in (result.get("timings") or {}).items():
            steps[step] = steps.get(step, 0.0) + seconds
    return {step: round(seconds, 1) for step, seconds in steps.items()}


def _copy_warehouse(source: Path, to: Path) -> None:
    """Copy a loaded DuckDB file and its landing zone; the copy's raw views read its own landing
    zone (they name the folder, so they are recreated for the copy)."""
    _remove_warehouse(to)
    shutil.copyfile(source, to)
    shutil.copytree(default_landing_dir(source), default_landing_dir(to))
    with duckdb.connect(str(to)) as con:
        old, new = str(default_landing_dir(source).resolve()), str(default_landing_dir(to).resolve())
        for name, sql in con.execute("select view_name, sql from duckdb_views() where schema_name = 'raw' "
                                     "and not internal").fetchall():
            con.execute(sql.replace(old, new).replace("CREATE VIEW", "CREATE OR REPLACE VIEW", 1))


def hold_back(warehouse: Path, rel: str) -> int:
    """Take the delivery ``rel`` (``<source>/<file>.csv``) out of a loaded warehouse, as if it
    had not arrived yet: its raw rows and its lines in raw._deliveries. Returns its rows."""
    source = rel.split("/", 1)[0]
    parquet = landing_file(default_landing_dir(warehouse), source, rel)
    with duckdb.connect(str(warehouse)) as con:
        rows = con.execute(f'select count(*) from raw."{source}" where _file = ?', [rel]).fetchone()[0]
        if not rows or not parquet.is_file():
            raise RuntimeError(f"held-back delivery {rel} has no rows in raw.{source} ({parquet})")
        parquet.unlink()
        con.execute("delete from raw._deliveries where file = ?", [rel])
        con.execute("checkpoint")
    return rows


def delivery_folder(raw: Path, rel: str, folder: Path) -> Path:
    """A raw folder holding only the delivery ``rel`` of ``raw`` (a link to the file) and its
    manifest entry: what a registry sends when one delivery arrives."""
    shutil.rmtree(folder, ignore_errors=True)
    (folder / rel).parent.mkdir(parents=True)
    try:
        os.link(raw / rel, folder / rel)
    except OSError:  # another file system
        shutil.copyfile(raw / rel, folder / rel)
    manifest = json.loads((raw / "_manifest.json").read_text("utf-8"))
    manifest["files"] = [f for f in manifest.get("files", []) if f.get("file") == rel]
    (folder / "_manifest.json").write_text(json.dumps(manifest, indent=2), "utf-8")
    return folder


def build_stage(name: str, target: str, duckdb_path: Path | None, log_dir: Path,
                dbt_args: tuple[str, ...]) -> Stage:
    env = {"DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "DBT_PROFILES_DIR": str(Path.cwd())}
    if duckdb_path is not None:
        env["CLINICAL_DASHBOARD_DUCKDB"] = str(duckdb_path)
    from .publish import PRODUCTION_EXCLUDES

    return run_stage(name, [_bin("dbt"), "build", "--target", target, *PRODUCTION_EXCLUDES,
                            "--target-path", str(dbt_target_path(log_dir, name)), *dbt_args],
                     log_dir / f"{name}.log", env)


def dbt_target_path(log_dir: Path, name: str) -> Path:
    """dbt's target folder of one build stage: its run results are kept apart from the others'."""
    return log_dir / f"{name}-dbt"


def node_timings(run_results: Path) -> list[dict] | None:
    """Every node of a dbt run's results (model, test, seed), slowest first: name, resource
    type, status and seconds (dbt's execution time)."""
    if not run_results.exists():
        return None
    nodes = [{"node": r["unique_id"].split(".", 2)[-1], "type": r["unique_id"].split(".", 1)[0],
              "status": r["status"], "seconds": round(r.get("execution_time") or 0.0, 2)}
             for r in json.loads(run_results.read_text("utf-8"))["results"]]
    return sorted(nodes, key=lambda n: (-n["seconds"], n["node"]))


def scan_raw(duckdb_path: Path) -> dict:
    """The floor: read every column of every row of every raw table once; seconds and rows."""
    with duckdb.connect(str(duckdb_path), read_only=True) as con:
        con.execute("set enable_progress_bar = false")
        tables = [row[0] for row in con.execute(
            "select table_name from information_schema.tables where table_schema = 'raw' "
            "and table_name <> '_deliveries' order by table_name").fetchall()]
        started, rows = time.perf_counter(), 0
        for table in tables:
            columns = [row[0] for row in con.execute(
                "select column_name from information_schema.columns where table_schema = 'raw' "
                "and table_name = ? order by ordinal_position", [table]).fetchall()]
            lengths = " + ".join(f'coalesce(length(cast("{c}" as varchar)), 0)' for c in columns)
            rows += con.execute(f'select count(*), sum({lengths}) from raw."{table}"').fetchone()[0]
        return {"seconds": round(time.perf_counter() - started, 1), "tables": len(tables), "rows": rows}


def ingest_floor(raw: Path) -> dict:
    """The load's floor: one DuckDB ``read_csv`` of every delivery file (as the loader reads it:
    ``;``-separated, every column as text), every column of every row touched (text lengths);
    wall and CPU seconds of this process, rows."""
    files = sorted(p for p in raw.glob("*/*.csv") if not p.name.startswith(("_", ".")))
    with duckdb.connect() as con:
        con.execute("set enable_progress_bar = false")
        started, cpu_started, rows = time.perf_counter(), time.process_time(), 0
        for path in files:
            header = path.open(encoding="utf-8-sig").readline().rstrip("\r\n").split(";")
            columns = "{" + ", ".join(f"'{c}': 'VARCHAR'" for c in header) + "}"
            lengths = " + ".join(f'coalesce(length("{c}"), 0)' for c in header)
            rows += con.execute(f"select count(*), sum({lengths}) from read_csv(?, delim=';', quote='\"', "
                                f"escape='\"', header=true, columns={columns}, auto_detect=false)",
                                [str(path)]).fetchone()[0]
        return {"seconds": round(time.perf_counter() - started, 1),
                "cpu_seconds": round(time.process_time() - cpu_started, 1), "files": len(files), "rows": rows}


def _seconds(stage: Stage | None) -> float | None:
    return stage.seconds if stage else None


def _ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or not denominator:
        return None
    return round(numerator / denominator, 2)


def run(config: BenchConfig) -> dict:
    log_dir = config.work_dir / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    stages: dict[str, Stage] = {}
    raw, generated, timing = extracts(config, config.scale, log_dir)
    if generated:
        stages["generate"] = generated
    warehouse = config.work_dir / f"warehouse-{config.scale:g}.duckdb"
    load, load_timing = loaded(config, raw, warehouse, log_dir)
    if load:
        stages["load"] = load
    load_ok = load_timing["returncode"] == 0
    held_rows = hold_back(warehouse, config.held_back) if load_ok and config.held_back else None
    if load_ok:
        stages["build"] = build_stage("build", "duckdb", warehouse, log_dir, config.dbt_args)
    if held_rows and stages["build"].returncode == 0:
        new = delivery_folder(raw, config.held_back, config.work_dir / "new-delivery")
        stages["incremental_load"] = load_stage("incremental_load", new, "duckdb", None, log_dir,
                                                keep=warehouse)
        if stages["incremental_load"].returncode == 0:
            stages["incremental_build"] = build_stage(
                "incremental_build", "duckdb", warehouse, log_dir,
                changed_sources_selection((config.held_back.split("/", 1)[0],)) + config.dbt_args)
    scan = scan_raw(warehouse) if load_ok else None
    if scan:
        print(f"[bench] build floor: {scan['rows']:,} raw rows in {scan['seconds']:,.1f} s", flush=True)
    ingest = ingest_floor(raw)
    print(f"[bench] ingest floor: {ingest['rows']:,} rows of {ingest['files']} files in "
          f"{ingest['seconds']:,.1f} s ({ingest['cpu_seconds']:,.1f} CPU s)", flush=True)

    postgres: dict = {}
    if config.postgres_scale > 0:
        small, _, _ = extracts(config, config.postgres_scale, log_dir)
        small_duckdb = config.work_dir / f"warehouse-{config.postgres_scale:g}.duckdb"
        stages["duckdb_small_load"] = load_stage("duckdb_small_load", small, "duckdb", small_duckdb, log_dir)
        stages["duckdb_small_build"] = build_stage("duckdb_small_build", "duckdb", small_duckdb, log_dir,
                                                   config.dbt_args)
        server = Path("scripts/pg-test-server.sh")
        started = subprocess.run([str(server), "start"], check=False)
        try:
            if started.returncode == 0:
                stages["postgres_small_load"] = load_stage("postgres_small_load", small, "postgres", None, log_dir)
                stages["postgres_small_build"] = build_stage("postgres_small_build", "postgres", None, log_dir,
                                                             config.dbt_args)
        finally:
            subprocess.run([str(server), "stop"], check=False)
        postgres_build = stages.get("postgres_small_build")
        postgres_build_s = postgres_build.seconds if postgres_build else None
        postgres = {
            "postgres_scale": config.postgres_scale,
            "duckdb_small_build_s": stages["duckdb_small_build"].seconds,
            "postgres_small_build_s": postgres_build_s,
            "postgres_ratio": _ratio(postgres_build_s, stages["duckdb_small_build"].seconds),
        }

    build = stages.get("build")
    result = {
        "scale": config.scale,
        "seed": config.seed,
        "generate_s": timing["seconds"],
        "generate_peak_rss_mb": timing.get("peak_rss_mb"),
        "generate_cached": generated is None,
        "load_s": load_timing["seconds"],
        "load_cpu_s": load_timing.get("cpu_seconds"),
        "load_peak_rss_mb": load_timing["peak_rss_mb"],
        "load_steps_s": load_timing.get("steps"),
        "ingest_floor_s": ingest["seconds"],
        "ingest_floor_cpu_s": ingest["cpu_seconds"],
        "load_to_floor_ratio": _ratio(load_timing["seconds"], ingest["seconds"]),
        "load_cached": load is None,
        "build_s": build.seconds if build else None,
        "build_cpu_s": build.cpu_seconds if build else None,
        "build_peak_rss_mb": build.peak_rss_mb if build else None,
        "build_ok": bool(build and build.returncode == 0),
        "build_floor_s": scan["seconds"] if scan else None,
        "raw_rows": scan["rows"] if scan else None,
        "build_to_floor_ratio": _ratio(build.seconds if build else None, scan["seconds"] if scan else None),
        "end_to_end_s": (round(load_timing["seconds"] + build.seconds, 1)
                         if build and load_timing["seconds"] is not None else None),
        "held_back_delivery": config.held_back if held_rows else None,
        "held_back_rows": held_rows,
        "incremental_load_s": _seconds(stages.get("incremental_load")),
        "incremental_build_s": _seconds(stages.get("incremental_build")),
        "incremental_build_peak_rss_mb": (stages["incremental_build"].peak_rss_mb
                                          if "incremental_build" in stages else None),
        "incremental_build_ok": bool(stages.get("incremental_build")
                                     and stages["incremental_build"].returncode == 0),
        "incremental_to_full_ratio": _ratio(_seconds(stages.get("incremental_build")),
                                            build.seconds if build else None),
        **postgres,
        "nodes": node_timings(dbt_target_path(log_dir, "build") / "run_results.json") if build else None,
        "incremental_nodes": (node_timings(dbt_target_path(log_dir, "incremental_build") / "run_results.json")
                              if "incremental_build" in stages else None),
        "warehouse_mb": round(warehouse.stat().st_size / 1e6, 1) if warehouse.exists() else None,
        "landing_mb": (round(sum(p.stat().st_size for p in default_landing_dir(warehouse).rglob("*.parquet")) / 1e6, 1)
                       if default_landing_dir(warehouse).is_dir() else None),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "duckdb": duckdb.__version__, "platform": platform.platform()},
        "stages": {name: asdict(stage) for name, stage in stages.items()},
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
    }
    config.results.parent.mkdir(parents=True, exist_ok=True)
    config.results.write_text(json.dumps(result, indent=2) + "\n")
    print(summary(result), flush=True)
    print(f"[bench] written {config.results}", flush=True)
    return result


def slowest(nodes: list[dict] | None, count: int = 5) -> str:
    """The ``count`` slowest nodes of a build as text (name and seconds)."""
    if not nodes:
        return "n/a"
    return ", ".join(f"{n['node']} {n['seconds']:,.1f} s" for n in nodes[:count])


def summary(result: dict) -> str:
    def fmt(value: float | None, unit: str = "") -> str:
        return "n/a" if value is None else f"{value:,.1f}{unit}"

    lines = [
        f"scale {result['scale']:g} (seed {result['seed']}):",
        f"  generate  {fmt(result['generate_s'], ' s')}{' (cached)' if result['generate_cached'] else ''}",
        f"  load      {fmt(result['load_s'], ' s')} ({fmt(result.get('load_cpu_s'), ' CPU s')})  peak "
        f"{fmt(result['load_peak_rss_mb'], ' MB')}{' (cached)' if result.get('load_cached') else ''}",
        f"  load steps (s, summed over files): "
        f"{', '.join(f'{k} {v:,.1f}' for k, v in (result.get('load_steps_s') or {}).items()) or 'n/a'}",
        f"  ingest floor {fmt(result.get('ingest_floor_s'), ' s')} "
        f"({fmt(result.get('ingest_floor_cpu_s'), ' CPU s')}; every CSV row read once)",
        f"  load / ingest floor = {fmt(result.get('load_to_floor_ratio'))}",
        f"  build     {fmt(result['build_s'], ' s')} ({fmt(result.get('build_cpu_s'), ' CPU s')})  peak "
        f"{fmt(result['build_peak_rss_mb'], ' MB')}"
        f"{'' if result['build_ok'] else '  (FAILED)'}",
        f"  build floor {fmt(result['build_floor_s'], ' s')} (every raw row read once)",
        f"  build / build floor = {fmt(result['build_to_floor_ratio'])}",
        f"  end to end (load + build) {fmt(result.get('end_to_end_s'), ' s')}",
        f"  slowest nodes: {slowest(result.get('nodes'))}",
        f"  incremental after {result.get('held_back_delivery') or 'n/a'}: load "
        f"{fmt(result.get('incremental_load_s'), ' s')}, build {fmt(result.get('incremental_build_s'), ' s')}"
        f" = {fmt(result.get('incremental_to_full_ratio'))} of the full build",
    ]
    if "postgres_ratio" in result:
        lines.append(f"  scale {result['postgres_scale']:g}: PostgreSQL build {fmt(result['postgres_small_build_s'], ' s')}"
                     f" / DuckDB {fmt(result['duckdb_small_build_s'], ' s')} = {fmt(result['postgres_ratio'])}")
    return "\n".join(lines)
