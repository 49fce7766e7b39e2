"""Item 9 of issue 14 in the figures: text from files (milestones.csv, actions.csv, the sources in
funding.csv) is shown as text, never as plotly markup such as a link (also in PNG/SVG/HTML)."""

from __future__ import annotations

import re
from datetime import date

import pandas as pd

from indicators import charts
from indicators import timeline as tl
from indicators.charts.common import ChartText

LINK = "<a href='http://example.com'>klikk</a> & <b>fet</b>"


def test_timeline_titles_and_owners_are_plain_in_the_gantt() -> None:
    item = tl.Item("x", "action", "action", LINK, date(2026, 1, 1), date(2026, 12, 31),
                   "on_track", owner=LINK)
    frame = tl.gantt_frame([item], date(2026, 6, 1), "nb")
    fig = charts.gantt(frame, date(2026, 6, 1), ChartText("T", "S", "K"), "nb",
                       (date(2026, 1, 1), date(2026, 12, 31)))
    shown = str(fig.to_plotly_json())  # to_json writes "<" as \u003c
    assert "<a href" not in shown and "<b>fet" not in shown
    assert "&lt;a href='http://example.com'&gt;klikk&lt;/a&gt; &amp; &lt;b&gt;fet" in frame["hover"][0]


def test_a_source_from_funding_csv_is_plain_in_the_funding_charts() -> None:
    table = pd.DataFrame({"scheme_id": ["a"], "applied_nok_million": [2.0],
                          "granted_nok_million": [1.0]})
    text = ChartText("Tilskudd", "mill. kr", f"Kilde: {LINK}")
    for fig in (charts.scheme_bars(table, {"a": "A"}, text, "nb"),
                charts.granted_by_year(table.assign(year=2025), {"a": "A"}, text, "nb")):
        source = fig.layout.annotations[0].text  # (wrapped to lines with <br>)
        assert not re.search(r"<(a|b)[\s>]", source) and "&lt;a" in source, source
