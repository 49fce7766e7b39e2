"""Pure chart functions: tidy data in, a Plotly figure out — the page, PNG and deck use the same ones.

One module per family of charts; every figure goes through `common.base_layout`, so all of them
carry title, unit, source and date in the figure itself.
"""

from indicators.charts.common import ChartText, base_layout, bottom_notes, with_x, x_date
from indicators.charts.funding import focus_bars, granted_by_year, sankey, scheme_bars
from indicators.charts.regional import choropleth, ranked_bars
from indicators.charts.timeline import gantt
from indicators.charts.trend import (
    BreakMark,
    Overlay,
    ValueCard,
    sparkline,
    trend,
    value_card,
    with_breaks,
    with_overlay,
)

__all__ = ["BreakMark", "ChartText", "Overlay", "ValueCard", "base_layout", "bottom_notes",
           "choropleth", "ranked_bars", "sparkline", "trend", "value_card", "with_breaks", "with_overlay",
           "with_x", "x_date"]
__all__ += ["focus_bars", "gantt", "granted_by_year", "sankey", "scheme_bars"]
