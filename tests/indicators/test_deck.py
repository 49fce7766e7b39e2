"""The briefing deck, opened with python-pptx as PowerPoint would: slides, titles, native charts
with the stored values, sources and the method's numbers in the notes."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import duckdb
import pytest
from pptx import Presentation
from pptx.chart.plot import XyPlot
from pptx.util import Inches

from indicators import deck, explain, export, store, views
from indicators.assessment import assess_all, assess_indicator, rollup_records
from indicators.i18n import format_number, t
from indicators.model import PlanModel
from indicators.views import headline_pairs
from tests.conftest import run_cli

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2026, 11, 26)




@pytest.fixture(scope="module")
def deck_2b(model: PlanModel, con: duckdb.DuckDBPyConnection) -> Presentation:
    return Presentation(io.BytesIO(deck.build_deck(model, con, goals=["2B"], today=TODAY)))


@pytest.fixture(scope="module")
def fixture_deck_2b(model: PlanModel, fixture_con: duckdb.DuckDBPyConnection) -> Presentation:
    """Goal 2B's deck from the test data set (tests/fixtures/README.md), for pinned figures."""
    return Presentation(io.BytesIO(deck.build_deck(model, fixture_con, goals=["2B"], today=TODAY)))


def texts(slide: object) -> str:
    """All text on a slide: text boxes, the title, table cells."""
    parts = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            parts.append(shape.text_frame.text)
        if shape.has_table:
            parts += [cell.text for row in shape.table.rows for cell in row.cells]
    # babel writes no-break spaces in numbers ("2,6 %"); compare with ordinary ones.
    return "\n".join(parts).replace("\xa0", " ").replace("\u202f", " ")


def chart_of(slide: object) -> object:
    charts = [s.chart for s in slide.shapes if s.has_chart]
    assert len(charts) == 1
    return charts[0]


def stored(con: duckdb.DuckDBPyConnection, indicator_id: str, region: str) -> list[float]:
    frame = store.observations(con, indicator_id, [region])
    return [float(v) for v in frame["value"] if v == v]


def test_deck_is_16_9_with_title_goal_indicator_and_source_slides(deck_2b: Presentation) -> None:
    assert (deck_2b.slide_width, deck_2b.slide_height) == (Inches(13.333), Inches(7.5))
    titles = [s.shapes.title.text if s.shapes.title is not None else None for s in deck_2b.slides]
    assert titles[:8] + titles[-1:] == [
        None, "Delmål 2B: Konkurransedyktig næringsliv",
        "2B-01 Bruttoprodukt per sysselsatt", "2B-02 Volumendring i bruttoprodukt",
        "2B-03 Sysselsatte etter arbeidssted", "2B-04 Registrerte helt ledige",
        "2B-05 Registrerte helt ledige (antall)", "2B-06 Befolkning", "Kilder"]
    # The grant slides (schemes, then focus areas) come just before the sources.
    assert len(titles[8:-1]) == deck.FUNDING_SLIDES
    assert all(title.startswith("Tilskudd ") for title in titles[8:-1])


def test_title_slide_quotes_the_vision_with_the_date(deck_2b: Presentation,
                                                     model: PlanModel) -> None:
    text = texts(deck_2b.slides[0])
    assert "Næringsmål Akershus" in text and "Status for delmål 2B" in text
    assert f"«{model.vision.nb}»" in text
    # What the figures are for (2B's latest periods differ), then the day the deck was made.
    assert "Tall for perioder fra " in text and "Tall per" not in text
    assert "Presentasjonen er laget 26. november 2026." in text and "Akershus fylkeskommune" in text


def test_goal_slide_quotes_the_goal_with_status_and_counts(fixture_deck_2b: Presentation,
                                                           model: PlanModel) -> None:
    text = texts(fixture_deck_2b.slides[1])
    assert f"«{model.goal('2B').text.nb}»" in text
    assert " — bygger på " in text  # what the status rests on: see the roll-up test below
    for indicator_id in model.goal("2B").indicators:
        assert indicator_id in text
    assert "2,6 %" in text and "januar 2026" in text  # 2B-04's latest value in the table
    assert "Foreløpig: Forverring" in text  # 2B-04 alone counts in the test data set


def _goal_rollup(model: PlanModel, con: duckdb.DuckDBPyConnection, goal_id: str) -> dict:
    """The goal's roll-up as `progress --json` gives it (assessed as of today, as the deck is)."""
    frame = store.headline_observations(con, headline_pairs(model))
    assessed = assess_all(model, dict(tuple(frame.groupby("indicator_id"))))
    return next(r for r in rollup_records(model, assessed) if r["id"] == goal_id)


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_goal_slide_says_what_the_status_rests_on_and_what_it_leaves_out(
        model: PlanModel, con: duckdb.DuckDBPyConnection, lang: str) -> None:
    prs = Presentation(io.BytesIO(deck.build_deck(model, con, goals=["2B"], lang=lang,
                                                  today=TODAY)))
    text = texts(prs.slides[1])
    record = _goal_rollup(model, con, "2B")
    status = t(f"status.{record['status']}", lang)
    label = t("rollup.provisional", lang, status=status) if record["provisional"] else status
    n = len(record["counted"])
    m = n + sum(reason != "context" for reason in record["excluded"].values())
    noun = t("rollup.noun_one" if m == 1 else "rollup.noun_many", lang)
    assert f"{label} — {t('rollup.basis', lang, n=n, m=m, noun=noun)}: " in text
    # Every member left out is named after "Ikke regnet med i statusen:", with a reason.
    left_out = text.split(t("rollup.left_out", lang) + ":", 1)[1]
    for indicator_id in record["excluded"]:
        assert indicator_id in left_out
    if "other_area" in record["excluded"].values():
        assert ("ikke dagens fylke" if lang == "nb" else "not today's county") in left_out
    assert "indikator(er)" not in text


def test_indicator_chart_is_native_with_the_stored_values(
        fixture_deck_2b: Presentation, fixture_con: duckdb.DuckDBPyConnection) -> None:
    chart = chart_of(fixture_deck_2b.slides[5])  # 2B-04, monthly
    assert isinstance(chart.plots[0], XyPlot)  # a native XY chart, editable in PowerPoint
    series = {s.name: s for s in chart.plots[0].series}
    assert list(series)[:3] == ["Akershus", "Oslo", "Hele landet"]
    assert list(series["Akershus"].values) == stored(fixture_con, "2B-04", "32")
    assert list(series["Oslo"].values) == stored(fixture_con, "2B-04", "03")
    assert len(series["Akershus"].values) == 61  # the test data set: 2021M01–2026M01
    assert "Mål 2030: 2,0\xa0% (forslag, ikke vedtatt)" in series  # the target as its own series


def test_annual_indicator_chart_has_the_stored_values(deck_2b: Presentation,
                                                      con: duckdb.DuckDBPyConnection) -> None:
    chart = chart_of(deck_2b.slides[2])  # 2B-01, annual, old Akershus (02)
    first = chart.plots[0].series[0]
    assert first.name == "Akershus (fylkesinndeling før 2020)"
    assert list(first.values) == stored(con, "2B-01", "02")


def test_absolute_amounts_leave_out_the_whole_country(deck_2b: Presentation) -> None:
    names = [s.name for s in chart_of(deck_2b.slides[6]).plots[0].series]  # 2B-05, count
    assert names[:2] == ["Akershus", "Oslo"] and "Hele landet" not in names


def test_indicator_slide_has_status_value_and_source_line(fixture_deck_2b: Presentation) -> None:
    text = texts(fixture_deck_2b.slides[5])
    assert "Forverring" in text and "2,6 %" in text
    assert "Mål 2030: 2,0 % (forslag, ikke vedtatt)" in text
    line = next(p for p in text.split("\n") if p.startswith("Kilde: NAV"))
    # One line on the slide: source, the three dates (an unknown publication date left out)
    # and the county; never a lone "sist oppdatert".
    assert re.match(r"Kilde: NAV · Tall for \w+ \d{4} · hentet \d", line), line
    assert line.endswith(" · Akershus fylkeskommune") and "oppdatert" not in line


def test_notes_hold_the_method_numbers(deck_2b: Presentation, model: PlanModel,
                                       con: duckdb.DuckDBPyConnection) -> None:
    notes = deck_2b.slides[5].notes_slide.notes_text_frame.text
    a = assess_indicator(model.indicator("2B-04"), store.observations(con, "2B-04"))
    assert f"Fremgangsverdi (pv): {format_number(a.progress_value, 'nb', 3)}" in notes
    assert "Basisverdi (år):" in notes and f"({a.base_year})" in notes
    # The slide and its notes say what the page says: the one sentence built from the assessment.
    sentence = explain.sentence(model.indicator("2B-04"), a, "nb")
    assert notes.startswith(sentence) and "prosentpoeng per år" in sentence


def test_sources_slide_lists_every_source(deck_2b: Presentation) -> None:
    text = texts(deck_2b.slides[-1])
    assert "Kilde: SSB, tabell 11713" in text and "CC BY 4.0" in text
    assert "Kilde: NAV" in text and "https://www.nav.no/statistikk" in text
    assert "brukt i 2B-04, 2B-05" in text


def test_every_goal_and_indicator_by_default(model: PlanModel,
                                             con: duckdb.DuckDBPyConnection) -> None:
    slides = Presentation(io.BytesIO(deck.build_deck(model, con))).slides
    assert len(slides) == 2 + len(model.goals) + len(model.indicators) + deck.FUNDING_SLIDES
    without = deck.build_deck(model, con, goals=["1D"], funding=False)
    assert len(Presentation(io.BytesIO(without)).slides) == 2 + 1 + len(model.goal("1D").indicators)


def test_an_indicator_without_data_says_so(model: PlanModel, con: duckdb.DuckDBPyConnection) -> None:
    prs = Presentation(io.BytesIO(deck.build_deck(model, con, indicators=["2A-03"])))
    slide = prs.slides[2]
    assert slide.shapes.title.text == "2A-03 FoU-utgifter i næringslivet"
    assert not any(s.has_chart for s in slide.shapes)
    assert "Det finnes ingen tall for denne indikatoren ennå." in texts(slide)


def test_chosen_regions_and_english(model: PlanModel, con: duckdb.DuckDBPyConnection) -> None:
    prs = Presentation(io.BytesIO(deck.build_deck(
        model, con, indicators=["2B-04"], regions=["3201"], lang="en")))
    assert prs.slides[1].shapes.title.text == "Goal 2B: Competitive business sector"
    names = [s.name for s in chart_of(prs.slides[2]).plots[0].series]
    assert names[:2] == ["Akershus", "Bærum"]
    assert "Source: NAV" in texts(prs.slides[2])


def test_progress_is_reported_for_every_step(model: PlanModel,
                                             con: duckdb.DuckDBPyConnection) -> None:
    seen: list[tuple[int, int]] = []
    deck.build_deck(model, con, goals=["1D"], progress=lambda d, t, _: seen.append((d, t)))
    total = 2 + 1 + len(model.goal("1D").indicators) + deck.FUNDING_SLIDES
    assert seen == [(n, total) for n in range(1, total + 1)]


def test_map_slide_draws_every_municipality_as_an_editable_shape(
        model: PlanModel, fixture_con: duckdb.DuckDBPyConnection) -> None:
    # The test data set: Bærum 1.5, Asker 1.6, Nordre Follo 2.0 and Lillestrøm 2.4 % for
    # January–June 2022, no other municipality.
    prs = Presentation(io.BytesIO(deck.build_deck(model, fixture_con, indicators=["2B-04"],
                                                  maps=True)))
    slide = prs.slides[3]
    assert slide.shapes.title.text == "2B-04 Registrerte helt ledige i kommunene, juni 2022"
    groups = [s for s in slide.shapes if s.shape_type == 6]  # MSO_SHAPE_TYPE.GROUP
    assert len(groups) == 1
    areas = list(groups[0].shapes)
    # Every one of today's municipalities is drawn; those without a figure say so.
    assert len(areas) == len(model.municipalities()) and all(a.shape_type == 5 for a in areas)
    names = {a.name for a in areas}  # FREEFORM shapes named "<municipality>: <value>"
    assert {"Bærum: 1,5\xa0%", "Lillestrøm: 2,4\xa0%", "Frogn: –"} <= names
    # The map says what it shows to screen readers, and its classes are spelled out beside it.
    summary = groups[0]._element.nvGrpSpPr.cNvPr.get("descr")
    assert "Høyest: Lillestrøm (2,4\xa0%). Lavest: Bærum (1,5\xa0%). 4 kommuner har tall for " \
           "juni 2022." in summary
    # Equal-count classes of the four values, then the swatch for "no figure".
    shown = [s.text_frame.text for s in slide.shapes if s.has_text_frame]
    legend = ["1,5\xa0% – 1,6\xa0%", "2,0\xa0%", "2,4\xa0%", "–"]
    assert [text for text in shown if text in legend] == legend
    assert any("Kilde: NAV" in s.text_frame.text for s in slide.shapes if s.has_text_frame)


def test_cli_writes_the_deck_for_one_goal(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "2B.pptx"
    result = run_cli("export", "pptx", str(out), "--goal", "2B", "--db", str(db))
    assert result.returncode == 0, result.stderr
    total = 9 + deck.FUNDING_SLIDES  # title, goal, six indicators, the grants, the sources
    assert f"[{total}/{total}] Kilder" in result.stderr
    assert len(Presentation(str(out)).slides) == total


def test_cli_rejects_an_unknown_goal(db: Path, tmp_path: Path) -> None:
    result = run_cli("export", "pptx", str(tmp_path / "x.pptx"), "--goal", "9X", "--db", str(db))
    assert result.returncode == 2 and "9X" in result.stderr


def test_a_single_value_is_not_drawn_as_a_chart(fixture_deck_2b: Presentation) -> None:
    slide = fixture_deck_2b.slides[7]  # 2B-06: one quarter in the test data set
    assert not any(s.has_chart for s in slide.shapes)
    text = texts(slide)
    assert "Det finnes bare ett tall så langt." in text and "700 000" in text
    assert "Bare én måling" in text


def _slide(prs: Presentation, title: str) -> object:
    return next(s for s in prs.slides if s.shapes.title is not None
                and s.shapes.title.text == title)


def test_breaks_are_dashed_lines_labelled_in_the_native_chart(
        deck_2b: Presentation, model: PlanModel, con: duckdb.DuckDBPyConnection) -> None:
    data = export.load_indicator(model, con, "2B-04")
    marks = explain.break_marks(data.indicator, views.trend_data(model, data.indicator,
                                                                 data.frame).frame, "nb")
    assert marks
    chart = chart_of(_slide(deck_2b, "2B-04 Registrerte helt ledige"))
    series = {s.name: s for s in chart.plots[0].series}
    for mark in marks:
        line = series[mark.label]
        xs = list(line.iter_values())
        assert len(set(xs)) > 1  # from the bottom of the values to the top, at one x
        assert line.format.line.dash_style is not None
    # Each line is named by its own label on the chart, not again in the legend.
    deleted = chart.legend._element.findall(f"{{{deck.C_NS}}}legendEntry")
    assert len(deleted) == len(marks)


def test_map_slide_says_when_its_figures_stop_before_the_county(
        model: PlanModel, con: duckdb.DuckDBPyConnection) -> None:
    data = export.load_indicator(model, con, "2B-04")
    municipal = views.municipal_periods(model, data.frame)[0]
    note = views.municipal_period_note(municipal, data.summary.period, "nb")
    prs = Presentation(io.BytesIO(deck.build_deck(model, con, indicators=["2B-04"], maps=True)))
    slide = prs.slides[3]
    if municipal == data.summary.period:
        assert "Kommunetallene går til" not in texts(slide)
    else:
        assert note and note.replace("\xa0", " ") in texts(slide)
        assert note in slide.notes_slide.notes_text_frame.text
