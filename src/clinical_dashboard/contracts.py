"""One contract per source: ``contracts/<source>.yml`` (value formats in ``contracts/formats.yml``,
extract formats shared by several sources in ``contracts/shared/``).

A contract is the one description of a registry extract. Everything else derives from it: the
loader's row checks (:func:`clinical_dashboard.validate.load_suite`, and Great Expectations
through the same suite), the generator's column order and column documentation, the dbt
sources (``models/staging/_raw__sources.yml``, written by ``clinical-dashboard contracts
dbt-sources``) and the page docs/extract-formats.md (``clinical-dashboard extract-formats``);
``src/tests/test_contracts.py`` fails when any of them disagrees.

Keys of a contract file (all required unless marked optional):

``source``       the source name, equal to the file name (``npr_som`` for ``npr_som.yml``)
``description``  what the extract is (one paragraph)
``file``         the file layout, always ``<source>/<year>.csv``
``year``         ``column``: the column that gives a row's year (its period), and ``rule``: how
                 the year is defined. The column is the one date with ``in_year: true`` (e.g.
                 utdato for NPR activity) or, for aggregated sources whose file year is written on
                 every row, the integer with ``format: delivery_year``. The loader refuses a file
                 where fewer than half the rows have this year (``validate.check_period``).
``key``          the column(s) that identify a row. A one-column key must be ``unique`` and
                 ``not_null`` (the loader flags every copy of a repeated value); a composite key
                 (aggregated sources) documents the grain and is not checked by the loader.
``row_count``    optional ``[low, high]``: plausible data rows of a full year at national volume,
                 checked when the delivery has no manifest (outside: loaded and flagged)
``pairs``        optional list of ``{a, b, label}``: ``a >= b`` where both are present
``columns``      the columns in delivery order, each a mapping of:

  ``name``         the column name in the file (the registry's Norwegian field name)
  ``label_nb``     optional short Norwegian label
  ``type``         text | integer | decimal | date (``YYYY-MM-DD``); checked unless a stricter
                   check (format, values, range) implies it
  ``type_note``    optional detail shown after the type in the docs, e.g. ``14 digits``
  ``not_null``     optional, an empty value is flagged
  ``unique``       optional, a value that occurs more than once is flagged (every copy)
  ``format``       optional, a name in ``formats.yml``
  ``values``       optional, the allowed values (as text)
  ``range``        optional ``[low, high]``: an integer in this range, written without sign or
                   leading zeros
  ``in_year``      optional, a date in the delivery year of the file
  ``landing``      optional, the column's type in the landing zone: ``bigint``, ``integer`` or ``numeric`` (for
                   type integer), ``numeric`` (decimal) or ``date`` (date). The loader types such a
                   column once, strictly (:mod:`clinical_dashboard.landing_types`), and keeps the
                   text of a value that does not parse in ``_unparsed``; without it the column
                   lands as delivered text (codes, ids kept as text).
  ``code_list``    optional, the seed column that lists the codes the column may take, e.g.
                   ``{seed: ref_icd10_codes, column: icd10_code, normalise: code}`` (keys and the
                   loader's count: :mod:`clinical_dashboard.code_lists`); a value not in it is
                   counted per delivery (check ``<column>:code_list``) and loaded
  ``description``  what the column means
  ``allowed``      the allowed values in words (documentation)

``extends``      optional: a shared extract format, e.g. ``shared/npr_activity.yml`` (the six NPR
                 activity sources have one), a path relative to ``contracts/`` that must name an
                 existing file in a subfolder of it (files directly in ``contracts/`` are source
                 contracts; ``contracts()`` reads only those). The shared file holds ``year``,
                 ``key``, ``pairs`` and ``columns`` (the same keys and rules as above) and nothing
                 else; it may not itself extend another file (one level). A contract that extends
                 gives only ``source``, ``description``, ``file``, ``row_count`` and ``extends``:
                 giving any of year, key, pairs or columns in both places is an error naming both
                 files (no override), so a column change is one edit for every source of the format.

Every check is row-level: a failing row is loaded and counted in the validation report. A
contract that breaks these rules raises :class:`ContractError` naming the file, the line and the
column; for a shared file, that file (and which contract extends it). This module imports nothing
of the generator (the production loader uses it).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import yaml

from . import code_lists
from .code_lists import CodeList
from .config import REPO_ROOT, SOURCES, YAML_LOADER

CONTRACTS_DIR = REPO_ROOT / "contracts"
FORMATS_FILE = "formats.yml"
TYPES: tuple[str, ...] = ("text", "integer", "decimal", "date")
#: A ``range`` wider than this is a format's job, not a value set's.
MAX_RANGE_WIDTH = 10_000

_TOP_KEYS = {"source": True, "description": True, "file": True, "year": True, "key": True,
             "row_count": False, "pairs": False, "columns": True, "extends": False}  # key -> required
#: The keys that describe the extract format (its shape): from the contract, or else from the one
#: shared file it ``extends`` (and only there).
_SHAPE_KEYS = {"year": True, "key": True, "pairs": False, "columns": True}
_OWN_KEYS = {k: v for k, v in _TOP_KEYS.items() if k not in _SHAPE_KEYS}
_COLUMN_KEYS = {"name": True, "label_nb": False, "type": True, "type_note": False, "not_null": False,
                "unique": False, "format": False, "values": False, "range": False, "in_year": False,
                "landing": False, "code_list": False, "description": True, "allowed": True}
#: The landing types a column of each contract type may take (``landing``).
LANDING_TYPES: dict[str, tuple[str, ...]] = {"integer": ("bigint", "integer", "numeric"), "decimal": ("numeric",),
                                             "date": ("date",), "text": ()}
_PAIR_KEYS = {"a": True, "b": True, "label": False}
_YEAR_KEYS = {"column": True, "rule": True}
_FORMAT_KEYS = {"regex": True, "label": True}


class ContractError(ValueError):
    """A contract file breaks the rules above; the message names file, line and column."""


@dataclass(frozen=True)
class Format:
    name: str
    regex: str  # ``{year}`` is replaced by the delivery year before use
    label: str


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    description: str
    allowed: str
    label_nb: str | None = None
    type_note: str | None = None
    not_null: bool = False
    unique: bool = False
    format: str | None = None
    values: tuple[str, ...] | None = None
    range: tuple[int, int] | None = None
    in_year: bool = False
    landing: str | None = None
    #: the code list of the source (resolved from ``code_lists`` by :func:`load_contract`; not part
    #: of the column's equality: sources that share a format have equal columns)
    code_list: CodeList | None = field(default=None, compare=False)
    #: every entry of the column's ``code_list`` (more than one when sources of a shared format differ)
    code_lists: tuple[CodeList, ...] = ()

    @property
    def code_list_note(self) -> str:
        """The code list as the docs name it, e.g. ``code list ref_icd10_codes.icd10_code (normalised: code)``."""
        c = self.code_list
        if c is None:
            return ""
        how = [f"normalised: {c.normalise}"] if c.normalise else []
        how += [f"codes joined by '{c.separator}'"] if c.separator else []
        how += [f"except {', '.join(c.exceptions)}"] if c.exceptions else []
        how += [f"where {c.when_column} is {' or '.join(c.when_values)}"] if c.when_column else []
        return f"code list {c.label}" + (f" ({'; '.join(how)})" if how else "")

    @property
    def shown_type(self) -> str:
        """The type as the docs show it, e.g. ``integer (14 digits)``."""
        return f"{self.type} ({self.type_note})" if self.type_note else self.type


@dataclass(frozen=True)
class Pair:
    a: str
    b: str
    label: str


@dataclass(frozen=True)
class Contract:
    source: str
    description: str
    file: str
    year_column: str
    year_rule: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    pairs: tuple[Pair, ...] = ()
    row_count: tuple[int, int] | None = None
    #: where it was read, relative to the repository when inside it (``contracts/npr_som.yml``)
    path: str = ""
    #: the shared file of year, key, pairs and columns when the contract ``extends`` one
    #: (``contracts/shared/npr_activity.yml``), else ``""``
    extends: str = ""

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


# ------------------------------------------------------------------------------------------
# reading, with line numbers for the error messages
# ------------------------------------------------------------------------------------------
def _display(path: Path) -> str:
    try:
        return path.resolve().relative_to(REPO_ROOT).as_posix()
    except ValueError:
        return str(path)


class _Where:
    """Builds error messages ``<file> line <n>, column '<name>': <problem>`` (``note`` in brackets
    after the problem: for a shared file, which contract extends it)."""

    def __init__(self, file: str, note: str = ""):
        self.file = file
        self.note = note

    def error(self, problem: str, line: int | None = None, column: str | None = None) -> ContractError:
        where = self.file + (f" line {line}" if line else "")
        if column is not None:
            where += f", column {column!r}"
        return ContractError(f"{where}: {problem}" + (f" ({self.note})" if self.note else ""))


def _key_lines(node) -> dict:
    """key -> line (1-based) of a YAML mapping node; ``{}`` for anything else."""
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {k.value: k.start_mark.line + 1 for k, _ in node.value if isinstance(k, yaml.ScalarNode)}


def _item_nodes(node, key: str) -> list:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == key and isinstance(v, yaml.SequenceNode):
                return list(v.value)
    return []


def _parse(path: Path, where: _Where) -> tuple[object, object]:
    try:
        text = path.read_text("utf-8")
        return yaml.load(text, Loader=YAML_LOADER), yaml.compose(text, Loader=YAML_LOADER)  # noqa: S506 - a safe loader
    except UnicodeDecodeError as error:
        raise where.error(f"not UTF-8 ({error})") from None
    except yaml.YAMLError as error:
        raise where.error(f"not valid YAML: {error}") from None


def _check_keys(raw: object, allowed: dict[str, bool], what: str, where: _Where, lines: dict,
                line: int | None, column: str | None = None) -> dict:
    if not isinstance(raw, dict):
        raise where.error(f"{what} must be a mapping, found {type(raw).__name__}", line, column)
    for key in raw:
        if key not in allowed:
            raise where.error(f"unknown key {key!r} in {what}; allowed: {', '.join(allowed)}",
                              lines.get(key, line), column)
    for key, required in allowed.items():
        if required and raw.get(key) in (None, ""):
            raise where.error(f"{what} lacks {key!r}", line, column)
    return raw


def _text(value: object, key: str, where: _Where, line: int | None, column: str | None = None) -> str:
    if not isinstance(value, str) or not value.strip():
        raise where.error(f"{key} must be non-empty text, found {value!r}", line, column)
    return value


def _flag(value: object, key: str, where: _Where, line: int | None, column: str | None = None) -> bool:
    if not isinstance(value, bool):
        raise where.error(f"{key} must be true or false, found {value!r}", line, column)
    return value


def _int_pair(value: object, key: str, where: _Where, line: int | None, column: str | None = None) -> tuple[int, int]:
    if not (isinstance(value, list) and len(value) == 2
            and all(isinstance(v, int) and not isinstance(v, bool) for v in value) and value[0] <= value[1]):
        raise where.error(f"{key} must be [low, high] with integers low <= high, found {value!r}", line, column)
    return value[0], value[1]


def load_formats(directory: Path = CONTRACTS_DIR) -> dict[str, Format]:
    """The named value formats of ``formats.yml``."""
    path = directory / FORMATS_FILE
    where = _Where(_display(path))
    data, node = _parse(path, where)
    if not isinstance(data, dict) or not data:
        raise where.error("must be a mapping of format name -> {regex, label}")
    lines = _key_lines(node)
    found: dict[str, Format] = {}
    for name, raw in data.items():
        line = lines.get(name)
        entry = _check_keys(raw, _FORMAT_KEYS, f"format {name!r}", where, {}, line)
        regex = _text(entry["regex"], "regex", where, line)
        if not (regex.startswith("^") and regex.endswith("$")):
            raise where.error(f"format {name!r}: anchor the regex with ^ and $", line)
        found[str(name)] = Format(str(name), regex, _text(entry["label"], "label", where, line))
    return found


def _column(raw: object, item_node, index: int, formats: dict[str, Format], where: _Where) -> Column:
    line = item_node.start_mark.line + 1 if item_node is not None else None
    lines = _key_lines(item_node)
    name = raw.get("name") if isinstance(raw, dict) else None
    label = str(name) if name is not None else f"#{index + 1}"
    raw = _check_keys(raw, _COLUMN_KEYS, "the column", where, lines, line, label)
    name = _text(raw["name"], "name", where, line, label)

    def at(key: str) -> int | None:
        return lines.get(key, line)

    kind = raw["type"]
    if kind not in TYPES:
        raise where.error(f"unknown type {kind!r}; use one of {', '.join(TYPES)}", at("type"), name)
    fmt = raw.get("format")
    if fmt is not None and fmt not in formats:
        raise where.error(f"unknown format {fmt!r} (see {FORMATS_FILE})", at("format"), name)
    values = raw.get("values")
    if values is not None:
        if not isinstance(values, list) or not values or not all(
                isinstance(v, (str, int)) and not isinstance(v, bool) for v in values):
            raise where.error(f"values must be a non-empty list of text values (quote numbers: '1'), "
                              f"found {values!r}", at("values"), name)
        values = tuple(str(v) for v in values)
        if len(set(values)) != len(values):
            raise where.error("values lists a value twice", at("values"), name)
    span = raw.get("range")
    if span is not None:
        span = _int_pair(span, "range", where, at("range"), name)
        if span[1] - span[0] > MAX_RANGE_WIDTH:
            raise where.error("range is too wide for a value set; use a format", at("range"), name)
    in_year = _flag(raw.get("in_year", False), "in_year", where, at("in_year"), name)
    if in_year and kind != "date":
        raise where.error(f"in_year needs type date, not {kind!r}", at("in_year"), name)
    landing = raw.get("landing")
    if landing is not None and landing not in LANDING_TYPES[kind]:
        allowed = ", ".join(LANDING_TYPES[kind]) or "none (a text column lands as text)"
        raise where.error(f"landing {landing!r} does not fit type {kind!r}; allowed: {allowed}", at("landing"), name)
    lists = code_lists.parse(raw["code_list"], lambda text: where.error(text, at("code_list"), name)) \
        if raw.get("code_list") is not None else ()
    when = next((c.when_column for c in lists if c.when_column), None)
    if when is not None and when == name:
        raise where.error("code_list when names the column itself", at("code_list"), name)
    return Column(
        name=name, type=kind, code_lists=lists,
        description=_text(raw["description"], "description", where, at("description"), name),
        allowed=_text(str(raw["allowed"]), "allowed", where, at("allowed"), name),
        label_nb=_text(raw["label_nb"], "label_nb", where, at("label_nb"), name) if "label_nb" in raw else None,
        type_note=_text(raw["type_note"], "type_note", where, at("type_note"), name) if "type_note" in raw else None,
        not_null=_flag(raw.get("not_null", False), "not_null", where, at("not_null"), name),
        unique=_flag(raw.get("unique", False), "unique", where, at("unique"), name),
        format=fmt, values=values, range=span, in_year=in_year, landing=landing)


def _shared_path(value: object, path: Path, where: _Where, line: int | None) -> Path:
    """The shared file that ``extends: <value>`` of the contract ``path`` names, after checking that it
    is a relative path to an existing ``.yml`` file in a subfolder of the contract's folder."""
    example = "e.g. shared/npr_activity.yml"
    if not isinstance(value, str) or not value.strip():
        raise where.error(f"extends must be a path relative to the contracts folder ({example}), found {value!r}",
                          line)
    folder = _display(path.parent)
    root = path.parent.resolve()
    shared = path.parent / value
    target = shared.resolve()
    if Path(value).is_absolute() or not target.is_relative_to(root):
        raise where.error(f"extends {value!r} points outside {folder}/: name a file in a subfolder of it ({example})",
                          line)
    if target.parent == root:
        raise where.error(f"extends {value!r} names a file directly in {folder}/, where every .yml file is a source "
                          f"contract (or {FORMATS_FILE}): put the shared part in a subfolder ({example})", line)
    if target.suffix != ".yml":
        raise where.error(f"extends {value!r} must name a .yml file ({example})", line)
    if not target.is_file():
        raise where.error(f"extends {value!r}: no such file {_display(shared)}", line)
    return shared


def _shape(data: dict, node, where: _Where, formats: dict[str, Format]
           ) -> tuple[str, str, tuple[str, ...], tuple[Column, ...], tuple[Pair, ...]]:
    """year column, year rule, key, columns and pairs of a contract or of the shared file it extends
    (``data``/``node`` of that file, ``where`` names it)."""
    lines = _key_lines(node)
    raw_columns = data["columns"]
    if not isinstance(raw_columns, list) or not raw_columns:
        raise where.error("columns must be a non-empty list", lines.get("columns"))
    nodes = _item_nodes(node, "columns")
    columns: list[Column] = []
    for i, raw in enumerate(raw_columns):
        column = _column(raw, nodes[i] if i < len(nodes) else None, i, formats, where)
        if column.name in {c.name for c in columns}:
            raise where.error("duplicate column", nodes[i].start_mark.line + 1 if i < len(nodes) else None,
                              column.name)
        columns.append(column)
    names = [c.name for c in columns]
    line_of = {c.name: (nodes[i].start_mark.line + 1 if i < len(nodes) else None) for i, c in enumerate(columns)}

    pairs: list[Pair] = []
    pair_nodes = _item_nodes(node, "pairs")
    raw_pairs = data.get("pairs") or []
    if not isinstance(raw_pairs, list):
        raise where.error("pairs must be a list of {a, b, label}", lines.get("pairs"))
    for i, raw in enumerate(raw_pairs):
        line = pair_nodes[i].start_mark.line + 1 if i < len(pair_nodes) else lines.get("pairs")
        raw = _check_keys(raw, _PAIR_KEYS, "the pair", where, {}, line)
        for side in ("a", "b"):
            if raw[side] not in names:
                raise where.error(f"pair ({raw['a']}, {raw['b']}) names an unknown column", line, str(raw[side]))
        pairs.append(Pair(raw["a"], raw["b"], str(raw.get("label") or f"{raw['a']} >= {raw['b']}")))

    year_line = lines.get("year")
    year = _check_keys(data["year"], _YEAR_KEYS, "year", where, _key_lines(None), year_line)
    periods = [c.name for c in columns if c.in_year or c.format == "delivery_year"]
    if year["column"] not in names:
        raise where.error("year names an unknown column", year_line, str(year["column"]))
    if periods != [year["column"]]:
        raise where.error("the year column must be the one column with in_year: true (a date) or "
                          f"format: delivery_year; those are {periods}", year_line, str(year["column"]))

    key = data["key"]
    if isinstance(key, str):
        key = [key]
    if not isinstance(key, list) or not key or len(set(map(str, key))) != len(key):
        raise where.error(f"key must be a non-empty list of distinct columns, found {key!r}", lines.get("key"))
    for name in key:
        if name not in names:
            raise where.error("key names an unknown column", lines.get("key"), str(name))
    for c in columns:
        if c.unique and list(key) != [c.name]:
            raise where.error("a unique column must be the contract's one-column key", line_of[c.name], c.name)
    if len(key) == 1:
        only = columns[names.index(key[0])]
        if not (only.unique and only.not_null):
            raise where.error("a one-column key must have unique: true and not_null: true", line_of[only.name],
                              only.name)
    return (year["column"], _text(year["rule"], "year rule", where, year_line), tuple(key), tuple(columns),
            tuple(pairs))


def load_contract(path: Path, formats: dict[str, Format] | None = None) -> Contract:
    """Read and check one contract file (and the shared file it ``extends``, if any)."""
    where = _Where(_display(path))
    formats = load_formats(path.parent) if formats is None else formats
    data, node = _parse(path, where)
    lines = _key_lines(node)
    extending = isinstance(data, dict) and "extends" in data
    # a contract that extends takes year, key, pairs and columns from the shared file only
    allowed = {k: required and not (extending and k in _SHAPE_KEYS) for k, required in _TOP_KEYS.items()}
    data = _check_keys(data, allowed, "the contract", where, lines, 1)
    source = _text(data["source"], "source", where, lines.get("source"))
    if source != path.stem:
        raise where.error(f"source {source!r} differs from the file name {path.stem!r}", lines.get("source"))
    layout = f"{source}/<year>.csv"
    if data["file"] != layout:
        raise where.error(f"file must be {layout!r}, found {data['file']!r}", lines.get("file"))

    body, body_node, body_where, shared_file = data, node, where, ""
    if extending:
        shared = _shared_path(data["extends"], path, where, lines.get("extends"))
        shared_file = _display(shared)
        for key in _SHAPE_KEYS:
            if key in data:
                raise where.error(
                    f"{key!r} is given here, but this contract extends {shared_file}, which alone gives "
                    f"{', '.join(_SHAPE_KEYS)} (no override): remove {key!r} here, or change {shared_file} "
                    f"(for every source that extends it)", lines.get(key))
        body_where = _Where(shared_file, f"the shared extract format of {where.file}, named by its extends")
        body, body_node = _parse(shared, body_where)
        shared_lines = _key_lines(body_node)
        if isinstance(body, dict) and "extends" in body:
            raise body_where.error("a shared file may not itself extend another (one level of extends only)",
                                   shared_lines.get("extends"))
        body = _check_keys(body, _SHAPE_KEYS, "the shared extract format", body_where, shared_lines, 1)
    year_column, year_rule, key, columns, pairs = _shape(body, body_node, body_where, formats)
    names = {c.name for c in columns}
    for c in columns:
        for entry in c.code_lists:
            if entry.when_column is not None and entry.when_column not in names:
                raise body_where.error(f"code_list when names an unknown column {entry.when_column!r}", None, c.name)
    columns = tuple(replace(c, code_list=code_lists.for_source(c.code_lists, source)) for c in columns)

    band = data.get("row_count")
    if band is not None:
        band = _int_pair(band, "row_count", where, lines.get("row_count"))
        if band[0] < 0:
            raise where.error("row_count must not be negative", lines.get("row_count"))
    return Contract(source=source, description=_text(data["description"], "description", where,
                                                     lines.get("description")),
                    file=layout, year_column=year_column, year_rule=year_rule, key=key,
                    columns=columns, pairs=pairs, row_count=band, path=where.file, extends=shared_file)


# ------------------------------------------------------------------------------------------
# the contracts of the repository
# ------------------------------------------------------------------------------------------
@lru_cache(maxsize=None)
def formats(directory: Path = CONTRACTS_DIR) -> dict[str, Format]:
    return load_formats(directory)


@lru_cache(maxsize=None)
def contracts(directory: Path = CONTRACTS_DIR) -> dict[str, Contract]:
    """source -> contract of every ``<source>.yml`` in ``directory`` (config.SOURCES order first; not
    its subfolders, which hold the shared files that contracts ``extends``)."""
    fmts = formats(directory)
    found = {path.stem: load_contract(path, fmts) for path in sorted(directory.glob("*.yml"))
             if path.name != FORMATS_FILE}
    order = [s for s in SOURCES if s in found] + sorted(set(found) - set(SOURCES))
    return {s: found[s] for s in order}


def contract(source: str) -> Contract | None:
    """The contract of ``source``, or ``None`` when there is none."""
    return contracts().get(source)


def _required(source: str) -> Contract:
    found = contract(source)
    if found is None:
        raise KeyError(f"no contract for source {source!r}: add {_display(CONTRACTS_DIR)}/{source}.yml")
    return found


def source_columns(source: str) -> tuple[str, ...]:
    """The columns of ``source`` in delivery order."""
    return _required(source).column_names


def column_docs(source: str) -> dict[str, tuple[str, str, str]]:
    """column -> (type as shown, description, allowed values) of ``source``."""
    return {c.name: (c.shown_type, c.description, c.allowed) for c in _required(source).columns}
