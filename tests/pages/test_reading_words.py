"""Words for politicians: what each reading page shows, in both languages, has no file names,
commands, raw periods, plural stubs or straight quotes, and every count says what it counts."""

from __future__ import annotations

import html
import json
import re

import pytest
from streamlit.testing.v1 import AppTest

from indicators import store, views
from indicators.i18n import t
from indicators.model import load_model
from tests.pages.conftest import ROOT, all_text

MODEL = load_model(ROOT / "config" / "goals.yaml")
READING = [("app_pages/oversikt.py", {}), ("app_pages/plantema.py", {}),
           ("app_pages/katalog.py", {}), ("app_pages/metode.py", {}),
           ("app_pages/tilskudd.py", {}), ("app_pages/tidslinje.py", {}),
           *[("app_pages/delmal.py", {"goal": g.id}) for g in MODEL.goals],
           *[("app_pages/indikator.py", {"id": i}) for i in MODEL.indicator_ids()]]

# What a planner or a developer writes, never a reader: (what it is, pattern).
TECHNICAL = [
    ("file name", re.compile(r"\.(?:csv|yaml|duckdb)\b|\bconfig/|\bdata/", re.I)),
    ("command", re.compile(r"python -m|\bmake [a-z]|--[a-z]+")),
    ("raw month", re.compile(r"\b\d{4}M\d{2}\b")),
    ("raw quarter", re.compile(r"\b\d{4}K\d\b")),
    ("raw period or timestamp", re.compile(r"\b\d{4}-\d{2}\b")),
    ("plural stub", re.compile(r"\w\((?:er|e|r|s|ene)\)")),
    ("column name", re.compile(r"\b(?:focus_area_basis|indicator_id|region_code|data_note|"
                               r"headline_region|[a-z]+_(?:nb|en|id|code))\b")),
]


def shown_text(at: AppTest) -> str:
    """All the page's text (see all_text), its charts' words, and its expanders, tabs and
    choices; links and markup reduced to the words a reader sees."""
    parts = [all_text(at)]
    for chart in at.get("plotly_chart"):
        layout = json.loads(chart.proto.spec).get("layout", {})
        spec = json.loads(chart.proto.spec)
        title = layout.get("title", {})
        parts.append(title.get("text", "") if isinstance(title, dict) else str(title))
        parts += [a.get("text", "") for a in layout.get("annotations", [])]
        parts += [str(trace.get("name", "")) for trace in spec.get("data", [])]
        for axis in ("xaxis", "yaxis"):
            axis_title = layout.get(axis, {}).get("title", {})
            parts.append(axis_title.get("text", "") if isinstance(axis_title, dict) else "")
    parts += [e.label for e in at.expander] + [tab.label for tab in at.tabs]
    for box in at.selectbox:
        parts += [box.label, *[str(o) for o in box.options]]
    text = "\n".join(p for p in parts if p)
    text = re.sub(r"\]\([^)]*\)", "]", text)  # markdown link targets
    text = re.sub(r"<[^>]+>", " ", text)  # HTML tags and their attributes
    return html.unescape(text)


@pytest.mark.parametrize("lang", ["nb", "en"])
@pytest.mark.parametrize(("page", "params"), READING,
                         ids=[f"{p.split('/')[1][:-3]}{''.join(q.values())}" for p, q in READING])
def test_reading_pages_speak_to_readers(open_page, page: str, params: dict[str, str],
                                        lang: str) -> None:
    text = shown_text(open_page(page, lang=lang, **params))
    assert text.strip()
    for what, pattern in TECHNICAL:
        found = pattern.findall(text)
        assert not found, (what, found[:5])
    if lang == "nb":
        quotes = [line for line in text.splitlines() if '"' in line]
        assert not quotes, quotes[:3]  # «sitat» in Norwegian text
    else:
        assert "«" not in text and "»" not in text  # “quote” in English
    # "Ingen data … Ingen data ennå.": one no-data sentence at a time.
    for line in text.splitlines():
        for phrase in ("Ingen data", "ingen tall ennå", "No data", "no figures yet"):
            assert line.lower().count(phrase.lower()) <= 1, line


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_overview_counts_say_what_they_count(open_page, db, lang: str) -> None:
    text = all_text(open_page("app_pages/oversikt.py", lang=lang))
    con = store.connect(db)
    try:
        shown = views.summaries(MODEL, store.latest(con, views.headline_pairs(MODEL)))
    finally:
        con.close()
    counts = [s for s in shown.values() if s.indicator.unit == "count" and s.has_data]
    assert counts  # the shipped data has counts (unemployed, population)
    for s in counts:
        word = s.indicator.word(lang)
        assert word and f"{views.value_text(s, lang)}" in text, s.indicator.id
        assert views.value_text(s, lang).endswith(f"\xa0{word}")
        if s.change is not None:
            assert views.change_text(s, lang) in text


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_a_theme_with_nothing_counted_says_so_once(open_page, lang: str) -> None:
    at = open_page("app_pages/plantema.py", lang=lang)
    # The roll-up's list of what is left out, and no info box repeating it.
    assert t("rollup.left_out", lang) in all_text(at)
    assert not [i for i in at.info if "kan ikke vurderes" in i.value or "cannot be assessed"
                in i.value]
