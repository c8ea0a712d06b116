"""The synthetic registry-extract generator (SPEC section 4).

``run(config)`` writes one CSV per source and year under ``config.out_dir/<source>/<year>.csv``,
a defect ledger ``_defect_ledger.csv`` and a manifest ``_manifest.json`` beside them.
Same configuration, same bytes: every (source, year) has its own random stream seeded by
``(seed, year, source)``, so files do not depend on the order or parallelism of generation.

The manifest says the delivery is synthetic (``"synthetic": true``) and which fraction of the
population its events stand for (``"population_fraction"``: the scale; at scale ``s`` every
volume is ``s`` times the national one, as if the events of a random fraction ``s`` of the
residents were drawn). The loader records both with every file it loads, and the warehouse
uses that fraction of the SSB population in every rate denominator, so that a scaled run's
rates are the national ones (docs/methods.md).
"""

from __future__ import annotations

import csv
import io
import json
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pyarrow as pa
from tqdm import tqdm

from ..config import SOURCES, GeneratorConfig
from ..contracts import source_columns
from .defects import LEDGER_COLUMNS, inject
from .world import World
from .writer import apply_file_defect, write_extract

MANIFEST_NAME = "_manifest.json"
LEDGER_NAME = "_defect_ledger.csv"
GENERATOR_VERSION = "1"

#: Relative cost of a (source, year) task, for the progress bar and for scheduling.
COST = {"helfo_lab": 60, "npr_som": 40, "helfo_imaging": 6, "npr_avtalesom": 10, "npr_phv": 6,
        "npr_avtalephv": 3, "npr_phbu": 3, "npr_tsb": 2, "npr_phbu_referrals": 1,
        "fhi_waiting_lists": 1, "nki_discharge_summaries": 1, "cancer_survival": 1, "kpr_contacts": 8,
        "iplos_services": 1}

#: Sources whose national year needs several GB: never two of them at once.
HEAVY = frozenset({"npr_som", "helfo_lab", "kpr_contacts"})

_WORLDS: dict[tuple, World] = {}


def _world(config: GeneratorConfig) -> World:
    key = (str(config.seeds_dir), config.seed, config.catchment_mapping_version)
    if key not in _WORLDS:
        _WORLDS[key] = World(config.seeds_dir, config.seed, config.catchment_mapping_version)
    return _WORLDS[key]


def table_for(config: GeneratorConfig, source: str, year: int) -> pa.Table | None:
    """The clean table of one source and year (``None`` where the source has no such file)."""
    return _build(_world(config), source, config.seed, year, config.scale)


#: Non-NPR-activity sources: the function that builds one year of each.
_FUNCTIONS = {
    "npr_phbu_referrals": ("referrals", "generate_phbu_referrals"),
    "helfo_lab": ("helfo", "generate_lab"),
    "helfo_imaging": ("helfo", "generate_imaging"),
    "fhi_waiting_lists": ("aggregates", "generate_waiting_lists"),
    "nki_discharge_summaries": ("aggregates", "generate_nki"),
    "cancer_survival": ("aggregates", "generate_cancer_survival"),
    "kpr_contacts": ("kpr", "generate_kpr_contacts"),
    "iplos_services": ("iplos", "generate_iplos_services"),
}
_ACTIVITY_CACHE: dict[tuple, object] = {}


def _build(world: World, source: str, seed: int, year: int, scale: float) -> pa.Table | None:
    from importlib import import_module

    from . import activity

    if source in activity.SOURCES:
        key = (source, seed, id(world))
        if key not in _ACTIVITY_CACHE:
            _ACTIVITY_CACHE[key] = activity.ActivityGenerator(world, activity.SOURCES[source], seed)
        return _ACTIVITY_CACHE[key].generate(year, scale)
    module, function = _FUNCTIONS[source]
    return getattr(import_module(f"{__name__}.{module}"), function)(world, seed, year, scale)


def available_years(source: str) -> tuple[int, ...]:
    """Years a source delivers (the FHI annual file of the newest year is not yet published)."""
    from importlib import import_module

    from ..config import YEARS

    if source in _FUNCTIONS:
        module = import_module(f"{__name__}.{_FUNCTIONS[source][0]}")
        return tuple(getattr(module, "AVAILABLE_YEARS", {}).get(source, YEARS))
    return YEARS


def known_codes(world: World) -> dict[str, set[str]]:
    return {"icd10": set(world.icd10_codes.tolist()), "procedure": set(world.procedure_codes.tolist()),
            "lab": set(world.lab_codes["lab_code"].tolist()), "icpc2": set(world.icpc2_codes.tolist())}


def _task(config: GeneratorConfig, source: str, year: int) -> dict:
    """Generate, damage and write one file; returns its manifest entry and ledger rows."""
    table = table_for(config, source, year)
    if table is None:
        return {"source": source, "year": year, "skipped": True}
    rel = f"{source}/{year}.csv"
    rng = np.random.default_rng([config.seed, year, SOURCES.index(source), 7])
    table, ledger = inject(table, source, year, rel, config.dirty_rate, rng, known_codes(_world(config)))
    path = config.out_dir / rel
    size = write_extract(table, path, source)
    entry = {"source": source, "year": year, "file": rel, "rows": table.num_rows, "bytes": size,
             "columns": list(source_columns(source))}  # as written: in contract order
    for defect_source, defect_year, defect in config.file_defects:
        if (defect_source, defect_year) == (source, year):
            entry["file_defect"] = {"defect": defect, "description": apply_file_defect(path, defect)}
            entry["bytes"] = path.stat().st_size
    return {"entry": entry, "ledger": ledger}


def run(config: GeneratorConfig, workers: int = 1) -> dict:
    """Generate every requested source and year; returns the manifest."""
    config.out_dir.mkdir(parents=True, exist_ok=True)
    tasks = [(config, s, y) for s in SOURCES if s in config.sources for y in config.years
             if y in available_years(s)]
    # biggest first, so two workers finish together
    tasks.sort(key=lambda t: -COST[t[1]])
    results: dict[tuple[str, int], dict] = {}
    bar = tqdm(total=sum(COST[t[1]] for t in tasks), desc="generate", unit="work",
               disable=not config.show_progress, mininterval=1.0, bar_format="{l_bar}{bar}| {elapsed}<{remaining} {postfix}")
    if workers > 1:
        # At most one memory-heavy task at a time (a national NPR-SOM or HELFO-lab year: about
        # 4 GB each with defects and writing, KPR contacts about 6 GB); the other worker takes
        # the lighter sources.
        pending = list(tasks)
        running: dict = {}
        with ProcessPoolExecutor(max_workers=workers) as pool:
            while pending or running:
                heavy_running = any(t[1] in HEAVY for t in running.values())
                while pending and len(running) < workers:
                    choice = next((t for t in pending if not (heavy_running and t[1] in HEAVY)), None)
                    if choice is None:
                        break
                    pending.remove(choice)
                    running[pool.submit(_task, *choice)] = choice
                    heavy_running = heavy_running or choice[1] in HEAVY
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    task = running.pop(future)
                    results[(task[1], task[2])] = future.result()
                    bar.set_postfix_str(f"{task[1]} {task[2]} done")
                    bar.update(COST[task[1]])
    else:
        for task in tasks:
            bar.set_postfix_str(f"{task[1]} {task[2]}")
            results[(task[1], task[2])] = _task(*task)
            bar.update(COST[task[1]])
    bar.close()
    files, ledger = [], []
    for source in SOURCES:
        for year in config.years:
            result = results.get((source, year))
            if result is None or result.get("skipped"):
                continue
            files.append(result["entry"])
            ledger.extend(result["ledger"])
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    writer.writerow(LEDGER_COLUMNS)
    writer.writerows(ledger)
    (config.out_dir / LEDGER_NAME).write_text(buffer.getvalue(), encoding="utf-8")
    settings = {k: v for k, v in asdict(config).items() if k not in ("out_dir", "seeds_dir", "show_progress", "extra")}
    manifest = {"generator_version": GENERATOR_VERSION, "synthetic": True, "population_fraction": config.scale,
                "settings": settings, "files": files,
                "defects": len(ledger), "rows": sum(f["rows"] for f in files)}
    (config.out_dir / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2, default=list) + "\n",
                                               encoding="utf-8")
    return manifest


def read_manifest(raw_dir: Path) -> dict:
    return json.loads((raw_dir / MANIFEST_NAME).read_text(encoding="utf-8"))
