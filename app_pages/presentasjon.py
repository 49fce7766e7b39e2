"""Presentasjon: build the briefing deck (PowerPoint, 16:9) for chosen goals, indicators and regions."""

from __future__ import annotations

from datetime import date

import streamlit as st

from indicators import briefing_pdf, deck, views
from indicators.i18n import t
from ui import data, guard, state

DECK = "_presentation_deck"  # session key: (the selection it was built for, the file)
PDF = "_presentation_pdf"  # the same for the A4 briefing

lang = state.lang()
plan = data.model()

st.title(t("nav.presentation", lang))
st.markdown(t("deck.page_intro", lang))

if data.version() is None:
    guard.no_database(lang)
    st.stop()


goal_ids = [g.id for g in plan.goals]
goals = st.multiselect(t("deck.choose_goals", lang), goal_ids,
                       default=state.choices("goal", goal_ids) or goal_ids, key=state.url_key("deck_goals"),
                       placeholder=t("phone.choose", lang), select_all=False,
                       format_func=lambda g: f"{g} {plan.goal(g).name.get(lang)}")
state.set_choices("goal", goals, goal_ids)

in_goals = [i for g in plan.goals if g.id in goals for i in g.indicators]
indicators = st.multiselect(t("deck.choose_indicators", lang), in_goals,
                            default=state.choices("id", in_goals) or in_goals,
                            key=state.url_key("deck_indicators"),
                            placeholder=t("phone.choose", lang), select_all=False,
                            format_func=lambda i: f"{i} {plan.indicator(i).name.get(lang)}")
state.set_choices("id", indicators, in_goals)

region_codes = [*views.COMPARISON, *[r.code for r in plan.municipalities()]]
regions = st.multiselect(t("deck.choose_regions", lang), region_codes,
                         default=state.choices("region", region_codes) or list(views.COMPARISON),
                         format_func=lambda c: plan.region_name(c, lang), key=state.url_key("deck_regions"),
                         placeholder=t("phone.choose", lang), select_all=False,
                         help=t("deck.regions_help", lang))
state.set_choices("region", regions, list(views.COMPARISON))

maps = st.checkbox(t("deck.maps", lang), value=state.param("kart") != "0",
                   key=state.url_key("deck_maps"), help=t("deck.maps_help", lang))
state.set_param("kart", None if maps else "0")
funding = st.checkbox(t("funding.basis.deck_include", lang), key=state.url_key("deck_funding"),
                      value=state.param("tilskudd") != "0",
                      help=t("funding.basis.deck_include_help", lang))
state.set_param("tilskudd", None if funding else "0")

n_goals = len([g for g in plan.goals if g.id in goals and set(g.indicators) & set(indicators)])
extra = deck.FUNDING_SLIDES if funding else 0
st.caption(t("deck.plan", lang, slides=2 + n_goals + len(indicators) + extra, goals=n_goals,
             indicators=len(indicators))
           + (" " + t("funding.basis.deck_plan", lang, n=extra) if extra else ""))

def progress_report(bar: object) -> object:
    """A progress callback for the core's builders: step n of N, and what is being made."""
    def report(done: int, total: int, what: str) -> None:
        bar.progress(done / total, text=t("deck.progress", lang, done=done, total=total, what=what))
    return report


selection = (tuple(goals), tuple(indicators), tuple(regions), maps, funding, lang, data.version())
if st.button(t("deck.build", lang), type="primary", icon=":material/slideshow:",
             disabled=not indicators, key="deck_build"):
    bar = st.progress(0.0, text=t("deck.building", lang))
    report = progress_report(bar)
    content = deck.build_deck(
        plan, data.connection().cursor(), goals=goals, indicators=indicators,
        regions=None if regions == list(views.COMPARISON) else regions, progress=report,
        lang=lang, maps=maps, funding=funding)
    st.session_state[DECK] = (selection, content)
    bar.empty()

built = st.session_state.get(DECK)
if built and built[0] == selection:
    st.success(t("deck.ready", lang), icon=":material/check_circle:")
    name = f"naeringsmal-akershus-{'-'.join(goals) or 'alle'}-{date.today().isoformat()}.pptx"
    st.download_button(t("deck.download", lang), built[1], file_name=name, on_click="ignore",
                       mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
                       icon=":material/download:", key="deck_download")
elif built:
    st.caption(t("deck.stale", lang))

# The A4 briefing (PDF) for the same goals and indicators: every chart is drawn, so it shows progress.
st.subheader(t("briefing.page_heading", lang))
st.markdown(t("briefing.page_intro", lang))
pdf_selection = (tuple(goals), tuple(indicators), tuple(regions), lang, data.version())
if st.button(t("briefing.build", lang), icon=":material/picture_as_pdf:", disabled=not indicators,
             key="pdf_build"):
    bar = st.progress(0.0, text=t("briefing.building", lang))
    try:
        st.session_state[PDF] = (pdf_selection, briefing_pdf.build_pdf(
            plan, data.connection().cursor(), goals=goals, indicators=indicators,
            regions=None if regions == list(views.COMPARISON) else regions,
            progress=progress_report(bar), lang=lang))
    except briefing_pdf.PdfUnavailable:
        st.error(t("briefing.unavailable", lang), icon=":material/error:")
    bar.empty()

made = st.session_state.get(PDF)
if made and made[0] == pdf_selection:
    st.success(t("briefing.ready", lang), icon=":material/check_circle:")
    st.download_button(t("briefing.download", lang), made[1], mime="application/pdf",
                       file_name=f"naeringsmal-akershus-{'-'.join(goals) or 'alle'}-"
                                 f"{date.today().isoformat()}.pdf",
                       on_click="ignore", icon=":material/download:", key="pdf_download")
elif made:
    st.caption(t("briefing.stale", lang))
