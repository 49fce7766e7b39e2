"""AppTest fixtures: the app run against a database built from the shipped files in a temp folder."""

from __future__ import annotations

import html
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from indicators import store
from indicators.assessment import assess_all, rollup_records
from indicators.build import build
from indicators.i18n import t
from indicators.model import load_model
from indicators.views import headline_pairs

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def open_page(db: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., AppTest]:
    """Open a page of the real app (through dashboard.py) with query parameters."""
    return page_opener(db, monkeypatch)


@pytest.fixture
def open_fixture_page(fixture_db: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., AppTest]:
    """Open a page of the real app reading the test data set (tests/fixtures/README.md): for
    tests that pin a figure, a period or a count of areas."""
    return page_opener(fixture_db, monkeypatch)


def page_opener(db: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., AppTest]:
    """Opens pages of the real app (through dashboard.py) reading `db`, with query parameters."""
    monkeypatch.setenv("DASHBOARD_DB", str(db))

    def _open(page: str, **params: str) -> AppTest:
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
        for key, value in params.items():
            at.query_params[key] = value
        at.switch_page(page)
        at.run()
        assert not at.exception, [e.message for e in at.exception]
        return at

    return _open


def all_text(at: AppTest) -> str:
    """Everything a reader sees as text: markdown, headings, captions, metrics, alerts, tables."""
    parts: list[str] = []
    for kind in ("markdown", "title", "header", "subheader", "caption", "info", "warning",
                 "error", "success"):
        parts += [str(e.value) for e in getattr(at, kind)]
    parts += [f"{m.label} {m.value} {m.delta}" for m in at.metric]
    parts += [t.value.to_string() for t in at.table]
    parts += [d.value.to_string() for d in at.dataframe]
    return "\n".join(parts)


def card_frames(at: AppTest) -> list[pd.DataFrame]:
    """Each card table (ui/phone.card_table) on the page as the reader sees its cells: text only,
    markup gone, `<br>` a line break; columns named by the table's headings."""
    def text(cell: str) -> str:
        return html.unescape(re.sub(r"<[^>]+>", "", re.sub(r"<br\s*/?>", "\n", cell))).strip()

    frames = []
    for m in at.markdown:
        if not m.value.startswith('<table class="cards"'):
            continue
        head, body = m.value.split("</thead>", 1)
        headers = [text(h) for h in re.findall(r"<th[^>]*>(.*?)</th>", head, re.S)]
        rows = [[text(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
                for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)]
        frames.append(pd.DataFrame(rows, columns=headers))
    return frames


# Words that must stand beside a member a roll-up leaves out, per reason (progress-method.md).
LEFT_OUT_WORDS = {
    "nb": {"context": ("vises som bakgrunn, vurderes ikke",), "other_area": ("ikke dagens fylke",),
           "stale": ("for gamle tall (siste fra",),
           "no_data": ("ingen tall ennå", "for få år med tall", "ingen tall fra basisåret",
                       "kan ikke beregnes")},
    "en": {"context": ("shown as background, not assessed",), "other_area": ("not today's county",),
           "stale": ("figures too old (latest from",),
           "no_data": ("no figures yet", "too few years of figures", "no figures from the base year",
                       "cannot be computed")},
}


def shown_statuses(db: Path) -> dict[str, str]:
    """Each indicator's status for the database the pages read (assessed as of today)."""
    return {i: a.status for i, a in shown_assessments(db).items()}


def shown_rollups(db: Path, level: str) -> dict[str, dict]:
    """The roll-ups of `level` as `progress --json` gives them for the database the pages read
    (assessed as of today, as the app does): what the pages must say, never pinned figures."""
    model = load_model(ROOT / "config" / "goals.yaml")
    return {r["id"]: r for r in rollup_records(model, shown_assessments(db))
            if r["level"] == level}


def rollup_block(at: AppTest, record: dict) -> str:
    """The one markdown block that shows this roll-up: a status badge first, every member linked."""
    members = set(record["members"])
    blocks = [m.value for m in at.markdown
              if not m.value.startswith(("|", "<table")) and "status-badge" in m.value.split("\n", 1)[0]
              and set(re.findall(r"indikator\?id=([^&)]+)&", m.value)) == members]
    assert len(blocks) == 1, (record["id"], len(blocks))
    return blocks[0]


def assert_rollup_shown(at: AppTest, record: dict, lang: str = "nb") -> str:
    """The page shows the roll-up honestly: "Foreløpig" when provisional, "bygger på N av M",
    and every member left out, linked to its page, with its reason in words. Returns the block."""
    block = rollup_block(at, record)
    model = load_model(ROOT / "config" / "goals.yaml")
    status = t(f"status.{record['status']}", lang)
    provisional = t("rollup.provisional", lang, status=status)
    if record["provisional"]:
        assert f"</span> {provisional}</span>" in block
    else:
        assert f"</span> {status}</span>" in block and provisional not in block
    n = len(record["counted"])
    m = n + sum(reason != "context" for reason in record["excluded"].values())
    if n:
        noun = t("rollup.noun_one" if m == 1 else "rollup.noun_many", lang)
        assert t("rollup.basis", lang, n=n, m=m, noun=noun) in block
    else:  # nothing to count: "Ikke nok data" and why
        why = (t("rollup.none_assessed", lang) if m == 0 else t("rollup.none_one", lang)
               if m == 1 else t("rollup.none_many", lang, m=m))
        assert why in block
    for indicator_id, reason in record["excluded"].items():
        name = html.escape(f"{indicator_id} {model.indicator(indicator_id).name.get(lang)}")
        # Linked to its page, opening in the same tab.
        line = (f'- <a href="indikator?id={indicator_id}&amp;lang={lang}" target="_self">'
                f"{name}</a>: ")
        assert line in block, line
        after = block.split(line, 1)[1].split("\n", 1)[0]
        assert any(w in after for w in LEFT_OUT_WORDS[lang][reason]), (indicator_id, after)
    return block


def planner_site_template(folder: Path, planner: str, data: Path = ROOT / "data") -> Path:
    """data/ with a database built from `data` (the shipped files, or the test data set), and an
    allow-list naming one planner."""
    shutil.copytree(data, folder / "data", ignore=shutil.ignore_patterns("*.duckdb*", "*.lock", "*.tmp"))
    assert build(load_model(ROOT / "config" / "goals.yaml"), folder / "data",
                 folder / "data" / "dashboard.duckdb").ok
    (folder / "access.yaml").write_text(f"planners:\n  - {planner}\n", "utf-8")
    return folder


def use_planner_site(template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A writable copy of a planner_site_template that the app (through its env) reads."""
    site = tmp_path / "site"
    shutil.copytree(template, site)
    monkeypatch.setenv("DASHBOARD_DB", str(site / "data" / "dashboard.duckdb"))
    monkeypatch.setenv("DASHBOARD_ACCESS", str(site / "access.yaml"))
    monkeypatch.delenv("DASHBOARD_DATA", raising=False)
    monkeypatch.delenv("DASHBOARD_CONFIG", raising=False)
    return site


def shown_assessments(db: Path) -> dict:
    """Every indicator's assessment for the database the pages read (as of today, as the app)."""
    model = load_model(ROOT / "config" / "goals.yaml")
    frame = headline_frame(db, model)
    return assess_all(model, dict(tuple(frame.groupby("indicator_id"))))


def headline_frame(db: Path, model) -> pd.DataFrame:
    """The headline observations the status is computed on, read from `db`."""
    con = store.connect(db)
    try:
        return store.headline_observations(con, headline_pairs(model))
    finally:
        con.close()
