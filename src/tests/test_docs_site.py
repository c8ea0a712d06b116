"""The documentation says what exists.

* The dbt exposures (models/exposures.yml, shown as lineage on the dbt docs site, `make docs`)
  list exactly the marts each dashboard page reads, the marts the dashboard's parquet exports
  hold, and every public mart for the read-only PostgreSQL role.
* Every `make <target>` and `clinical-dashboard <command> [--option]` that README.md and
  docs/*.md mention exists in the Makefile and in the CLI's argparse parser.

All of it is parsing: no database, no dbt run.
"""

from __future__ import annotations

import argparse
import functools
import re
from pathlib import Path

import pytest
import yaml

from clinical_dashboard.cli import build_parser
from clinical_dashboard.config import REPO_ROOT

PAGES_DIR = REPO_ROOT / "dashboard" / "pages"
PARTIALS_DIR = REPO_ROOT / "dashboard" / "partials"
EXPOSURES = REPO_ROOT / "models" / "exposures.yml"
MARTS_DIR = REPO_ROOT / "models" / "marts"
#: libyaml's loader where it is built (the marts' yml files are large)
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
DOCUMENTS = [REPO_ROOT / "README.md", *sorted((REPO_ROOT / "docs").glob("*.md"))]
#: every page whose links are checked
LINKED = [*DOCUMENTS, REPO_ROOT / "CHANGELOG.md", REPO_ROOT / "benchmarks" / "README.md"]


# ------------------------------------------------------------------------------- exposures
def page_marts(text: str, origin: str = "page") -> set[str]:
    """The marts a page's SQL reads (`marts.<mart>`, the dashboard's source of the parquet
    exports), those of the partials it includes (`{@partial "x.md"}`) included."""
    marts = set(re.findall(r"\bmarts\.([a-z_][a-z0-9_]*)", text))
    for partial in re.findall(r'\{@partial\s+"([^"]+)"\s*\}', text):
        path = PARTIALS_DIR / partial
        assert path.is_file(), f"{origin} includes the partial {partial!r}, which is not in {PARTIALS_DIR}"
        marts |= page_marts(path.read_text("utf-8"), origin=str(path.relative_to(REPO_ROOT)))
    return marts


def dashboard_pages() -> dict[str, set[str]]:
    """dashboard/pages/<path>.md -> the marts it reads."""
    return {str(p.relative_to(REPO_ROOT)): page_marts(p.read_text("utf-8"), str(p.relative_to(REPO_ROOT)))
            for p in sorted(PAGES_DIR.rglob("*.md"))}


def exposures() -> list[dict]:
    return yaml.safe_load(EXPOSURES.read_text("utf-8"))["exposures"]


def refs(exposure: dict) -> list[str]:
    names = []
    for item in exposure.get("depends_on", []):
        match = re.fullmatch(r"""ref\(\s*['"]([a-z0-9_]+)['"]\s*\)""", item.strip())
        assert match, f"{EXPOSURES.name}: exposure {exposure['name']}: depends_on {item!r} is not ref('<model>')"
        names.append(match.group(1))
    assert len(names) == len(set(names)), f"{EXPOSURES.name}: exposure {exposure['name']} lists a mart twice"
    return names


def public_marts() -> set[str]:
    return {p.stem for p in MARTS_DIR.rglob("*.sql")}


def test_page_parser_follows_partials_and_reads_only_marts() -> None:
    text = 'select * from marts.fct_a join marts.dim_b\nselect 1 from other.fct_c\n{@partial "rate-panel.md"}'
    assert page_marts(text) >= {"fct_a", "dim_b", "fct_utilisation_rates"}
    assert "fct_c" not in page_marts(text)


def test_every_dashboard_page_has_an_exposure_with_exactly_the_marts_it_reads() -> None:
    pages = dashboard_pages()
    assert len(pages) > 10 and all(pages.values()), "every dashboard page reads at least one mart"
    by_page = {}
    for exposure in exposures():
        page = exposure.get("meta", {}).get("page")
        if exposure["type"] == "dashboard":
            assert page, f"{EXPOSURES.name}: exposure {exposure['name']} has no meta.page"
            assert page not in by_page, f"{EXPOSURES.name}: two exposures for {page}"
            by_page[page] = exposure
    problems = []
    for page, marts in pages.items():
        if page not in by_page:
            key = page.removeprefix("dashboard/pages/").removesuffix(".md")
            listed = "".join(f"\n      - ref('{m}')" for m in sorted(marts))
            problems.append(f"{page} has no exposure in {EXPOSURES.relative_to(REPO_ROOT)}; add e.g.\n"
                            f"  - name: dashboard_page_{re.sub(r'[^a-z0-9]+', '_', key)}\n"
                            f"    type: dashboard\n    owner:\n      name: Clinical dashboard team\n"
                            f"    meta:\n      page: {page}\n    depends_on:{listed}")
            continue
        exposure = by_page[page]
        listed = set(refs(exposure))
        if listed - marts:
            problems.append(f"exposure {exposure['name']} lists {sorted(listed - marts)}, which {page} does not read")
        if marts - listed:
            problems.append(f"{page} reads {sorted(marts - listed)}, which its exposure {exposure['name']} "
                            "does not list")
    for page in sorted(set(by_page) - set(pages)):
        problems.append(f"exposure {by_page[page]['name']} names {page}, which does not exist")
    assert not problems, "\n".join(problems)


def test_pages_read_only_exported_marts() -> None:
    exported = set(yaml.safe_load((REPO_ROOT / "dbt_project.yml").read_text("utf-8"))["vars"]["dashboard_exports"])
    for page, marts in dashboard_pages().items():
        assert marts <= exported, (f"{page} reads {sorted(marts - exported)}, which is not in the var "
                                   "dashboard_exports of dbt_project.yml (so not exported for the dashboard)")


def test_export_and_reader_exposures_list_the_right_marts() -> None:
    by_name = {e["name"]: e for e in exposures()}
    exported = yaml.safe_load((REPO_ROOT / "dbt_project.yml").read_text("utf-8"))["vars"]["dashboard_exports"]
    assert sorted(refs(by_name["dashboard_parquet_exports"])) == sorted(exported), (
        "exposure dashboard_parquet_exports must list exactly the var dashboard_exports")
    assert set(refs(by_name["postgres_dashboard_reader"])) == public_marts(), (
        "exposure postgres_dashboard_reader must list every model under models/marts")
    for exposure in exposures():
        assert set(refs(exposure)) <= public_marts(), f"exposure {exposure['name']} reads a model that is not a mart"
        assert exposure["owner"]["name"] and exposure["description"].strip(), exposure["name"]


# ------------------------------------------------------------------------------- Norwegian and English
@functools.cache
def mart_docs() -> dict[str, tuple[str, dict[str, str]]]:
    """mart -> (description, {column: description}) from the yml files of models/marts."""
    docs = {}
    for path in MARTS_DIR.rglob("*.yml"):
        for model in (yaml.load(path.read_text("utf-8"), Loader=_YAML_LOADER) or {}).get("models", []):
            docs[model["name"]] = (" ".join(model.get("description", "").split()),
                                   {c["name"]: " ".join(c.get("description", "").split())
                                    for c in model.get("columns", [])})
    return docs


def shown_columns() -> dict[tuple[str, str], set[str]]:
    """(mart, column) -> the titles a dashboard table shows it under: a `<Column id=x title="...">`
    whose id is the column itself or an alias of it (`column as x`) in the page's SQL."""
    docs = mart_docs()
    shown: dict[tuple[str, str], set[str]] = {}
    for page in sorted(PAGES_DIR.rglob("*.md")):
        text = page.read_text("utf-8")
        for partial in re.findall(r'\{@partial\s+"([^"]+)"\s*\}', text):
            text += (PARTIALS_DIR / partial).read_text("utf-8")
        titles = dict(re.findall(r'<Column\s+id=["\']?(\w+)["\']?\s+title="([^"]+)"', text))
        pairs = re.findall(r"\b([a-z_0-9]+)\s+as\s+(\w+)", text) + [(t, t) for t in titles]
        marts = page_marts(text)
        for column, alias in pairs:
            for mart in marts:
                if column in docs.get(mart, ("", {}))[1] and alias in titles:
                    shown.setdefault((mart, column), set()).add(titles[alias])
    return shown


_LABEL = re.compile(r"^(?P<nb>[^/]{1,80}?) / (?P<en>[^/]{1,80}?)\.(?:\s|$)")


def test_dashboard_marts_are_named_in_norwegian_and_english() -> None:
    exported = yaml.safe_load((REPO_ROOT / "dbt_project.yml").read_text("utf-8"))["vars"]["dashboard_exports"]
    docs = mart_docs()
    for mart in exported:
        assert _LABEL.match(docs[mart][0]), (
            f"{mart}: its description should start with its name in Norwegian and English, "
            f"'<norsk> / <english>.', e.g. 'Forbruksrater / utilisation rates.'; it starts {docs[mart][0][:60]!r}")


def test_every_public_mart_and_column_is_described() -> None:
    docs = mart_docs()
    assert set(docs) == public_marts(), "every model under models/marts has its yml entry"
    missing = [f"{mart}.{column}" for mart, (_, columns) in docs.items()
               for column, text in columns.items() if not text]
    missing += [mart for mart, (text, _) in docs.items() if not text]
    assert not missing, f"no description (shown on the docs site, make docs): {missing}"


def test_columns_shown_on_the_dashboard_carry_the_norwegian_term() -> None:
    """A column a dashboard table shows is described as '<the title the user sees ...> / <English>.'"""
    shown = shown_columns()
    assert len(shown) > 40 and ("fct_utilisation_rates", "std_rate") in shown
    docs = mart_docs()
    problems = []
    for (mart, column), titles in sorted(shown.items()):
        description = docs[mart][1][column]
        label = _LABEL.match(description)
        missing = [t for t in sorted(titles) if not label or t.lower() not in label["nb"].lower()]
        if missing:
            problems.append(f"{mart}.{column}: the dashboard shows it as {missing}; start its description "
                            f"with '<{missing[0]} ...> / <english term>.' (now {description[:50]!r})")
    assert not problems, "\n".join(problems)


# ------------------------------------------------------------------------------- commands
def makefile_targets() -> set[str]:
    targets = set()
    for line in (REPO_ROOT / "Makefile").read_text("utf-8").splitlines():
        match = re.match(r"^([A-Za-z0-9_.$()/ -]+?)\s*::?(?![=])", line)
        if match and not line.startswith("\t"):
            targets |= {t for t in match.group(1).split() if not t.startswith((".", "$"))}
    return targets


def code_texts(markdown: str) -> list[str]:
    """The code of a markdown text: the lines of fenced blocks and the `inline spans`."""
    blocks = re.findall(r"^```[^\n]*\n(.*?)^```", markdown, flags=re.M | re.S)
    prose = re.sub(r"^```[^\n]*\n.*?^```", "", markdown, flags=re.M | re.S)
    spans = re.findall(r"``?([^`]+)``?", prose)
    # a block's comments are prose ("# make demo builds it"), not commands
    lines = [re.sub(r"(^|\s)#.*$", "", line) for block in blocks for line in block.splitlines()]
    return lines + spans


_END = re.compile(r"\s(?:#|\||;|&&|\|\|)|[`)]")


def mentioned_commands(markdown: str) -> tuple[list[list[str]], list[list[str]]]:
    """(make invocations, clinical-dashboard invocations) in the code of ``markdown``, each as its
    words up to the end of the command (a comment, a pipe, `;`, `&&`)."""
    makes, clis = [], []
    for code in code_texts(markdown):
        for match in re.finditer(r"(?:^|[\s(])(make|(?:\S*/)?clinical-dashboard)((?:[ \t]+[^\s]+)*)", code):
            rest = match.group(2)
            end = _END.search(rest)
            words = (rest[:end.start()] if end else rest).split()
            (makes if match.group(1) == "make" else clis).append(words)
    return makes, clis


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _options(parser: argparse.ArgumentParser) -> set[str]:
    return {o for action in parser._actions for o in action.option_strings}


def command_problems(markdown: str, origin: str) -> list[str]:
    targets = makefile_targets()
    problems = []
    makes, clis = mentioned_commands(markdown)
    for words in makes:
        for word in words:
            if "=" in word or word.startswith("-"):
                continue
            if not re.fullmatch(r"[a-z][a-z0-9-]*", word):
                break  # not a target: prose such as "make <target>"
            if word not in targets:
                problems.append(f"{origin}: `make {' '.join(words)}`: no target {word!r} in the Makefile")
    for words in clis:
        parser = build_parser()
        shown = "clinical-dashboard " + " ".join(words)
        for word in words:
            if word == "--":
                break
            if word.startswith("--"):
                option = word.split("=", 1)[0]
                if option not in _options(parser):
                    problems.append(f"{origin}: `{shown}`: {parser.prog} has no option {option}")
                continue
            commands = _subparsers(parser)
            if not commands:
                continue  # an option's value or a positional argument
            if not re.fullmatch(r"[a-z][a-z0-9-]*", word):
                break  # prose such as "clinical-dashboard <command>"
            if word not in commands:
                problems.append(f"{origin}: `{shown}`: {parser.prog} has no command {word!r} "
                                f"(commands: {', '.join(commands)})")
                break
            parser = commands[word]
    return problems


def test_command_checker_finds_what_does_not_exist() -> None:
    text = ("Run `make demo DEMO_SCALE=0.2` and `make no-such-target`.\n\n```sh\n"
            ".venv/bin/clinical-dashboard extract-formats --update-readme README.md   # gone\n"
            "clinical-dashboard contracts dbt-sources --check\n"
            "clinical-dashboard contracts nonsense\n"
            "clinical-dashboard no-such-command --x\n"
            "clinical-dashboard build --sources npr_som -- --select staging\n```\n")
    problems = command_problems(text, "example.md")
    assert len(problems) == 4, problems
    assert "no target 'no-such-target'" in problems[0]
    assert "has no option --update-readme" in problems[1]
    assert "clinical-dashboard contracts has no command 'nonsense'" in problems[2]
    assert "has no command 'no-such-command'" in problems[3]


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: str(p.relative_to(REPO_ROOT)))
def test_documented_commands_exist(path: Path) -> None:
    text = path.read_text("utf-8")
    makes, clis = mentioned_commands(text)
    if path.name == "README.md":
        assert {"demo", "test", "check", "docs"} <= {w[0] for w in makes if w}, "README names the main targets"
    problems = command_problems(text, str(path.relative_to(REPO_ROOT)))
    assert not problems, "\n".join(problems)


# ------------------------------------------------------------------------------- links
def anchors(markdown: str) -> set[str]:
    """GitHub's anchors of the headings: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"^```.*?^```", "", markdown, flags=re.M | re.S)
    return {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-")
            for h in re.findall(r"^#{1,6} (.+)$", text, flags=re.M)}


@pytest.mark.parametrize("path", LINKED, ids=lambda p: str(p.relative_to(REPO_ROOT)))
def test_local_links_resolve(path: Path) -> None:
    text = path.read_text("utf-8")
    problems = []
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if re.match(r"[a-z]+:", target):
            continue  # http(s), mailto
        file, _, anchor = target.partition("#")
        linked = (path.parent / file).resolve() if file else path
        if not linked.exists():
            problems.append(f"{path.relative_to(REPO_ROOT)}: link {target!r}: no file {linked}")
        elif anchor and linked.suffix == ".md" and anchor not in anchors(linked.read_text("utf-8")):
            problems.append(f"{path.relative_to(REPO_ROOT)}: link {target!r}: no heading for #{anchor}")
    assert not problems, "\n".join(problems)
