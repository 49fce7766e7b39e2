"""Focus areas we assessed ourselves are labelled as such: in the tables, the flow, the figures
(another style, a legend, how each amount was derived, the source line) and the deck."""

from __future__ import annotations

import io
import re
from datetime import date

import pandas as pd
import pytest
from pptx import Presentation

from indicators import charts, deck
from indicators import funding as fund
from indicators.charts import ChartText
from indicators.charts.common import from_bottom

ASSESSED_NB = "vurdert av oss ut fra prosjektbeskrivelsen"


def grant(scheme: str, focus: str, basis: str | None, amount: float | None = None,
          name: str = "X") -> dict:
    row = {"year": 2024, "scheme_id": scheme, "recipient": name, "project": "",
           "municipality_code": "", "focus_area_id": focus, "amount_nok_million": amount,
           "description": ""}
    return row if basis is None else {**row, "focus_area_basis": basis}


def totals(granted: float | None = 10.0, projects: int = 5) -> pd.DataFrame:
    return pd.DataFrame([{"year": 2024, "scheme_id": "nui", "applications": 9,
                          "applied_nok_million": 30.0, "granted_nok_million": granted,
                          "projects": projects, "note": "", "source": "Fylkets orientering"}])


@pytest.fixture
def mixed() -> pd.DataFrame:
    return pd.DataFrame([grant("nui", "vekstbedrifter", "source", name="A"),
                         grant("nui", "vekstbedrifter", "assessed", name="B"),
                         grant("nui", "helsenaeringene", "assessed", name="C"),
                         grant("nui", "", "assessed", name="D")])


def plain(text: str) -> str:
    """An annotation's words without markup or line breaks."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text)).strip()


def test_each_link_carries_the_basis_of_its_grants(model, mixed) -> None:
    flow = fund.flows(model, mixed, totals(), "projects")
    links = {(r.source, r.target, r.basis): r.value for r in flow.links.itertuples()}
    assert links[("scheme:nui", "focus:vekstbedrifter", "source")] == 1
    assert links[("scheme:nui", "focus:vekstbedrifter", "assessed")] == 1
    assert links[("scheme:nui", "focus:helsenaeringene", "assessed")] == 1
    # Placed on no focus area, or not listed at all: the source's own figures, nothing assessed.
    assert links[("scheme:nui", "unknown", "source")] == 1
    assert links[("scheme:nui", "unlisted", "source")] == 1
    goal = model.focus_area("vekstbedrifter").goals[0]
    assert links[("focus:vekstbedrifter", f"goal:{goal}", "assessed")] == 1
    assert flow.assessed()


def test_a_grant_without_the_column_counts_as_assessed(model) -> None:
    old = pd.DataFrame([grant("nui", "vekstbedrifter", None)])
    assert list(fund.basis(old)) == ["assessed"]
    assert set(fund.flows(model, old, totals(), "projects").links["basis"]) >= {"assessed"}
    assert fund.any_assessed(old)
    assert "focus_area_basis\n" in fund.grants_csv(old).splitlines(keepends=True)[0]


def test_the_tables_say_which_focus_areas_we_assessed(model, mixed) -> None:
    shown = fund.grant_display(model, mixed, "nb").set_index("Mottaker")["Satsingsområde"]
    assert shown["A"] == "Vekstbedrifter"
    assert shown["B"] == f"Vekstbedrifter ({ASSESSED_NB})"
    assert shown["D"] == "Satsingsområde ikke oppgitt"  # nothing to assess
    rollup = fund.focus_display(model, fund.focus_area_rollup(model, mixed), "nb")
    basis = dict(zip(rollup["Satsingsområde"], rollup["Satsingsområdet er"], strict=True))
    assert basis["Vekstbedrifter"] == f"1 av 2 {ASSESSED_NB}"
    assert basis["Helsenæringene"] == ASSESSED_NB
    assert basis["Reiseliv"] == "–"  # no projects
    flow = fund.flow_table(model, fund.flows(model, mixed, totals(), "projects"), "projects", "en")
    assert set(flow["Basis"]) == {"stated in the source", "assessed by us from the project "
                                                          "description"}
    english = fund.grant_display(model, mixed, "en").set_index("Recipient")["Focus area"]
    assert english["B"] == "Growth companies (assessed by us from the project description)"


def test_the_page_sentence_counts_the_assessed_links(mixed) -> None:
    assert fund.basis_sentence(mixed, "nb").startswith(
        "2 av 3 prosjekter med satsingsområde er plassert der av oss")
    stated = mixed[mixed["focus_area_basis"] == "source"]
    assert fund.basis_sentence(stated, "nb") == "" and not fund.any_assessed(stated)


def test_the_source_line_names_our_assessment_only_where_there_is_one(mixed) -> None:
    funding = totals()
    assert fund.source_line(funding, "nb") == (
        "Kilde: Fylkets orientering · Akershus fylkeskommune")
    assert fund.source_line(funding, "nb", fund.any_assessed(mixed)) == (
        "Kilde: Fylkets orientering (tilskudd); fordeling på satsingsområder vurdert av oss · "
        "Akershus fylkeskommune")
    assert "allocation to focus areas assessed by us" in fund.source_line(funding, "en", True)


def test_how_each_amount_was_derived_never_says_zero_for_unknown() -> None:
    unknown = pd.DataFrame([grant("nui", "vekstbedrifter", "assessed", None)])
    note = fund.flow_note(unknown, "amount", "nb")
    assert "Beløp per ordning er innvilget beløp fra kilden" in note
    assert "Beløp per satsingsområde er ukjent" in note and " 0 " not in note
    some = pd.DataFrame([grant("nui", "vekstbedrifter", "assessed", 2.5, name="A"),
                         grant("nui", "vekstbedrifter", "assessed", None, name="B")])
    assert "(1 av 2 oppførte prosjekter har beløp)" in fund.flow_note(some, "amount", "nb")
    assert "Prosjekter per ordning er fra kilden" in fund.flow_note(some, "projects", "nb")


def sankey(model, grants: pd.DataFrame, lang: str = "nb"):
    flow = fund.flows(model, grants, totals(), "projects")
    labels = {n: fund.node_label(model, n, lang) for n in flow.nodes}
    text = ChartText("Flyt", "Prosjekter", fund.source_line(totals(), lang, flow.assessed()))
    return flow, charts.sankey(flow.nodes, labels, flow.links, "projects", text, lang,
                               note=fund.flow_note(grants, "projects", lang))


def test_assessed_links_are_drawn_apart_with_a_legend_and_the_source_line(model, mixed) -> None:
    flow, fig = sankey(model, mixed)
    colours = fig.data[0].link.color
    assessed = {c for c, b in zip(colours, flow.links["basis"], strict=True) if b == "assessed"}
    stated = {c for c, b in zip(colours, flow.links["basis"], strict=True) if b == "source"}
    assert assessed and stated and not assessed & stated
    hover = [d for d, b in zip(fig.data[0].link.customdata, flow.links["basis"], strict=True)
             if b == "assessed"]
    assert all(ASSESSED_NB in h for h in hover)
    words = plain(" ".join(a.text for a in fig.layout.annotations))
    assert f"Kobling til satsingsområde {ASSESSED_NB}" in words
    assert "Tall og koblinger fra kilden" in words
    assert "Prosjekter per ordning er fra kilden" in words
    assert "fordeling på satsingsområder vurdert av oss" in words
    # The legend and the note sit in the band below the plot, above the figure's bottom edge.
    note = fig.layout.annotations[0]
    assert note.yanchor == "bottom" and 0 < from_bottom(fig, note) < fig.layout.margin.b


def test_a_flow_the_source_states_has_no_assessment_legend(model) -> None:
    stated = pd.DataFrame([grant("nui", "vekstbedrifter", "source")])
    _, fig = sankey(model, stated)
    words = plain(" ".join(a.text for a in fig.layout.annotations))
    assert "vurdert av oss" not in words
    assert "Kilde: Fylkets orientering · Akershus fylkeskommune" in words


def test_focus_bars_hatch_the_projects_we_placed(model, mixed) -> None:
    rollup = fund.focus_area_rollup(model, mixed)
    names = {f: fund.focus_name(model, f, "nb") for f in rollup["focus_area_id"]}
    fig = charts.focus_bars(rollup, names, ChartText(
        "Satsingsområder", "Prosjekter", fund.source_line(totals(), "nb", True)), "nb")
    # A long legend entry is on two lines (charts.common.place_bottom): read it as one.
    bars = {b.name.replace("<br>", " "): b for b in fig.data if b.type == "bar"}
    hatched = bars[f"Satsingsområdet {ASSESSED_NB}"]
    solid = bars["Satsingsområdet oppgitt i kilden"]
    assert hatched.marker.pattern.shape == "/" and not solid.marker.pattern.shape
    assert hatched.marker.color != solid.marker.color
    assert hatched.showlegend and solid.showlegend
    by_area = dict(zip(hatched.y, hatched.x, strict=True))
    assert by_area["Vekstbedrifter"] == 1 and by_area["Helsenæringene"] == 1
    assert "fordeling på satsingsområder vurdert av oss" in plain(fig.layout.annotations[0].text)


def texts(slide) -> str:
    parts = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            parts.append(shape.text_frame.text)
        if shape.has_table:
            parts += [c.text for row in shape.table.rows for c in row.cells]
    return "\n".join(parts)


def test_the_deck_labels_assessed_focus_areas_and_unknown_amounts(model, mixed) -> None:
    made = deck.Deck(deck._presentation(), "nb", date(2026, 12, 2))
    deck.funding_slides(made, model, totals(), mixed, 2024)
    saved = io.BytesIO()
    made.prs.save(saved)
    schemes, focus = Presentation(io.BytesIO(saved.getvalue())).slides
    first = texts(schemes)
    assert "Næringsutvikling og innovasjon" in first
    assert "Kilde: Fylkets orientering · Akershus fylkeskommune" in first
    second = texts(focus)
    assert ASSESSED_NB in second and "1 av 2 " + ASSESSED_NB in second
    assert "ukjent" in second and "Beløp per satsingsområde er ukjent" in second
    assert ("Kilde: Fylkets orientering (tilskudd); fordeling på satsingsområder vurdert av oss"
            in second)


def test_the_deck_says_unknown_for_a_scheme_without_a_granted_amount(model, mixed) -> None:
    made = deck.Deck(deck._presentation(), "en", date(2026, 12, 2))
    deck.funding_slides(made, model, totals(granted=None), mixed, 2024)
    first = texts(made.prs.slides[0])
    assert "unknown" in first and "0 NOK million" not in first
