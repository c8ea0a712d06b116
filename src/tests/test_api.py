"""The read-only HTTP API (issue 33, src/clinical_dashboard/api.py), tested against running
servers: ``clinical-dashboard api`` started in a subprocess on a free port.

* ``server`` serves the session's ``small_warehouse`` (read-only) with API keys required;
* ``publishing`` serves a file that the tests replace with ``publish.publish`` (the real atomic
  swap) while clients read, in open mode (the default on 127.0.0.1).

Every expected value is read from the warehouse with DuckDB, not from the API's own code.
"""

from __future__ import annotations

import csv
import hashlib
import http.client
import io
import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import duckdb
import pytest
import yaml

from clinical_dashboard.api_cli import default_auth
from clinical_dashboard.api_keys import issue_key, read_keys, revoke_key
from clinical_dashboard.publish import publish

#: reads conftest's small_warehouse (built by dbt when make test has not built it): left out of
#: `make check` (-m 'not slow') like the other tests that need a built warehouse
pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
MARTS = tuple(yaml.safe_load((REPO / "dbt_project.yml").read_text("utf-8"))["vars"]["dashboard_exports"])
#: marts too big to page through whole in a test: compared whole under filters instead
BIG = {"fct_utilisation_rates": {"sample": "sample_id"},
       "fct_data_completeness": {"source": "source", "year": "year"}}
#: per mart, the columns that are null on a suppressed row (the count and what derives from it)
SUPPRESSED_NULL = {
    "fct_utilisation_rates": ["events", "crude_rate", "std_rate", "std_rate_lower", "std_rate_upper"],
    "fct_waiting_times": ["new_referrals", "referral_rate", "mean_waiting_days", "median_waiting_days"],
    "fct_patient_flows": ["number", "share_own_hf", "share_other_rhf"],
    "fct_nki_indicators": ["numerator", "share", "share_lower", "share_upper"],
    "fct_npr_key_figures": ["value", "pct_change"],
    "fct_rbf_indicators": ["numerator", "share", "points"],
    "fct_cancer_survival": ["n_patients", "relative_survival_pct"],
    "fct_health_community_patients": ["patients"],
    "fct_health_community_referrals": ["new_referrals", "rejected_share"],
}


# --- a small HTTP client ----------------------------------------------------------------------

class Answer:
    def __init__(self, status: int, headers: dict[str, str], body: bytes):
        self.status, self.headers, self.body = status, headers, body

    def json(self):
        return json.loads(self.body)

    def csv(self) -> list[list[str]]:
        return list(csv.reader(io.StringIO(self.body.decode("utf-8"))))

    def __repr__(self) -> str:
        return f"<{self.status} {self.body[:300]!r}>"


class Client:
    def __init__(self, port: int, key: str | None = None):
        self.port, self.key = port, key

    def get(self, path: str, params=None, headers: dict | None = None, method: str = "GET") -> Answer:
        """GET ``path`` (already encoded) with ``params`` (pairs or dict, encoded here)."""
        if params:
            path += ("&" if "?" in path else "?") + urlencode(params, doseq=True)
        sent = dict(headers or {})
        if self.key and "X-API-Key" not in sent:
            sent["X-API-Key"] = self.key
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request(method, path, headers=sent)
            response = connection.getresponse()
            return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
        finally:
            connection.close()

    def ok(self, path: str, params=None, headers: dict | None = None) -> Answer:
        answer = self.get(path, params, headers)
        assert answer.status == 200, (path, params, answer)
        return answer

    def follow(self, answer: Answer, headers: dict | None = None) -> tuple[list[dict], set[str], int, Answer]:
        """The pages of a read from its first ``answer``, following ``next`` up to the last page or
        the first answer that is not 200: (rows, generations seen, pages read, that last answer)."""
        rows, generations, pages = [], set(), 0
        while answer.status == 200:
            body = answer.json()
            rows += body["rows"]
            generations.add(body["generation"])
            pages += 1
            if body["next"] is None:
                break
            answer = self.get(body["next"], None, headers)
        return rows, generations, pages, answer

    def read_all(self, path: str, params=None, headers: dict | None = None) -> tuple[list[dict], set[str], int]:
        """Every page of a read, following ``next``: (rows, generations seen, pages)."""
        rows, generations, pages, answer = self.follow(self.get(path, params, headers), headers)
        assert answer.status == 200, (path, params, answer)
        return rows, generations, pages


#: how long a server may take to answer its first request before the test gives up on it
SERVER_START_SECONDS = 300


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "clinical_dashboard.cli", *args], cwd=REPO, capture_output=True,
                          text=True, env={**os.environ, **(env or {})}, timeout=120)


class Server:
    """``clinical-dashboard api`` in a subprocess; its stderr (the request log) in a file."""

    def __init__(self, warehouse: Path, folder: Path, *args: str):
        self.port = _free_port()
        self.log = folder / f"server-{self.port}.log"
        self.access_log = folder / f"access-{self.port}.jsonl"
        self._stderr = self.log.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "clinical_dashboard.cli", "api", "--port", str(self.port), "--warehouse",
             str(warehouse), "--project-dir", str(REPO), "--access-log", str(self.access_log), *args],
            cwd=REPO, stdout=self._stderr, stderr=subprocess.STDOUT)
        # the deadline only ends a start that hangs: make test runs this step niced beside the
        # dashboard's build, where the server's start (imports, the model yml) can wait long
        deadline = time.monotonic() + SERVER_START_SECONDS
        while True:
            try:
                if Client(self.port).get("/healthz").status == 200:
                    break
            except OSError:
                pass
            assert self.process.poll() is None, f"the API server stopped:\n{self.log.read_text()}"
            assert time.monotonic() < deadline, (
                f"the API server did not answer in {SERVER_START_SECONDS} s:\n{self.log.read_text()}")
            time.sleep(0.2)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._stderr.close()


# --- expected values, straight from the warehouse ---------------------------------------------

def _mart_rows(database: Path, mart: str, where: str = "", values: list | None = None,
               page: str = "") -> tuple[list[str], list[tuple]]:
    with duckdb.connect(str(database), read_only=True) as con:
        result = con.execute(f"select * from main_marts.{mart} {where} order by all {page}", values or [])
        return [d[0] for d in result.description], result.fetchall()


def _csv_field(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("api")


@pytest.fixture(scope="module")
def keys_file(folder) -> Path:
    return folder / "keys.json"


@pytest.fixture(scope="module")
def issued(keys_file) -> dict[str, str]:
    """The main key (the server's default rate), issued with the CLI, which prints it once; a
    slow one and one to revoke, issued in this process."""
    done = _cli("api-key", "--keys-file", str(keys_file), "issue", "--name", "tests")
    assert done.returncode == 0 and "shown only now" in done.stderr, done.stderr
    keys = {"tests": done.stdout.strip()}
    keys["slow"] = issue_key(keys_file, "slow", rate_per_minute=3)[0]
    keys["revoked-mid-run"] = issue_key(keys_file, "revoked-mid-run")[0]
    return keys


@pytest.fixture(scope="module")
def server(small_warehouse, folder, keys_file, issued):
    running = Server(small_warehouse, folder, "--auth", "keys", "--keys-file", str(keys_file),
                     "--rate-limit", "100000")
    yield running
    running.stop()


@pytest.fixture(scope="module")
def client(server, issued) -> Client:
    return Client(server.port, issued["tests"])


# --- metadata ---------------------------------------------------------------------------------

def test_meta_names_the_published_state(client, small_warehouse):
    body = client.ok("/v1/meta").json()
    with duckdb.connect(str(small_warehouse), read_only=True) as con:
        ledger = con.execute(
            "select file, delivery_hash from raw._deliveries d where status = 'loaded' and not exists ("
            "select 1 from raw._deliveries n where n.file = d.file and n.status in ('loaded', 'withdrawn') "
            "and n.attempted_at > d.attempted_at) order by file").fetchall()
    assert body["data_version"] == hashlib.sha256(
        "".join(f"{f}\t{h}\n" for f, h in ledger).encode()).hexdigest()[:16]
    mtime = small_warehouse.stat().st_mtime
    assert body["published_at"] == time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(mtime))
    assert body["suppression"]["min_cell_count"] == 5
    assert "null" in body["suppression"]["rule_en"] and "null" in body["suppression"]["rule_nb"]
    assert body["method"] == "docs/methods.md" and (REPO / body["method"]).is_file()
    assert body["marts"] == list(MARTS)
    assert client.ok("/v1/meta", {"lang": "en"}).json()["suppression"]["rule"] == body["suppression"]["rule_en"]


def test_marts_list_counts_and_titles(client, small_warehouse):
    body = client.ok("/v1/marts").json()
    assert [m["name"] for m in body["marts"]] == list(MARTS)
    with duckdb.connect(str(small_warehouse), read_only=True) as con:
        for entry in body["marts"]:
            assert entry["rows"] == con.execute(f"select count(*) from main_marts.{entry['name']}").fetchone()[0]
    rates = next(m for m in body["marts"] if m["name"] == "fct_utilisation_rates")
    assert (rates["title_nb"], rates["title_en"]) == ("Forbruksrater", "Utilisation rates")
    assert {"sample", "measure", "year", "period", "area_level", "area_code", "provider_option"} <= set(rates["filters"])
    rbf = next(m for m in body["marts"] if m["name"] == "fct_rbf_indicators")
    assert {"rbf_year", "calculation"} <= set(rbf["filters"]) and "year" not in rbf["filters"]
    figures = next(m for m in body["marts"] if m["name"] == "fct_npr_key_figures")
    assert {"figure", "region", "year"} <= set(figures["filters"])


@pytest.mark.parametrize("mart", MARTS)
def test_columns_are_the_marts(client, small_warehouse, mart):
    body = client.ok(f"/v1/marts/{mart}/columns").json()
    with duckdb.connect(str(small_warehouse), read_only=True) as con:
        described = con.execute(f"describe main_marts.{mart}").fetchall()
    assert [(c["name"], c["type"]) for c in body["columns"]] == [(r[0], r[1]) for r in described]
    assert all(c["description"] for c in body["columns"]), "every mart column is described in its yml"


def test_samples_and_areas_endpoints(client, small_warehouse):
    for path, mart in (("/v1/samples", "dim_samples"), ("/v1/areas", "dim_areas"), ("/v1/periods", "dim_periods")):
        columns, expected = _mart_rows(small_warehouse, mart)
        rows, _, _ = client.read_all(path)
        assert [tuple(r[c] for c in columns) for r in rows] == expected
    hf = client.ok("/v1/areas", {"area_level": "hf"}).json()
    assert hf["total"] > 0 and {r["area_level"] for r in hf["rows"]} == {"hf"}


def test_openapi_documents_every_mart_and_its_filters(client):
    document = client.ok("/openapi.json").json()
    for mart in MARTS:
        assert f"/v1/marts/{mart}" in document["paths"]
    params = {p["name"] for p in document["paths"]["/v1/marts/fct_utilisation_rates"]["get"]["parameters"]}
    assert {"sample", "measure", "year", "period", "area_level", "area_code", "provider_option",
            "limit", "offset", "format", "lang"} <= params


def test_openapi_document_in_docs_is_current(client):
    """docs/openapi.json (clinical-dashboard api --print-openapi) has the served paths and
    parameters (descriptions may lag behind the model yml files)."""
    def shape(document: dict) -> dict:
        return {path: sorted(p["name"] for p in item["get"].get("parameters", []))
                for path, item in document["paths"].items()}

    served = client.ok("/openapi.json").json()
    assert shape(json.loads((REPO / "docs" / "openapi.json").read_text("utf-8"))) == shape(served), (
        "docs/openapi.json is stale: run `.venv/bin/clinical-dashboard api --print-openapi > docs/openapi.json`")
    assert served["components"]["securitySchemes"]["ApiKey"]["name"] == "X-API-Key"


# --- data: equal to the mart ------------------------------------------------------------------

@pytest.mark.parametrize("mart", MARTS)
def test_json_and_csv_equal_the_mart(client, small_warehouse, mart):
    params: dict = {"limit": 10000}
    where, values = "", []
    if mart in BIG:
        with duckdb.connect(str(small_warehouse), read_only=True) as con:
            for param, column in BIG[mart].items():
                values.append(con.execute(f"select min({column}) from main_marts.{mart}").fetchone()[0])
                params[param] = values[-1]
        where = "where " + " and ".join(f"{column} = ?" for column in BIG[mart].values())
    columns, expected = _mart_rows(small_warehouse, mart, where, values)
    assert expected, f"{mart} is empty in the small warehouse: nothing compared"

    rows, generations, pages = client.read_all(f"/v1/marts/{mart}", params)
    assert len(generations) == 1
    assert [list(r) for r in rows] == [columns] * len(rows)  # keys in the mart's column order
    assert [tuple(r.values()) for r in rows] == expected

    table, offset = [], 0
    while True:
        answer = client.ok(f"/v1/marts/{mart}", {**params, "format": "csv", "offset": offset})
        assert answer.headers["content-type"].startswith("text/csv")
        header, *body = answer.csv()
        assert header == columns
        table += body
        offset += len(body)
        if offset >= int(answer.headers["x-total-count"]):
            assert "link" not in answer.headers
            break
        assert answer.headers["link"].endswith('rel="next"')
    assert table == [[_csv_field(v) for v in row] for row in expected]


def test_big_marts_first_page_unfiltered(client, small_warehouse):
    for mart in BIG:
        columns, expected = _mart_rows(small_warehouse, mart, page="limit 500 offset 1000")
        with duckdb.connect(str(small_warehouse), read_only=True) as con:
            total = con.execute(f"select count(*) from main_marts.{mart}").fetchone()[0]
        body = client.ok(f"/v1/marts/{mart}", {"limit": 500, "offset": 1000}).json()
        assert body["total"] == total and len(expected) == 500
        assert [tuple(r.values()) for r in body["rows"]] == expected


@pytest.mark.parametrize("mart", MARTS)
def test_every_filter(client, small_warehouse, mart):
    """Each filter of the mart with one value and with two: the total and the rows are those of
    the mart where the column has the value(s)."""
    filters = {c["filter"]: c["name"] for c in client.ok(f"/v1/marts/{mart}/columns").json()["columns"] if c["filter"]}
    assert "suppressed" not in filters or filters["suppressed"] == "is_suppressed"
    with duckdb.connect(str(small_warehouse), read_only=True) as con:
        for param, column in filters.items():
            found = [r[0] for r in con.execute(
                f'select distinct "{column}" from main_marts.{mart} where "{column}" is not null order by 1').fetchall()]
            assert found, f"{mart}.{column} has no values"
            for chosen in (found[-1:], found[:2]):
                text = ",".join(_csv_field(v) for v in chosen)
                count = con.execute(f'select count(*) from main_marts.{mart} where "{column}" in (select unnest(?))',
                                    [chosen]).fetchone()[0]
                body = client.ok(f"/v1/marts/{mart}", {param: text, "limit": 50}).json()
                assert body["total"] == count, (mart, param, chosen)
                assert body["rows"] and all(r[column] in chosen for r in body["rows"]), (mart, param, chosen)
                # the same filter as a repeated parameter
                repeated = client.ok(f"/v1/marts/{mart}", [(param, _csv_field(v)) for v in chosen] + [("limit", 1)])
                assert repeated.json()["total"] == count


def test_dashboard_selection_combined(client, small_warehouse):
    """The rate panel's selection (sample, measure, provider option, year, period, area level)
    gives exactly the mart's rows."""
    with duckdb.connect(str(small_warehouse), read_only=True) as con:
        sample, measure, option, year = con.execute(
            "select sample_id, measure, provider_option, year from main_marts.fct_utilisation_rates "
            "where provider_option <> 'all' and period = 'year' and area_level = 'hf' "
            "order by year desc, sample_id, measure, provider_option limit 1").fetchone()
    where = ("where sample_id = ? and measure = ? and provider_option = ? and year = ? and period = 'year' "
             "and area_level in ('norway', 'hf')")
    columns, expected = _mart_rows(small_warehouse, "fct_utilisation_rates", where, [sample, measure, option, year])
    rows, _, _ = client.read_all("/v1/marts/fct_utilisation_rates", {
        "sample": sample, "measure": measure, "provider_option": option, "year": year, "period": "year",
        "area_level": "norway,hf"})
    assert expected and [tuple(r.values()) for r in rows] == expected


# --- suppression, labels, pagination, formats -------------------------------------------------

@pytest.mark.parametrize("mart", sorted(SUPPRESSED_NULL))
def test_suppressed_cells_are_null_with_their_reason(client, small_warehouse, mart):
    with duckdb.connect(str(small_warehouse), read_only=True) as con:
        hidden = con.execute(f"select count(*) from main_marts.{mart} where is_suppressed").fetchone()[0]
    if hidden == 0:
        pytest.skip(f"no suppressed cell in {mart} of the small warehouse")
    body = client.ok(f"/v1/marts/{mart}", {"suppressed": "true", "limit": 2000}).json()
    assert body["total"] == hidden and body["rows"]
    for row in body["rows"]:
        assert row["is_suppressed"] is True
        assert all(row[c] is None for c in SUPPRESSED_NULL[mart]), row
        if "suppression_reason" in row:
            assert row["suppression_reason"] in ("primary", "complementary"), row
    header, *table = client.ok(f"/v1/marts/{mart}", {"suppressed": "true", "limit": 2000, "format": "csv"}).csv()
    for line in table:
        record = dict(zip(header, line))
        assert all(record[c] == "" for c in SUPPRESSED_NULL[mart]), record  # empty, never 0


def test_labels_in_norwegian_and_english(client, small_warehouse):
    with duckdb.connect(str(small_warehouse), read_only=True) as con:
        samples = {r[0]: r[1:] for r in con.execute("select sample_id, name_nb, name_en from main_marts.dim_samples").fetchall()}
        areas = {(r[0], r[1]): r[2:] for r in con.execute(
            "select area_level, area_code, area_name, area_name_en from main_marts.dim_areas").fetchall()}
        periods = {r[0]: r[1:] for r in con.execute(
            "select distinct period, period_name_nb, period_name_en from main_marts.dim_periods").fetchall()}
    for index, lang in enumerate(("nb", "en")):
        body = client.ok("/v1/marts/fct_utilisation_rates", {"lang": lang, "limit": 300, "area_level": "rhf,hf"}).json()
        assert body["columns"][-3:] == ["sample_label", "area_label", "period_label"]
        for row in body["rows"]:
            assert row["sample_label"] == samples[row["sample_id"]][index]
            assert row["area_label"] == areas[(row["area_level"], row["area_code"])][index]
            assert row["period_label"] == periods[row["period"]][index]
    header = client.ok("/v1/marts/fct_waiting_times", {"lang": "en", "limit": 1, "format": "csv"}).csv()[0]
    assert header[-2:] == ["sample_label", "area_label"]
    plain = client.ok("/v1/marts/fct_utilisation_rates", {"limit": 1}).json()
    assert "sample_label" not in plain["columns"]  # without lang the rows are the mart's


def test_pagination(client, small_warehouse):
    columns, expected = _mart_rows(small_warehouse, "fct_waiting_times")
    rows, generations, pages = client.read_all("/v1/marts/fct_waiting_times", {"limit": 1000})
    assert pages == -(-len(expected) // 1000) and len(generations) == 1
    assert [tuple(r.values()) for r in rows] == expected
    first = client.ok("/v1/marts/fct_waiting_times", {"limit": 7, "offset": 3})
    body = first.json()
    assert (body["total"], body["limit"], body["offset"], len(body["rows"])) == (len(expected), 7, 3, 7)
    assert first.headers["x-total-count"] == str(len(expected))
    assert "offset=10" in body["next"] and f"generation={body['generation']}" in body["next"]
    assert first.headers["link"] == f'<{body["next"]}>; rel="next"'
    assert client.ok("/v1/marts/fct_waiting_times").json()["limit"] == 1000  # the default
    beyond = client.ok("/v1/marts/fct_waiting_times", {"offset": len(expected) + 5}).json()
    assert beyond["rows"] == [] and beyond["next"] is None and beyond["total"] == len(expected)


def test_formats_by_accept_and_parameter(client):
    path = "/v1/marts/dim_periods"
    assert client.ok(path).headers["content-type"].startswith("application/json")
    assert client.ok(path, headers={"Accept": "text/csv"}).headers["content-type"].startswith("text/csv")
    assert client.ok(path, {"format": "csv"}).headers["content-type"].startswith("text/csv")
    # ?format= wins over Accept
    assert client.ok(path, {"format": "json"}, {"Accept": "text/csv"}).headers["content-type"].startswith(
        "application/json")
    assert client.ok(path, headers={"Accept": "text/html,*/*;q=0.8"}).headers["content-type"].startswith(
        "application/json")
    refused = client.get(path, headers={"Accept": "application/xml"})
    assert refused.status == 406 and "text/csv" in refused.json()["error"]["message"]
    for answer in (client.ok(path), client.ok(path, {"format": "csv"})):
        assert answer.headers["x-generation"] and answer.headers["x-data-version"] and answer.headers["x-published-at"]


# --- hostile requests -------------------------------------------------------------------------

HOSTILE_400 = [
    ("/v1/marts/fct_utilisation_rates?year%3Bdrop%20table%20x=1", "unknown query parameter"),
    ("/v1/marts/fct_utilisation_rates?%22year%22=2020", "unknown query parameter"),
    ("/v1/marts/fct_utilisation_rates?year%00=2020", "unknown query parameter"),
    ("/v1/marts/fct_utilisation_rates?sample_id=x", "unknown query parameter 'sample_id'"),
    ("/v1/marts/fct_utilisation_rates?rbf_year=2024", "unknown query parameter 'rbf_year'"),
    ("/v1/marts/fct_utilisation_rates?%F0%9F%99%82=1", "unknown query parameter"),
    ("/v1/marts/fct_utilisation_rates?limit=10001", "limit must be from 1 to 10000"),
    ("/v1/marts/fct_utilisation_rates?limit=0", "limit must be from 1 to 10000"),
    ("/v1/marts/fct_utilisation_rates?limit=-5", "limit must be"),
    ("/v1/marts/fct_utilisation_rates?limit=1e3", "limit must be a whole number"),
    ("/v1/marts/fct_utilisation_rates?limit=99999999999999999999999999", "limit must be a whole number"),
    ("/v1/marts/fct_utilisation_rates?offset=-1", "offset must be from 0"),
    ("/v1/marts/fct_utilisation_rates?offset=abc", "offset must be a whole number"),
    ("/v1/marts/fct_utilisation_rates?limit=5&limit=6", "given 2 times"),
    ("/v1/marts/fct_utilisation_rates?format=xml", "format must be one of json, csv"),
    ("/v1/marts/fct_utilisation_rates?format=csv&format=json", "given 2 times"),
    ("/v1/marts/fct_utilisation_rates?lang=de", "lang must be one of nb, en"),
    ("/v1/marts/fct_utilisation_rates?year=2020.5", "takes whole numbers"),
    ("/v1/marts/fct_utilisation_rates?year=2020%20or%201%3D1", "takes whole numbers"),
    ("/v1/marts/fct_utilisation_rates?suppressed=maybe", "takes true or false"),
    ("/v1/marts/fct_utilisation_rates?sample=", "empty value"),
    ("/v1/marts/fct_utilisation_rates?sample=a,,b", "empty value"),
    ("/v1/marts/fct_utilisation_rates?sample=%00", "control characters"),
    ("/v1/marts/fct_utilisation_rates?sample=a%0Ab", "control characters"),
    ("/v1/marts/fct_utilisation_rates?sample=" + "x" * 201, "longer than 200"),
    ("/v1/marts/fct_utilisation_rates?sample=" + ",".join(["a"] * 201), "at most 200 values"),
    ("/v1/marts/fct_utilisation_rates?generation=zzz", "generation must be 16 hex digits"),
    ("/v1/marts/fct_utilisation_rates?sample=" + "a" * 20000, "longer than 200"),
    ("/v1/marts/dim_areas?" + "&".join(f"p{i}=1" for i in range(3000)), "unknown query parameter 'p0'"),
    ("/v1/marts/fct_utilisation_rates?offset=99999999999999999999", "offset must be a whole number"),
    ("/v1/meta?x=1", "unknown query parameter 'x' for /v1/meta"),
    ("/v1/marts?limit=1", "unknown query parameter 'limit' for /v1/marts"),
    ("/v1/marts/dim_areas/columns?lang=en", "unknown query parameter"),
]


@pytest.mark.parametrize("path,message", HOSTILE_400, ids=[f"{i}:{m[:24]}" for i, (_, m) in enumerate(HOSTILE_400)])
def test_hostile_requests_get_a_clear_400(client, path, message):
    answer = client.get(path)
    assert answer.status == 400, answer
    error = answer.json()["error"]
    assert error["status"] == 400 and message in error["message"], error


def test_injection_in_values_is_only_a_value(client, small_warehouse):
    """Values are bound: SQL in them matches nothing and changes nothing; unicode is a value."""
    with duckdb.connect(str(small_warehouse), read_only=True) as con:
        before = con.execute("select count(*) from main_marts.dim_samples").fetchone()[0]
        some_area = con.execute("select area_name from main_marts.dim_areas where area_name like '%ø%' "
                                "limit 1").fetchone()[0]
    for value in ["' or 1=1 --", "x'); drop table main_marts.dim_samples; --", "\" or \"\"=\"",
                  "som_referrals_010' union select * from raw._deliveries --", "🙂", "Førde", "%", "_", "*"]:
        body = client.ok("/v1/marts/fct_utilisation_rates", {"sample": value, "limit": 5}).json()
        assert (body["total"], body["rows"]) == (0, []), value
    for raw in ("sample=%ZZ", "sample=%C3%28", "sample=%27%20or%20%271%27=%271"):  # bad escapes, bad UTF-8
        body = client.ok(f"/v1/marts/fct_utilisation_rates?{raw}").json()
        assert (body["total"], body["rows"]) == (0, []), raw
    assert client.ok("/v1/marts/dim_samples").json()["total"] == before
    # a value with Norwegian letters matches exactly (dim_areas has no area_name filter: area_code)
    assert client.ok("/v1/areas", {"area_code": some_area}).json()["total"] == 0


def test_hostile_paths_and_methods(client):
    for path in ["/v1/marts/raw._deliveries", "/v1/marts/main_marts.dim_areas", "/v1/marts/int_events",
                 "/v1/marts/dim_areas%3B%20drop%20table%20x", "/v1/marts/..%2F..%2Fetc%2Fpasswd",
                 "/v1/marts/%F0%9F%99%82", "/v1/marts/stg_npr_som__contacts/columns"]:
        answer = client.get(path)
        assert answer.status == 404, (path, answer)
        # a decoded %2F makes a path no route has: "no such endpoint"
        assert any(m in answer.json()["error"]["message"] for m in ("no public mart", "no such endpoint"))
    assert client.get("/v1/nothing").status == 404
    for method in ("POST", "PUT", "DELETE"):
        answer = client.get("/v1/marts/dim_areas", method=method)
        assert answer.status == 405 and "read-only" in answer.json()["error"]["message"]


def test_unknown_generation_is_a_conflict(client):
    answer = client.get("/v1/marts/dim_areas", {"generation": "0123456789abcdef"})
    assert answer.status == 409
    error = answer.json()["error"]
    assert "start the read again" in error["message"]
    assert error["current_generation"] == client.ok("/v1/meta").json()["generation"]


# --- access: keys, revocation, rate limits, the request log -----------------------------------

def test_keys_are_required_and_stored_hashed(server, keys_file, issued):
    anonymous = Client(server.port)
    for headers, why in (({}, "API key is required"), ({"X-API-Key": "guess"}, "not an API key"),
                         ({"X-API-Key": issued["tests"][:-4] + "AAAA"}, "unknown API key")):
        answer = anonymous.get("/v1/meta", headers=headers)
        assert answer.status == 401 and why in answer.json()["error"]["message"], answer
    assert anonymous.get("/v1/meta", headers={"Authorization": f"Bearer {issued['tests']}"}).status == 200
    assert anonymous.get("/healthz").status == 200 and anonymous.get("/openapi.json").status == 200
    stored = keys_file.read_text()
    for key in issued.values():
        assert key not in stored and hashlib.sha256(key.encode()).hexdigest() in stored
    assert oct(keys_file.stat().st_mode & 0o777) == "0o600"


def test_key_revoked_mid_read(server, keys_file, issued):
    reader = Client(server.port, issued["revoked-mid-run"])
    first = reader.ok("/v1/marts/fct_waiting_times", {"limit": 100}).json()
    key_id = issued["revoked-mid-run"].split("_")[1]
    done = _cli("api-key", "--keys-file", str(keys_file), "revoke", key_id)
    assert done.returncode == 0 and "revoked" in done.stdout, done.stderr
    answer = reader.get(first["next"])
    assert answer.status == 401 and f"API key {key_id} was revoked" in answer.json()["error"]["message"]
    assert Client(server.port, issued["tests"]).get(first["next"]).status == 200  # the others still read
    listing = _cli("api-key", "--keys-file", str(keys_file), "list").stdout
    assert f"{key_id}  revoked-mid-run" in listing and "revoked 20" in listing
    assert issued["revoked-mid-run"] not in listing
    assert not read_keys(keys_file)[key_id].active


def test_rate_limit_per_key(server, issued):
    slow = Client(server.port, issued["slow"])
    statuses = [slow.get("/v1/meta").status for _ in range(3)]
    assert statuses == [200, 200, 200]
    limited = slow.get("/v1/meta")
    assert limited.status == 429, limited
    assert int(limited.headers["retry-after"]) >= 1
    assert "rate limit of 3 requests per minute" in limited.json()["error"]["message"]
    assert Client(server.port, issued["tests"]).get("/v1/meta").status == 200  # per key


def test_request_log_has_no_personal_data(server, client, issued):
    client.ok("/v1/marts/fct_utilisation_rates", {"sample": "marker-value-7", "limit": 1})
    assert client.get("/v1/marts/jane.doe.1970").status == 404
    assert client.get("/v1/meta", {"john.doe@example.org": "x", "lang": "en"}).status == 400
    lines = [json.loads(line) for line in server.access_log.read_text().splitlines()]
    key_id = issued["tests"].split("_")[1]
    mine = [line for line in lines if line["params"] == ["limit", "sample"]]
    assert mine and mine[-1]["client"] == f"key:{key_id}" and mine[-1]["status"] == 200
    assert mine[-1]["path"] == "/v1/marts/fct_utilisation_rates" and mine[-1]["method"] == "GET"
    assert set(mine[-1]) == {"time", "client", "method", "path", "params", "unknown_params", "status", "ms"}
    assert lines[-2]["path"] == "(other)" and lines[-2]["status"] == 404
    assert (lines[-1]["path"], lines[-1]["params"], lines[-1]["unknown_params"]) == ("/v1/meta", ["lang"], 1)
    logged = server.access_log.read_text()
    for secret in [*issued.values(), "marker-value-7", "127.0.0.1", "jane.doe", "john.doe"]:
        assert secret not in logged and (secret == "127.0.0.1" or secret not in server.log.read_text()), secret


def test_api_key_cli_errors(folder):
    store = folder / "other-keys.json"
    done = _cli("api-key", "revoke", "deadbeef", env={"CLINICAL_DASHBOARD_API_KEYS": str(store)})
    assert done.returncode == 2 and f"{store}: no key with id 'deadbeef'" in done.stderr
    with pytest.raises(ValueError, match="needs a --name"):
        issue_key(store, " ")
    with pytest.raises(ValueError, match="--rate must be positive"):
        issue_key(store, "x", rate_per_minute=0)
    store.write_text("{not json")
    with pytest.raises(ValueError, match="not a key store"):
        revoke_key(store, "00000000")


# --- publishing while clients read ------------------------------------------------------------

PUBLISH_MARTS = ("dim_areas", "dim_samples", "dim_periods", "fct_waiting_times")
#: how long the publishing server keeps a replaced file readable (its --pin-seconds)
PIN_SECONDS = 12
#: and after how long without requests it closes the file (its --idle-seconds): longer than a
#: publish of the test's small warehouse takes on a loaded machine, which is a pause in a read
IDLE_SECONDS = 6


def _marts_only_copy(source: Path, target: Path, variant: str) -> None:
    """A small warehouse of a few marts and the delivery ledger; variant B differs in rows,
    names and ledger (so in data_version)."""
    with duckdb.connect(str(target)) as con:
        con.execute(f"attach '{source}' as src (read_only)")
        con.execute("create schema main_marts")
        con.execute("create schema raw")
        for mart in PUBLISH_MARTS:
            con.execute(f"create table main_marts.{mart} as select * from src.main_marts.{mart}")
        con.execute("create table raw._deliveries as select * from src.raw._deliveries")
        if variant == "B":
            con.execute("update main_marts.fct_waiting_times set area_name = area_name || ' (B)'")
            con.execute("delete from main_marts.fct_waiting_times where year = (select min(year) "
                        "from main_marts.fct_waiting_times)")
            con.execute("insert into raw._deliveries select * replace ('zz/B.csv' as file) from raw._deliveries "
                        "where status = 'loaded' limit 1")
        con.execute("detach src")


@pytest.fixture(scope="module")
def states(small_warehouse, folder) -> dict:
    made = {}
    for variant in ("A", "B"):
        work = folder / f"work_{variant}.duckdb"
        _marts_only_copy(small_warehouse, work, variant)
        made[variant] = {"work": work, "rows": _mart_rows(work, "fct_waiting_times")[1]}
    assert made["A"]["rows"] != made["B"]["rows"]
    return made


@pytest.fixture(scope="module")
def publishing(states, folder):
    published = folder / "published" / "warehouse.duckdb"
    publish(states["A"]["work"], published)
    # default auth on 127.0.0.1: open
    running = Server(published, folder, "--pin-seconds", str(PIN_SECONDS), "--idle-seconds", str(IDLE_SECONDS))
    yield running, published
    running.stop()


def test_publish_between_pages_keeps_the_read_on_one_state(publishing, states):
    running, published = publishing
    reader = Client(running.port)  # open mode: no key
    # A paged read that began on one state gets all of that state while a publish happens between
    # its pages. Its pages must come within --pin-seconds, and the publish between them must
    # take less than --idle-seconds (a server idle that long closes the state it served, and a
    # read that paused that long gets 409: api.py, Warehouse._sweep). On a loaded machine they
    # may not, and then the 409 is the right answer (never before one of the two has passed);
    # the read is then tried again the other way round (at most three times).
    old, new = "A", "B"
    for _ in range(3):
        first = reader.ok("/v1/marts/fct_waiting_times", {"limit": 1000}).json()
        paused = time.monotonic()
        generation_old = first["generation"]
        assert [tuple(r.values()) for r in first["rows"]] == states[old]["rows"][:1000]
        publish(states[new]["work"], published)
        retired = time.monotonic()  # the next request retires the old state (and starts its pin time)
        rest, generations, pages, answer = reader.follow(reader.get(first["next"]))
        if answer.status == 200:
            rows, generations, pages = first["rows"] + rest, generations | {generation_old}, pages + 1
            break
        assert answer.status == 409, answer
        assert time.monotonic() - retired > PIN_SECONDS or retired - paused > IDLE_SECONDS, (
            f"409 {time.monotonic() - retired:.1f} s after the publish, which took {retired - paused:.1f} s: "
            f"{answer}")
        old, new = new, old
    else:
        pytest.fail(f"three paged reads in a row took longer than the pin time ({PIN_SECONDS} s) or paused "
                    f"longer than the idle time ({IDLE_SECONDS} s)")
    assert pages > 3 and generations == {generation_old}
    assert [tuple(r.values()) for r in rows] == states[old]["rows"]  # all of the old state, nothing new
    fresh = reader.ok("/v1/marts/fct_waiting_times", {"limit": 10000}).json()
    assert fresh["generation"] != generation_old
    assert [tuple(r.values()) for r in fresh["rows"]] == states[new]["rows"]
    meta_new = reader.ok("/v1/meta").json()
    assert meta_new["generation"] == fresh["generation"] and meta_new["data_version"] != first["data_version"]
    # the replaced state stays readable for --pin-seconds (the pages above), then a link to it
    # gets 409; the server retires it at its next request, which a loaded machine may answer
    # late, so ask until it says so (at most half a minute)
    time.sleep(max(0.0, retired + PIN_SECONDS + 0.5 - time.monotonic()))
    gone = reader.get(first["next"])
    deadline = time.monotonic() + 30
    while gone.status == 200 and time.monotonic() < deadline:
        time.sleep(0.5)
        gone = reader.get(first["next"])
    assert gone.status == 409 and gone.json()["error"]["current_generation"] == fresh["generation"]


def test_publishes_while_clients_read_never_mix(publishing, states):
    running, published = publishing
    reader = Client(running.port)
    expected = {"A": states["A"]["rows"], "B": states["B"]["rows"]}
    reads: list[tuple[str, int]] = []
    failures: list[str] = []
    stop = threading.Event()

    restarts: list[int] = []

    def read_repeatedly():
        while not stop.is_set():
            rows, generations, pages, answer = reader.follow(
                reader.get("/v1/marts/fct_waiting_times", {"limit": 2000}))
            if answer.status == 409:  # the read outlived its pin (a slow machine): told to start again
                restarts.append(1)
                continue
            if answer.status == 503 and b"try again" in answer.body:
                # opened in the instant a publish renamed the file into place (DuckDB reads the
                # path more than once): the server says so and the client asks again
                restarts.append(1)
                continue
            if answer.status != 200:
                failures.append(f"{answer}")
                return
            values = [tuple(r.values()) for r in rows]
            state = next((name for name, want in expected.items() if values == want), None)
            if len(generations) != 1 or state is None:
                failures.append(f"a read mixed states: generations {generations}, {len(values)} rows")
            reads.append((state or "?", pages))

    threads = [threading.Thread(target=read_repeatedly) for _ in range(2)]
    for thread in threads:
        thread.start()
    try:
        # five publishes (A, B, A, B, A) while both readers read without pause; the next publish
        # waits until a read has seen the state just published, so on a loaded machine (where
        # opening a new generation can take longer than any fixed period) every state is still
        # read, and a server that never serves a new generation fails here
        for count, variant in enumerate(("A", "B", "A", "B", "A"), start=1):
            seen_before = len(reads)
            publish(states[variant]["work"], published)
            deadline = time.monotonic() + SERVER_START_SECONDS
            while not any(state == variant for state, _ in reads[seen_before:]):
                assert not failures, failures[:3]
                assert time.monotonic() < deadline, f"publish {count} ({variant}) was never read: {reads}"
                time.sleep(0.05)
        time.sleep(0.6)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    assert not failures, failures[:3]
    assert len(reads) >= 4 and {state for state, _ in reads} == {"A", "B"}, reads
    final = reader.ok("/v1/marts/fct_waiting_times", {"limit": 10000}).json()
    assert [tuple(r.values()) for r in final["rows"]] == expected["A"]


def test_an_idle_server_holds_no_lock(publishing):
    """While the server reads, the published file is locked (shared) against writers; after
    --idle-seconds without requests it is closed, and the next request opens it again as the
    same generation."""
    running, published = publishing
    before = Client(running.port).ok("/v1/meta").json()["generation"]
    with pytest.raises(duckdb.IOException, match="lock"):
        duckdb.connect(str(published)).close()
    # closed at the first sweep after IDLE_SECONDS (sweeps every IDLE_SECONDS / 2: api.py)
    time.sleep(IDLE_SECONDS * 1.5 + 1)
    duckdb.connect(str(published)).close()  # a writer may open it now
    assert Client(running.port).ok("/v1/meta").json()["generation"] == before


def test_503_while_no_warehouse_is_published(publishing):
    running, published = publishing
    aside = published.with_name("aside.duckdb")
    published.rename(aside)
    try:
        answer = Client(running.port).get("/v1/meta")
        assert answer.status == 503 and "no published warehouse" in answer.json()["error"]["message"]
    finally:
        aside.rename(published)
    assert Client(running.port).get("/v1/meta").status == 200


def test_default_auth_depends_on_the_address():
    assert default_auth("127.0.0.1") == "open" and default_auth("0.0.0.0") == "keys"
