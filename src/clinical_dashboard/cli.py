"""Command line: ``clinical-dashboard generate | calibrate | extract-formats | contracts | build-seeds | build-method-tables | load | export | build | api | api-key``."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from .config import DEFAULT_RAW_DIR, DEFAULT_SEEDS_DIR, FILE_DEFECTS, SOURCES, YEARS, GeneratorConfig


def _parse_file_defect(text: str) -> tuple[str, int, str]:
    try:
        source, year, defect = text.split(":")
        return source, int(year), defect
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"--file-defect wants SOURCE:YEAR:DEFECT (defects: {', '.join(FILE_DEFECTS)}), got {text!r}") from None


def _parse_years(text: str) -> tuple[int, ...]:
    years: list[int] = []
    for part in text.split(","):
        if "-" in part:
            lo, hi = part.split("-")
            years += range(int(lo), int(hi) + 1)
        else:
            years.append(int(part))
    return tuple(years)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="clinical-dashboard", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    gen = sub.add_parser("generate", help="write synthetic registry extracts (SPEC section 4)")
    gen.add_argument("--scale", type=float, default=0.05, help="1.0 = national volume (default 0.05)")
    gen.add_argument("--seed", type=int, default=42, help="random seed (same options, same bytes)")
    gen.add_argument("--out", type=Path, default=DEFAULT_RAW_DIR, help="output folder (default data/raw)")
    gen.add_argument("--seeds-dir", type=Path, default=DEFAULT_SEEDS_DIR)
    gen.add_argument("--dirty-rate", type=float, default=0.005, help="share of dirty rows (default 0.005)")
    gen.add_argument("--years", type=_parse_years, default=YEARS, help="e.g. 2019-2026 or 2023,2024")
    gen.add_argument("--sources", type=lambda s: tuple(s.split(",")), default=SOURCES,
                     help=f"comma-separated subset of: {', '.join(SOURCES)}")
    gen.add_argument("--file-defect", type=_parse_file_defect, action="append", default=[],
                     help="SOURCE:YEAR:DEFECT, damage one file for loader tests "
                          f"({', '.join(FILE_DEFECTS)}); repeatable")
    gen.add_argument("--workers", type=int, default=1, help="parallel processes (memory grows with it)")
    gen.add_argument("--no-progress", action="store_true")

    cal = sub.add_parser("calibrate", help="compare generated NPR-SOM with seed 002 tables 1-3")
    cal.add_argument("--raw-dir", type=Path, default=DEFAULT_RAW_DIR)
    cal.add_argument("--seeds-dir", type=Path, default=DEFAULT_SEEDS_DIR)
    cal.add_argument("--year", type=int, default=2023, choices=(2022, 2023))

    fmt = sub.add_parser("extract-formats", help="print the page docs/extract-formats.md (markdown) from the "
                                                 "source contracts, or write or check it")
    fmt.add_argument("--write", action="store_true", help="write the page (default docs/extract-formats.md)")
    fmt.add_argument("--check", action="store_true", help="write nothing; exit 1 when the page is stale")
    fmt.add_argument("--out", type=Path, default=None, help="the page to write or check instead of the project's")

    con = sub.add_parser("contracts", help="check the source contracts (contracts/<source>.yml) and write "
                                           "what derives from them")
    con_sub = con.add_subparsers(dest="contracts_command", required=True)
    con_sub.add_parser("check", help="read and check every contract; print a line per source")
    dbt_sources = con_sub.add_parser("dbt-sources", help="write the dbt sources (models/staging/_raw__sources.yml) "
                                                         "and the macro raw_contract "
                                                         "(macros/staging/raw_contracts.sql) from the contracts")
    dbt_sources.add_argument("--out", type=Path, default=None,
                             help="dbt project folder to write into (default: this one)")
    dbt_sources.add_argument("--check", action="store_true", help="write nothing; exit 1 when a file is stale")

    seeds = sub.add_parser("build-seeds", help="rebuild seeds/reference from the public reference files")
    seeds.add_argument("--reference-dir", type=Path, required=True)
    seeds.add_argument("--seeds-dir", type=Path, default=DEFAULT_SEEDS_DIR)

    method = sub.add_parser("build-method-tables",
                            help="rebuild seeds/method (gamma quantiles of the Fay-Feuer interval) with SciPy")
    method.add_argument("--seeds-dir", type=Path, default=DEFAULT_SEEDS_DIR)
    method.add_argument("--golden-dir", type=Path, default=None,
                        help="also write the rate engine's golden unit-test fixtures (tests/fixtures/) "
                             "from this folder (../shared/reference/golden)")

    load = sub.add_parser("load", help="validate the extracts and load them into the raw schema (DuckDB, PostgreSQL or Spark)")
    load.add_argument("--raw-dir", type=Path, default=DEFAULT_RAW_DIR, help="delivery folder (default data/raw)")
    load.add_argument("--target", choices=("duckdb", "postgres", "spark"), default="duckdb")
    load.add_argument("--spark-dir", type=Path, default=None,
                      help="Spark warehouse and metastore folder of the dbt target spark (default: env "
                           "CLINICAL_DASHBOARD_SPARK_DIR, else target/spark)")
    load.add_argument("--duckdb-path", type=Path, default=None,
                      help="DuckDB file (default: env CLINICAL_DASHBOARD_DUCKDB, else the working copy "
                           "target/work/warehouse.duckdb; the published target/warehouse.duckdb is refused: "
                           "`clinical-dashboard build` publishes)")
    load.add_argument("--landing-dir", type=Path, default=None,
                      help="DuckDB: the landing zone, one parquet file per delivery file (default: "
                           "<folder of the DuckDB file>/<its name>_landing, e.g. target/work/warehouse_landing)")
    load.add_argument("--memory-limit", default=None,
                      help="DuckDB memory for staging a delivery; beyond it DuckDB spills to disk (default: env "
                           "CLINICAL_DASHBOARD_LOAD_MEMORY, else 3GB)")
    load.add_argument("--report-dir", type=Path, default=Path("target/validation"),
                      help="where report.md and report.json go (default target/validation)")
    load.add_argument("--strict", action="store_true", help="exit 1 when a file is rejected (the others still load)")
    load.add_argument("--withdraw", action="append", default=[], metavar="SOURCE/YEAR.csv",
                      help="remove the rows of a delivery that is no longer delivered (removed from the raw dir) "
                           "and log it as withdrawn; repeatable")
    load.add_argument("--no-great-expectations", action="store_true",
                      help="leave out the Great Expectations pass (its column of the report and its Data Docs); "
                           "the loader's own counts check every row either way. For deliveries whose GE report "
                           "another load already wrote, e.g. the same files loaded into a second target")
    load.add_argument("--no-progress", action="store_true")

    export = sub.add_parser("export", help="write the public marts the dashboard reads as parquet (after dbt build)")
    export.add_argument("--duckdb-path", type=Path, default=None,
                        help="DuckDB warehouse, opened read-only (default: env CLINICAL_DASHBOARD_DUCKDB, "
                             "else target/warehouse.duckdb)")
    export.add_argument("--out", type=Path, default=Path("target/exports"), help="folder (default target/exports)")
    export.add_argument("--project-dir", type=Path, default=Path("."),
                        help="dbt project whose var dashboard_exports lists the marts (default .)")
    export.add_argument("--mart", action="append", default=[], help="export only this mart; repeatable")

    build = sub.add_parser("build", help="dbt build on the working copy; publish it atomically only after a green build")
    build.add_argument("--work", type=Path, default=Path("target/work/warehouse.duckdb"),
                       help="working DuckDB file that load wrote and dbt builds (default target/work/warehouse.duckdb)")
    build.add_argument("--published", type=Path, default=Path("target/warehouse.duckdb"),
                       help="the file readers use, replaced only after a green build (default target/warehouse.duckdb)")
    build.add_argument("--project-dir", type=Path, default=Path("."))
    build.add_argument("--sources", type=lambda s: tuple(x for x in s.split(",") if x), default=(),
                       help="after new deliveries of these raw sources only (comma-separated, e.g. npr_som): "
                            "build what reads them (dbt --select source:raw.<source>+); the rest of the "
                            "warehouse did not change. Default: everything. After a change to the project "
                            f"(models, seeds, vars) build everything. Sources: {', '.join(SOURCES)}")
    build.add_argument("dbt_args", nargs=argparse.REMAINDER,
                       help="further dbt build arguments after --, e.g. -- --select staging")

    bench = sub.add_parser("bench", help="national-scale benchmark: generate (cached), load, build, scan floor, "
                                         "PostgreSQL ratio; writes benchmarks/results/latest.json")
    bench.add_argument("--scale", type=float, default=1.0)
    bench.add_argument("--seed", type=int, default=42)
    bench.add_argument("--workers", type=int, default=1, help="generator processes (memory grows with it)")
    bench.add_argument("--cache-dir", type=Path, default=Path("data/bench"),
                       help="generated extracts, one folder per scale and seed, reused between runs")
    bench.add_argument("--work-dir", type=Path, default=Path("target/bench"), help="DuckDB files and logs")
    bench.add_argument("--results", type=Path, default=Path("benchmarks/results/latest.json"))
    bench.add_argument("--threads", type=int, default=1,
                       help="dbt threads of the builds (1: two heavy models never share DuckDB's memory limit)")
    bench.add_argument("--held-back", default="npr_som/2026.csv",
                       help="the delivery added after the full build for the incremental figure ('' skips it)")
    bench.add_argument("--reload", action="store_true",
                       help="load the extracts again instead of copying the cached loaded warehouse")
    bench.add_argument("--postgres-scale", type=float, default=0.1, help="0 skips the PostgreSQL comparison")

    from .api_cli import add_parsers as add_api_parsers

    add_api_parsers(sub)  # api, api-key (src/clinical_dashboard/api_cli.py)
    return parser


def _generated_file(path: Path, text: str, check: bool, command: str) -> int:
    """Write a file generated from the contracts, or with ``check`` only compare it (1 when stale)."""
    if check:
        current = path.read_text("utf-8") if path.exists() else ""
        if current != text:
            print(f"{path} is stale: run `{command}`", file=sys.stderr)
            return 1
        print(f"{path} is current")
        return 0
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    print(f"wrote {path}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "generate":
            from .generate import run

            config = GeneratorConfig(scale=args.scale, seed=args.seed, out_dir=args.out, seeds_dir=args.seeds_dir,
                                     dirty_rate=args.dirty_rate, years=args.years, sources=args.sources,
                                     file_defects=tuple(args.file_defect), show_progress=not args.no_progress)
            started = time.perf_counter()
            manifest = run(config, workers=args.workers)
            elapsed = time.perf_counter() - started
            size = sum(f["bytes"] for f in manifest["files"])
            print(f"wrote {len(manifest['files'])} files, {manifest['rows']:,} rows, {size / 1e6:,.1f} MB, "
                  f"{manifest['defects']:,} injected defects in {elapsed:,.1f} s")
            print(f"extracts: {args.out.resolve()}/<source>/<year>.csv")
            print(f"defect ledger: {(args.out / '_defect_ledger.csv').resolve()}")
            print(f"manifest: {(args.out / '_manifest.json').resolve()}")
        elif args.command == "calibrate":
            from .generate import read_manifest
            from .generate.calibration import compare, format_table

            manifest = read_manifest(args.raw_dir)
            scale = manifest["settings"]["scale"]
            print(format_table(compare(args.raw_dir, args.seeds_dir, scale, args.year), scale, args.year))
        elif args.command == "extract-formats":
            from .contract_docs import EXTRACT_FORMATS_PATH, extract_formats_page

            path = args.out or EXTRACT_FORMATS_PATH
            text = extract_formats_page()
            if args.check or args.write:
                if _generated_file(path, text, args.check, "clinical-dashboard extract-formats --write"):
                    return 1
            else:
                print(text, end="")
        elif args.command == "contracts":
            from .config import REPO_ROOT
            from .contract_docs import DBT_CONTRACT_MACRO_PATH, DBT_SOURCES_PATH, dbt_contract_macro, dbt_sources_yaml
            from .contracts import contracts

            if args.contracts_command == "check":
                for source, contract in contracts().items():
                    print(f"{contract.path}: {source}, {len(contract.columns)} columns, year from "
                          f"{contract.year_column}, key {', '.join(contract.key)}")
            else:
                stale = 0
                for path, text in ((DBT_SOURCES_PATH, dbt_sources_yaml()), (DBT_CONTRACT_MACRO_PATH, dbt_contract_macro())):
                    if args.out:
                        path = args.out / path.relative_to(REPO_ROOT)
                    stale |= _generated_file(path, text, args.check, "clinical-dashboard contracts dbt-sources")
                if stale:
                    return 1
        elif args.command == "build-seeds":
            from .reference import build_seeds

            print(json.dumps(build_seeds(args.reference_dir, args.seeds_dir), indent=2))
        elif args.command == "build-method-tables":
            from .method_tables import build_method_tables

            print(json.dumps(build_method_tables(args.seeds_dir, args.golden_dir), indent=2))
        elif args.command == "load":
            from .load import LoadConfig, LoaderError, run_load
            from .validate import ValidationSettings

            try:
                return run_load(LoadConfig(raw_dir=args.raw_dir, target=args.target, duckdb_path=args.duckdb_path,
                                           spark_dir=args.spark_dir, report_dir=args.report_dir, strict=args.strict,
                                           show_progress=not args.no_progress,
                                           withdraw=tuple(args.withdraw), landing_dir=args.landing_dir,
                                           memory_limit=args.memory_limit,
                                           validation=ValidationSettings(
                                               use_great_expectations=not args.no_great_expectations))).exit_code
            except LoaderError as error:
                print(f"clinical-dashboard load: error: {error}", file=sys.stderr)
                return 2
        elif args.command == "export":
            import os

            from .export import ExportConfig, ExportError, export_marts, marts_from_project

            duckdb_path = args.duckdb_path or Path(os.environ.get("CLINICAL_DASHBOARD_DUCKDB", "target/warehouse.duckdb"))
            try:
                marts = tuple(args.mart) or marts_from_project(args.project_dir)
                manifest = export_marts(ExportConfig(duckdb_path=duckdb_path, out_dir=args.out, marts=marts))
            except ExportError as error:
                print(f"clinical-dashboard export: error: {error}", file=sys.stderr)
                return 2
            for entry in manifest["marts"]:
                print(f"  {entry['file']:<40} {entry['rows']:>10,} rows")
            print(f"exported {len(manifest['marts'])} marts from {duckdb_path} to {args.out.resolve()}/ "
                  f"in {manifest['seconds']} s")
        elif args.command == "build":
            from .publish import PublishConfig, PublishError, build_and_publish, changed_sources_selection

            dbt_args = tuple(arg for arg in args.dbt_args if arg != "--")
            try:
                dbt_args = changed_sources_selection(args.sources) + dbt_args
                return build_and_publish(PublishConfig(work=args.work, published=args.published,
                                                       project_dir=args.project_dir,
                                                       profiles_dir=args.project_dir, dbt_args=dbt_args))
            except PublishError as error:
                print(f"clinical-dashboard build: error: {error}", file=sys.stderr)
                return 2
        elif args.command in ("api", "api-key"):
            from .api_cli import run as run_api

            return run_api(args)
        elif args.command == "bench":
            from .bench import BenchConfig
            from .bench import run as run_bench

            result = run_bench(BenchConfig(scale=args.scale, seed=args.seed, workers=args.workers,
                                           cache_dir=args.cache_dir, work_dir=args.work_dir,
                                           results=args.results, postgres_scale=args.postgres_scale,
                                           reuse_load=not args.reload, held_back=args.held_back or None,
                                           dbt_args=("--threads", str(args.threads))))
            return 0 if result["build_ok"] else 1
    except (ValueError, FileNotFoundError) as error:
        print(f"clinical-dashboard {args.command}: error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
