"""HELFO laboratory and imaging invoices (SPEC sections 4 and 7; seed 000, 'Laboratory and Imaging').

Both sources deliver ONE ROW PER INVOICE with all its codes in one ``|``-joined column:

* ``helfo_lab``: one invoice is one sample analysed by one laboratory in one field of
  expertise (medical biochemistry, medical microbiology, immunology and transfusion medicine,
  clinical pharmacology, a little medical genetics); its NLK codes (one per analysis) and the
  total HELFO reimbursement (public or private rate of each code, from the NLK list).
  Calibrated to SKDE's Helseatlas for medical biochemistry (SPEC 4): NOK per inhabitant and
  analyses per sample by HF area are parameters (``params/helfo_lab_hf_areas.csv``), so the
  number of biochemistry invoices per HF area follows from them; the other fields have
  national volumes (``params/helfo_lab_fields.csv``).
* ``helfo_imaging``: one invoice is one visit to a hospital or private imaging provider, with
  one or more NCRP examination codes of one modality and, on about 5% of invoices, the
  secondary-examination code ZTX0BC.

Residents come from ``World.sample_people`` (the same pseudonymous ids as the NPR sources),
with the ``lab_invoice`` / ``imaging_invoice`` age-sex profiles. Everything is vectorised; the
code column is assembled from a byte buffer (all NLK codes have 8 characters, all NCRP codes
6), which keeps the biggest source (tens of millions of codes a year at scale 1.0) fast.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import re
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..config import SOURCES as ALL_SOURCES
from ..contracts import column_docs, source_columns
from .activity import delivered_share, month_weights, utilisation_profile, year_trend
from .world import N_AGES, People, World, load_params, read_csv, splitmix64, systematic_counts
from .writer import contract_table

LAB_SOURCE = "helfo_lab"
IMAGING_SOURCE = "helfo_imaging"

#: Invoices per chunk when the codes are drawn and joined (bounds peak memory).
CHUNK_INVOICES = 1_000_000
#: Threads drawing code chunks (numpy and Arrow release the GIL); the output does not depend on
#: it. One thread inside worker processes (the CLI may already run one process per core).
CODE_THREADS = max(1, min(2, os.cpu_count() or 1)) if multiprocessing.parent_process() is None else 1
#: Resolution of the inverse-CDF lookup tables used to draw codes.
LOOKUP_BITS = 22
#: Most codes on one laboratory invoice.
MAX_LAB_CODES = 60
#: Share of invoices without a usable person id, and of residents without a known address.
UNLINKABLE_SHARE = 0.003
NO_ADDRESS_SHARE = 0.001

#: Columns (in delivery order) and their documentation of each source of this module, from the
#: source contracts (contracts/helfo_lab.yml, contracts/helfo_imaging.yml).
SOURCE_COLUMNS: dict[str, tuple[str, ...]] = {s: source_columns(s) for s in (LAB_SOURCE, IMAGING_SOURCE)}
SOURCE_COLUMN_DOCS: dict[str, dict[str, tuple[str, str, str]]] = {
    s: column_docs(s) for s in (LAB_SOURCE, IMAGING_SOURCE)}

_LAB_NAME = re.compile(r"unilabs|fürst|furst|synlab|medlab|medisinsk laboratori", re.I)
_HOSPITAL_LAB_NAME = re.compile(r"\blab", re.I)
_IMAGING_NAME = re.compile(r"evidia|unilabs|aleris|volvat|curato|røntgen|radiolog|bildediag|\bmr\b|ultralyd", re.I)
_HOSPITAL_IMAGING_NAME = re.compile(r"røntgen|radiolog|bildediag", re.I)


# ============================================================================ shared helpers
def source_index(source: str) -> int:
    return ALL_SOURCES.index(source)


def source_rng(seed: int, year: int, source: str, *extra: int) -> np.random.Generator:
    """The generator of one source and year (same convention as the NPR activity engine)."""
    return np.random.default_rng([seed, year, source_index(source), *extra])


def static_rng(seed: int, source: str, salt: int = 101) -> np.random.Generator:
    """A generator for what must not change between years (area effects, code popularity)."""
    return np.random.default_rng([seed, salt, source_index(source)])


def volume_factor(year: int) -> float:
    """Trend factor times the delivered share of the year (the newest year is January-August)."""
    return year_trend(year)["volume_factor"] * delivered_share(year)


def day_probabilities(year: int, saturday: float, sunday: float) -> np.ndarray:
    """Probability of each day of ``year``: the month weights, spread over the month's days with
    weekend days weighted down (``saturday``, ``sunday`` relative to a weekday)."""
    start = np.datetime64(f"{year}-01-01")
    days = np.arange(start, np.datetime64(f"{year + 1}-01-01"))
    month = (days.astype("datetime64[M]").astype(np.int64)) % 12
    weekday = (days.astype(np.int64) + 3) % 7  # 0 = Monday (1970-01-01 was a Thursday)
    factor = np.where(weekday == 5, saturday, np.where(weekday == 6, sunday, 1.0))
    per_month = np.bincount(month, weights=factor, minlength=12)
    weights = month_weights(year)[month] * factor / per_month[month]
    return weights / weights.sum()


def date_array(year: int, day: np.ndarray) -> pa.Array:
    """Arrow date32 column from day-of-year numbers."""
    epoch = int(np.datetime64(f"{year}-01-01").astype(np.int64))
    return pa.array(day.astype(np.int32) + np.int32(epoch), type=pa.int32()).view(pa.date32())


def birthday(people: People) -> np.ndarray:
    """Day of year of each person's birthday (fixed per person, as in the NPR sources)."""
    return (people.person_id % np.uint64(365)).astype(np.int16)


def invoices_per_person(rng: np.random.Generator, n_people: int, total: int, shape: float) -> np.ndarray:
    """Events per person: at least one each, the rest spread by a gamma frailty (exact total)."""
    if n_people == 0:
        return np.zeros(0, dtype=np.int64)
    extra = max(int(total) - n_people, 0)
    frailty = rng.gamma(shape, 1.0, n_people)
    return 1 + rng.multinomial(extra, frailty / frailty.sum())


def strings_from_bytes(values: np.ndarray, keep: np.ndarray | None = None) -> pa.Array:
    """Arrow strings from fixed-width byte values (a ``V<width>`` array); '' where not ``keep``."""
    n, width = values.shape[0], values.dtype.itemsize
    lengths = np.full(n, width, dtype=np.int64) if keep is None else np.where(keep, width, 0)
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    data = values if keep is None else values[keep]
    data = np.ascontiguousarray(data).view(np.uint8)
    if offsets[-1] < 2**31:
        return pa.StringArray.from_buffers(n, pa.py_buffer(offsets.astype(np.int32)), pa.py_buffer(data))
    return pa.LargeStringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(data))


def small_take(values: np.ndarray, index: np.ndarray) -> pa.Array:
    """``values[index]`` as an Arrow string column, for a small list of distinct values."""
    return pa.array(np.asarray(values, dtype=str), type=pa.string()).take(pa.array(index.astype(np.int32)))


_SIX_DIGITS: list[np.ndarray] = []


def id_digits(ids: np.ndarray) -> np.ndarray:
    """(n, 12) uint8 matrix of the 12-digit decimal form of person ids (< 10**12)."""
    if not _SIX_DIGITS:
        v = np.arange(10**6, dtype=np.int64)
        table = np.empty((10**6, 6), dtype=np.uint8)
        for d in range(5, -1, -1):
            table[:, d] = (v % 10).astype(np.uint8) + ord("0")
            v //= 10
        _SIX_DIGITS.append(table.view("V6").ravel())
    table = _SIX_DIGITS[0]
    ids = ids.astype(np.int64)
    out = np.empty((ids.shape[0], 2), dtype="V6")
    out[:, 0] = table[ids // 10**6]
    out[:, 1] = table[ids % 10**6]
    return out.view(np.uint8).reshape(-1, 12)


class _EvenSlots:
    """Stands in for a numpy Generator in ``World.residence_codes`` so that it returns every
    slot of its residence table in turn (``k`` evenly spaced points per unit)."""

    def __init__(self, k: int):
        self.k = k

    def random(self, n: int) -> np.ndarray:
        return (np.arange(n) % self.k + 0.5) / self.k


def residence(world: World, rng: np.random.Generator, year: int, people: People,
              no_address_share: float = NO_ADDRESS_SHARE) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Residence numbers valid in ``year``, per person, as (distinct municipality numbers, index
    per person, distinct district numbers, index per person); '' = unknown address.

    Uses ``World.residence_codes`` once per unit and slot (so only a few thousand strings are
    handled), then draws a slot for every person, as ``residence_codes`` itself would.
    """
    k = 1000
    units = np.repeat(np.arange(world.n_units()), k)
    komnr, bydel = world.residence_codes(_EvenSlots(k), year, units)  # type: ignore[arg-type]
    kom_values, kom_index = np.unique(np.append(komnr, ""), return_inverse=True)
    byd_values, byd_index = np.unique(np.append(bydel, ""), return_inverse=True)
    kom_index, byd_index = kom_index[:-1].reshape(-1, k), byd_index[:-1].reshape(-1, k)
    slot = rng.integers(0, k, len(people))
    kom = kom_index[people.unit, slot]
    byd = byd_index[people.unit, slot]
    no_address = rng.random(len(people)) < no_address_share
    kom[no_address] = int(np.searchsorted(kom_values, ""))
    byd[no_address] = int(np.searchsorted(byd_values, ""))
    return kom_values, kom, byd_values, byd


def lookup_table(probs: np.ndarray, bits: int = LOOKUP_BITS) -> np.ndarray:
    """Inverse-CDF table: ``table[uniform integer]`` draws an index with probability ``probs``."""
    size = 1 << bits
    cum = np.cumsum(probs, dtype=np.float64)
    marks = np.floor(cum / cum[-1] * size + 0.5).astype(np.int64)
    marks[-1] = size
    slots = np.diff(np.concatenate(([0], marks)))
    return np.repeat(np.arange(probs.shape[0], dtype=np.uint16), slots)


def draw_code_sets(rng: np.random.Generator, tables: list[np.ndarray], group: np.ndarray,
                   counts: np.ndarray, forced_last: np.ndarray | None = None, forced_code: int = 0,
                   prices: np.ndarray | None = None, price_column: np.ndarray | None = None,
                   rounds: int = 4) -> tuple[np.ndarray, np.ndarray | None]:
    """Codes of every invoice, flattened in invoice order, distinct and sorted within an invoice.

    ``tables[g]`` maps a uniform integer to a code index (see ``lookup_table``; the tables hold
    global code indices). Invoice i draws ``counts[i]`` codes from ``tables[group[i]]``, minus
    one when ``forced_last[i]``: that invoice also gets ``forced_code`` (which must sort after
    every drawable code). Duplicates within an invoice are redrawn up to ``rounds`` times.
    With ``prices`` (codes x price columns) also returns each invoice's sum of
    ``prices[code, price_column[i]]``.
    """
    n = counts.shape[0]
    starts = np.zeros(n, dtype=np.int64)
    np.cumsum(counts[:-1], out=starts[1:])
    out = np.empty(int(counts.sum()), dtype=np.uint16)
    total = np.zeros(n) if prices is not None else None
    forced = np.zeros(n, dtype=np.int64) if forced_last is None else forced_last.astype(np.int64)
    key = (group.astype(np.int64) * 2 + forced) * 128 + counts
    if counts.max(initial=0) >= 128:
        raise ValueError("at most 127 codes per invoice")
    key = key.astype(np.int16) if key.max(initial=0) < 2**15 else key  # int16 sorts by radix
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    bounds = np.flatnonzero(np.diff(sorted_key)) + 1
    for s, e in zip(np.concatenate(([0], bounds)), np.concatenate((bounds, [n]))):
        k = int(sorted_key[s])
        c = k % 128
        has_forced = (k // 128) % 2
        g = k // 256
        rows = order[s:e]
        table = tables[g]
        drawn = c - has_forced
        m = np.empty((e - s, c), dtype=np.uint16)
        if drawn:
            block = table[rng.integers(0, table.shape[0], size=(e - s, drawn), dtype=np.uint32)]
            if drawn > 1:
                block.sort(axis=1)
                bad = np.flatnonzero((block[:, 1:] == block[:, :-1]).any(axis=1))
                for _ in range(rounds):
                    if bad.size == 0:
                        break
                    sub = block[bad]
                    dup = sub[:, 1:] == sub[:, :-1]
                    tail = sub[:, 1:]
                    tail[dup] = table[rng.integers(0, table.shape[0], size=int(dup.sum()), dtype=np.uint32)]
                    sub.sort(axis=1)
                    block[bad] = sub
                    bad = bad[(sub[:, 1:] == sub[:, :-1]).any(axis=1)]
            m[:, :drawn] = block
        if has_forced:
            m[:, drawn] = forced_code
        out[starts[rows][:, None] + np.arange(c)] = m
        if prices is not None:
            total[rows] = prices[m, price_column[rows][:, None]].sum(axis=1)
    return out, total


def code_bytes(codes: np.ndarray) -> np.ndarray:
    """Fixed-width code list as a (K, width) uint8 matrix."""
    width = len(codes[0])
    if any(len(c) != width for c in codes):
        raise ValueError("code lists joined with the fast path must have one code width")
    return np.frombuffer("".join(codes).encode("ascii"), dtype=np.uint8).reshape(len(codes), width)


def join_codes(matrix: np.ndarray, flat: np.ndarray, counts: np.ndarray, sep: str = "|") -> pa.Array:
    """One string per invoice: its ``counts[i]`` codes (rows of ``matrix``) joined by ``sep``.

    Builds the Arrow string buffers directly from a byte gather, with no Python strings: every
    code is written with a trailing separator, then Arrow slices off each invoice's last one.
    Invoices need at least one code.
    """
    n = counts.shape[0]
    width = matrix.shape[1]
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts.astype(np.int64) * (width + 1), out=offsets[1:])
    record = np.dtype([("code", f"V{width}"), ("sep", "u1")])
    packed = np.empty(flat.shape[0], dtype=record)
    packed["code"] = np.ascontiguousarray(matrix).view(f"V{width}").ravel()[flat]
    packed["sep"] = ord(sep)
    data = pa.py_buffer(packed.view(np.uint8))
    if offsets[-1] < 2**31:
        with_sep = pa.StringArray.from_buffers(n, pa.py_buffer(offsets.astype(np.int32)), data)
    else:
        with_sep = pa.LargeStringArray.from_buffers(n, pa.py_buffer(offsets), data)
    return pc.utf8_slice_codeunits(with_sep, 0, -1)


def code_chunks(seed: int, year: int, source: str, tables: list[np.ndarray], matrix: np.ndarray,
                group: np.ndarray, counts: np.ndarray, prices: np.ndarray, price_column: np.ndarray,
                forced_last: np.ndarray | None = None, forced_code: int = 0) -> tuple[pa.ChunkedArray, np.ndarray]:
    """Draw the codes of all invoices chunk by chunk (each chunk has its own seeded generator,
    so the result does not depend on ``CODE_THREADS``); returns the joined code column and the
    reimbursement of every invoice."""
    n = counts.shape[0]
    bounds = [(s, min(s + CHUNK_INVOICES, n)) for s in range(0, n, CHUNK_INVOICES)]
    nok = np.empty(n)

    def work(i: int) -> pa.Array:
        s, e = bounds[i]
        rng = source_rng(seed, year, source, 1000 + i)
        forced = None if forced_last is None else forced_last[s:e]
        flat, nok[s:e] = draw_code_sets(rng, tables, group[s:e], counts[s:e], forced, forced_code,
                                        prices=prices, price_column=price_column[s:e])
        return join_codes(matrix, flat, counts[s:e])

    if CODE_THREADS > 1 and len(bounds) > 1:
        with ThreadPoolExecutor(CODE_THREADS) as pool:
            chunks = list(pool.map(work, range(len(bounds))))
    else:
        chunks = [work(i) for i in range(len(bounds))]
    if not chunks:
        return pa.chunked_array([], pa.string()), nok
    return pa.chunked_array(chunks, type=chunks[0].type), nok


def _hf_population(world: World, year: int, profile: np.ndarray | None = None) -> np.ndarray:
    """Residents (optionally profile-weighted) per HF area index."""
    pop = world.population_for(year)
    per_unit = (pop * profile[None, :, :]).sum(axis=(1, 2)) if profile is not None else pop.sum(axis=(1, 2))
    return np.bincount(world.unit_hf_index, weights=per_unit, minlength=world.hf_codes.shape[0])


def _hf_param(world: World, name: str) -> dict[str, np.ndarray]:
    """An HF-area parameter table as arrays aligned with ``world.hf_codes``."""
    rows = {r["hf_code"]: r for r in load_params(name)}
    missing = [h for h in world.hf_codes if h not in rows]
    if missing:
        raise ValueError(f"{name}.csv has no row for HF areas {missing}")
    cols = [c for c in next(iter(rows.values())) if c not in ("hf_code", "hf_name", "basis")]
    return {c: np.array([float(rows[h][c]) for h in world.hf_codes]) for c in cols}


def _draw_residents(world: World, rng: np.random.Generator, year: int, n_people: np.ndarray,
                    profile: np.ndarray, age_scope: tuple[int, int] = (0, N_AGES - 1)) -> People:
    """Distinct residents per HF area (``n_people[h]`` of them)."""
    pop = world.population_for(year)
    scope = np.zeros((2, N_AGES))
    scope[:, age_scope[0]: age_scope[1] + 1] = 1.0
    weight = pop * (profile * scope)[None, :, :]
    parts = []
    for h in range(world.hf_codes.shape[0]):
        if n_people[h] <= 0:
            continue
        mask = (world.unit_hf_index == h)[:, None, None]
        people = world.sample_people(rng, year, int(n_people[h]), weight * mask)
        parts.append(people)
    if not parts:
        return world.sample_people(rng, year, 0, weight)
    return People(*(np.concatenate([getattr(p, f) for p in parts])
                    for f in ("unit", "sex", "age", "birth_year", "person_id")))


def _pick_orgs(rng: np.random.Generator, who: np.ndarray, options: list[np.ndarray],
               weights: list[np.ndarray], org_index: dict[str, int]) -> np.ndarray:
    """For each element, an org (as an index into the org table) from ``options[who]``,
    with probability proportional to ``weights[who]``."""
    cum = np.concatenate([g + np.cumsum(w) / w.sum() for g, w in enumerate(weights)])
    cum[np.cumsum([w.shape[0] for w in weights]) - 1] = np.arange(1, len(weights) + 1)  # exact group ends
    flat = np.array([org_index[o] for opts in options for o in opts], dtype=np.int32)
    pick = np.searchsorted(cum, who + rng.random(who.shape[0]), side="right")
    return flat[np.minimum(pick, flat.shape[0] - 1)]


def _provider_pools(world: World, hospital_name: re.Pattern, private_name: re.Pattern
                    ) -> tuple[list[np.ndarray], list[np.ndarray], list[np.ndarray], list[np.ndarray]]:
    """Hospital providers per HF area (weighted to the main ones and to names matching
    ``hospital_name``) and private providers per RHF of residence (agreement RHF)."""
    inst = world.institutions
    names = dict(zip(inst["org_number"], inst["institution_name"]))
    somatic = world.institution_pool("somatic")["per_hf"]
    hosp_opts, hosp_w = [], []
    for orgs in somatic:
        w = 1.0 / (1.0 + np.arange(orgs.shape[0]))
        w = w * np.array([4.0 if hospital_name.search(names[o]) else 1.0 for o in orgs])
        hosp_opts.append(orgs)
        hosp_w.append(w)
    private = (inst["institution_type"] == "private") & np.array(
        [bool(private_name.search(n)) for n in inst["institution_name"]])
    if not private.any():
        private = inst["institution_type"] == "private"
    priv_org, priv_rhf = inst["org_number"][private], inst["agreement_rhf_code"][private]
    priv_opts, priv_w = [], []
    for rhf in world.rhf_codes:
        opts = priv_org[priv_rhf == rhf]
        if opts.shape[0] == 0:
            opts = priv_org
        priv_opts.append(opts)
        priv_w.append(np.ones(opts.shape[0]))
    return hosp_opts, hosp_w, priv_opts, priv_w


def _assemble(rng: np.random.Generator, world: World, year: int, prefix: int, people: People,
              person: np.ndarray, day: np.ndarray, provider_private: np.ndarray, org: np.ndarray,
              org_table: np.ndarray, codes: pa.ChunkedArray, nok: np.ndarray, source: str,
              type_column: str, date_column: str, code_column: str) -> pa.Table:
    """Rows already in final order: build the Arrow table."""
    n = person.shape[0]
    kom_values, kom, byd_values, byd = residence(world, rng, year, people)
    # per-person fields in small dtypes: the row gathers are random access, so keep them cheap
    age = people.age.astype(np.uint8)[person].astype(np.int64) + (day >= birthday(people)[person])
    sex = people.sex.astype(np.uint8)[person].astype(np.int64) + 1
    birth_year = people.birth_year.astype(np.int16)[person].astype(np.int64)
    base = np.int64(prefix) * 10**13 + np.int64(year) * 10**9
    cols: dict[str, pa.Array | pa.ChunkedArray] = {}
    cols["fakturanr"] = pa.array(base + np.arange(1, n + 1, dtype=np.int64))
    digits = id_digits(people.person_id).view("V12").ravel()[person]
    cols["lopenr"] = strings_from_bytes(digits, rng.random(n) >= UNLINKABLE_SHARE)
    cols["kjonn"] = pa.array(sex)
    cols["fodselsar"] = pa.array(birth_year)
    cols["alder"] = pa.array(np.minimum(age, N_AGES))
    cols["komnrhjem"] = small_take(kom_values, kom.astype(np.int16)[person])
    cols["bydelhjem"] = small_take(byd_values, byd.astype(np.int16)[person])
    cols[type_column] = pc.if_else(pa.array(provider_private), "privat", "sykehus")
    cols["orgnr"] = small_take(org_table, org)
    cols[date_column] = date_array(year, day)
    cols[code_column] = codes
    cols["refusjon_nok"] = pa.array(np.round(nok, 2))
    return contract_table(source, cols)


def date_order(rng: np.random.Generator, probs: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """A day of the year for each of ``n`` events (drawn with ``probs``) and the row order that
    sorts them by day (stable: within a day, rows keep their generation order)."""
    day = lookup_table(probs, 16)[rng.integers(0, 1 << 16, size=n, dtype=np.uint32)].astype(np.int16)
    order = np.argsort(day, kind="stable")
    return day[order], order


# ============================================================================ laboratory
class _LabCodes:
    """The NLK codes valid in a year, with draw probabilities per field of expertise."""

    def __init__(self, world: World, seed: int, year: int):
        lab = world.lab_codes
        # codes valid at some time in the year; a code listed twice (a new reimbursement
        # category from a date) keeps its newest version
        start = np.array([int(x[6:10] + x[3:5] + x[0:2]) if x else 0 for x in lab["valid_from"]])
        end = np.array([int(x[6:10] + x[3:5] + x[0:2]) if x else 99999999 for x in lab["valid_to"]])
        valid = np.flatnonzero((start <= year * 10000 + 1231) & (end >= year * 10000 + 101))
        order = valid[np.lexsort((start[valid], lab["lab_code"][valid]))]
        codes = lab["lab_code"][order]
        newest = np.append(codes[1:] != codes[:-1], True)
        order = order[newest]
        self.codes = lab["lab_code"][order]
        field = lab["field_of_expertise"][order]
        category = lab["reimbursement_category"][order]
        self.public_nok = np.array([float(x or 0) for x in lab["reimbursement_public_nok"][order]])
        self.private_nok = np.array([float(x or 0) for x in lab["reimbursement_private_nok"][order]])
        self.matrix = code_bytes(self.codes)
        cat_weight: dict[tuple[str, str], float] = {
            (r["field_of_expertise"], r["reimbursement_category"]): float(r["weight"])
            for r in load_params("helfo_lab_categories")}
        self.fields = load_params("helfo_lab_fields")
        if self.fields[0]["field_key"] != "biokjemi":
            raise ValueError("helfo_lab_fields.csv must list medical biochemistry first")
        # popularity of a code within its category: Zipf over a seeded ranking that depends on
        # the code only (so a code keeps its place from year to year)
        code_key = np.ascontiguousarray(self.matrix).view(np.uint64).ravel()
        salt = splitmix64(np.array([seed, source_index(LAB_SOURCE)], dtype=np.uint64)).sum()
        rank_key = splitmix64(code_key ^ salt)
        popularity = np.zeros(self.codes.shape[0])
        self.probs: list[np.ndarray] = []
        for f in self.fields:
            name = f["field_of_expertise"]
            p = np.zeros(self.codes.shape[0])
            for (fld, cat), w in cat_weight.items():
                if fld != name:
                    continue
                members = np.flatnonzero((field == name) & (category == cat))
                if members.size == 0:
                    continue
                rank = np.argsort(np.argsort(rank_key[members]))
                popularity[members] = 1.0 / (1.0 + rank) ** 1.1
                p[members] = w * popularity[members] / popularity[members].sum()
            if p.sum() <= 0:
                raise ValueError(f"no NLK codes valid in {year} for field {name}")
            self.probs.append(p / p.sum())
        self.tables = [self._table(p) for p in self.probs]

    def _table(self, probs: np.ndarray) -> np.ndarray:
        members = np.flatnonzero(probs > 0)
        local = lookup_table(probs[members])
        return members.astype(np.uint16)[local]

    def set_value(self, f: int, max_count: int) -> tuple[np.ndarray, np.ndarray]:
        """Expected public and private reimbursement of an invoice of field ``f`` holding c
        distinct codes, c = 0..max_count.

        Distinct codes are (nearly) a successive sample without replacement, which favours the
        rarer, dearer codes; inclusion probabilities follow Rosén's approximation
        pi_k = 1 - exp(-lambda * p_k) with sum(pi) = c.
        """
        p = self.probs[f]
        members = np.flatnonzero(p > 0)
        pm, pub, priv = p[members], self.public_nok[members], self.private_nok[members]
        out_pub, out_priv = np.zeros(max_count + 1), np.zeros(max_count + 1)
        for c in range(1, min(max_count, members.size) + 1):
            lo, hi = 0.0, 1.0
            while (1 - np.exp(-hi * pm)).sum() < c and hi < 1e12:
                hi *= 2
            for _ in range(60):
                mid = (lo + hi) / 2
                if (1 - np.exp(-mid * pm)).sum() < c:
                    lo = mid
                else:
                    hi = mid
            pi = 1 - np.exp(-hi * pm)
            pi *= c / pi.sum()
            out_pub[c], out_priv[c] = pi @ pub, pi @ priv
        return out_pub, out_priv


def _biochem_count_pmf(mean: float, max_count: int) -> np.ndarray:
    """P(count = c), c = 0..max_count, of ``_lab_counts`` for biochemistry (1 + gamma-Poisson
    with shape 3, i.e. 1 + negative binomial; the tail is folded into ``max_count``)."""
    m = max(mean - 1.0, 1e-9)
    r = 3.0
    k = np.arange(max_count)
    log_pmf = (np.array([math.lgamma(x + r) - math.lgamma(r) - math.lgamma(x + 1) for x in k])
               + r * np.log(r / (r + m)) + k * np.log(m / (r + m)))
    pmf = np.zeros(max_count + 1)
    pmf[1:] = np.exp(log_pmf)
    pmf[max_count] += max(1.0 - pmf.sum(), 0.0)
    return pmf


def _poisson_count_pmf(mean: float, max_count: int) -> np.ndarray:
    """P(count = c), c = 0..max_count, of 1 + Poisson(mean - 1) (tail folded into max_count)."""
    lam = max(mean - 1.0, 1e-9)
    k = np.arange(max_count)
    pmf = np.zeros(max_count + 1)
    pmf[1:] = np.exp(-lam + k * math.log(lam) - np.array([math.lgamma(x + 1) for x in k]))
    pmf[max_count] += max(1.0 - pmf.sum(), 0.0)
    return pmf


def _lab_counts(rng: np.random.Generator, field: np.ndarray, hf: np.ndarray, mean_biochem: np.ndarray,
                mean_other: np.ndarray) -> np.ndarray:
    """Codes per invoice: biochemistry 1 + negative binomial around the HF area's analyses per
    sample (``_biochem_count_pmf``); the other fields 1 + Poisson. Drawn from lookup tables."""
    pmfs = [_biochem_count_pmf(m, MAX_LAB_CODES) for m in mean_biochem]
    pmfs += [_poisson_count_pmf(m, MAX_LAB_CODES) for m in mean_other]
    bits = 16
    tables = np.stack([lookup_table(p, bits) for p in pmfs])
    group = np.where(field == 0, hf, mean_biochem.shape[0] + field.astype(np.int64))
    return tables[group, rng.integers(0, 1 << bits, size=field.shape[0], dtype=np.uint32)].astype(np.int64)


def generate_lab(world: World, seed: int, year: int, scale: float) -> pa.Table:
    """HELFO laboratory invoices of one year, one row per invoice (columns: contracts/helfo_lab.yml)."""
    rng = source_rng(seed, year, LAB_SOURCE)
    codes = _LabCodes(world, seed, year)
    hfp = _hf_param(world, "helfo_lab_hf_areas")
    n_hf = world.hf_codes.shape[0]
    factor = volume_factor(year) * scale
    profile = utilisation_profile("lab_invoice")
    fields = codes.fields
    n_fields = len(fields)
    private_factor = np.array([float(f["private_factor"]) for f in fields])
    mean_other = np.array([float(f["codes_per_invoice"] or 1) for f in fields])

    # invoices per field and HF area
    population = _hf_population(world, year)
    weighted = _hf_population(world, year, profile)
    invoices = np.zeros((n_fields, n_hf))
    nok_target = hfp["biochem_nok_per_inhabitant"] * population * factor
    set_pub, set_priv = codes.set_value(0, MAX_LAB_CODES)
    per_invoice = np.array([
        _biochem_count_pmf(m, MAX_LAB_CODES) @ (s * set_priv + (1 - s) * set_pub)
        for m, s in zip(hfp["analyses_per_invoice"], hfp["private_share"] * private_factor[0])])
    invoices[0] = nok_target / per_invoice
    relative = np.sqrt(hfp["biochem_nok_per_inhabitant"] / np.average(hfp["biochem_nok_per_inhabitant"], weights=population))
    for f in range(1, n_fields):
        share = weighted * relative
        invoices[f] = float(fields[f]["invoices_2023"]) * factor * share / share.sum()
    per_hf = np.array([systematic_counts(rng, invoices[:, h], int(round(invoices[:, h].sum()))) for h in range(n_hf)]).T
    n_invoices = per_hf.sum(axis=0)

    # residents: distinct people per HF area, invoices per person
    people = _draw_residents(world, rng, year, np.maximum(np.round(n_invoices / 3.2), np.minimum(n_invoices, 1)), profile)
    person_hf = world.unit_hf_index[people.unit]
    person_parts, field_parts = [], []
    for h in range(n_hf):
        members = np.flatnonzero(person_hf == h)
        per_person = invoices_per_person(rng, members.shape[0], int(n_invoices[h]), 0.8)
        person_parts.append(np.repeat(members, per_person))
        labels = np.repeat(np.arange(n_fields, dtype=np.int8), per_hf[:, h])
        field_parts.append(labels[rng.permutation(labels.shape[0])])
    person = np.concatenate(person_parts).astype(np.int32)
    field = np.concatenate(field_parts)
    hf = person_hf[person].astype(np.int16)
    n = person.shape[0]

    # final row order: by date (mostly weekdays); within a date by residence (generation order)
    day, order = date_order(rng, day_probabilities(year, 0.05, 0.02), n)
    person, field, hf = person[order], field[order], hf[order]

    # hospital or private laboratory, and which one
    private = rng.random(n) < np.clip(hfp["private_share"][hf] * private_factor[field], 0.0, 0.95)
    hosp_opts, hosp_w, priv_opts, priv_w = _provider_pools(world, _HOSPITAL_LAB_NAME, _LAB_NAME)
    org_table = np.unique(np.concatenate(hosp_opts + priv_opts))
    org_index = {o: i for i, o in enumerate(org_table)}
    org = np.empty(n, dtype=np.int32)
    org[~private] = _pick_orgs(rng, hf[~private], hosp_opts, hosp_w, org_index)
    rhf = np.searchsorted(world.rhf_codes, world.hf_rhf[hf[private]])
    org[private] = _pick_orgs(rng, rhf, priv_opts, priv_w, org_index)

    # codes and reimbursement, chunk by chunk
    counts = _lab_counts(rng, field, hf, hfp["analyses_per_invoice"], mean_other)
    prices = np.stack((codes.public_nok, codes.private_nok), axis=1)
    code_column, nok = code_chunks(seed, year, LAB_SOURCE, codes.tables, codes.matrix, field, counts, prices,
                                   private.astype(np.int64))
    return _assemble(rng, world, year, 1, people, person, day, private, org, org_table, code_column, nok,
                     LAB_SOURCE, "laboratorietype", "provedato", "analysekoder")


# ============================================================================ imaging
class _ImagingCodes:
    """NCRP examination codes by modality with draw probabilities by sex."""

    def __init__(self, world: World):
        ref = read_csv(world.ref / "ref_procedure_codes.csv")
        ncrp = ref["code_system"] == "NCRP"
        order = np.argsort(ref["procedure_code"][ncrp])
        self.codes = ref["procedure_code"][ncrp][order]
        title = ref["title_nb"][ncrp][order]
        first = np.array([t.split(" ")[0] for t in title])
        self.modalities = [r for r in load_params("helfo_imaging_modalities") if r["modality"] != "secondary"]
        secondary = [r for r in load_params("helfo_imaging_modalities") if r["modality"] == "secondary"][0]
        self.secondary_code = secondary["title_prefixes"]
        self.secondary_share = float(secondary["invoice_share"])
        self.secondary_index = int(np.searchsorted(self.codes, self.secondary_code))
        if self.codes[self.secondary_index] != self.secondary_code:
            raise ValueError(f"{self.secondary_code} missing from ref_procedure_codes.csv")
        modality = np.full(self.codes.shape[0], -1)
        for m, r in enumerate(self.modalities):
            for prefix in r["title_prefixes"].split("|"):
                hit = (first == prefix) | np.char.startswith(first, prefix + "-")
                modality[hit] = m
        self.modality = modality
        # weights: the longest matching title prefix, then explicit codes, then sex restrictions
        weight = np.zeros(self.codes.shape[0])
        sex_ok = np.ones((2, self.codes.shape[0]), dtype=bool)
        rules = load_params("helfo_imaging_code_weights")
        best = np.zeros(self.codes.shape[0], dtype=int)
        for r in rules:
            if r["match"] == "prefix":
                v = r["value"]
                hit = np.array([t == v or t.startswith(v + " ") or t.startswith(v + "-") for t in title]) & (len(v) > best)
                weight[hit] = float(r["weight"])
                best[hit] = len(v)
        for r in rules:
            if r["match"] == "code":
                i = int(np.searchsorted(self.codes, r["value"]))
                if i >= self.codes.shape[0] or self.codes[i] != r["value"]:
                    raise ValueError(f"helfo_imaging_code_weights: {r['value']} is not an NCRP code")
                weight[i] = float(r["weight"])
                if r["sex"] != "all":
                    sex_ok[0 if r["sex"] == "female" else 1, i] = False
            elif r["match"] == "title_contains":
                rx = re.compile(r["value"], re.I)
                hit = np.array([bool(rx.search(t)) for t in title])
                weight[hit] *= float(r["weight"])
                if r["sex"] != "all":
                    sex_ok[0 if r["sex"] == "female" else 1, hit] = False
        weight[modality < 0] = 0.0
        self.matrix = code_bytes(self.codes)
        self.tables: list[np.ndarray] = []  # index = modality * 2 + sex
        for m in range(len(self.modalities)):
            for s in range(2):
                p = np.where((modality == m) & sex_ok[s], weight, 0.0)
                if p.sum() <= 0:
                    p = np.where(modality == m, weight, 0.0)
                members = np.flatnonzero(p > 0)
                self.tables.append(members.astype(np.uint16)[lookup_table(p[members] / p[members].sum(), 20)])
        if self.secondary_index <= max(int(t.max()) for t in self.tables):
            raise ValueError("the secondary-examination code must sort after every examination code")
        nok_h = np.array([float(r["nok_hospital"]) for r in self.modalities])
        nok_p = np.array([float(r["nok_private"]) for r in self.modalities])
        self.nok_hospital = np.where(modality >= 0, nok_h[np.maximum(modality, 0)], 0.0)
        self.nok_private = np.where(modality >= 0, nok_p[np.maximum(modality, 0)], 0.0)
        self.nok_hospital[self.secondary_index] = float(secondary["nok_hospital"])
        self.nok_private[self.secondary_index] = float(secondary["nok_private"])


def generate_imaging(world: World, seed: int, year: int, scale: float) -> pa.Table:
    """HELFO imaging invoices of one year, one row per invoice (columns: contracts/helfo_imaging.yml)."""
    rng = source_rng(seed, year, IMAGING_SOURCE)
    codes = _ImagingCodes(world)
    hfp = _hf_param(world, "helfo_imaging_hf_areas")
    n_hf = world.hf_codes.shape[0]
    volume = {r["figure"]: float(r["value_2023"]) for r in load_params("source_volumes") if r["source"] == IMAGING_SOURCE}
    total = volume["invoices"] * volume_factor(year) * scale
    profile = utilisation_profile("imaging_invoice")
    expected = _hf_population(world, year, profile) * hfp["rate_factor"]
    n_invoices = systematic_counts(rng, expected, int(round(total)))
    people = _draw_residents(world, rng, year, np.maximum(np.round(n_invoices / 1.45), np.minimum(n_invoices, 1)), profile)
    person_hf = world.unit_hf_index[people.unit]
    parts = []
    for h in range(n_hf):
        members = np.flatnonzero(person_hf == h)
        parts.append(np.repeat(members, invoices_per_person(rng, members.shape[0], int(n_invoices[h]), 1.2)))
    person = np.concatenate(parts)
    n = person.shape[0]
    day, order = date_order(rng, day_probabilities(year, 0.05, 0.02), n)
    person = person[order]
    hf = person_hf[person].astype(np.int64)
    sex = people.sex[person].astype(np.int64)

    shares = np.array([float(r["invoice_share"]) for r in codes.modalities])
    modality = rng.choice(shares.shape[0], size=n, p=shares / shares.sum())
    pf = np.array([float(r["private_factor"]) for r in codes.modalities])
    private_p = hfp["private_share"][hf] * pf[modality] / float((shares / shares.sum()) @ pf)
    private = rng.random(n) < np.clip(private_p, 0.0, 0.97)
    hosp_opts, hosp_w, priv_opts, priv_w = _provider_pools(world, _HOSPITAL_IMAGING_NAME, _IMAGING_NAME)
    org_table = np.unique(np.concatenate(hosp_opts + priv_opts))
    org_index = {o: i for i, o in enumerate(org_table)}
    org = np.empty(n, dtype=np.int32)
    org[~private] = _pick_orgs(rng, hf[~private], hosp_opts, hosp_w, org_index)
    rhf = np.searchsorted(world.rhf_codes, world.hf_rhf[hf[private]])
    org[private] = _pick_orgs(rng, rhf, priv_opts, priv_w, org_index)

    extra_rate = np.array([float(r["extra_code_rate"]) for r in codes.modalities])
    extra = rng.binomial(2, extra_rate[modality] / 2.0)
    secondary = rng.random(n) < codes.secondary_share
    counts = (1 + extra + secondary).astype(np.int64)
    group = modality * 2 + sex
    prices = np.stack((codes.nok_hospital, codes.nok_private), axis=1)
    code_column, nok = code_chunks(seed, year, IMAGING_SOURCE, codes.tables, codes.matrix, group, counts, prices,
                                   private.astype(np.int64), secondary, codes.secondary_index)
    return _assemble(rng, world, year, 2, people, person, day, private, org, org_table, code_column, nok,
                     IMAGING_SOURCE, "tilbydertype", "undersokelsesdato", "prosedyrekoder")


GENERATORS = {LAB_SOURCE: generate_lab, IMAGING_SOURCE: generate_imaging}

__all__ = ["SOURCE_COLUMNS", "SOURCE_COLUMN_DOCS", "GENERATORS", "generate_imaging", "generate_lab"]
