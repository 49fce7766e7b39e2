"""Words for politicians: counted nouns agree with their number, map classes never overlap,
counts say what they count, a change is said the same way everywhere, and an area that no
longer exists is not called late."""

from __future__ import annotations

import random
import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from indicators import explain, store, views
from indicators.charts.regional import _class_of, _classes, class_labels, map_areas, shown_value
from indicators.i18n import (
    PLURAL_ONE,
    PLURAL_OTHER,
    catalogue,
    first_upper,
    format_change,
    format_period,
    format_value,
    quoted,
    t,
    t_n,
)
from indicators.model import PlanModel, load_model, validate_config
from indicators.progress import Assessment
from tests.conftest import copy_repo, obs_frame

ROOT = Path(__file__).resolve().parents[2]
STUB = re.compile(r"\w\((?:er|e|r|s|ene)\)")  # indikator(er), celle(r), indicator(s)


# ---- the plural helper -----------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["nb", "en"])
def test_a_count_picks_the_word_that_agrees_with_it(lang: str) -> None:
    one, many = t_n("update.confirm", 1, lang), t_n("update.confirm", 12, lang)
    assert one == t("update.confirm.one", lang) and "1" in one
    assert many == t("update.confirm.other", lang, n="12")
    assert t_n("update.confirm", 0, lang) == t("update.confirm.other", lang, n="0")
    assert not STUB.search(one + many)


def test_the_count_is_written_the_readers_way() -> None:
    assert t_n("timeline.target_title", 10299, "nb", year=2030).endswith("10\xa0299 indikatorer")
    assert t_n("timeline.target_title", 10299, "en", year=2030).endswith("10,299 indicators")
    assert t_n("timeline.target_title", 1, "nb", year=2030) == "Målår 2030: mål for 1 indikator"


def test_a_counted_text_kept_as_key_and_params_still_agrees() -> None:
    """Messages stored as a key and its params (fetch flags, import issues) reach t() by the bare
    key: the count in `count` or `n` picks the form."""
    assert t("ssb.failed_summary", "nb", count=1).startswith("1 indikator ble")
    assert t("ssb.failed_summary", "nb", count=3).startswith("3 indikatorer ble")
    assert t("ssb.flag.missing_skipped", "en", count=2).startswith("2 cells")


def test_counted_texts_come_in_pairs_and_no_text_has_a_plural_stub() -> None:
    texts = catalogue()
    for key in texts:
        for form, other in ((PLURAL_ONE, PLURAL_OTHER), (PLURAL_OTHER, PLURAL_ONE)):
            if key.endswith(f".{form}") and not key.startswith("unit."):
                assert key.removesuffix(form) + other in texts, key
        for lang in ("nb", "en"):
            assert not STUB.search(texts[key][lang]), (key, lang, texts[key][lang])


def test_every_counted_text_the_code_asks_for_has_both_forms() -> None:
    used = set()
    for path in [*ROOT.glob("indicators/**/*.py"), *ROOT.glob("app_pages/*.py"),
                 *ROOT.glob("ui/*.py")]:
        used |= set(re.findall(r"\bt_n\(\s*\"([a-z_]+\.[a-z0-9_.]+)\"", path.read_text("utf-8")))
    assert len(used) >= 8  # the scan found the counted texts
    missing = sorted(f"{key}.{form}" for key in used for form in (PLURAL_ONE, PLURAL_OTHER)
                     if f"{key}.{form}" not in catalogue())
    assert not missing, missing


def test_quotes_and_capitals() -> None:
    assert quoted("i dag", "nb") == "«i dag»" and quoted("today", "en") == "\u201ctoday\u201d"
    assert first_upper("NOK thousand") == "NOK thousand" and first_upper("antall") == "Antall"


def test_norwegian_texts_use_norwegian_quotes() -> None:
    """Straight quotes only where the text is about the character itself (a CSV quote mark, the
    quotes a code needs in the YAML plan file)."""
    about_quotes = {"ingest.error.bad_quotes", "config.problem.not_text_quote",
                    "config.problem.ssb_table"}
    for key, texts in catalogue().items():
        if key not in about_quotes:
            assert '"' not in texts["nb"], key
        assert "«" not in texts["en"] and "»" not in texts["en"], key


# ---- map classes ---------------------------------------------------------------------------------------

def _shown_ranges(labels: list[str], lang: str) -> list[tuple[float, float]]:
    """(low, high) of each bokmål legend label as printed, read back from its text."""
    out = []
    for label in labels:
        numbers = [float(n.replace("\u2212", "-").replace(",", ".").replace("\xa0", ""))
                   for n in re.findall(r"[\u2212-]?\d[\d\xa0]*(?:,\d+)?", label)]
        out.append((numbers[0], numbers[-1]))
    return out


def test_map_classes_never_share_a_bound_as_shown() -> None:
    # The reviewers' case: classes cut between 1,43 and 1,44 % both printed "1,4 %".
    values = [1.1, 1.2, 1.3, 1.4, 1.43, 1.44, 1.46, 1.5, 1.6, 1.7, 1.75, 1.8, 1.9, 2.0, 2.4]
    shown = [shown_value(v, "percent") for v in values]
    labels = class_labels(shown, _classes(shown), "percent", "nb")
    ranges = _shown_ranges(labels, "nb")
    assert all(high < next_low for (_, high), (next_low, _) in zip(ranges, ranges[1:], strict=False))
    assert labels[0] == f"{format_value(1.1, 'percent', 'nb')} – {format_value(1.4, 'percent', 'nb')}"


@pytest.mark.parametrize("seed", range(20))
@pytest.mark.parametrize("unit", ["percent", "count", "nok_million"])
def test_map_classes_are_ordered_disjoint_and_hold_every_value(seed: int, unit: str) -> None:
    rng = random.Random(seed)
    scale = {"percent": 5, "count": 3000, "nok_million": 40}[unit]
    values = [rng.random() * scale for _ in range(rng.randint(1, 21))]
    shown = [shown_value(v, unit) for v in values]
    bins = _classes(shown)
    labels = class_labels(shown, bins, unit, "nb")
    ranges = _shown_ranges(labels, "nb")
    assert 1 <= len(labels) <= 5
    assert all(high < next_low for (_, high), (next_low, _) in zip(ranges, ranges[1:], strict=False))
    for value in shown:  # every value lies inside the class it is drawn in
        low, high = ranges[_class_of(value, bins)]
        assert low <= value <= high


def test_the_maps_legend_is_the_classes(model: PlanModel) -> None:
    codes = [r.code for r in model.municipalities()]
    frame = pd.DataFrame({"region_code": codes, "value": [1 + i / 20 for i in range(len(codes))]})
    areas = map_areas(frame, "percent", "nb")
    by_rank = {a.rank: a.label for a in areas if a.rank >= 0}
    assert len(set(by_rank.values())) == len(by_rank)


# ---- a count says what it counts ----------------------------------------------------------------------

def test_every_shipped_count_says_what_it_counts(model: PlanModel) -> None:
    for indicator in model.indicators:
        assert bool(indicator.word("nb")) == (indicator.unit == "count"), indicator.id
        assert bool(indicator.word("en")) == (indicator.unit == "count"), indicator.id


def test_a_unit_word_on_a_percent_indicator_is_refused(tmp_path: Path) -> None:
    repo = copy_repo(tmp_path)
    goals = repo / "config" / "goals.yaml"
    text = goals.read_text(encoding="utf-8")
    # 1D-01 is a percentage: "prosent personer" would be nonsense.
    text = text.replace("    unit: percent\n",
                        "    unit: percent\n    unit_word: {nb: personer, en: people}\n", 1)
    goals.write_text(text, encoding="utf-8")
    problems = validate_config(goals)
    assert [p.column for p in problems] == ["indicators[0].unit_word"], problems
    assert "brukes bare med unit: count" in problems[0].text()
    assert "only for unit: count" in problems[0].text("en")


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_a_count_is_shown_with_its_word(model: PlanModel, lang: str) -> None:
    indicator = model.indicator("2B-05")
    s = views.Summary(indicator, "32", "2026M01", 10299.0, "2025M01", 9751.0, None, "", "")
    word = indicator.word(lang)
    assert views.value_text(s, lang) == f"{format_value(10299, 'count', lang)}\xa0{word}"
    assert f"+{format_value(548, 'count', lang)}\xa0{word}" in views.change_text(s, lang)
    assert views.unit_text(indicator, lang) == t("unit.count.of", lang, word=word)


# ---- a change is said the same way on the page, in the table and under the chart ---------------------

def _monthly(db: Path) -> None:
    rows = [("2B-04", "32", f"{y}M{m:02d}", y, "M", m, 2.0 + m / 10 + (y - 2024) / 10, None)
            for y in (2024, 2025) for m in range(1, 13)]
    rows.append(("2B-04", "32", "2026M01", 2026, "M", 1, 2.6, None))
    store.import_observations(db, obs_frame(rows), file_name="x.csv", sha256="0" * 64, user="t")


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_a_month_is_compared_with_the_same_month_a_year_earlier(model: PlanModel, tmp_path: Path,
                                                                 lang: str) -> None:
    db = tmp_path / "d.duckdb"
    _monthly(db)
    con = store.connect(db)
    try:
        summary = views.summaries(model, store.latest(con, [("2B-04", "32")]))["2B-04"]
        frame = store.all_observations(con, "2B-04")
    finally:
        con.close()
    # Not December 2025 (a season away): January 2025, and the words say so.
    assert (summary.period, summary.previous_period) == ("2026M01", "2025M01")
    assert summary.change == pytest.approx(2.6 - 2.2)
    change = views.change_text(summary, lang)
    assert change.startswith(format_change(0.4, "percent", lang))
    assert change.endswith(t("change.since_month", lang, change="",
                             period=format_period("2025M01", lang)).strip())
    trend = views.trend_data(model, summary.indicator, frame, lang)
    assert change in views.trend_summary(model, summary.indicator, trend, lang)


def test_a_year_is_compared_with_the_year_before(model: PlanModel) -> None:
    s = views.Summary(model.indicator("1D-02"), "32", "2024", 10.1, "2021", 9.4, None, "", "")
    assert views.change_text(s, "nb").endswith("fra 2021")  # no "samme måned" for a year


# ---- an area that no longer exists is not late; a base is drawn only under a status ----------------

@pytest.mark.parametrize("lang", ["nb", "en"])
def test_the_pre_2020_county_is_not_late_but_gone(model: PlanModel, lang: str) -> None:
    indicator = model.indicator("2B-03")
    old = model.region("02")
    text, late = explain.freshness(indicator, "2019", date(2030, 1, 1), lang, old)
    assert late == ""
    assert text == t("explain.discontinued", lang, region=old.name.get(lang), year=old.valid_to)
    _, late_today = explain.freshness(indicator, "2019", date(2030, 1, 1), lang, model.region("32"))
    assert late_today  # today's county: the same old figure is late


def test_no_base_point_without_a_status(model: PlanModel) -> None:
    indicator = model.indicator("1D-04")
    # A school year sits at its end year: 2017/18 at 2018.
    frame = obs_frame([("1D-04", "02", "2017/18", 2018, "SY", None, 3.6, None),
                       ("1D-04", "02", "2018/19", 2019, "SY", None, 3.3, None)])
    frame["region_code"] = indicator.headline_region
    unrated = Assessment(status="not_available", reason="break", base_year=2019, base_value=3.3)
    overlay = explain.overlay(indicator, frame, unrated, "nb")
    assert overlay.base is None and overlay.required == []
    rated = Assessment(status="deterioration", base_year=2018, base_value=3.6)
    assert explain.overlay(indicator, frame, rated, "nb").base == (2018, 3.6)


def test_the_shipped_model_loads(model: PlanModel) -> None:
    assert load_model(ROOT / "config" / "goals.yaml").indicator_ids() == model.indicator_ids()


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_no_change_is_given_across_a_break(model: PlanModel, lang: str) -> None:
    """1D-04 changed definition in 2018/19: 2018/19 against 2017/18 is no change, and says why."""
    indicator = model.indicator("1D-04")
    across = views.Summary(indicator, "02", "2018/19", 3.3, "2017/18", 3.6, None, "", "")
    text = views.change_text(across, lang)
    assert text == t("change.break", lang, period="2017/18")
    assert format_change(-0.3, "percent", lang) not in text
    before = views.Summary(indicator, "02", "2017/18", 3.6, "2016/17", 3.5, None, "", "")
    assert views.change_text(before, lang).startswith(format_change(0.1, "percent", lang))


@pytest.mark.parametrize(("before", "after", "crosses"), [
    ("2021M01", "2022M01", True), ("2021M12", "2022M01", True), ("2022M01", "2023M01", False),
    ("2018M10", "2018M11", True), ("2018M11", "2019M11", False), ("2025M01", "2026M01", False),
    ("2021", "2022", True), ("2018", "2019", True), ("2019", "2020", False)])
def test_which_comparisons_cross_a_break(model: PlanModel, before: str, after: str,
                                         crosses: bool) -> None:
    # 2B-04: NAV's breaks in November 2018 and January 2022.
    assert views.crosses_break(model.indicator("2B-04"), before, after) is crosses
