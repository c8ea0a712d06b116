"""Code lists of contract columns: the contract key ``code_list`` names the seed (a CSV file in
``seeds/``) and its column that hold the codes a column may take, and the loader counts, per
delivery file and column, the rows whose code is not in it (check ``<column>:code_list``, once
per distinct value weighted by its rows, like every other check; a warning: the rows are loaded).

``code_list`` of a column (in a contract or a shared file) is a mapping, or a list of mappings
when sources that share a format use different lists (the NPR activity ``orgnr``: institutions,
or contracted specialists in the Avtale* sources):

``seed``       the seed's name, e.g. ``ref_icd10_codes`` (``seeds/**/ref_icd10_codes.csv``)
``column``     the seed column that holds the codes, e.g. ``icd10_code``
``normalise``  optional, how staging writes the delivered value before it looks it up, so that
               the loader's count and staging's lookup agree: ``trim`` (``trimmed_text``),
               ``upper`` (trimmed, upper case) or ``code`` (``normalise_code``: upper case, no
               dots or blanks); without it the value is looked up as delivered
``separator``  optional, the column holds codes joined by this text (e.g. ``|``): a row is
               counted when any of its codes is not in the list
``except``     optional, values (after normalisation) that are not codes of the list and not
               counted (e.g. the waiting lists' sector rows VOP, PHBU, TSB)
``when``       optional ``{column, values}``: only rows whose ``column`` (trimmed, lower case) is
               one of ``values`` are looked up (e.g. the Cancer Registry's HF-level rows)
``sources``    optional (in a list): the sources the entry is for; the entry without it is
               for every other source

Staging (models/staging) applies the same normalisation to the same column and keeps unknown
codes (flags such as has_unknown_diagnosis_code): the counts here are the per-delivery record
of what the staging ``relationships`` tests to the seeds used to count on every build.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .config import REPO_ROOT

SEEDS_DIR = REPO_ROOT / "seeds"
#: normalise -> SQL of the value (``{}`` = the column), as the staging macros write it
#: (macros/staging/normalise_code.sql: trimmed_text, normalise_code).
NORMALISE: dict[str, str] = {
    "trim": "nullif(trim({}), '')",
    "upper": "upper(nullif(trim({}), ''))",
    "code": "nullif(upper(replace(replace({}, '.', ''), ' ', '')), '')",
}
_KEYS = {"seed": True, "column": True, "normalise": False, "separator": False, "except": False, "when": False,
         "sources": False}


@dataclass(frozen=True)
class CodeList:
    seed: str
    column: str
    normalise: str | None = None
    separator: str | None = None
    exceptions: tuple[str, ...] = ()
    when_column: str | None = None
    when_values: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """How the docs and the report name it, e.g. ``ref_icd10_codes.icd10_code``."""
        return f"{self.seed}.{self.column}"


@lru_cache(maxsize=None)
def seed_path(seed: str, directory: Path = SEEDS_DIR) -> Path | None:
    """The CSV file of ``seed`` under the seeds folder, or ``None``."""
    found = sorted(directory.rglob(f"{seed}.csv"))
    return found[0] if len(found) == 1 else None


@lru_cache(maxsize=None)
def seed_header(path: Path) -> tuple[str, ...]:
    with path.open(encoding="utf-8", newline="") as handle:
        return tuple(next(csv.reader(handle), []))


@lru_cache(maxsize=None)
def codes(code_list: CodeList) -> tuple[str, ...]:
    """The codes of the list, as text, sorted (empty values left out)."""
    path = seed_path(code_list.seed)
    assert path is not None, code_list.seed
    with path.open(encoding="utf-8", newline="") as handle:
        return tuple(sorted({row[code_list.column] for row in csv.DictReader(handle) if row[code_list.column]}))


def parse(raw: object, problem) -> tuple[CodeList, ...]:
    """The entries of a ``code_list`` value; ``problem(text)`` returns the error to raise."""
    entries = raw if isinstance(raw, list) else [raw]
    found: list[CodeList] = []
    for entry in entries:
        if not isinstance(entry, dict):
            raise problem(f"code_list must be a mapping {{seed, column}} or a list of them, found {entry!r}")
        unknown = set(entry) - set(_KEYS)
        if unknown:
            raise problem(f"unknown key {sorted(unknown)[0]!r} in code_list; allowed: {', '.join(_KEYS)}")
        for key in ("seed", "column"):
            if not isinstance(entry.get(key), str) or not entry[key]:
                raise problem(f"code_list lacks {key!r}")
        path = seed_path(entry["seed"])
        if path is None:
            raise problem(f"code_list seed {entry['seed']!r}: no single file seeds/**/{entry['seed']}.csv")
        if entry["column"] not in seed_header(path):
            raise problem(f"code_list seed {entry['seed']!r} has no column {entry['column']!r}")
        normalise = entry.get("normalise")
        if normalise is not None and normalise not in NORMALISE:
            raise problem(f"code_list normalise {normalise!r}; use one of {', '.join(NORMALISE)}")
        when = entry.get("when") or {}
        if when and not (isinstance(when, dict) and set(when) == {"column", "values"}
                         and isinstance(when["values"], list)):
            raise problem("code_list when must be {column, values: [...]}")
        found.append(CodeList(
            seed=entry["seed"], column=entry["column"], normalise=normalise, separator=entry.get("separator"),
            exceptions=tuple(str(v) for v in entry.get("except") or ()), when_column=when.get("column"),
            when_values=tuple(str(v) for v in when.get("values", ())),
            sources=tuple(str(s) for s in entry.get("sources") or ())))
    if sum(not c.sources for c in found) > 1:
        raise problem("code_list: at most one entry without sources (the default)")
    return tuple(found)


def for_source(entries: tuple[CodeList, ...], source: str) -> CodeList | None:
    """The entry of ``entries`` for ``source``: the one naming it, else the default."""
    return next((c for c in entries if source in c.sources), next((c for c in entries if not c.sources), None))


def _normalised(code_list: CodeList, value: str) -> str | None:
    """``value`` as :data:`NORMALISE` writes it in SQL (here in Python: a second implementation,
    which Great Expectations' value sets use, so that GE and DuckDB judge alike only if both agree)."""
    how = code_list.normalise
    if how == "code":
        value = value.replace(".", "").replace(" ", "").upper()
    elif how in ("trim", "upper"):
        value = value.strip()
        value = value.upper() if how == "upper" else value
    return value or None


def listed(code_list: CodeList, value: str) -> bool:
    """True when the delivered ``value`` (not empty) passes the code list (the opposite of :func:`unknown_sql`)."""
    value = _normalised(code_list, value)
    if value is None:
        return True
    known = _known(code_list)
    parts = value.split(code_list.separator) if code_list.separator else [value]
    return all(part in known for part in parts if part)  # empty parts of a list are not codes


@lru_cache(maxsize=None)
def _known(code_list: CodeList) -> frozenset[str]:
    return frozenset(codes(code_list)) | frozenset(code_list.exceptions)


@lru_cache(maxsize=None)
def listed_run(code_list: CodeList) -> str:
    """The regular expression (RE2, DuckDB's) of a value that :func:`listed` passes, for a code list
    with a ``separator``: listed codes or exceptions, each possibly empty, between separators. A
    character other than a letter or digit is written as its code point (``\\x{2e}``), so no code
    is read as regular-expression syntax."""
    def literal(text: str) -> str:
        return "".join(ch if ch.isalnum() else f"\\x{{{ord(ch):x}}}" for ch in text)

    one = "(?:" + "|".join(literal(code) for code in sorted(_known(code_list))) + ")?"
    return f"{one}(?:{literal(code_list.separator or '')}{one})*"


def when_condition(code_list: CodeList) -> str | None:
    """The pandas ``row_condition`` of a code list with ``when`` (GE: the rows it looks up)."""
    if not code_list.when_column:
        return None
    values = ", ".join(repr(v) for v in code_list.when_values)
    return f"{code_list.when_column}.str.strip().str.lower().isin([{values}])"


def _lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def unknown_sql(code_list: CodeList, column_sql: str, when_sql: str | None = None) -> str:
    """DuckDB SQL, true for a value (of ``column_sql``) that is present and not in the code list
    (self-contained: any DuckDB connection can run it). A single code is looked up in the list,
    read from its seed file in the query. A list of codes (``separator``) is matched against one
    regular expression made of the list (:func:`listed_run`): a lookup per code would be a
    correlated subquery per value, the loader's costliest check on a national delivery."""
    value = NORMALISE[code_list.normalise].format(column_sql) if code_list.normalise else column_sql
    if code_list.separator:  # a row is counted when any of its (non-empty) codes is not listed
        test = f"not regexp_full_match({value}, {_lit(listed_run(code_list))})"
    else:
        seed = str(seed_path(code_list.seed))
        # the seed's own columns, all text, no sniffing (a quarter of the time of read_csv's detection)
        columns = ", ".join(f"{_lit(name)}: 'VARCHAR'" for name in seed_header(Path(seed)))
        listed_sql = (f"(select {_q(code_list.column)} from read_csv({_lit(seed)}, header = true, "
                      f"auto_detect = false, delim = ',', quote = '\"', escape = '\"', columns = {{{columns}}}) "
                      f"where {_q(code_list.column)} is not null)")
        excepted = (f" and {value} not in ({', '.join(_lit(v) for v in code_list.exceptions)})"
                    if code_list.exceptions else "")
        test = f"{value} not in {listed_sql}{excepted}"
    return f"({value} is not null and {test}" + (f" and {when_sql}" if when_sql else "") + ")"


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
