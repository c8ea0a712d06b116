"""Dirty rows of the kinds real deliveries contain, each recorded in a defect ledger.

Row-level defects (SPEC section 4) are injected into every row-level source at ``dirty_rate``
(a share of the file's rows, spread evenly over the defect kinds that apply to the source, at
least one of each per file). No row receives two defects, so every ledger line names exactly
one cause. The ledger's ``expected_handling`` says what staging must do with the row:

- ``normalised``: the value is repaired (upper case, no dots or spaces) and the row kept;
- ``flagged``: the row is kept, the bad value is treated as unknown and counted in
  data-quality marts (unknown code, missing main diagnosis, unknown municipality number);
- ``quarantined``: the row goes to quarantine with a reason (discharge before admission,
  impossible age);
- ``deduplicated``: an exact copy of another row, removed by staging.

Aggregated sources (FHI waiting lists, NKI, Cancer Registry) get no row-level defects.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

LEDGER_COLUMNS = ("source", "year", "file", "line_number", "record_id", "defect", "column_name",
                  "original_value", "injected_value", "expected_handling")

#: defect kind -> expected handling in staging
DEFECTS = {
    "lower_case_code": "normalised",
    "code_with_dot": "normalised",
    "code_with_space": "normalised",
    "unknown_code": "flagged",
    "missing_main_diagnosis": "flagged",
    "unknown_municipality": "flagged",
    "discharge_before_admission": "quarantined",
    "impossible_age": "quarantined",
    "exact_duplicate": "deduplicated",
}

#: Municipality numbers that were never valid (checked against the renumbering seed in tests).
INVALID_MUNICIPALITIES = ("0000", "9999", "2399", "0199", "5699", "1299")
IMPOSSIBLE_AGES = (-1, 130, 150, 999)
UNKNOWN_CODES = {"icd10": ("K999", "Y999", "U999", "Q999X"), "procedure": ("ZZZ99", "QQQ00"),
                 "lab": ("NPU99999", "NOR99999"),
                 # ICPC-2 process codes (-30 to -69): code-shaped, but never a diagnosis
                 "icpc2": ("R45", "K50", "L40", "T60")}
#: Where a dot or blank is typed into a code: after the third character (ICD-10 K35.8), after
#: the chapter letter for ICPC-2 codes, which have three (R 74).
DOT_POSITION = {"icpc2": 1}


@dataclass(frozen=True)
class Roles:
    """Which columns of a source each defect kind touches."""

    id: str
    codes: tuple[tuple[str, str], ...] = ()  # (column, code system) holding one code each
    code_list: tuple[str, str] | None = None  # (column, code system) holding codes joined by '|'
    main_diagnosis: str | None = None
    start: str | None = None
    end: str | None = None
    age: str = "alder"
    municipality: str = "komnrhjem"
    district: str = "bydelhjem"


ACTIVITY_ROLES = Roles(id="kontakt_id", codes=(("hovedtilstand", "icd10"), ("prosedyre_1", "procedure")),
                       main_diagnosis="hovedtilstand", start="inndato", end="utdato")
ROLES = {
    "npr_som": ACTIVITY_ROLES, "npr_avtalesom": ACTIVITY_ROLES, "npr_phv": ACTIVITY_ROLES,
    "npr_avtalephv": ACTIVITY_ROLES, "npr_phbu": ACTIVITY_ROLES, "npr_tsb": ACTIVITY_ROLES,
    "npr_phbu_referrals": Roles(id="henvisning_id", start="mottatt_dato", end="vurdering_dato"),
    "helfo_lab": Roles(id="fakturanr", code_list=("analysekoder", "lab")),
    "helfo_imaging": Roles(id="fakturanr", code_list=("prosedyrekoder", "procedure")),
    "kpr_contacts": Roles(id="kontakt_id", codes=(("hoveddiagnose", "icpc2"),), main_diagnosis="hoveddiagnose"),
    "iplos_services": Roles(id="iplos_id", start="vedtak_start", end="vedtak_slutt"),
}


def applicable(roles: Roles) -> list[str]:
    kinds = ["unknown_municipality", "impossible_age", "exact_duplicate"]
    if roles.codes or roles.code_list:
        kinds += ["lower_case_code", "code_with_dot", "code_with_space", "unknown_code"]
    if roles.main_diagnosis:
        kinds.append("missing_main_diagnosis")
    if roles.start and roles.end:
        kinds.append("discharge_before_admission")
    return [k for k in DEFECTS if k in kinds]


def _text(column: pa.ChunkedArray | pa.Array) -> pa.Array:
    """A column as plain text with nulls as empty strings (vectorised, no Python objects)."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    return pc.fill_null(column.cast(pa.string()), "")


def _mask(expression: pa.Array) -> np.ndarray:
    return pc.fill_null(expression, False).to_numpy(zero_copy_only=False).astype(bool)


def _take_text(column: pa.Array, rows: np.ndarray) -> list[str]:
    return column.take(pa.array(rows, type=pa.int64())).to_pylist()


def _dotted(code: str, sep: str, system: str = "") -> str:
    at = DOT_POSITION.get(system, 3)
    return code[:at] + sep + code[at:]


def inject(table: pa.Table, source: str, year: int, file_name: str, rate: float,
           rng: np.random.Generator, known_codes: dict[str, set[str]]) -> tuple[pa.Table, list[tuple]]:
    """Return the dirty table and its ledger rows."""
    roles = ROLES.get(source)
    n = table.num_rows
    if roles is None or rate <= 0 or n < 20:
        return table, []
    kinds = applicable(roles)
    per_kind = max(1, int(round(rate * n / len(kinds))))
    taken = np.zeros(n, dtype=bool)
    edits: dict[str, tuple[pa.DataType, np.ndarray, list]] = {}
    ledger_rows: list[tuple[int, str, str, str, str]] = []  # (row, defect, column, original, injected)

    def choose(valid: np.ndarray) -> np.ndarray:
        candidates = np.flatnonzero(valid & ~taken)
        k = min(per_kind, candidates.size)
        chosen = np.sort(rng.choice(candidates, size=k, replace=False)) if k else candidates[:0]
        taken[chosen] = True
        return chosen

    def edit(column: str, rows: np.ndarray, values: list) -> None:
        if column not in edits:
            edits[column] = (table[column].type, np.zeros(n, dtype=bool), [])
        edits[column][1][rows] = True
        edits[column][2].extend(zip(rows.tolist(), values))

    code_targets: list[tuple[str, str, bool]] = [(c, s, False) for c, s in roles.codes]
    if roles.code_list:
        code_targets.append((roles.code_list[0], roles.code_list[1], True))
    for kind in kinds:
        if kind in ("lower_case_code", "code_with_dot", "code_with_space", "unknown_code"):
            column, system, is_list = code_targets[int(rng.integers(0, len(code_targets)))]
            values = _text(table[column])
            first = pc.list_element(pc.split_pattern(values, "|", max_splits=1), 0) if is_list else values
            if kind == "lower_case_code":
                valid = _mask(pc.and_(pc.greater_equal(pc.utf8_length(first), 1),
                                      pc.not_equal(pc.utf8_upper(first), pc.utf8_lower(first))))
            else:
                valid = _mask(pc.greater_equal(pc.utf8_length(first), DOT_POSITION.get(system, 3) + 1))
            rows = choose(valid)
            new_values = []
            for r, full, code in zip(rows, _take_text(values, rows), _take_text(first, rows)):
                if kind == "lower_case_code":
                    bad = code.lower()
                elif kind == "code_with_dot":
                    bad = _dotted(code, ".", system)
                elif kind == "code_with_space":
                    bad = _dotted(code, " ", system)
                else:
                    options = [c for c in UNKNOWN_CODES[system] if c not in known_codes[system]]
                    bad = options[int(rng.integers(0, len(options)))]
                new_full = bad + full[len(code):] if is_list else bad
                new_values.append(new_full)
                ledger_rows.append((r, kind, column, full, new_full))
            edit(column, rows, new_values)
        elif kind == "missing_main_diagnosis":
            values = _text(table[roles.main_diagnosis])
            rows = choose(_mask(pc.greater(pc.utf8_length(values), 0)))
            edit(roles.main_diagnosis, rows, [None] * rows.size)
            ledger_rows += [(r, kind, roles.main_diagnosis, v, "") for r, v in zip(rows, _take_text(values, rows))]
        elif kind == "unknown_municipality":
            values = _text(table[roles.municipality])
            districts = _text(table[roles.district])
            rows = choose(_mask(pc.greater(pc.utf8_length(values), 0)))
            bad = [INVALID_MUNICIPALITIES[int(i)] for i in rng.integers(0, len(INVALID_MUNICIPALITIES), rows.size)]
            edit(roles.municipality, rows, bad)
            edit(roles.district, rows, [None] * rows.size)
            for r, b, m, d in zip(rows, bad, _take_text(values, rows), _take_text(districts, rows)):
                ledger_rows.append((r, kind, roles.municipality, m + ("/" + d if d else ""), b))
        elif kind == "impossible_age":
            rows = choose(np.ones(n, dtype=bool))
            ages = _take_text(_text(table[roles.age]), rows)
            bad = [IMPOSSIBLE_AGES[int(i)] for i in rng.integers(0, len(IMPOSSIBLE_AGES), rows.size)]
            edit(roles.age, rows, bad)
            ledger_rows += [(r, kind, roles.age, a, str(b)) for r, a, b in zip(rows, ages, bad)]
        elif kind == "discharge_before_admission":
            # rows with an end date (an IPLOS decision still in force has none)
            rows = choose(_mask(pc.is_valid(table[roles.end]).combine_chunks()))
            take = pa.array(rows, type=pa.int64())
            start = table[roles.start].take(take).to_numpy(zero_copy_only=False)
            end = table[roles.end].take(take).to_numpy(zero_copy_only=False)
            shift = rng.integers(1, 6, rows.size)
            new_start = [e + np.timedelta64(int(d), "D") for e, d in zip(end, shift)]
            edit(roles.start, rows, new_start)
            ledger_rows += [(r, kind, roles.start, str(a), str(v)) for r, a, v in zip(rows, start, new_start)]

    for column, (dtype, mask, pairs) in edits.items():
        pairs.sort(key=lambda p: p[0])
        col = table[column].combine_chunks() if isinstance(table[column], pa.ChunkedArray) else table[column]
        if pa.types.is_dictionary(dtype):
            col = col.cast(pa.string())
            dtype = pa.string()
        values = [v for _, v in pairs]
        if pa.types.is_date32(dtype):
            replacement = pa.array(np.array(values, dtype="datetime64[D]"), type=dtype)
        else:
            replacement = pa.array(values, type=dtype)
        new_col = pc.replace_with_mask(col, pa.array(mask), replacement)
        table = table.set_column(table.schema.get_field_index(column), column, new_col)

    # exact duplicates: copies of other rows inserted at random places
    dup_rows = np.empty(0, dtype=np.int64)
    if "exact_duplicate" in kinds:
        dup_rows = choose(np.ones(n, dtype=bool))
    positions = np.sort(rng.integers(0, n + 1, dup_rows.size))
    order = np.insert(np.arange(n), positions, rng.permutation(dup_rows)) if dup_rows.size else np.arange(n)
    table_before_duplicates = table
    if dup_rows.size:
        table = table.take(pa.array(order))
    # final line numbers (header = line 1)
    final_line_of_row = np.empty(n, dtype=np.int64)
    is_original = np.ones(order.size, dtype=bool)
    inserted_at = positions + np.arange(positions.size)  # index in the final table
    is_original[inserted_at] = False
    final_line_of_row[order[is_original]] = np.flatnonzero(is_original) + 2
    id_rows = sorted({r for r, *_ in ledger_rows} | set(order[inserted_at].tolist()))
    ids = dict(zip(id_rows, _take_text(_text(table_before_duplicates[roles.id]), np.array(id_rows, dtype=np.int64))))
    ledger = [(source, year, file_name, int(final_line_of_row[r]), ids[r], kind, column, orig, new,
               DEFECTS[kind]) for r, kind, column, orig, new in ledger_rows]
    for pos in inserted_at:
        r = int(order[pos])
        ledger.append((source, year, file_name, int(pos) + 2, ids[r], "exact_duplicate", "",
                       f"copy of line {final_line_of_row[r]}", "", DEFECTS["exact_duplicate"]))
    ledger.sort(key=lambda row: row[3])
    return table, ledger
