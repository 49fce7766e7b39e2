"""The app's pages: one list, read by dashboard.py, the browser tests and the benchmarks.

Plain data (no Streamlit), so tests and bench/ can walk the pages without running the app.
"""

from __future__ import annotations

PAGES = [  # (file, url path, title key, icon)
    ("app_pages/oversikt.py", "oversikt", "nav.overview", ":material/dashboard:"),
    ("app_pages/delmal.py", "delmal", "nav.goal", ":material/flag:"),
    ("app_pages/indikator.py", "indikator", "nav.indicator", ":material/show_chart:"),
    ("app_pages/plantema.py", "plantema", "nav.themes", ":material/category:"),
    ("app_pages/katalog.py", "katalog", "nav.catalogue", ":material/table_view:"),
    ("app_pages/metode.py", "metode", "nav.method", ":material/functions:"),
    ("app_pages/tilskudd.py", "tilskudd", "nav.funding", ":material/payments:"),
    ("app_pages/tidslinje.py", "tidslinje", "nav.timeline", ":material/timeline:"),
    ("app_pages/presentasjon.py", "presentasjon", "nav.presentation", ":material/slideshow:"),
    ("app_pages/oppdater.py", "oppdater", "nav.update", ":material/upload_file:"),
    ("app_pages/oppgaver.py", "oppgaver", "nav.tasks", ":material/checklist:"),
]
DEFAULT = "oversikt"  # served at the app's root, and at /oversikt by a hidden twin
ROOT_ALIAS = "start"  # the name the root page reserves (Streamlit answers it with the root page)
# The chart-only page for iframes (/embed?indikator=…): reachable by URL, never listed.
EMBED = ("app_pages/embed.py", "embed", "nav.embed", ":material/code:")
