"""Checks on the data files shipped under data/ (pure pandas, but for the plan files, which the
app's own reader must take): their form and the figures copied or derived from the sources, never
the latest value, which the next data update changes (tests/test_data_update.py imports one and
runs these), nor the plan files' rows, which planners edit in the app."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "data"
OBS = DATA / "observations"
# The shared real-data folder sits next to the repository (../shared/data/real).
REAL = REPO.parent / "shared" / "data" / "real"

CANONICAL_HEADER = "indicator_id,region_code,period,value,unit,series,note,source"
OBS_FILES = sorted(OBS.glob("*.csv"))


def read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def test_observation_files_exist() -> None:
    names = {p.stem for p in OBS_FILES}
    assert {"1D-01", "1D-02", "1D-03", "1D-04", "1D-05", "2A-01", "2A-02", "2A-05", "2B-01",
            "2B-02", "2B-03", "2B-04", "2B-05", "2B-06"} <= names
    # Indicators without data get no file, so the app shows them as missing.
    assert not names & {"2A-03", "2A-04", "2A-06"}


# The second data hunt (its provenance note PROVENANCE-2), loaded with `python -m indicators
# import` from the files tools/real_data_2.py writes: indicator -> (source file, its series).
SECOND_HUNT = {
    "2A-01": ("new_enterprises_count", ""),
    "2A-02": ("new_enterprises_survival_5y_share", ""),
    "1D-05": ("employment_rate_15_74", ""),
    "2B-01": ("gva_per_employed_ssb_published", "SSB publisert (kontroll)"),
    "1D-03": ("higher_education_share_16plus", "16 år og over"),
}


@pytest.mark.parametrize("indicator", sorted(SECOND_HUNT))
def test_second_hunt_values_equal_source_in_their_own_series(indicator: str) -> None:
    if not REAL.is_dir():  # as above: a copy of the repository alone has no extracts
        pytest.skip(f"source folder {REAL} not present")
    name, series = SECOND_HUNT[indicator]
    src = read(REAL / f"{name}.csv")
    expected = {(r, p): Decimal(v) for r, p, v in zip(src["region_code"], src["period"],
                                                      src["value"], strict=True)}
    df = read(OBS / f"{indicator}.csv")
    mine = df[df["series"] == series]
    shipped = {(r, p): Decimal(v) for r, p, v in zip(mine["region_code"], mine["period"],
                                                     mine["value"], strict=True)}
    assert {key: shipped.get(key) for key in expected} == expected
    # Each row says where it comes from and what it is; no 32 figure was among them.
    rows = mine[mine.set_index(["region_code", "period"]).index.isin(list(expected))]
    assert (rows["source"].str.startswith("SSB")).all() and (rows["note"] != "").all()
    assert "32" not in set(src["region_code"])


def test_other_populations_and_vintages_stay_out_of_the_headline() -> None:
    """1D-03's 16+ figures and 2B-01's SSB-published cross-check never sit in the headline."""
    education = read(OBS / "1D-03.csv")
    headline = education[education["series"] == ""]
    assert not headline["note"].str.contains("16 år og over").any()
    check = read(OBS / "2B-01.csv")
    assert (check[check["source"].str.contains("fylkesfordelt nasjonalregnskap")]["series"]
            == "SSB publisert (kontroll)").all()


@pytest.mark.parametrize("path", OBS_FILES, ids=lambda p: p.name)
def test_canonical_header_and_encoding(path: Path) -> None:
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf"), "no BOM"
    assert b"\r\n" not in raw, "LF line ends"
    assert raw.decode("utf-8").split("\n", 1)[0] == CANONICAL_HEADER


@pytest.mark.parametrize("path", OBS_FILES, ids=lambda p: p.name)
def test_rows_match_file_name_and_are_unique(path: Path) -> None:
    df = read(path)
    assert len(df) > 0
    assert set(df["indicator_id"]) == {path.stem}
    assert not df.duplicated(["region_code", "period", "series"]).any()
    assert (df["value"] != "").all()
    assert not df["value"].str.endswith(".0").any(), "integers are written without .0"


def test_region_codes_keep_leading_zeros() -> None:
    codes = set()
    for path in OBS_FILES:
        codes |= set(read(path)["region_code"])
    assert {"0", "02", "03", "32"} <= codes
    assert not codes & {"2", "3"}


def _months(first: str, last: str) -> list[str]:
    """Every month from `first` to `last` (YYYYMmm), both included."""
    year, month = int(first[:4]), int(first[5:])
    out = [first]
    while out[-1] != last:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        out.append(f"{year}M{month:02d}")
    return out


@pytest.mark.parametrize("indicator", ["2B-04", "2B-05"])
def test_nav_county_series_is_monthly_from_2011_without_a_gap(indicator: str) -> None:
    df = read(OBS / f"{indicator}.csv")
    for region in ("0", "03", "32"):
        periods = list(df[df["region_code"] == region]["period"])
        assert periods[0] == "2011M01", region
        # Every month once, in order, up to the latest (whichever month that is).
        assert periods == _months("2011M01", periods[-1]), region
    assert set(df["unit"]) == {"percent" if indicator == "2B-04" else "count"}


COPIED = {
    "1D-01": "upper_secondary_completion_share",
    "1D-03": "higher_education_share",
    "1D-04": "upper_secondary_dropout_share",
    "2B-02": "gva_volume_change_pct",
    "2B-03": "employed_persons_regional_accounts",
    "2B-04": "registered_unemployed_pct",
    "2B-05": "registered_unemployed_count",
}


@pytest.mark.parametrize("indicator", sorted(COPIED))
def test_copied_values_equal_source(indicator: str) -> None:
    if not REAL.is_dir():
        pytest.skip(f"source folder {REAL} not present")
    src = read(REAL / f"{COPIED[indicator]}.csv")
    src_period = src["period"].str.replace(r"^(\d{4})-(\d{2})$", r"\1M\2", regex=True)
    expected = {(r, p): Decimal(v) for r, p, v in zip(src["region_code"], src_period,
                                                      src["value"], strict=True)}
    df = read(OBS / f"{indicator}.csv")
    shipped = {(r, p): Decimal(v) for r, p, v in zip(df["region_code"], df["period"],
                                                     df["value"], strict=True)}
    # Every figure of the source is shipped as it is; later periods (an update) may follow.
    assert {key: shipped.get(key) for key in expected} == expected


def test_derived_neet_share_2021() -> None:
    df = read(OBS / "1D-02.csv").set_index(["region_code", "period"])
    assert df.loc[("32", "2021"), "value"] == "9.4"  # 11 179 / 118 937
    assert "summen av de 21 kommunene" in df.loc[("32", "2021"), "note"]
    assert df.loc[("32", "2024"), "value"] == "10.1"


def test_derived_gva_per_employed() -> None:
    df = read(OBS / "2B-01.csv")
    df = df[df["series"] == ""].set_index(["region_code", "period"])  # the cross-check is apart
    assert df.loc[("02", "2019"), "value"] == "994"  # 295 132 mill. kr / 296.9 thousand
    assert (df["unit"] == "nok_thousand").all()
    assert df["note"].str.startswith("Beregnet").all()


def test_plan_files_read_clean() -> None:
    """Every plan file loads in the app as it stands: no error, no warning (an unknown id, a
    retired municipality, a granted amount above the amount applied for, …)."""
    from indicators.ingest.tables import read_actions, read_funding, read_grants, read_milestones
    from indicators.model import load_model

    model = load_model(REPO / "config" / "goals.yaml")
    for reader, name in ((read_funding, "funding"), (read_grants, "grants"),
                         (read_milestones, "milestones"), (read_actions, "actions")):
        result = reader(DATA / f"{name}.csv", model)
        assert result.ok and not result.warnings, (name, [str(e) for e in result.errors],
                                                    [str(w) for w in result.warnings])


def test_funding_granted_sums_to_indicator_value() -> None:
    """2A-05 (granted grant funding) is the schemes' granted sum, in every year both give."""
    funding = read(DATA / "funding.csv")
    indicator = read(OBS / "2A-05.csv")
    county = indicator[(indicator["region_code"] == "32") & (indicator["series"] == "")]
    shipped = dict(zip(county["period"], county["value"], strict=True))
    both = sorted(set(funding["year"]) & set(shipped))
    assert both  # the indicator comes from the scheme totals: they share a year at least
    for year in both:
        granted = funding[funding["year"] == year]["granted_nok_million"]
        if (granted != "").all() and shipped[year] not in ("", "..", ".", ":"):
            assert sum(Decimal(v) for v in granted) == Decimal(shipped[year]), year


def test_grants_never_store_unknown_amount_as_zero() -> None:
    grants = read(DATA / "grants.csv")
    amounts = grants["amount_nok_million"]
    assert not any(a.strip() and Decimal(a) == 0 for a in amounts)


def test_grant_and_funding_ids_resolve_in_config() -> None:
    goals_path = REPO / "config" / "goals.yaml"
    if not goals_path.is_file():
        pytest.skip("config/goals.yaml not present")
    yaml = pytest.importorskip("yaml")
    config = yaml.safe_load(goals_path.read_text(encoding="utf-8"))
    schemes = {s["id"]: set(s.get("focus_areas", [])) for s in config["schemes"]}
    focus_areas = {f["id"] for f in config["focus_areas"]}
    assert set(read(DATA / "funding.csv")["scheme_id"]) <= set(schemes)
    for _, grant in read(DATA / "grants.csv").iterrows():
        assert grant["scheme_id"] in schemes
        fa = grant["focus_area_id"]
        if fa:
            assert fa in focus_areas
            assert fa in schemes[grant["scheme_id"]], f"{fa} not linked to {grant['scheme_id']}"


def test_milestones_use_known_kinds_and_statuses() -> None:
    ms = read(DATA / "milestones.csv")
    assert ms["id"].is_unique
    assert set(ms["kind"]) <= {"phase", "milestone", "decision", "deadline", "meeting", "review"}
    assert set(ms["status"]) <= {"planned", "done", "delayed", "ongoing"}
    start, end = pd.to_datetime(ms["start"]), pd.to_datetime(ms["end"])
    assert (end.isna() | (start <= end)).all()  # an empty end: a one-day item


def test_actions_have_the_written_header() -> None:
    """Action items are added in the app; whatever rows there are, the header is the one it
    writes (owner_email included, so reminders reach the owner)."""
    text = (DATA / "actions.csv").read_text(encoding="utf-8")
    assert text.splitlines()[0] == ("id,title_nb,title_en,start,end,owner,percent_complete,"
                                    "goal_id,note,owner_email")


def test_comments_have_the_written_header() -> None:
    """comments.csv is written by the app; shipped with its header, so the first comment and its
    undo show in git as exactly that row."""
    text = (DATA / "comments.csv").read_text(encoding="utf-8")
    assert text.splitlines()[0] == "indicator_id,period,text,author,at"
