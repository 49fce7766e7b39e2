"""A roll-up in words (indicators/verdict.py): the status says "Foreløpig" when it must, says what
it rests on ("bygger på N av M indikatorer") and names every member it leaves out, and why."""

from __future__ import annotations

import pytest

from indicators.model import PlanModel
from indicators.progress import Assessment, Member, rollup
from indicators.verdict import rollup_text

SOURCE = {"organisation": "SSB", "credit": "Kilde: SSB"}
REGIONS = [
    {"code": "32", "name": "Akershus", "level": "county"},
    {"code": "02", "name": {"nb": "Akershus (fylkesinndeling før 2020)",
                            "en": "Akershus (pre-2020 county)"}, "level": "county"},
]


def _indicator(indicator_id: str, region: str = "32", breaks: tuple[str, ...] = ()) -> dict:
    return {"id": indicator_id, "name": {"nb": f"Navn {indicator_id}", "en": f"Name {indicator_id}"},
            "definition": {"nb": "d", "en": "d"}, "unit": "percent", "direction": "increase",
            "source": SOURCE, "frequency": "annual", "headline_region": region,
            "breaks": [{"period": p, "note": {"nb": "brudd", "en": "break"}} for p in breaks]}


@pytest.fixture(scope="module")
def model() -> PlanModel:
    """A tiny plan: one goal with a member of every kind."""
    indicators = [_indicator("A"), _indicator("B"), _indicator("OLD", "02"), _indicator("STALE"),
                  _indicator("CTX"), _indicator("NONE"), _indicator("BRK", breaks=("2022M01",))]
    goal = {"id": "G", "name": {"nb": "G", "en": "G"}, "text": {"nb": "g", "en": "g"},
            "indicators": [i["id"] for i in indicators]}
    return PlanModel(vision={"nb": "v", "en": "v"}, goals=[goal], themes=[], focus_areas=[],
                     schemes=[], indicators=indicators, regions=REGIONS)


ASSESSMENTS = {
    "A": Assessment("deterioration", -5.0, current_year=2025),
    "B": Assessment("on_track", 5.0, current_year=2025),
    "OLD": Assessment("on_track", 5.0, current_year=2019, stale=True),
    "STALE": Assessment("on_track", 5.0, current_year=2019, stale=True),
    "CTX": Assessment("not_assessed", reason="context"),
    "NONE": Assessment("not_available", reason="no_data"),
    "BRK": Assessment("not_available", reason="break", break_year=2022, current_year=2022),
}


def _text(model: PlanModel, ids: list[str], lang: str = "nb"):
    r = rollup(Member(i, ASSESSMENTS[i], model.indicator(i).headline_region) for i in ids)
    return rollup_text(model, r, ASSESSMENTS, lang)


def test_provisional_roll_up_says_so_and_what_it_rests_on(model: PlanModel) -> None:
    text = _text(model, ["A", "OLD", "STALE", "CTX", "NONE", "BRK"])
    assert text.provisional and text.status == "deterioration"
    assert text.label == "Foreløpig: Forverring"
    # Context is not among the M: it is never assessed.
    assert text.basis == "bygger på 1 av 5 indikatorer"
    assert text.line() == "Foreløpig: Forverring — bygger på 1 av 5 indikatorer: A"
    assert [(e.id, e.name, e.why) for e in text.counted] == [("A", "Navn A", "forverring")]


def test_every_member_left_out_is_named_with_its_reason_in_plain_words(model: PlanModel) -> None:
    text = _text(model, ["A", "OLD", "STALE", "CTX", "NONE", "BRK"])
    whys = {e.id: (e.name, e.reason, e.why) for e in text.left_out}
    assert whys == {
        "OLD": ("Navn OLD", "other_area",
                "gjelder Akershus (fylkesinndeling før 2020), ikke dagens fylke"),
        "STALE": ("Navn STALE", "stale", "for gamle tall (siste fra 2019)"),
        "CTX": ("Navn CTX", "context", "vises som bakgrunn, vurderes ikke"),
        "NONE": ("Navn NONE", "no_data", "ingen tall ennå"),
        "BRK": ("Navn BRK", "no_data", "for få år med tall etter bruddet i serien i januar 2022"),
    }


def test_in_english(model: PlanModel) -> None:
    text = _text(model, ["A", "OLD", "STALE", "CTX", "NONE", "BRK"], "en")
    assert text.line() == "Provisional: Deterioration — based on 1 of 5 indicators: A"
    whys = {e.id: e.why for e in text.left_out}
    assert whys == {"OLD": "covers Akershus (pre-2020 county), not today's county",
                    "STALE": "figures too old (latest from 2019)",
                    "CTX": "shown as background, not assessed", "NONE": "no figures yet",
                    "BRK": "too few years of figures since the series changed in January 2022"}


def test_a_roll_up_on_enough_members_is_not_provisional(model: PlanModel) -> None:
    text = _text(model, ["A", "B", "CTX"])
    assert not text.provisional
    assert text.label == "Fremgang, men må akselereres" and "Foreløpig" not in text.line()
    assert text.basis == "bygger på 2 av 2 indikatorer"
    assert [e.why for e in text.counted] == ["forverring", "på rett spor"]
    assert _text(model, ["A", "B"], "en").line() == \
        "Progress, acceleration needed — based on 2 of 2 indicators: A and B"


def test_one_indicator_is_singular(model: PlanModel) -> None:
    assert _text(model, ["B"]).basis == "bygger på 1 av 1 indikator"
    assert _text(model, ["B"], "en").basis == "based on 1 of 1 indicator"
    assert _text(model, ["NONE"]).basis == "den ene indikatoren kan ikke regnes med ennå"
    assert _text(model, ["NONE"], "en").basis == "its one indicator cannot be counted yet"


@pytest.mark.parametrize(("ids", "nb", "en"), [
    (["OLD", "NONE", "CTX"], "ingen av de 2 indikatorene kan regnes med ennå",
     "none of its 2 indicators can be counted yet"),
    (["CTX"], "ingen av indikatorene vurderes mot et mål",
     "none of its indicators is assessed against a target"),
])
def test_with_nothing_counted_the_status_is_not_enough_data_and_says_why(
        model: PlanModel, ids: list[str], nb: str, en: str) -> None:
    text = _text(model, ids)
    assert (text.status, text.label, text.basis, text.provisional) == \
        ("not_available", "Ikke nok data", nb, False)
    assert not text.counted and [e.id for e in text.left_out] == ids
    assert _text(model, ids, "en").line() == f"Not enough data — {en}"


def test_left_out_sentence_groups_members_with_the_same_reason(model: PlanModel) -> None:
    text = _text(model, ["A", "B", "NONE", "OLD", "CTX", "BRK"])
    assert text.left_out_sentence() == (
        "Ikke regnet med i statusen: NONE – ingen tall ennå; OLD – gjelder Akershus "
        "(fylkesinndeling før 2020), ikke dagens fylke; CTX – vises som bakgrunn, vurderes ikke; "
        "BRK – for få år med tall etter bruddet i serien i januar 2022.")
    text = _text(model, ["A", "B", "NONE", "BRK", "CTX"], "en")
    assert _text(model, ["A", "B"]).left_out_sentence() == ""
    assert "Not counted in the status:" in text.left_out_sentence()


def test_no_word_is_left_in_brackets(model: PlanModel) -> None:
    """Never "indikator(er)": the count picks the word."""
    for ids in (["A"], ["A", "B"], ["NONE"], ["NONE", "OLD"], ["CTX"]):
        for lang in ("nb", "en"):
            text = _text(model, ids, lang)
            assert "(er)" not in text.line() and "(s)" not in text.line()
