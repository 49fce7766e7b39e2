"""The A4 briefing as a politician gets it: the PDF's printed text (read back with poppler's
pdftotext) quotes every goal, names every source, writes Norwegian numbers and dates, carries the
planner's comment and says what is missing; the file is tagged with its language. The data set
is the test one (tests/fixtures/README.md) with one comment added."""

from __future__ import annotations

import re
import shutil
import subprocess
import zlib
from datetime import date
from pathlib import Path

import pytest

from indicators import briefing_pdf, cli, store, views
from indicators.build import build
from indicators.i18n import t
from indicators.model import PlanModel
from tests.conftest import FIXTURE_DATA

TODAY = date(2026, 11, 26)
WHY = "Permitteringer i bygg og anlegg trakk ledigheten opp i januar."


def _tool(name: str) -> str:
    found = shutil.which(name)
    assert found, f"{name} is missing: `make system` installs Debian's poppler-utils"
    return found


def text_of(pdf: Path) -> str:
    """The printed text in reading order, runs of white space (line breaks, babel's no-break
    spaces) as one space."""
    out = subprocess.run([_tool("pdftotext"), "-raw", str(pdf), "-"], capture_output=True,
                         check=True).stdout.decode("utf-8")
    return " ".join(out.replace("\xa0", " ").replace("\u202f", " ").split())


def objects_of(pdf: Path) -> str:
    """The PDF's objects as text, compressed object streams inflated (the catalogue is in one)."""
    raw = pdf.read_bytes()
    parts = [raw.decode("latin-1")]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", raw, re.S):
        try:
            parts.append(zlib.decompress(match.group(1)).decode("latin-1"))
        except zlib.error:
            continue
    return "\n".join(parts)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory, model: PlanModel) -> Path:
    """The test data set with a planner's comment on 2B-04's latest period."""
    folder = tmp_path_factory.mktemp("briefing")
    shutil.copytree(FIXTURE_DATA, folder / "data")
    (folder / "data" / "comments.csv").write_text(
        f"indicator_id,period,text,author,at\n2B-04,2026M01,{WHY},Kari Nordmann,2024-05-17\n",
        "utf-8")
    path = folder / "dashboard.duckdb"
    assert build(model, folder / "data", path).ok
    return path


@pytest.fixture(scope="module")
def pdf(db: Path, model: PlanModel, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The whole briefing in bokmål, made once for the module."""
    steps: list[tuple[int, int]] = []
    con = store.connect(db)
    try:
        content = briefing_pdf.build_pdf(model, con, today=TODAY,
                                         progress=lambda done, total, _: steps.append((done, total)))
    finally:
        con.close()
    # The page's progress bar ends full, one step per indicator between cover and printing.
    assert steps[-1][0] == steps[-1][1] == len(steps) == len(model.indicators) + 2
    out = tmp_path_factory.mktemp("pdf") / "brief.pdf"
    out.write_bytes(content)
    return out


@pytest.fixture(scope="module")
def text(pdf: Path) -> str:
    return text_of(pdf)


def test_it_is_an_a4_pdf_with_the_cover_saying_what_the_figures_are_for(pdf: Path,
                                                                        text: str) -> None:
    info = subprocess.run([_tool("pdfinfo"), str(pdf)], capture_output=True, check=True,
                          text=True).stdout
    assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info)
    assert text.startswith("Akershus fylkeskommune Næringsmål Akershus Status for delmålene")
    # The period the figures rest on (the test set's latest periods run from 2019 to January 2026)
    # and the day it was made, in Norwegian date format.
    assert "Tall for perioder fra 2019 til januar 2026" in text
    assert "Dokumentet er laget 26. november 2026." in text
    assert "Side 1 av" in text  # page numbers in the footer


def test_every_goal_is_quoted_verbatim_with_its_verdict(text: str, model: PlanModel) -> None:
    for goal in model.goals:
        assert f"«{goal.text.nb}»" in text, goal.id
        assert f"Delmål {goal.id}: {goal.name.nb}" in text
    # 2B-04 alone counts in the test set: the verdict says so, as the deck does.
    assert "Status for delmålet: ▼ Foreløpig: Forverring — bygger på 1 av" in text


def test_every_indicator_names_its_source(text: str, model: PlanModel) -> None:
    for indicator in model.indicators:
        assert views.source_text(indicator, "nb") in text, indicator.id


def test_figures_are_in_norwegian_formats_with_their_dates(text: str) -> None:
    assert "2,6 %" in text  # 2B-04 in January 2026: decimal comma, space before the sign
    assert "12,5 mill. kr" in text  # 2A-05
    assert "700 000 innbyggere" in text  # 2B-06: a space between thousands
    assert "+0,1 prosentpoeng fra januar 2025" in text
    assert "Tall for januar 2026 · publiseringsdato ukjent · hentet " in text  # the three dates


def test_the_planners_comment_is_shown_with_author_and_date(text: str) -> None:
    assert f"Kommentar til januar 2026 — Kari Nordmann, 17. mai 2024 «{WHY}»" in text


def test_missing_figures_are_shown_as_missing_with_what_it_takes(text: str,
                                                                  model: PlanModel) -> None:
    missing = model.indicator("1D-01")  # no figures in the test set
    section = text.split("1D-01 " + missing.name.nb)[-1]
    assert section.startswith(" Tallene mangler: " + t("indicator.no_data", "nb"))
    assert missing.data_note.nb in section
    assert t("briefing.missing_how", "nb") in section


def test_the_pdf_is_tagged_in_norwegian_with_charts_as_vectors_and_alt_text(pdf: Path) -> None:
    objects = objects_of(pdf)
    assert re.search(r"/Lang\s*\(nb\)", objects)
    assert "/StructTreeRoot" in objects and re.search(r"/Marked\s+true", objects)
    assert "/Figure" in objects  # each chart is a figure in the structure tree …
    alt = "Linjediagram over Registrerte helt ledige, januar 2021–januar 2026"
    assert alt.encode("utf-16-be").hex().upper() in objects.upper() or alt in objects  # … with words
    assert "/Subtype /Image" not in objects  # … drawn as vectors, not a picture


def test_cli_writes_the_briefing_for_one_goal_in_english(db: Path, model: PlanModel,
                                                         tmp_path: Path,
                                                         capsys: pytest.CaptureFixture) -> None:
    # In this process, so the chart browser the module's PDF started is reused.
    out = tmp_path / "2B.pdf"
    code = cli.main(["export", "pdf", str(out), "--goal", "2B", "--lang", "en", "--db", str(db)])
    assert code == cli.EXIT_OK and f"Wrote {out}" in capsys.readouterr().out
    english = text_of(out)
    assert f"“{model.goal('2B').text.en}”" in english and "Status of goal 2B" in english
    for other in ("1D", "2A"):  # --goal limits it to that goal
        assert model.goal(other).text.en not in english
        assert f"Goal {other}:" not in english
    assert "2.6%" in english and "Comment on January 2026 — Kari Nordmann, 17 May 2024" in english
    assert re.search(r"/Lang\s*\(en\)", objects_of(out))


def test_cli_refuses_an_unknown_goal(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "x.pdf"
    assert cli.main(["export", "pdf", str(out), "--goal", "9Z", "--db", str(db)]) == cli.EXIT_USAGE
    assert "Ukjent delmål: 9Z" in capsys.readouterr().err and not out.exists()
