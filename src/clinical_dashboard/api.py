"""Open read-only HTTP API over the public marts (issue 33; ``clinical-dashboard api``).

The server reads the *published* warehouse (``target/warehouse.duckdb``, publish.py) and
nothing else, always with ``read_only=True``: a read-only DuckDB handle takes a shared lock,
which never stops a build (builds write the working copy) nor a publish (``os.replace`` puts a
new file at the path; a handle on the old file keeps reading the old file).

**One whole published state per read.** Every request stats the path; a new file identity
(inode, size, mtime) is a new *generation*: the server opens it (and checks that the path did
not change while it opened it) and retires the previous one. A response carries its
generation (JSON ``generation``, header ``X-Generation``) and its ``next`` page link pins it
(``?generation=...``): the pages of one read all come from the same file even when a publish
happens between them. A retired generation stays open for ``pin_seconds`` (default 600) after
it was replaced, then is closed; a link to it afterwards gets 409 (start the read again). The
current generation's handle is closed after ``idle_seconds`` without requests and reopened
on demand (the same file is the same generation), so an idle server holds no lock.

**Only whitelisted SQL.** The marts are those of the dbt var ``dashboard_exports``; a query
parameter is a filter only when it is in ``FILTERS`` (parameter -> column) *and* the mart as
published has that column (information_schema). Identifiers in SQL come from the warehouse's
catalog, values are bound parameters (``?``); nothing a client sends becomes SQL text. An
unknown parameter, a bad value, a limit over ``MAX_LIMIT`` get 400 with a message that says
what is allowed.
"""

from __future__ import annotations

import csv
import hashlib
import inspect
import io
import json
import logging
import math
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import duckdb
from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from .api_keys import KeyStore, keys_file
from .config import read_yaml
from .export import marts_from_project

API_VERSION = "1"
DEFAULT_LIMIT, MAX_LIMIT = 1000, 10_000
#: values of one filter (comma-separated or repeated), and characters of one value
MAX_VALUES, MAX_VALUE_LENGTH = 200, 200
MARTS_SCHEMA = "main_marts"
#: the name the published file is attached under (in an in-memory database of its own)
CATALOG = "published"

#: Query parameter -> mart column. The dashboard's selectors (dashboard/pages, partials):
#: sample (utvalg), measure (mål), provider option (leverandør), year, period, area level and
#: code (opptaksområder), RBF year and calculation (beregning), indicator, key figure and
#: region (nøkkeltall), publication year and cancer site (kreftform), sector, specialty (fag),
#: ranking (rangering), RHF, source (kilde) and the health-community selectors. A parameter is
#: offered for a mart only when the published mart has its column.
FILTERS: dict[str, str] = {
    "sample": "sample_id",
    "measure": "measure",
    "provider_option": "provider_option",
    "year": "year",
    "period": "period",
    "area_level": "area_level",
    "area_code": "area_code",
    "rbf_year": "rbf_year",
    "calculation": "calculation",
    "indicator": "indicator_id",
    "data_year": "data_year",
    "figure": "figure",
    "region": "region_code",
    "publication_year": "publication_year",
    "cancer_site": "cancer_site",
    "sector": "sector",
    "specialty": "specialty_or_sector_code",
    "ranking": "ranking",
    "rhf": "rhf_code",
    "source": "source",
    "month": "month",
    "reporting_unit": "reporting_unit_id",
    "municipality": "municipality_code",
    "age_band": "age_band",
    "diagnosis_group": "diagnosis_group",
    "suppressed": "is_suppressed",
}
#: Parameters every data endpoint takes besides its filters.
CONTROLS = ("limit", "offset", "format", "lang", "generation")
FORMATS, LANGUAGES = ("json", "csv"), ("nb", "en")
_INTEGER_TYPES = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT",
                  "UINTEGER", "UBIGINT"}
_TRUE, _FALSE = {"true", "1", "yes"}, {"false", "0", "no"}
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
_GENERATION = re.compile(r"^[0-9a-f]{16}$")

SUPPRESSION = {
    "en": ("A cell whose count is 1 to min_cell_count - 1 is suppressed: its count and every figure "
           "derived from it are null (never 0) and is_suppressed is true; suppression_reason says "
           "'primary' (the cell's own small count) or 'complementary' (hidden so that a suppressed "
           "cell cannot be recovered by subtraction from a total). Zero stays zero; populations and "
           "denominators are not derived from the events and stay."),
    "nb": ("En celle med antall fra 1 til min_cell_count - 1 er skjult: antallet og alle tall regnet "
           "fra det er tomme (null, aldri 0) og is_suppressed er sann; suppression_reason sier "
           "'primary' (cellens eget lave antall) eller 'complementary' (skjult for at en skjult celle "
           "ikke skal kunne regnes ut ved subtraksjon fra en sum). Null forblir null; befolkning og "
           "nevnere er ikke regnet fra hendelsene og vises."),
}

log = logging.getLogger("clinical_dashboard.api")


class ApiError(Exception):
    """A request the API answers with ``status`` and a message (4xx, or 503)."""

    def __init__(self, status: int, message: str, **extra: Any):
        super().__init__(message)
        self.status, self.message, self.extra = status, message, extra


@dataclass(frozen=True)
class ApiConfig:
    warehouse: Path
    project_dir: Path = Path(".")
    #: "open": no keys (local use); "keys": every /v1 request needs an active key
    auth: str = "open"
    keys_file: Path | None = None
    #: requests per minute per key (open mode: per client address); a key may set its own
    rate_per_minute: float = 600.0
    pin_seconds: float = 600.0
    idle_seconds: float = 60.0
    #: also append the request log (JSON lines) to this file
    access_log: Path | None = None


# --- the marts as the dbt project describes them ---------------------------------------------

@dataclass(frozen=True)
class MartDoc:
    name: str
    title_nb: str
    title_en: str
    description: str
    columns: dict[str, str]


def _titles(description: str) -> tuple[str, str]:
    """'Forbruksrater / utilisation rates. ...' -> ('Forbruksrater', 'Utilisation rates')."""
    first = description.split(". ", 1)[0].strip().rstrip(".")
    if " / " in first:
        nb, en = first.split(" / ", 1)
        return nb.strip(), en.strip()[:1].upper() + en.strip()[1:]
    return first, first


def mart_docs(project_dir: Path, marts: tuple[str, ...]) -> dict[str, MartDoc]:
    """Descriptions of the marts and their columns from the model yml files (what the dbt docs
    site shows); a mart without one gets empty texts."""
    found: dict[str, MartDoc] = {}
    for path in sorted((project_dir / "models").rglob("*.yml")):
        document = read_yaml(path) or {}
        for model in document.get("models") or []:
            name = model.get("name")
            if name in marts:
                description = " ".join((model.get("description") or "").split())
                columns = {c["name"]: " ".join((c.get("description") or "").split())
                           for c in model.get("columns") or [] if "name" in c}
                found[name] = MartDoc(name, *_titles(description), description, columns)
    return {m: found.get(m) or MartDoc(m, m, m, "", {}) for m in marts}


# --- generations of the published file ------------------------------------------------------

def _stamp(path: Path) -> tuple[int, int, int, int] | None:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns)


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


@dataclass
class Mart:
    name: str
    relation: str
    #: (column, DuckDB type) in the mart's order
    columns: list[tuple[str, str]]

    @property
    def types(self) -> dict[str, str]:
        return dict(self.columns)

    def filters(self) -> dict[str, str]:
        """The filter parameters of this mart: parameter -> column."""
        names = self.types
        return {param: column for param, column in FILTERS.items() if column in names}


_DELIVERIES_SQL = (
    "select file, delivery_hash from (select file, delivery_hash, status, row_number() over "
    f"(partition by file order by attempted_at desc) as newest from {CATALOG}.raw._deliveries "
    "where status in ('loaded', 'withdrawn')) as current_state where newest = 1 and status = 'loaded' "
    "order by file")


class Generation:
    """One published file, opened read-only; shared by the requests that read it."""

    def __init__(self, path: Path, stamp: tuple, con: duckdb.DuckDBPyConnection, marts: tuple[str, ...]):
        self.stamp, self.con = stamp, con
        self.id = hashlib.sha256(repr(stamp).encode()).hexdigest()[:16]
        self.published_at = datetime.fromtimestamp(stamp[3] / 1e9, timezone.utc).isoformat(timespec="seconds")
        self.users, self.last_used, self.retired_at = 0, time.monotonic(), None
        self._cursor_lock = threading.Lock()
        self.marts: dict[str, Mart] = {}
        rows = con.execute(
            "select table_schema, table_name, column_name, data_type from information_schema.columns "
            "where table_catalog = ? and table_name in (select unnest(?)) "
            "order by table_name, table_schema <> ?, ordinal_position",
            [CATALOG, list(marts), MARTS_SCHEMA]).fetchall()
        for schema, table, column, data_type in rows:
            relation = f"{_quote(CATALOG)}.{_quote(schema)}.{_quote(table)}"
            mart = self.marts.setdefault(table, Mart(table, relation, []))
            if mart.relation == relation:  # the marts' schema wins over a stale copy in another
                mart.columns.append((column, data_type))
        try:
            digest = hashlib.sha256()
            for file, delivery_hash in con.execute(_DELIVERIES_SQL).fetchall():
                digest.update(f"{file}\t{delivery_hash}\n".encode())
            self.data_version: str | None = digest.hexdigest()[:16]
        except duckdb.Error:
            self.data_version = None
        self.labels = self._labels()

    def _labels(self) -> dict[str, dict]:
        """Norwegian and English names of samples, areas and periods (label columns, lang=)."""
        labels: dict[str, dict] = {"sample": {}, "area": {}, "period": {}}
        sources = {"sample": ("dim_samples", ("sample_id",), ("name_nb", "name_en")),
                   "area": ("dim_areas", ("area_level", "area_code"), ("area_name", "area_name_en")),
                   "period": ("dim_periods", ("period",), ("period_name_nb", "period_name_en"))}
        for kind, (table, keys, names) in sources.items():
            mart = self.marts.get(table)
            if mart is None or not set(keys + names) <= set(mart.types):
                continue
            columns = ", ".join(_quote(c) for c in keys + names)
            for row in self.con.execute(f"select distinct {columns} from {mart.relation}").fetchall():
                key = row[:len(keys)] if len(keys) > 1 else row[0]
                labels[kind][key] = {"nb": row[len(keys)], "en": row[len(keys) + 1]}
        return labels

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A connection of this request's own to the generation's database (one per thread)."""
        with self._cursor_lock:
            return self.con.cursor()

    def close(self) -> None:
        self.con.close()


class Warehouse:
    """The published file's generations: the current one and those retired less than
    ``pin_seconds`` ago (still read by paginated reads that began on them)."""

    def __init__(self, path: Path, marts: tuple[str, ...], pin_seconds: float, idle_seconds: float):
        self.path, self.marts = path, marts
        self.pin_seconds, self.idle_seconds = pin_seconds, idle_seconds
        self._lock = threading.Lock()
        self._current: Generation | None = None
        self._retired: dict[str, Generation] = {}

    def _open(self) -> Generation:
        """Open the file at the path read-only; the file's identity is the same before and after
        the connect (else a publish replaced it meanwhile: try again)."""
        for _ in range(5):
            before = _stamp(self.path)
            if before is None:
                raise ApiError(503, f"no published warehouse at {self.path}: build and publish one "
                                    "(clinical-dashboard build)")
            # An in-memory database of its own with the file attached read-only: duckdb.connect(path)
            # would hand back the database it already has open for that path, i.e. the file a
            # publish replaced, as long as a retired generation keeps it open.
            con = duckdb.connect()
            try:
                literal = str(self.path).replace("'", "''")
                con.execute(f"attach '{literal}' as {CATALOG} (read_only)")
            except duckdb.Error as error:
                con.close()
                raise ApiError(503, f"the published warehouse cannot be opened read-only now ({error}); "
                                    "try again") from None
            if _stamp(self.path) == before:
                try:
                    return Generation(self.path, before, con, self.marts)
                except BaseException:
                    con.close()
                    raise
            con.close()
        raise ApiError(503, "the published warehouse changed five times while it was being opened; try again")

    def acquire(self, generation: str | None = None) -> Generation:
        """The current generation (``generation`` None) or the one named; release() it after."""
        with self._lock:
            self._sweep()
            stamp = _stamp(self.path)
            if self._current is None or self._current.stamp != stamp:
                fresh = self._open()
                if self._current is not None:
                    self._retire(self._current)
                self._current = self._retired.pop(fresh.id, None) or fresh
                if self._current is not fresh:
                    fresh.close()
            chosen = self._current
            if generation is not None and generation != chosen.id:
                chosen = self._retired.get(generation)
                if chosen is None:
                    raise ApiError(409, f"generation {generation} of the warehouse is no longer served (a "
                                        "publish replaced it and it was closed: more than "
                                        f"{self.pin_seconds:g} s ago, or while the server was idle): start the "
                                        "read again without generation=",
                                   current_generation=self._current.id)
            chosen.users += 1
            chosen.last_used = time.monotonic()
            return chosen

    def release(self, generation: Generation) -> None:
        with self._lock:
            generation.users -= 1
            generation.last_used = time.monotonic()
            self._sweep()

    def _retire(self, generation: Generation) -> None:
        generation.retired_at = time.monotonic()
        self._retired[generation.id] = generation

    def _sweep(self) -> None:
        """Close retired generations past their pin time and an idle current one (no users)."""
        now = time.monotonic()
        for key, old in list(self._retired.items()):
            if old.users == 0 and now - old.retired_at > self.pin_seconds:
                del self._retired[key]
                old.close()
        current = self._current
        if current is not None and current.users == 0 and now - current.last_used > self.idle_seconds:
            # An idle server holds no lock. Reopening the same file gives the same generation; a
            # read that paused this long and meets a publish gets 409 (never a mix of states).
            self._current = None
            current.close()

    def sweep(self) -> None:
        with self._lock:
            self._sweep()

    def close(self) -> None:
        with self._lock:
            for generation in [*self._retired.values(), *([self._current] if self._current else [])]:
                generation.close()
            self._retired.clear()
            self._current = None


# --- requests -------------------------------------------------------------------------------

@dataclass
class DataQuery:
    limit: int = DEFAULT_LIMIT
    offset: int = 0
    format: str = "json"
    lang: str | None = None
    generation: str | None = None
    #: column -> values (any of them)
    where: dict[str, list] = field(default_factory=dict)


def _shown(text: str, size: int = 60) -> str:
    """A client's string in an error message: repr (control characters escaped), cut short."""
    return repr(text if len(text) <= size else text[:size] + "...")


def _one(name: str, values: list[str]) -> str:
    if len(values) > 1:
        raise ApiError(400, f"parameter {name!r} is given {len(values)} times; give it once")
    return values[0]


def _integer(name: str, text: str, low: int, high: int) -> int:
    if not re.fullmatch(r"-?[0-9]{1,19}", text.strip()):
        raise ApiError(400, f"{name} must be a whole number from {low} to {high}, got {_shown(text)}")
    number = int(text)
    if not low <= number <= high:
        raise ApiError(400, f"{name} must be from {low} to {high}, got {number}")
    return number


def _typed(param: str, column: str, data_type: str, text: str) -> Any:
    if data_type in _INTEGER_TYPES:
        if not re.fullmatch(r"-?[0-9]{1,18}", text):
            raise ApiError(400, f"{param} ({column}) takes whole numbers, got {_shown(text)}")
        return int(text)
    if data_type == "BOOLEAN":
        if text.lower() in _TRUE:
            return True
        if text.lower() in _FALSE:
            return False
        raise ApiError(400, f"{param} ({column}) takes true or false, got {_shown(text)}")
    return text


def check_params(items: list[tuple[str, str]], allowed: tuple[str, ...] | list[str],
                 where: str) -> dict[str, list[str]]:
    """The query parameters by name; 400 for a name not in ``allowed``."""
    params: dict[str, list[str]] = {}
    for name, value in items:
        params.setdefault(name, []).append(value)
    unknown = sorted(set(params) - set(allowed))
    if unknown:
        raise ApiError(400, f"unknown query parameter {_shown(unknown[0])} for {where}; allowed: "
                            f"{', '.join(allowed) if allowed else 'none'}",
                       unknown=[u[:60] for u in unknown[:10]], allowed=list(allowed))
    return params


def parse_data_query(items: list[tuple[str, str]], mart: Mart) -> DataQuery:
    """Check and convert a data request's query string (400 on anything not understood)."""
    filters = mart.filters()
    params = check_params(items, [*filters, *CONTROLS], f"mart {mart.name}")
    query = DataQuery()
    if "limit" in params:
        query.limit = _integer("limit", _one("limit", params["limit"]), 1, MAX_LIMIT)
    if "offset" in params:
        query.offset = _integer("offset", _one("offset", params["offset"]), 0, 2**62)
    if "format" in params:
        query.format = _one("format", params["format"]).strip().lower()
        if query.format not in FORMATS:
            raise ApiError(400, f"format must be one of {', '.join(FORMATS)}, got {_shown(query.format)}")
    if "lang" in params:
        query.lang = _one("lang", params["lang"]).strip().lower()
        if query.lang not in LANGUAGES:
            raise ApiError(400, f"lang must be one of {', '.join(LANGUAGES)}, got {_shown(query.lang)}")
    if "generation" in params:
        query.generation = _one("generation", params["generation"])
        if not _GENERATION.match(query.generation):
            raise ApiError(400, f"generation must be 16 hex digits as a response gave it, got "
                                f"{_shown(query.generation)}")
    types = mart.types
    for param, column in filters.items():
        if param not in params:
            continue
        values = [part.strip() for value in params[param] for part in value.split(",")]
        if len(values) > MAX_VALUES:
            raise ApiError(400, f"{param}: at most {MAX_VALUES} values, got {len(values)}")
        for value in values:
            if not value:
                raise ApiError(400, f"{param}: empty value (give one or more values, comma-separated)")
            if len(value) > MAX_VALUE_LENGTH:
                raise ApiError(400, f"{param}: a value is longer than {MAX_VALUE_LENGTH} characters")
            if _CONTROL_CHARACTERS.search(value):
                raise ApiError(400, f"{param}: a value contains control characters: {_shown(value)}")
        query.where[column] = list(dict.fromkeys(_typed(param, column, types[column], v) for v in values))
    return query


def select_sql(mart: Mart, query: DataQuery) -> tuple[str, str, list]:
    """(count sql, page sql, bound values): identifiers from the catalog, values as ``?``."""
    conditions, values = [], []
    for column, wanted in query.where.items():
        conditions.append(f"{_quote(column)} in ({', '.join('?' for _ in wanted)})")
        values += wanted
    where = f" where {' and '.join(conditions)}" if conditions else ""
    columns = ", ".join(_quote(name) for name, _ in mart.columns)
    # order by every column: a stable order, so that pages neither overlap nor leave gaps
    return (f"select count(*) from {mart.relation}{where}",
            f"select {columns} from {mart.relation}{where} order by all limit ? offset ?",
            values)


def json_value(value: Any) -> Any:
    """A DuckDB value as JSON: NULL -> null (a suppressed cell stays null, never 0)."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def csv_value(value: Any) -> str:
    """A DuckDB value as a CSV field: NULL -> empty, booleans true/false, lists as JSON."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value)


def label_columns(mart: Mart) -> list[str]:
    """The label columns ``lang=`` adds to a mart's rows."""
    names = mart.types
    labels = []
    if "sample_id" in names and mart.name != "dim_samples":
        labels.append("sample_label")
    if {"area_level", "area_code"} <= set(names):
        labels.append("area_label")
    if "period" in names:
        labels.append("period_label")
    return labels


def add_labels(generation: Generation, mart: Mart, rows: list[dict], lang: str) -> None:
    wanted = label_columns(mart)
    for row in rows:
        if "sample_label" in wanted:
            row["sample_label"] = (generation.labels["sample"].get(row["sample_id"]) or {}).get(lang)
        if "area_label" in wanted:
            row["area_label"] = (generation.labels["area"].get((row["area_level"], row["area_code"])) or {}).get(lang)
        if "period_label" in wanted:
            row["period_label"] = (generation.labels["period"].get(row["period"]) or {}).get(lang)


# --- the application ------------------------------------------------------------------------

class RateLimiter:
    """A token bucket per client (key id): ``rate`` requests per minute, bursts up to a
    minute's worth."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[float, float]] = {}

    def take(self, client: str, per_minute: float) -> float:
        """0 when the request may go; else the seconds until it may."""
        per_second, capacity = per_minute / 60.0, max(1.0, per_minute)
        now = time.monotonic()
        with self._lock:
            tokens, then = self._buckets.get(client, (capacity, now))
            tokens = min(capacity, tokens + (now - then) * per_second)
            if tokens >= 1.0:
                self._buckets[client] = (tokens - 1.0, now)
                return 0.0
            self._buckets[client] = (tokens, now)
            return (1.0 - tokens) / per_second


def _json_bytes(document: Any) -> bytes:
    return json.dumps(document, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")


def create_app(config: ApiConfig):  # noqa: C901 - the routes are closures over the app's state
    """The FastAPI application serving ``config.warehouse``."""
    if config.auth not in ("open", "keys"):
        raise ValueError(f"auth must be open or keys, got {config.auth!r}")
    marts = marts_from_project(config.project_dir)
    docs = mart_docs(config.project_dir, marts)
    project = read_yaml(config.project_dir / "dbt_project.yml")
    min_cell_count = (project.get("vars") or {}).get("min_cell_count")
    warehouse = Warehouse(config.warehouse, marts, config.pin_seconds, config.idle_seconds)
    keys = KeyStore(keys_file(config.keys_file))
    limiter = RateLimiter()
    known_params = {*FILTERS, *CONTROLS}
    known_paths = {"/healthz", "/openapi.json", "/docs", "/v1/meta", "/v1/marts", "/v1/samples", "/v1/areas",
                   "/v1/periods", *(f"/v1/marts/{m}" for m in marts), *(f"/v1/marts/{m}/columns" for m in marts)}
    access = logging.getLogger("clinical_dashboard.api.access")
    if config.access_log is not None:
        config.access_log.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(config.access_log, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(message)s"))
        access.addHandler(handler)

    app = FastAPI(
        title="Clinical dashboard open data API",
        version=API_VERSION,
        description=("Read-only access to the public marts of the clinical dashboard warehouse "
                     "(Norwegian specialist-healthcare statistics; small counts suppressed). "
                     "Guide: docs/api.md. Method: docs/methods.md."),
    )
    app.state.warehouse = warehouse
    built_openapi = app.openapi

    def openapi_with_keys() -> dict:
        document = built_openapi()
        document.setdefault("components", {}).setdefault("securitySchemes", {})["ApiKey"] = {
            "type": "apiKey", "in": "header", "name": "X-API-Key",
            "description": "required when the server runs with --auth keys (clinical-dashboard api-key issue); "
                           "Authorization: Bearer <key> works too"}
        document["security"] = [{"ApiKey": []}, {}]
        return document

    app.openapi = openapi_with_keys

    def error_response(status: int, message: str, headers: dict | None = None, **extra: Any) -> Response:
        body = {"error": {"status": status, "message": message, **extra}}
        return Response(_json_bytes(body), status_code=status, media_type="application/json", headers=headers)

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, error: ApiError):
        return error_response(error.status, error.message, **error.extra)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, error: RequestValidationError):
        first = (error.errors() or [{}])[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        return error_response(400, f"bad request: {where}: {first.get('msg', 'invalid')}")

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, error: StarletteHTTPException):
        message = {404: f"no such endpoint {_shown(request.url.path)}; see /v1/marts and /openapi.json",
                   405: f"method {request.method} is not allowed here: the API is read-only (GET)"}
        return error_response(error.status_code, message.get(error.status_code, str(error.detail)))

    @app.middleware("http")
    async def _access(request: Request, call_next):
        started = time.perf_counter()
        client, status, response = "open", 500, None
        try:
            if request.url.path.startswith("/v1/"):
                per_minute = config.rate_per_minute
                if config.auth == "keys":
                    presented = request.headers.get("x-api-key") or ""
                    authorization = request.headers.get("authorization") or ""
                    if not presented and authorization.lower().startswith("bearer "):
                        presented = authorization[7:].strip()
                    if not presented:
                        response = error_response(401, "an API key is required: send it in the header "
                                                       "X-API-Key (or Authorization: Bearer <key>)",
                                                  headers={"WWW-Authenticate": "Bearer"})
                    else:
                        entry, why = keys.check(presented)
                        if entry is None:
                            response = error_response(401, why, headers={"WWW-Authenticate": "Bearer"})
                        else:
                            client = f"key:{entry.id}"
                            per_minute = entry.rate_per_minute or per_minute
                    bucket = client
                else:
                    # open mode: one bucket per address (used for the limit only, never logged)
                    bucket = f"open:{request.client.host if request.client else '-'}"
                if response is None:
                    wait = limiter.take(bucket, per_minute)
                    if wait > 0:
                        response = error_response(
                            429, f"rate limit of {per_minute:g} requests per minute reached; retry in "
                                 f"{math.ceil(wait)} s", headers={"Retry-After": str(math.ceil(wait))})
            if response is None:
                response = await call_next(request)
            status = response.status_code
            return response
        finally:
            # No personal data: no address, no user agent, no key (its id only), no query values,
            # and nothing else a client typed: a path only when it is one of the API's, parameter
            # names only when they are the API's (the others are counted).
            names = set(request.query_params.keys())
            access.info(json.dumps({
                "time": datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
                "client": client, "method": request.method,
                "path": request.url.path if request.url.path in known_paths else "(other)",
                "params": sorted(names & known_params), "unknown_params": len(names - known_params),
                "status": status, "ms": round((time.perf_counter() - started) * 1000, 1)}))

    def meta_headers(generation: Generation) -> dict[str, str]:
        return {"X-Generation": generation.id, "X-Data-Version": generation.data_version or "",
                "X-Published-At": generation.published_at}

    def published_mart(generation: Generation, name: str) -> Mart:
        if name not in marts:
            raise ApiError(404, f"no public mart {_shown(name)}; marts: {', '.join(marts)}")
        mart = generation.marts.get(name)
        if mart is None:
            raise ApiError(404, f"mart {name} is not in the published warehouse (built before it existed?)")
        return mart

    def wants_csv(request: Request, query: DataQuery, explicit: bool) -> bool:
        if explicit:
            return query.format == "csv"
        accept = (request.headers.get("accept") or "").lower()
        if not accept:
            return False
        kinds = [part.split(";")[0].strip() for part in accept.split(",")]
        if "text/csv" in kinds and "application/json" not in kinds:
            return True
        if not {"application/json", "text/csv", "*/*", "application/*", "text/*"} & set(kinds):
            raise ApiError(406, f"cannot answer Accept {_shown(accept)}: application/json or text/csv "
                                "(or ?format=json|csv)")
        return False

    def serve_mart(request: Request, name: str) -> Response:
        items = list(request.query_params.multi_items())
        pinned = next((v for k, v in items if k == "generation"), None)
        if pinned is not None and not _GENERATION.match(pinned):
            raise ApiError(400, f"generation must be 16 hex digits as a response gave it, got {_shown(pinned)}")
        generation = warehouse.acquire(pinned)
        try:
            mart = published_mart(generation, name)
            query = parse_data_query(items, mart)
            csv_wanted = wants_csv(request, query, any(k == "format" for k, _ in items))
            count_sql, page_sql, values = select_sql(mart, query)
            cursor = generation.cursor()
            try:
                total = cursor.execute(count_sql, values).fetchone()[0]
                result = cursor.execute(page_sql, [*values, query.limit, query.offset])
                names = [d[0] for d in result.description]
                records = result.fetchall()
            finally:
                cursor.close()
        finally:
            warehouse.release(generation)
        following = None
        if query.offset + len(records) < total:
            kept = [(k, v) for k, v in items if k not in ("offset", "generation")]
            following = f"{request.url.path}?" + urlencode(
                [*kept, ("offset", str(query.offset + len(records))), ("generation", generation.id)])
        headers = {**meta_headers(generation), "X-Total-Count": str(total)}
        if following:
            headers["Link"] = f'<{following}>; rel="next"'
        rows = [dict(zip(names, (json_value(v) for v in record))) for record in records]
        if query.lang:
            add_labels(generation, mart, rows, query.lang)
            names = [*names, *label_columns(mart)]
        if csv_wanted:
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator="\n")
            writer.writerow(names)
            writer.writerows([csv_value(row[n]) for n in names] for row in rows)
            headers["Content-Disposition"] = f'inline; filename="{mart.name}.csv"'
            return Response(buffer.getvalue().encode("utf-8"), media_type="text/csv; charset=utf-8",
                            headers=headers)
        body = {"mart": mart.name, "generation": generation.id, "data_version": generation.data_version,
                "published_at": generation.published_at, "total": total, "limit": query.limit,
                "offset": query.offset, "next": following, "columns": names, "rows": rows}
        return Response(_json_bytes(body), media_type="application/json", headers=headers)

    def with_generation(request: Request, allowed: tuple[str, ...], where: str):
        params = check_params(list(request.query_params.multi_items()), allowed, where)
        lang = _one("lang", params["lang"]).strip().lower() if "lang" in params else "nb"
        if lang not in LANGUAGES:
            raise ApiError(400, f"lang must be one of {', '.join(LANGUAGES)}, got {_shown(lang)}")
        return lang, warehouse.acquire()

    @app.get("/healthz", include_in_schema=False)
    def healthz():
        return {"status": "ok"}

    @app.get("/v1/meta", summary="Data version, publish time, suppression rule, method")
    def meta(request: Request, lang: str | None = Query(None, description="nb (default) or en")):
        lang, generation = with_generation(request, ("lang",), "/v1/meta")
        try:
            body = {
                "service": "clinical-dashboard open data API", "api_version": API_VERSION,
                "generation": generation.id, "data_version": generation.data_version,
                "data_version_is": "sha256 of the delivered files (raw._deliveries) the warehouse was built from",
                "published_at": generation.published_at,
                "marts": [m for m in marts if m in generation.marts],
                "suppression": {"min_cell_count": min_cell_count, "rule": SUPPRESSION[lang],
                                "rule_nb": SUPPRESSION["nb"], "rule_en": SUPPRESSION["en"],
                                "details": "docs/methods.md#suppression"},
                "method": "docs/methods.md", "guide": "docs/api.md", "openapi": "/openapi.json",
                "formats": list(FORMATS), "languages": list(LANGUAGES),
                "pagination": {"default_limit": DEFAULT_LIMIT, "max_limit": MAX_LIMIT},
                "auth": config.auth,
            }
            return Response(_json_bytes(body), media_type="application/json", headers=meta_headers(generation))
        finally:
            warehouse.release(generation)

    @app.get("/v1/marts", summary="The public marts: titles (Norwegian, English), description, rows, filters")
    def list_marts(request: Request, lang: str | None = Query(None, description="nb (default) or en")):
        lang, generation = with_generation(request, ("lang",), "/v1/marts")
        try:
            entries = []
            for name in marts:
                mart = generation.marts.get(name)
                doc = docs[name]
                entry = {"name": name, "title": doc.title_nb if lang == "nb" else doc.title_en,
                         "title_nb": doc.title_nb, "title_en": doc.title_en, "description": doc.description,
                         "path": f"/v1/marts/{name}", "published": mart is not None}
                if mart is not None:
                    cursor = generation.cursor()
                    try:
                        entry["rows"] = cursor.execute(f"select count(*) from {mart.relation}").fetchone()[0]
                    finally:
                        cursor.close()
                    entry["filters"] = list(mart.filters())
                entries.append(entry)
            body = {"generation": generation.id, "data_version": generation.data_version,
                    "published_at": generation.published_at, "marts": entries}
            return Response(_json_bytes(body), media_type="application/json", headers=meta_headers(generation))
        finally:
            warehouse.release(generation)

    @app.get("/v1/marts/{mart}/columns", summary="A mart's columns: type, description, filter parameter")
    def columns(request: Request, mart: str):
        _, generation = with_generation(request, (), f"/v1/marts/{mart}/columns")
        try:
            found = published_mart(generation, mart)
            by_column = {column: param for param, column in found.filters().items()}
            body = {"mart": mart, "generation": generation.id, "columns": [
                {"name": name, "type": data_type, "description": docs[mart].columns.get(name, ""),
                 "filter": by_column.get(name)} for name, data_type in found.columns],
                "label_columns": label_columns(found)}
            return Response(_json_bytes(body), media_type="application/json", headers=meta_headers(generation))
        finally:
            warehouse.release(generation)

    # One route per mart, its filters declared for the OpenAPI document (they are checked
    # against the published mart's columns on every request).
    declared = {m: [c for c in docs[m].columns] for m in marts}
    for alias, mart_name in (("samples", "dim_samples"), ("areas", "dim_areas"), ("periods", "dim_periods")):
        if mart_name in marts:
            _add_mart_route(app, f"/v1/{alias}", mart_name, declared[mart_name], serve_mart,
                            docs[mart_name], alias=True)
    for name in marts:
        _add_mart_route(app, f"/v1/marts/{name}", name, declared[name], serve_mart, docs[name])

    @app.get("/v1/marts/{mart}", include_in_schema=False)
    def unknown_mart(mart: str):
        raise ApiError(404, f"no public mart {_shown(mart)}; marts: {', '.join(marts)}")

    return app


def _add_mart_route(app: FastAPI, path: str, mart: str, columns: list[str], serve, doc: MartDoc,
                    alias: bool = False) -> None:
    def endpoint(request, **_ignored):
        return serve(request, mart)

    parameters = [inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Request)]
    for param, column in FILTERS.items():
        if not columns or column in columns:
            parameters.append(inspect.Parameter(
                param, inspect.Parameter.KEYWORD_ONLY, annotation=list[str] | None,
                default=Query(None, description=f"column {column}: one or more values (repeat, or comma-separated)")))
    controls = {
        "limit": f"rows per page, 1-{MAX_LIMIT} (default {DEFAULT_LIMIT})",
        "offset": "rows to skip (default 0); follow `next` instead of counting",
        "format": "json (default) or csv; or send Accept: text/csv",
        "lang": "nb or en: add label columns (sample_label, area_label, period_label) in that language",
        "generation": "pin the published state a read began on (the `next` link sets it)",
    }
    for param, description in controls.items():
        parameters.append(inspect.Parameter(param, inspect.Parameter.KEYWORD_ONLY, annotation=str | None,
                                            default=Query(None, description=description)))
    endpoint.__signature__ = inspect.Signature(parameters)
    endpoint.__name__ = f"{'alias' if alias else 'mart'}_{path.rsplit('/', 1)[-1]}"
    summary = f"{doc.title_en} ({doc.title_nb})" + (f": the rows of {mart}" if alias else "")
    app.add_api_route(path, endpoint, methods=["GET"], summary=summary,
                      description=doc.description or mart, tags=["metadata" if alias else "marts"],
                      responses={200: {"content": {"application/json": {}, "text/csv": {}},
                                       "description": "rows (JSON object with rows, total, next; or CSV)"},
                                 400: {"description": "unknown parameter or bad value"},
                                 401: {"description": "API key missing, unknown or revoked"},
                                 409: {"description": "the pinned generation is no longer served"},
                                 429: {"description": "rate limit reached (Retry-After)"}})


def openapi_document(config: ApiConfig) -> dict:
    """The OpenAPI document of the API (needs the project, not the warehouse)."""
    return create_app(config).openapi()


def serve(config: ApiConfig, host: str, port: int) -> None:
    """Run the API with uvicorn until interrupted; request log lines on stderr."""
    import uvicorn

    access = logging.getLogger("clinical_dashboard.api.access")
    if not access.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        access.addHandler(handler)
    access.setLevel(logging.INFO)
    access.propagate = False
    app = create_app(config)
    stop = threading.Event()

    def sweeper():  # closes idle and expired handles even when no request comes
        while not stop.wait(min(5.0, max(0.5, config.idle_seconds / 2))):
            app.state.warehouse.sweep()

    threading.Thread(target=sweeper, daemon=True, name="api-sweeper").start()
    print(f"clinical-dashboard api: serving {config.warehouse} read-only on http://{host}:{port}/ "
          f"(auth {config.auth}; guide docs/api.md, OpenAPI /openapi.json)", flush=True)
    try:
        # uvicorn's own access log is off: it would log client addresses and query values.
        uvicorn.run(app, host=host, port=port, access_log=False, log_level="warning")
    finally:
        stop.set()
        app.state.warehouse.close()
