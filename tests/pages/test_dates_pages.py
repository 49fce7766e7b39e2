"""Every reading page dates its figures with three kinds of date — Tall for, publisert, hentet —
and never with a lone "sist oppdatert" (progress-method.md, "Dates, always three kinds")."""

from __future__ import annotations

import re

import pytest

from indicators.i18n import t
from tests.pages.conftest import all_text

WORDS = {"nb": ("Tall for", "hentet", "publiseringsdato ukjent"),
         "en": ("Figures for", "fetched", "publication date unknown")}
PAGES = [("app_pages/oversikt.py", {}), ("app_pages/delmal.py", {"goal": "2B"}),
         ("app_pages/indikator.py", {"id": "2B-04"}), ("app_pages/indikator.py", {"id": "1D-01"}),
         ("app_pages/katalog.py", {})]


def never_last_updated(text: str) -> None:
    assert not re.search(r"sist oppdatert|last updated|tall per \d|figures as of", text,
                         re.IGNORECASE)


@pytest.mark.parametrize("lang", ["nb", "en"])
@pytest.mark.parametrize(("page", "params"), PAGES)
def test_page_dates_its_figures(open_page, page: str, params: dict, lang: str) -> None:
    text = all_text(open_page(page, lang=lang, **params))
    period, fetched, _ = WORDS[lang]
    assert f"{period} " in text and f" {fetched} " in text
    never_last_updated(text)


@pytest.mark.parametrize("lang", ["nb", "en"])
@pytest.mark.parametrize("indicator_id", ["2B-04", "1D-01"])
def test_indicator_page_dates_the_shown_figure(open_page, indicator_id: str, lang: str) -> None:
    at = open_page("app_pages/indikator.py", id=indicator_id, lang=lang)
    text = all_text(at)
    # The period in "Tall for" is the period of the headline value above it.
    shown = re.search(r", ([^,]+)\)$", at.metric[0].label)[1]
    period, fetched, unknown = WORDS[lang]
    assert re.search(rf"{period} {re.escape(shown)} · {unknown} · {fetched} \d", text)
    if indicator_id == "1D-01":  # the pre-2020 county: no figures will come, so none are late
        assert t("explain.discontinued", lang, region="", year="").split(":")[0] in text
    else:
        assert ("Neste oppdatering ventet: " if lang == "nb" else "Next update expected: ") in text


def test_overview_table_has_a_tall_for_column_and_dates_with_the_source(open_page) -> None:
    at = open_page("app_pages/oversikt.py")
    tables = [m.value for m in at.markdown if m.value.startswith('<table class="cards"')]
    assert len(tables) == 3 and all("> Tall for </th>" in t.split("</thead>")[0] for t in tables)
    assert re.search(r"Kilde: NAV \(publiseringsdato ukjent · hentet \d", "\n".join(tables))


def test_catalogue_dates_column(open_page) -> None:
    table = open_page("app_pages/katalog.py", lang="en").dataframe[0].value
    row = table[table["Id"].str.contains("2B-04")].iloc[0]
    assert row["Dates"].startswith(f"Figures for {row['Last period']} · ")
    assert "Last updated" not in table.columns
