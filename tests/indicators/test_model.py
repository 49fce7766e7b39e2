"""Tests for the plan model: the shipped config, lookups, and line-numbered problems."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from indicators.i18n import catalogue
from indicators.model import ModelError, PlanModel, load_model, validate_config
from indicators.model import problem as config_problem

ROOT = Path(__file__).resolve().parents[2]
GOALS = ROOT / "config" / "goals.yaml"
REGIONS = ROOT / "config" / "regions.yaml"
FIXTURES = ROOT / "tests" / "fixtures" / "model"

GOAL_1D = ("I Akershus skal alle ha mulighet til opplæring og utdanning som gir relevant "
           "kvalifisering og som er relevant for arbeidslivet.")
INDICATOR_IDS = [f"1D-0{i}" for i in range(1, 6)] + [f"2A-0{i}" for i in range(1, 7)] + [
    f"2B-0{i}" for i in range(1, 7)]
MUNICIPALITIES = ["Bærum", "Asker", "Lillestrøm", "Nordre Follo", "Ullensaker", "Nesodden",
                  "Frogn", "Vestby", "Ås", "Enebakk", "Lørenskog", "Rælingen", "Aurskog-Høland",
                  "Nes", "Gjerdrum", "Nittedal", "Lunner", "Jevnaker", "Nannestad", "Eidsvoll",
                  "Hurdal"]


@pytest.fixture(scope="module")
def model() -> PlanModel:
    return load_model(GOALS)


def marked_line(path: Path, mark: str = "# BROKEN") -> int:
    """The 1-based line of a fixture that carries `mark` (the line a problem must name)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, text in enumerate(lines, 1) if text.rstrip().endswith(mark))


def edited_copy(tmp_path: Path, old: str, new: str, name: str = "goals.yaml") -> Path:
    """A copy of the shipped config in tmp_path with one surgical edit to `name`."""
    for source in (GOALS, REGIONS):
        shutil.copy(source, tmp_path / source.name)
    target = tmp_path / name
    text = target.read_text(encoding="utf-8")
    assert old in text, f"edit target not found: {old!r}"
    target.write_text(text.replace(old, new, 1), encoding="utf-8")
    return tmp_path / "goals.yaml"


# --- The shipped config ------------------------------------------------------------------------

def test_shipped_config_is_valid() -> None:
    assert validate_config(GOALS) == []


def test_shipped_config_has_everything_in_the_plan(model: PlanModel) -> None:
    assert [g.id for g in model.goals] == ["1D", "2A", "2B"]
    assert len(model.themes) == 7
    assert len(model.focus_areas) == 10
    assert [s.short for s in model.schemes] == ["FIB", "Forregion", "NUI"]
    assert model.indicator_ids() == INDICATOR_IDS
    assert [r.name.nb for r in model.municipalities("32")] == MUNICIPALITIES


def test_goal_text_is_verbatim(model: PlanModel) -> None:
    assert model.goal("1D").text.nb == GOAL_1D
    assert model.vision.get("nb") == "Det skal være attraktivt å drive næringsvirksomhet i Akershus"


def test_every_indicator_has_one_goal_a_theme_and_a_data_note(model: PlanModel) -> None:
    for ind in model.indicators:
        assert model.goal_of(ind.id).id == ind.id[:2]
        assert model.themes_of(ind.id), f"{ind.id} is in no theme"
        assert ind.data_note is not None and ind.source.credit.startswith("Kilde:")


def test_targets_are_proposals(model: PlanModel) -> None:
    targets = {i.id: (i.target.value, i.target.year) for i in model.indicators if i.target}
    assert targets == {"1D-01": (85, 2030), "1D-02": (8, 2030), "1D-04": (2, 2030),
                       "2B-04": (2, 2030)}
    assert all(i.target.status == "proposed" for i in model.indicators if i.target)


def test_old_county_series_use_region_02(model: PlanModel) -> None:
    old = {i.id for i in model.indicators if i.headline_region == "02"}
    assert old == {"1D-01", "1D-03", "1D-04", "1D-05", "2A-01", "2A-02", "2B-01", "2B-02", "2B-03"}
    assert model.region("02").historical
    assert model.region("02").name.get("en") == "Akershus (pre-2020 county)"


def test_current_region_follows_successors(model: PlanModel) -> None:
    assert model.current_region("3024").code == "3201"
    assert model.current_region("3024").name.nb == "Bærum"
    assert model.current_region("0219").code == "3201"
    assert model.current_region("0213").name.nb == "Nordre Follo"  # Ski, merged
    assert model.current_region("3201").code == "3201"
    assert model.current_region("02") is None  # a different area: no current equivalent
    assert model.current_region("9999") is None


def test_lookups_return_none_for_unknown_ids(model: PlanModel) -> None:
    assert model.indicator("9X-01") is None
    assert model.goal("9X") is None
    assert model.region("9999") is None


def test_allowed_range(model: PlanModel) -> None:
    assert model.indicator("1D-01").allowed_range() == (0, 100)
    assert model.indicator("2B-03").allowed_range() == (0, None)
    assert model.indicator("2B-02").allowed_range() == (-100, 100)  # a change can be negative


# --- Broken fixtures: each names the right line and field --------------------------------------

# Each problem in bokmål (the default) and in English.
BROKEN = [
    ("unknown_key", "indicators[1].colour", "ukjent nøkkel «colour»", "unknown key 'colour'"),
    ("wrong_type", "indicators[0].target.year", "forventet et heltall, fikk 'next year'",
     "expected a whole number, got 'next year'"),
    ("duplicate_id", "indicators[1].id", "id «X-01» er brukt to ganger", "duplicate id 'X-01'"),
    ("dangling_link", "schemes[0].focus_areas[1]", "ukjent satsingsområde «nowhere»",
     "unknown focus area 'nowhere'"),
    ("target_without_year", "indicators[0].target.year", "det obligatoriske feltet «year» mangler",
     "required field 'year' is missing"),
    ("unknown_unit", "indicators[0].unit", "ukjent verdi 'prosent' for unit",
     "unknown unit 'prosent'"),
    ("unknown_direction", "indicators[1].direction", "ukjent verdi 'flat' for direction",
     "unknown direction 'flat'"),
    ("syntax_error", "", "YAML-syntaksfeil", "YAML syntax error"),
    ("target_out_of_range", "indicators[0].target.value", "utenfor det tillatte området 0–100",
     "outside the allowed range 0–100"),
    ("unquoted_region", "indicators[1].headline_region", "sett koder og id-er i anførselstegn",
     "put codes and ids in quotes"),
    ("not_yes_no", "indicators[1].ssb.regions_by_period",
     "forventet true (ja) eller false (nei), fikk 'kanskje'", "expected true or false, got 'kanskje'"),
    ("too_long", "indicators[0].target.decision.case", "kan ha høyst 60 tegn, fikk 'PS 12/2026",
     "may have at most 60 characters, got 'PS 12/2026"),
]


def test_valid_fixture_loads() -> None:
    assert validate_config(FIXTURES / "valid.yaml") == []
    assert load_model(FIXTURES / "valid.yaml").current_region("3024").code == "3201"


@pytest.mark.parametrize(("name", "field", "bokmal", "english"), BROKEN)
def test_broken_fixture_names_line_and_field(name: str, field: str, bokmal: str,
                                             english: str) -> None:
    path = FIXTURES / f"broken_{name}.yaml"
    problems = validate_config(path)
    assert len(problems) == 1, problems
    problem = problems[0]
    assert (problem.file, problem.line, problem.column or "") == (str(path), marked_line(path), field)
    assert bokmal in problem.text() and bokmal in str(problem)
    assert english in problem.text("en")


def test_duplicate_id_names_both_lines() -> None:
    path = FIXTURES / "broken_duplicate_id.yaml"
    first, second = marked_line(path, "# FIRST"), marked_line(path, "# BROKEN")
    assert f"linje {first} og {second}" in validate_config(path)[0].text()
    assert f"lines {first} and {second}" in validate_config(path)[0].text("en")


def test_unknown_value_lists_the_allowed_ones() -> None:
    message = validate_config(FIXTURES / "broken_unknown_unit.yaml")[0].text()
    assert all(unit in message for unit in ("percent", "count", "nok_million", "thousand_persons"))


def test_load_model_raises_with_problems() -> None:
    with pytest.raises(ModelError) as caught:
        load_model(FIXTURES / "broken_unknown_key.yaml")
    assert [p.column for p in caught.value.problems] == ["indicators[1].colour"]


def test_problem_prints_file_line_field_message() -> None:
    problem = config_problem("config/goals.yaml", 12, "indicators[3].target.year",
                             "config.problem.missing", field="year")
    assert str(problem) == ("config/goals.yaml:12:indicators[3].target.year: "
                            "det obligatoriske feltet «year» mangler")
    assert problem.line_text("en") == ("config/goals.yaml:12:indicators[3].target.year: "
                                       "required field 'year' is missing")


def test_missing_file_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    problems = validate_config(tmp_path / "goals.yaml")
    assert {p.text() for p in problems} == {"finner ikke filen"}
    assert {p.text("en") for p in problems} == {"file not found"}


def test_a_key_written_twice_names_both_lines(tmp_path: Path) -> None:
    goals = edited_copy(tmp_path, "vision:", "vision: {nb: a, en: b}\nvision:")
    [problem] = validate_config(goals)
    first = marked_line(goals, "vision: {nb: a, en: b}")
    assert problem.text() == f"nøkkelen «vision» står to ganger (linje {first} og {first + 1})"
    assert problem.text("en") == f"key 'vision' appears twice (lines {first} and {first + 1})"


def test_every_config_problem_key_has_bokmal_and_english() -> None:
    keys = [k for k in catalogue() if k.startswith("config.problem.")]
    assert len(keys) > 40
    assert all(catalogue()[k]["nb"] and catalogue()[k]["en"] for k in keys)


# --- Surgical edits of the shipped config: cross-reference checks ------------------------------

def test_indicator_in_no_goal(tmp_path: Path) -> None:
    goals = edited_copy(tmp_path, "[2B-01, 2B-02, 2B-03, 2B-04, 2B-05, 2B-06]",
                        "[2B-01, 2B-02, 2B-03, 2B-04, 2B-05]")
    [problem] = validate_config(goals)
    assert problem.text() == "indikatoren «2B-06» står ikke under noe delmål"
    assert problem.text("en") == "indicator '2B-06' is not listed under any goal"
    assert problem.line == marked_line(goals, "- id: 2B-06")


def test_indicator_in_two_goals(tmp_path: Path) -> None:
    goals = edited_copy(tmp_path, "[2B-01, 2B-02,", "[2B-01, 2A-02, 2B-02,")
    [problem] = validate_config(goals)
    assert problem.column == "goals[2].indicators[1]"
    assert "står allerede under delmål 2A" in problem.text()


def test_unknown_headline_region(tmp_path: Path) -> None:
    goals = edited_copy(tmp_path, 'headline_region: "32"', 'headline_region: "99"')
    [problem] = validate_config(goals)
    assert problem.column == "indicators[1].headline_region"
    assert problem.text().startswith("ukjent region «99»")
    assert problem.text().endswith(f"(finnes ikke i {tmp_path / 'regions.yaml'})")


def test_unknown_successor_is_reported_in_regions_file(tmp_path: Path) -> None:
    goals = edited_copy(tmp_path, 'successor: "3201"', 'successor: "3299"', name="regions.yaml")
    [problem] = validate_config(goals)
    assert problem.file == str(tmp_path / "regions.yaml")
    assert problem.column.endswith(".successor") and "ukjent region «3299»" in problem.text()
    assert problem.line == marked_line(tmp_path / "regions.yaml", 'successor: "3299", '
                                       "change: renumbered}")


def test_theme_with_unknown_goal(tmp_path: Path) -> None:
    goals = edited_copy(tmp_path, "goals: [2A, 2B]\n    indicators: [2A-03",
                        "goals: [2A, 2C]\n    indicators: [2A-03")
    [problem] = validate_config(goals)
    assert problem.column == "themes[0].goals[1]"
    assert "ukjent delmål «2C»" in problem.text()


# --- The ssb: block (where `fetch ssb` gets an indicator) ---------------------------------------

def test_shipped_ssb_blocks(model: PlanModel) -> None:
    with_ssb = {i.id: i.ssb for i in model.indicators if i.ssb is not None}
    assert {k: v.table for k, v in with_ssb.items() if k in ("1D-02", "1D-03", "2B-06")} == {
        "1D-02": "13556", "1D-03": "09429", "2B-06": "01223"}
    assert with_ssb["1D-02"].contents == "BosatteProsent" and with_ssb["1D-02"].value == "cell"
    assert with_ssb["1D-03"].value == "sum" and with_ssb["1D-03"].parts == ["03a", "04a"]
    assert [g.codelist for g in with_ssb["2B-06"].regions] == ["vs_Landet", "agg_KommFylker",
                                                               "agg_KommSummer"]
    assert with_ssb["1D-02"].value_factor() == 1.0


def test_ssb_share_without_numerator_and_denominator(tmp_path: Path) -> None:
    goals = edited_copy(tmp_path, "contents: BosatteProsent\n      value: cell",
                        "contents: BosatteProsent\n      value: share")
    problems = validate_config(goals)
    assert [p.column for p in problems] == ["indicators[1].ssb.value"] * 2
    assert "value: share trenger en liste med koder i «numerator»" in problems[0].text()
    assert "«denominator»" in problems[1].text()
    assert problems[0].line == marked_line(goals, "value: share")


def test_ssb_a_block_awaiting_a_check_may_leave_its_codes_open(tmp_path: Path) -> None:
    goals = edited_copy(tmp_path, "      contents: BosatteProsent\n", "")
    [problem] = validate_config(goals)
    assert problem.column == "indicators[1].ssb.contents" and "needs_check" in problem.text()
    assert "«contents»" in problem.text()
    goals = edited_copy(tmp_path, "contents: BosatteProsent\n",
                        'needs_check: "the contents code"\n')
    assert validate_config(goals) == []
    spec = load_model(goals).indicator("1D-02").ssb
    assert spec.missing() == ["contents"] and spec.needs_check == "the contents code"


def test_ssb_verified_needs_a_date(tmp_path: Path) -> None:
    goals = edited_copy(tmp_path, "verified: 2026-12-02\n", "verified: last week\n")
    [problem] = validate_config(goals)
    assert problem.column == "indicators[1].ssb.verified" and "ÅÅÅÅ-MM-DD" in problem.text()
    assert "YYYY-MM-DD" in problem.text("en")
    goals = edited_copy(tmp_path, "      verified: 2026-12-02\n", "")
    [problem] = validate_config(goals)
    assert problem.column == "indicators[1].ssb.verified_by" and "verified:" in problem.text()


def test_ssb_unknown_key_and_bad_table(tmp_path: Path) -> None:
    goals = edited_copy(tmp_path, 'contents: BosatteProsent\n      value: cell',
                        'content: BosatteProsent\n      value: cell')
    problems = {p.column: p.text() for p in validate_config(goals)}
    assert "mente du «contents»?" in problems["indicators[1].ssb.content"]
    assert "Tillatte nøkler:" in problems["indicators[1].ssb.content"]
    [problem] = [p for p in validate_config(goals) if p.column == "indicators[1].ssb.content"]
    assert "did you mean 'contents'?" in problem.text("en")


def test_ssb_table_must_be_five_digits(tmp_path: Path) -> None:
    goals = edited_copy(tmp_path, 'table: "13556"', 'table: "1355"')
    [problem] = validate_config(goals)
    assert problem.column == "indicators[1].ssb.table"
    assert "fem sifre" in problem.text() and "five digits" in problem.text("en")


def test_ssb_regions_given_twice(tmp_path: Path) -> None:
    goals = edited_copy(tmp_path, 'selection: {HovArbStyrkStatus: NEET,',
                        'selection: {Region: "*", HovArbStyrkStatus: NEET,')
    [problem] = validate_config(goals)
    assert problem.column == "indicators[1].ssb.regions"
    assert "enten i selection.Region eller som en liste under regions" in problem.text()
