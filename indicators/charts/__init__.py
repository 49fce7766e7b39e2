"""Pure chart functions: tidy data in, a Plotly figure out — the page, PNG and deck use the same ones.

One module per family of charts; every figure goes through `common.base_layout`, so all of them
carry title, unit, source and date in the figure itself.
"""

from indicators.charts.common import ChartText, base_layout, with_x, x_date
from indicators.charts.trend import sparkline, trend

__all__ = ["ChartText", "base_layout", "sparkline", "trend", "with_x", "x_date"]
