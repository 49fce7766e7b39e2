"""The method in words, from the Metode page's own texts, for what is read away from the app:
the printed briefing (briefing_pdf.py) and the static bundle's method page (publish.py)."""

from __future__ import annotations

from dataclasses import dataclass

from indicators.i18n import format_number, quoted, t
from indicators.progress import ROLLUP_THRESHOLDS, STALE_AFTER


@dataclass(frozen=True)
class Part:
    """A part of the method: its heading ("" for the opening) and its paragraphs in Markdown."""

    heading: str
    paragraphs: list[str]


def constant(x: float, lang: str) -> str:
    """A constant of the method as the Metode page writes it (`1,5`, `−1`), with as many
    decimals as it has."""
    text = repr(float(x)).rstrip("0").rstrip(".")
    return format_number(x, lang, len(text.split(".")[1]) if "." in text else 0)


def summary(lang: str) -> list[Part]:
    """The method without its formulas: the rule in short, how goals are rolled up, when figures
    are too old, the three dates and what a proposed target is."""
    limits = {s: constant(limit, lang) for limit, s in ROLLUP_THRESHOLDS}
    return [
        Part("", [f"**{t('method.in_short', lang)}:** {quoted(t('method.sentence', lang), lang)}",
                  t("method.intro", lang)]),
        Part(t("method.rollup.heading", lang), [
            t("method.rollup.body", lang, on_track=limits["on_track"],
              moderate=limits["moderate_progress"], limited=limits["limited_progress"]),
            t("method.counts.body", lang)]),
        Part(t("method.stale.heading", lang), [t("method.stale.body", lang, n=STALE_AFTER)]),
        Part(t("method.dates.heading", lang), [t("method.dates.body", lang)]),
        Part(t("method.targets.heading", lang), [t("method.targets.body", lang)]),
    ]


def sources(lang: str) -> Part:
    """What the method rests on (Statistics Canada, Eurostat), with links."""
    return Part(t("method.sources.heading", lang), [t("method.sources.body", lang)])
