"""The three dates of a figure: Tall for (its period), publisert (by the source), hentet (into
the dashboard) — one text, used on pages, chart images, decks and files; and when the next
figures are due ("Neste oppdatering ventet", "Forsinket")."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import duckdb
import pandas as pd
import plotly.graph_objects as go
import pytest
import yaml
from openpyxl import load_workbook

from indicators import briefing, explain, export, views
from indicators.charts.common import SOURCE_LINE_PX, ChartText, base_layout, from_bottom
from indicators.model import Indicator, PlanModel
from indicators.xlsx_export import to_xlsx

LOCALES = Path(__file__).resolve().parents[2] / "indicators" / "locales"
FETCHED = date(2026, 3, 2)
PUBLISHED = date(2026, 2, 5)


def indicator(model: PlanModel, frequency: str = "monthly", lag: int | None = 1,
              published: date | None = None, updated: date | None = FETCHED) -> Indicator:
    """2B-04 with the frequency, lag and source dates a test needs."""
    base = model.indicator("2B-04")
    source = base.source.model_copy(update={"lag_months": lag, "published": published,
                                            "updated": updated})
    return base.model_copy(update={"frequency": frequency, "source": source})


def summary(ind: Indicator, period: str | None = "2026M01", updated: date | None = FETCHED,
            published: date | None = None) -> views.Summary:
    value = None if period is None else 2.6
    return views.Summary(ind, "32", period, value, None, None, updated, "", "", published)


# ---- the text --------------------------------------------------------------------------------------


def test_three_dates_with_an_unknown_publication_date(model: PlanModel) -> None:
    s = summary(indicator(model))
    assert views.dates_text(s, "nb") == \
        "Tall for januar 2026 · publiseringsdato ukjent · hentet 2. mars 2026"
    assert views.dates_text(s, "en") == \
        "Figures for January 2026 · publication date unknown · fetched 2 March 2026"


def test_three_dates_with_a_known_publication_date(model: PlanModel) -> None:
    s = summary(indicator(model), published=PUBLISHED)
    assert views.dates_text(s, "nb") == \
        "Tall for januar 2026 · publisert 5. februar 2026 · hentet 2. mars 2026"
    assert views.dates_text(s, "en") == \
        "Figures for January 2026 · published 5 February 2026 · fetched 2 March 2026"


@pytest.mark.parametrize(("period", "nb", "en"), [
    ("2019", "Tall for 2019", "Figures for 2019"),
    ("2024K2", "Tall for 2. kvartal 2024", "Figures for Q2 2024"),
    ("2018/19", "Tall for skoleåret 2018/19", "Figures for school year 2018/19"),
])
def test_the_period_is_said_as_a_reader_says_it(model: PlanModel, period: str, nb: str,
                                                en: str) -> None:
    s = summary(indicator(model), period=period)
    assert views.dates_text(s, "nb").startswith(nb + " · ")
    assert views.dates_text(s, "en").startswith(en + " · ")


def test_no_figure_no_dates(model: PlanModel) -> None:
    assert views.dates_text(summary(indicator(model), period=None), "nb") == ""


def test_parts_and_another_period(model: PlanModel) -> None:
    s = summary(indicator(model), published=PUBLISHED)
    assert views.dates_text(s, "nb", parts=("published", "fetched")) == \
        "publisert 5. februar 2026 · hentet 2. mars 2026"
    # A map of an older period: that period, and no publication date (it is the latest's).
    assert views.dates_text(s, "nb", period="2022M10") == \
        "Tall for oktober 2022 · publiseringsdato ukjent · hentet 2. mars 2026"
    assert views.dates_text(s, "nb", period="2022M10", unknown=False) == \
        "Tall for oktober 2022 · hentet 2. mars 2026"


# ---- where the dates come from ---------------------------------------------------------------------


def latest_row(ind: Indicator, imported_at: object = None, kind: object = None,
               published: object = None) -> pd.DataFrame:
    """One row as store.latest returns it."""
    return pd.DataFrame([{
        "indicator_id": ind.id, "region_code": "32", "period": "2026M01", "value": 2.6,
        "note": "", "source": "", "previous_period": "2025M12", "previous_value": 2.5,
        "imported_at": imported_at, "import_kind": kind, "published": published}])


def summarise(ind: Indicator, **row: object) -> views.Summary:
    return views.summaries(SimpleNamespace(indicators=[ind]), latest_row(ind, **row))[ind.id]


def test_shipped_file_is_dated_by_the_model(model: PlanModel) -> None:
    ind = indicator(model, published=PUBLISHED)
    s = summarise(ind, kind="build")
    assert (s.updated, s.published) == (FETCHED, PUBLISHED)


def test_an_import_later_than_the_fetch_is_when_it_came_in(model: PlanModel) -> None:
    ind = indicator(model, published=PUBLISHED)
    s = summarise(ind, imported_at=pd.Timestamp("2026-04-20 09:15"), kind="file")
    assert s.updated == date(2026, 4, 20)
    # A planner's file does not say when its figures were published: not the model's date.
    assert s.published is None
    assert "publiseringsdato ukjent · hentet 20. april 2026" in views.dates_text(s, "nb")


def test_an_import_earlier_than_the_fetch_keeps_the_fetch_date(model: PlanModel) -> None:
    s = summarise(indicator(model), imported_at=pd.Timestamp("2026-01-03 10:00"), kind="file")
    assert s.updated == FETCHED


def test_a_figure_from_ssb_is_dated_by_ssb(model: PlanModel) -> None:
    s = summarise(indicator(model), imported_at=pd.Timestamp("2026-04-20 09:15"), kind="ssb",
                  published="2026-04-14T06:00:00Z")
    assert (s.published, s.updated) == (date(2026, 4, 14), date(2026, 4, 20))
    assert views.dates_text(s, "nb") == \
        "Tall for januar 2026 · publisert 14. april 2026 · hentet 20. april 2026"


# ---- the chart's source line -----------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["nb", "en"])
@pytest.mark.parametrize("published", [None, PUBLISHED])
@pytest.mark.parametrize("period", ["2026M01", "2018/19", "2024K2"])
def test_source_line_carries_the_dates_on_short_lines(model: PlanModel, lang: str,
                                                      published: date | None, period: str) -> None:
    s = summary(indicator(model), period=period, published=published)
    line = views.chart_text(s.indicator, s, "", lang).source_line
    flat = line.replace("\n", " · ")
    assert flat.startswith(views.source_text(s.indicator, lang) + " · ")
    assert ("Tall for " if lang == "nb" else "Figures for ") in flat
    assert ("hentet 2. mars 2026" if lang == "nb" else "fetched 2 Mar 2026") in flat
    assert ("publis" in flat) == (published is not None)  # an unknown date is left out here
    assert not re.search(r"sist oppdatert|last updated", flat, re.IGNORECASE)
    # Each line fits under a chart on a 390 px phone (about 52 characters at 11 px).
    assert all(len(part) <= views.SOURCE_LINE_WIDTH for part in line.split("\n"))


def test_a_map_of_an_older_period_is_dated_by_that_period(model: PlanModel) -> None:
    s = summary(indicator(model), published=PUBLISHED)
    line = views.chart_text(s.indicator, s, "", "nb", period="2022M10").source_line
    assert "Tall for oktober 2022" in line and "januar 2026" not in line and "publis" not in line


def test_wrapping_keeps_parts_whole() -> None:
    assert views.wrap_parts("aaaa · bbbb · cccc", 11) == "aaaa · bbbb\ncccc"
    assert views.wrap_parts("a-long-part-alone · b", 5) == "a-long-part-alone\nb"


@pytest.mark.parametrize("lines", [1, 2, 3])
def test_legend_sits_above_a_source_line_of_any_length(lines: int) -> None:
    text = ChartText("T", "S", "\n".join(f"line {n}" for n in range(lines)))
    fig = base_layout(go.Figure(go.Scatter(x=[1, 2], y=[1, 2], name="a")), text, "nb",
                      height=460, bottom=120)
    note = fig.layout.annotations[0]
    source_bottom = from_bottom(fig, note)
    source_top = source_bottom + SOURCE_LINE_PX * lines
    assert source_bottom == pytest.approx(6)
    assert fig.layout.legend.y * fig.layout.height >= source_top + 4
    assert note.text.count("<br>") == lines - 1


def test_trend_figure_keeps_breaks_notes_and_legend_clear_of_the_source(
        model: PlanModel, con: duckdb.DuckDBPyConnection) -> None:
    fig = export.trend_figure(model, export.load_indicator(model, con, "2B-04"), "nb")
    height = fig.layout.height
    source = fig.layout.annotations[0]
    source_top = from_bottom(fig, source) + SOURCE_LINE_PX * (source.text.count("<br>") + 1)
    below = [a for a in fig.layout.annotations[1:] if a.name == "notes"]
    assert below
    for note in below:  # e.g. the break notes: on top of the source line, not over it
        assert from_bottom(fig, note) >= source_top - 2
    assert fig.layout.legend.y * height >= source_top


# ---- next update and "Forsinket" -------------------------------------------------------------------


@pytest.mark.parametrize(("period", "following"), [
    ("2019", "2020"), ("2026M01", "2026M02"), ("2025M12", "2026M01"), ("2024K4", "2025K1"),
    ("2024K2", "2024K3"), ("2018/19", "2019/20")])
def test_next_period(period: str, following: str) -> None:
    assert explain.next_period(period) == following


def test_next_update_is_due_in_a_month_and_late_once_that_month_has_passed(
        model: PlanModel) -> None:
    ind = indicator(model, frequency="annual", lag=14)
    # 2020 ends in December 2020; the source needs about 14 months: February 2022.
    text, late = explain.freshness(ind, "2019", date(2022, 2, 28), "nb")
    assert (text, late) == ("Neste oppdatering ventet: februar 2022", "")
    text, late = explain.freshness(ind, "2019", date(2022, 3, 1), "nb")
    assert late == ("Kilden pleier å publisere tall for 2020 i løpet av februar 2022, men "
                    "dashbordet har ikke fått dem ennå. Det kan finnes nyere tall enn dem som "
                    "vises her.")
    _, late = explain.freshness(ind, "2019", date(2022, 3, 1), "en")
    assert late.startswith("The source usually publishes figures for 2020 during February 2022")


def test_monthly_and_school_year_due_dates(model: PlanModel) -> None:
    monthly = indicator(model, frequency="monthly", lag=1)
    assert explain.freshness(monthly, "2026M01", date(2026, 3, 31), "nb") == \
        ("Neste oppdatering ventet: mars 2026", "")
    assert "tall for februar 2026 i løpet av mars 2026" in \
        explain.freshness(monthly, "2026M01", date(2026, 4, 1), "nb")[1]
    school = indicator(model, frequency="school_year", lag=6)
    _, late = explain.freshness(school, "2018/19", date(2026, 1, 1), "nb")
    assert "tall for skoleåret 2019/20 i løpet av desember 2020" in late


def test_no_lag_or_no_figure_means_no_due_date(model: PlanModel) -> None:
    assert explain.freshness(indicator(model, lag=None), "2026M01", date(2030, 1, 1), "nb") == \
        ("Neste oppdatering: ikke kjent", "")
    assert explain.freshness(indicator(model), None, date(2030, 1, 1), "nb")[1] == ""


# ---- the words: never a lone "sist oppdatert" --------------------------------------------------------


def test_no_text_says_last_updated() -> None:
    """No locale text puts "sist oppdatert"/"last updated" beside a figure; a text may only
    mention the words in quotes, to say that the dashboard does not use them."""
    found = []
    for path in sorted(LOCALES.glob("*.yaml")):
        for key, texts in yaml.safe_load(path.read_text(encoding="utf-8")).items():
            for text in texts.values():
                unquoted = re.sub(r"«[^»]*»|“[^”]*”|\"[^\"]*\"", "", str(text))
                if re.search(r"sist oppdatert|last updated|tall per \{date|figures as of",
                             unquoted, re.IGNORECASE):
                    found.append(f"{path.name}: {key}")
    assert not found


# ---- files ------------------------------------------------------------------------------------------


def test_excel_download_says_what_the_figures_are(model: PlanModel) -> None:
    s = summary(indicator(model), published=PUBLISHED)
    frame = pd.DataFrame({"indicator_id": ["2B-04"], "region_code": ["32"],
                          "period": ["2026M01"], "value": [2.6], "status": [None],
                          "series": [""], "note": [""], "source": [""]})
    book = load_workbook(io.BytesIO(to_xlsx(frame, {"2B-04": "percent"}, "2B-04",
                                            about=views.dates_rows(s, "nb", date(2026, 3, 3)))))
    assert book.sheetnames == ["2B-04", "Om tallene"]  # imports read the first sheet only
    about = dict(book["Om tallene"].iter_rows(values_only=True))
    assert about["Tall for (nyeste periode)"] == "januar 2026"
    assert about["Publisert av kilden"] == "5. februar 2026"
    assert about["Hentet inn i dashbordet"] == "2. mars 2026"
    assert about["Filen er laget"] == "3. mars 2026"
    unknown = views.dates_rows(summary(indicator(model)), "en", date(2026, 3, 3))[1]
    assert ("Published by the source", "unknown") in unknown


def test_deck_title_says_what_the_figures_are_for(model: PlanModel) -> None:
    ind = indicator(model)
    shown = [summary(ind, period=p) for p in ("2024K2", "2026M01", "2019", "2026K1")]
    # The first quarter of 2026 ends after January 2026: periods are ordered by their end.
    assert briefing.figures_for(shown, "nb") == ("Tall for perioder fra 2019 til 1. kvartal 2026; "
                                                 "hvert lysbilde sier hvilken periode det viser.")
    assert briefing.figures_for(shown[1:2] * 2, "en") == "Figures for January 2026"
    assert briefing.figures_for([summary(ind, period=None)], "nb") == ""
