"""The flow chart on a phone: every node's name readable, however small its node."""

from __future__ import annotations

import pandas as pd

from indicators import charts
from indicators import funding as fund
from indicators.charts import ChartText

FONT_LINE_PX = 14  # a line of the 12 px node names needs at least this much height


def one_project_per_focus_area(model) -> pd.DataFrame:
    """Eight listed projects on eight focus areas, of 100 in the scheme: eight thin nodes."""
    areas = [f.id for f in model.focus_areas][:8]
    return pd.DataFrame([{"year": 2024, "scheme_id": "nui", "recipient": f"P{i}", "project": "",
                          "municipality_code": "", "focus_area_id": a, "amount_nok_million": None,
                          "description": "", "focus_area_basis": "source"}
                         for i, a in enumerate(areas)])


def totals() -> pd.DataFrame:
    return pd.DataFrame([{"year": 2024, "scheme_id": "nui", "applications": 150,
                          "applied_nok_million": 30.0, "granted_nok_million": 10.0,
                          "projects": 100, "note": "", "source": "Testkilde"}])


def test_names_of_small_nodes_do_not_overlap(model) -> None:
    grants = one_project_per_focus_area(model)
    flow = fund.flows(model, grants, totals(), "projects")
    labels = {n: fund.node_label(model, n, "nb") for n in flow.nodes}
    fig = charts.sankey(flow.nodes, labels, flow.links, "projects",
                        ChartText("Flyt", "Prosjekter", "Kilde: Testkilde"), "nb")
    node = fig.data[0].node
    plot_px = fig.layout.height - fig.layout.margin.t - fig.layout.margin.b
    columns: dict[float, list[tuple[float, int]]] = {}
    for x, y, name in zip(node.x, node.y, node.label, strict=True):
        columns.setdefault(x, []).append((y * plot_px, name.count("<br>") + 1))
    middle = columns[sorted(columns)[1]]
    assert len(middle) >= 9  # the eight focus areas and the projects not listed
    for column in columns.values():
        column.sort()
        for (above, lines_above), (below, lines_below) in zip(column, column[1:], strict=False):
            # Names are centred on their nodes: half of each name must fit between the centres.
            assert below - above >= FONT_LINE_PX * (lines_above + lines_below) / 2, column


def test_goal_names_sit_clear_of_the_middle_column_s_names(model) -> None:
    """Plotly writes the goals' names left of their nodes, towards the focus areas' names (right
    of theirs): on a phone the two ran into each other unless they are apart in height."""
    flow = fund.flows(model, one_project_per_focus_area(model), totals(), "projects")
    labels = {n: fund.node_label(model, n, "nb") for n in flow.nodes}
    fig = charts.sankey(flow.nodes, labels, flow.links, "projects",
                        ChartText("Flyt", "Prosjekter", "Kilde: Testkilde"), "nb")
    node = fig.data[0].node
    plot_px = fig.layout.height - fig.layout.margin.t - fig.layout.margin.b
    columns = sorted(set(node.x))
    spans = {cx: [(y * plot_px - FONT_LINE_PX * (name.count("<br>") + 1) / 2,
                   y * plot_px + FONT_LINE_PX * (name.count("<br>") + 1) / 2)
                  for x, y, name in zip(node.x, node.y, node.label, strict=True) if x == cx]
             for cx in columns}
    goals, middle = spans[columns[-1]], spans[columns[1]]
    assert len(goals) >= 2
    for top, bottom in goals:
        assert top >= 0 and bottom <= plot_px
        for m_top, m_bottom in middle:
            assert bottom <= m_top or top >= m_bottom, (top, bottom, middle)
