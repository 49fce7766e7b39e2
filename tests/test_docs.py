"""The documentation in the repository is whole and true: a clone of the project follows every link
in README.md and docs/ to a file it has, nothing points outside the repository, docs/ names every
module and command there is, and the file-format examples print what the code prints."""

from __future__ import annotations

import re
import subprocess
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from indicators import cli
from indicators.ingest.reader import read_observations
from indicators.ingest.tables import read_table_file
from indicators.model import PlanModel

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs"
TEXT_SUFFIXES = {".md", ".py", ".yaml", ".yml", ".toml", ".txt", ".cfg", ".ini", ".json", ".html",
                 ".csv", ".template", ".sh"}
TEXT_NAMES = {"Makefile", ".gitignore"}
# The workspace folder beside the repository that the project grew up in; a clone does not have
# it. Written in two pieces so that this file does not match its own pattern.
OUTSIDE = re.compile(r"\.\./" + r"shared\b|\bshared/(?:docs|data|seed)\b")
# Code that reads the source extracts the shipped data was converted from, where they exist:
# it names their folder to find it, not as a pointer for readers.
READS_EXTRACTS = {"tools/make_data_files.py", "tests/indicators/test_shipped_data.py"}
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")
MD_NAME = re.compile(r"(?<![\w/.-])((?:[\w.-]+/)*[\w-]+\.md)\b")
TODAY = date(2026, 12, 2)  # the day the examples in docs/data-formats.md were run


def repo_files() -> list[str]:
    """The files a clone has, and new ones not ignored (git's view), relative to the repo."""
    out = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"],
                         cwd=REPO, capture_output=True, text=True, check=True).stdout
    return [f for f in out.splitlines() if (REPO / f).is_file()]


def text_files() -> list[str]:
    return [f for f in repo_files()
            if Path(f).suffix in TEXT_SUFFIXES or Path(f).name in TEXT_NAMES]


def markdown_files() -> list[Path]:
    return [REPO / f for f in repo_files() if f.endswith(".md")]


def slug(heading: str) -> str:
    """A heading's anchor as GitHub makes it: lowercase, punctuation dropped, spaces as dashes."""
    text = re.sub(r"[`*_]", "", heading.strip().lower())
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    body = re.sub(r"```.*?```", "", path.read_text(encoding="utf-8"), flags=re.S)
    return {slug(m[1]) for m in re.finditer(r"^#{1,6}\s+(.+)$", body, flags=re.M)}


def links(path: Path) -> list[str]:
    body = re.sub(r"```.*?```", "", path.read_text(encoding="utf-8"), flags=re.S)
    return [m[1] for m in LINK.finditer(body)]


@pytest.mark.parametrize("doc", markdown_files(), ids=lambda p: str(p.relative_to(REPO)))
def test_every_relative_link_resolves_in_the_repository(doc: Path) -> None:
    files = set(repo_files())
    broken = []
    for target in links(doc):
        if re.match(r"[a-z]+:", target):  # https:, mailto:
            continue
        where, _, anchor = target.partition("#")
        path = (doc.parent / where).resolve() if where else doc
        relative = path.relative_to(REPO).as_posix() if path.is_relative_to(REPO) else None
        if relative not in files and not (path.is_dir() and path.is_relative_to(REPO)):
            broken.append(f"{target}: no such file in the repository")
        elif anchor and path.suffix == ".md" and anchor not in anchors(path):
            broken.append(f"{target}: no heading with that anchor")
    assert not broken, f"{doc.relative_to(REPO)}: " + "; ".join(broken)


def test_readme_images_are_in_the_repository() -> None:
    images = [t for t in links(REPO / "README.md") if t.lower().endswith((".png", ".svg", ".jpg"))]
    assert images, "the README shows screenshots"
    missing = [t for t in images if t not in repo_files()]
    assert not missing, f"a clone would not show {missing} (missing or git-ignored)"


def test_no_text_points_outside_the_repository() -> None:
    found = []
    for name in text_files():
        if name in READS_EXTRACTS:
            continue
        text = (REPO / name).read_text(encoding="utf-8", errors="replace")
        for n, line in enumerate(text.splitlines(), start=1):
            if OUTSIDE.search(line):
                found.append(f"{name}:{n}: {line.strip()[:100]}")
    assert not found, "a clone has no folder beside the repository:\n" + "\n".join(found)


def test_every_document_named_is_in_the_repository() -> None:
    """A comment or text that says "see progress-method.md" names a file a reader can open."""
    names = {Path(f).name for f in repo_files()}
    files = set(repo_files())
    missing = []
    for name in text_files():
        text = (REPO / name).read_text(encoding="utf-8", errors="replace")
        for m in MD_NAME.finditer(re.sub(r"https?://\S+", "", text)):
            mentioned = m[1]
            beside = (REPO / name).parent / mentioned
            here = beside.resolve().relative_to(REPO).as_posix() if beside.resolve().is_relative_to(
                REPO) else ""
            if mentioned not in files and here not in files and Path(mentioned).name not in names:
                missing.append(f"{name}: {mentioned}")
    assert not missing, "documents named but not in the repository: " + ", ".join(missing)


# ---- docs/architecture.md names every module, and only modules that exist -------------------


def section(doc: str, heading: str) -> str:
    """The text under a `### heading` up to the next heading of that level or higher."""
    start = doc.index(heading)
    rest = doc[start + len(heading):]
    end = re.search(r"^#{1,3} ", rest, flags=re.M)
    return rest[: end.start()] if end else rest


def first_cells(text: str) -> set[str]:
    """The backticked names in the first column of a table's rows."""
    names = set()
    for row in re.findall(r"^\| ((?:[^|\\]|\\.)+)\|", text, flags=re.M):  # `\|` is no border
        names |= set(re.findall(r"`([^`]+)`", row))
    return names


@pytest.mark.parametrize("folder", ["indicators", "ui", "app_pages"])
def test_architecture_names_every_module(folder: str) -> None:
    doc = (DOCS / "architecture.md").read_text(encoding="utf-8")
    text = section(doc, f"### `{folder}/`")
    named = first_cells(text)
    modules = {p.name for p in (REPO / folder).glob("*.py")}
    if folder == "ui":
        modules.discard("__init__.py")
    if folder == "indicators":
        named = {n for cell in named for n in cell.split(", ")}
    listed = {n for n in named if n.endswith(".py")}
    assert modules - listed == set(), f"docs/architecture.md does not describe {modules - listed}"
    assert listed - modules == set(), f"docs/architecture.md describes missing {listed - modules}"


def test_architecture_names_every_module_of_each_core_package() -> None:
    doc = section((DOCS / "architecture.md").read_text(encoding="utf-8"), "### `indicators/`")
    for package in ("charts", "ingest", "sources", "store"):
        row = next(line for line in doc.splitlines() if line.startswith(f"| `{package}/`"))
        named = set(re.findall(r"`(\w+\.py)`", row))
        modules = {p.name for p in (REPO / "indicators" / package).glob("*.py")} - {"__init__.py"}
        assert named == modules, f"indicators/{package}/: documented {named}, present {modules}"


def test_data_formats_lists_every_command() -> None:
    doc = (DOCS / "data-formats.md").read_text(encoding="utf-8")
    rows = section(doc, "## Command line")
    documented = {cell.split()[0] for cell in first_cells(rows)}
    assert set(cli.COMMANDS) <= documented, f"undocumented: {set(cli.COMMANDS) - documented}"


# ---- the examples in docs/data-formats.md are what the code reads and prints -----------------


def examples(kind: str) -> dict[str, tuple[str, str]]:
    """`<!-- test: KIND NAME [OPTION] -->` followed by a fenced block: name → (option, block)."""
    doc = (DOCS / "data-formats.md").read_text(encoding="utf-8")
    pattern = rf"<!-- test: {kind} (\S+)(?: (\S+))? -->\n```\w*\n(.*?)```"
    return {m[1]: (m[2] or "", m[3]) for m in re.finditer(pattern, doc, flags=re.S)}


def printed(block: str, name: str) -> list[str]:
    """The message lines of an output block: the ones that start with the file's name."""
    return [line for line in block.splitlines() if line.startswith(name + ":")]


def lines_of(result: object, name: str) -> list[str]:
    return [cli.issue_line(issue, "nb").replace(str(name), Path(name).name, 1)
            for issue in result.errors]


def test_the_examples_are_found() -> None:
    assert set(examples("example")) == {"bad.csv", "tilskudd-2025.csv"}
    assert set(examples("output")) == {"bad.csv", "tilskudd-2025.csv", "formler.xlsx"}
    assert len(examples("loads")) == 3


def test_good_examples_load_without_errors(model: PlanModel, tmp_path: Path) -> None:
    for name, (encoding, block) in examples("loads").items():
        path = tmp_path / name
        path.write_bytes(block.encode(encoding or "utf-8"))
        result = read_observations(path, model, today=TODAY)
        assert result.ok, [str(e) for e in result.errors]
        assert len(result.frame) == len(block.strip().splitlines()) - 1, name


def test_the_error_example_prints_what_the_docs_show(model: PlanModel, tmp_path: Path) -> None:
    _, block = examples("example")["bad.csv"]
    path = tmp_path / "bad.csv"
    path.write_text(block, encoding="utf-8")
    expected = printed(examples("output")["bad.csv"][1], "bad.csv")
    assert lines_of(read_observations(path, model, today=TODAY), path) == expected


def test_the_grants_example_prints_what_the_docs_show(model: PlanModel, tmp_path: Path) -> None:
    _, block = examples("example")["tilskudd-2025.csv"]
    path = tmp_path / "tilskudd-2025.csv"
    path.write_text(block, encoding="utf-8")
    expected = printed(examples("output")["tilskudd-2025.csv"][1], "tilskudd-2025.csv")
    result = read_table_file("grants", path, model, today=TODAY)
    assert lines_of(result, path) == expected


def test_the_formula_example_prints_what_the_docs_show(model: PlanModel, tmp_path: Path) -> None:
    """The workbook the docs describe: sheet Data, column verdi, D3 and D4 formulas never computed."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Data"
    for row in (["indikator", "region", "periode", "verdi"], ["2B-04", "32", "2025M05", 2.1],
                ["2B-04", "32", "2025M06", "=D2+0.1"], ["2B-04", "03", "2025M06", "=D3*2"]):
        sheet.append(row)
    path = tmp_path / "formler.xlsx"
    book.save(path)
    expected = printed(examples("output")["formler.xlsx"][1], "formler.xlsx")
    assert lines_of(read_observations(path, model, today=TODAY), path) == expected

