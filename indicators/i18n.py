"""Bokmål and English text, and Norwegian/English number and date formats (through babel)."""

from __future__ import annotations

import math
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

import yaml
from babel.dates import format_date as _babel_date
from babel.lists import format_list as _babel_list
from babel.numbers import format_decimal

from indicators.files import YAML_LOADER

LANGUAGES = ("nb", "en")
DEFAULT_LANG = "nb"
LOCALES = {"nb": "nb_NO", "en": "en_GB"}
LOCALE_DIR = Path(__file__).parent / "locales"
MISSING = "–"  # shown where a value is missing; the reason is told next to it

# Plotly's `separators` (decimal, thousands) per language, so charts match the text.
PLOTLY_SEPARATORS = {"nb": ", ", "en": ".,"}

# How many decimals a value of each unit is shown with.
UNIT_DECIMALS = {
    "percent": 1,
    "count": 0,
    "nok_million": 1,
    "nok_thousand": 0,
    "thousand_persons": 1,
}


def lang_or_default(lang: str | None) -> str:
    """The language code to use: the one asked for when we have it, else bokmål."""
    return lang if lang in LANGUAGES else DEFAULT_LANG


@lru_cache(maxsize=1)
def catalogue() -> dict[str, dict[str, str]]:
    """All strings, merged from every locales/*.yaml file (one file per area of the product)."""
    merged: dict[str, dict[str, str]] = {}
    for path in sorted(LOCALE_DIR.glob("*.yaml")):
        entries = yaml.load(path.read_text(encoding="utf-8"), Loader=YAML_LOADER) or {}
        for key, texts in entries.items():
            if key in merged:
                raise ValueError(f"{path.name}: the text key {key!r} is defined twice")
            merged[key] = texts
    return merged


def t(key: str, lang: str = DEFAULT_LANG, /, **params: object) -> str:
    """The text for `key` in `lang`, with `{placeholders}` filled from params.

    A counted text (`key.one` and `key.other`, see `t_n`) reached here by its bare key, e.g. a
    message kept as key and params, takes its count from the `n` or `count` parameter.
    """
    texts = catalogue().get(key)
    if texts is None and f"{key}.{PLURAL_OTHER}" in catalogue():
        count = params.pop("n") if "n" in params else params.pop("count")
        if not isinstance(count, int | float):
            raise TypeError(f"{key!r} counts a number, not {count!r}")
        return t_n(key, count, lang, **params)
    if texts is None:
        raise KeyError(f"no text for key {key!r}")
    text = texts.get(lang_or_default(lang)) or texts[DEFAULT_LANG]
    return text.format(**params) if params else text


PLURAL_ONE, PLURAL_OTHER = "one", "other"


def plural_form(n: float) -> str:
    """`one` for exactly one thing, else `other`: the rule bokmål and English share (0 is plural)."""
    return PLURAL_ONE if n == 1 else PLURAL_OTHER


def t_n(key: str, n: float, lang: str = DEFAULT_LANG, /, **params: object) -> str:
    """A text that counts something, in the form that agrees with `n`: `key.one` for one
    (`1 indikator`, `Lagre 1 endring`), `key.other` otherwise (`4 indikatorer`), never
    `indikator(er)`. `{n}` in the text is `n` as a number in the reader's format (`10 299`)."""
    text_n = format_number(n, lang, 0 if float(n).is_integer() else 1)
    return t(f"{key}.{plural_form(n)}", lang, n=text_n, **params)


def _locale(lang: str) -> str:
    return LOCALES[lang_or_default(lang)]


def is_missing(x: object) -> bool:
    """True for None and NaN, the two ways a missing number reaches the formatters."""
    return x is None or (isinstance(x, float) and math.isnan(x))


def format_number(x: float | None, lang: str = DEFAULT_LANG, decimals: int = 1) -> str:
    """`1 234,5` in bokmål, `1,234.5` in English; a missing value as a dash."""
    if x is None or is_missing(x):
        return MISSING
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    # Round first so that a value that rounds to zero is not shown as "-0,0".
    rounded = round(float(x), decimals) + 0.0
    text = _decimal(rounded, pattern, _locale(lang))
    # Norwegian typesetting writes a true minus sign (−), not a hyphen.
    return text.replace("-", "\u2212") if lang_or_default(lang) == "nb" else text


@lru_cache(maxsize=65536)
def _decimal(value: float, pattern: str, locale: str) -> str:
    # babel parses the locale and the pattern on every call (~60 µs); a table of thousands of
    # figures repeats the same values, so remembering them keeps pages fast at any data size.
    return format_decimal(value, format=pattern, locale=locale)


def format_percent(x: float | None, lang: str = DEFAULT_LANG, decimals: int = 1) -> str:
    """`12,5 %` in bokmål (no-break space before the sign), `12.5%` in English."""
    if x is None or is_missing(x):
        return MISSING
    number = format_number(x, lang, decimals)
    return f"{number}\xa0%" if lang_or_default(lang) == "nb" else f"{number}%"


def first_upper(text: str) -> str:
    """The text with a capital first letter and the rest as it is: `NOK thousand`, `Antall`
    (str.capitalize would lower the rest: `Nok thousand`)."""
    return text[:1].upper() + text[1:]


QUOTES = {"nb": ("«", "»"), "en": ("\u201c", "\u201d")}


def quoted(text: str, lang: str = DEFAULT_LANG) -> str:
    """`«tekst»` in bokmål, `“text”` in English: never straight quotes in running text."""
    left, right = QUOTES[lang_or_default(lang)]
    return f"{left}{text}{right}"


def format_list(items: list[str], lang: str = DEFAULT_LANG) -> str:
    """`a, b og c` in bokmål, `a, b and c` in English."""
    return _babel_list(list(items), locale=_locale(lang)) if items else ""


def unit_label(unit: str, lang: str = DEFAULT_LANG) -> str:
    """The unit as a reader says it: `prosent`, `mill. kr`, `1 000 personer`."""
    return t(f"unit.{unit}", lang)


def format_value(x: float | None, unit: str, lang: str = DEFAULT_LANG, word: str = "") -> str:
    """A value with its unit, e.g. `2,6 %`, `20 mill. kr`, `735 302`; with `word` (what a count
    counts, `Indicator.word`) `735 302 innbyggere`."""
    if x is None or is_missing(x):
        return MISSING
    if word:
        return f"{format_value(x, unit, lang)}\xa0{word}"
    decimals = UNIT_DECIMALS.get(unit, 1)
    if unit == "percent":
        return format_percent(x, lang, decimals)
    if unit == "nok_million":
        # Whole millions read as `20 mill. kr`, as in the county's own briefing.
        decimals = 0 if float(x).is_integer() else decimals
    number = format_number(x, lang, decimals)
    suffix = t(f"unit.{unit}.suffix", lang)
    return f"{number}\xa0{suffix}" if suffix else number


def format_change(x: float | None, unit: str, lang: str = DEFAULT_LANG,
                  decimals: int | None = None, word: str = "") -> str:
    """A signed change: `+0,3 prosentpoeng`, `−1 234` (`+689 personer` with a count's `word`)
    — percentages change in points.

    `decimals` overrides the unit's own (a change per year is often smaller than a value).
    """
    if x is None or is_missing(x):
        return MISSING
    if word:
        return f"{format_change(x, unit, lang, decimals)}\xa0{word}"
    decimals = UNIT_DECIMALS.get(unit, 1) if decimals is None else decimals
    rounded = round(float(x), decimals)
    number = format_number(abs(rounded), lang, decimals)
    sign = "±" if rounded == 0 else ("+" if rounded > 0 else "−")
    suffix = t(f"unit.{unit}.change_suffix", lang)
    return f"{sign}{number}" + (f"\xa0{suffix}" if suffix else "")


def format_date(d: date | datetime | str | float | None, lang: str = DEFAULT_LANG,
                length: str = "long") -> str:
    """`17. mai 2024` in bokmål, `17 May 2024` in English; `length="medium"`: `17. mai 2024`,
    `26. nov. 2026` / `26 Nov 2026` (months abbreviated, for a chart's source line)."""
    if d is None or (isinstance(d, float) and math.isnan(d)):
        return MISSING
    if isinstance(d, str):
        d = date.fromisoformat(d[:10])
    if isinstance(d, datetime):
        d = d.date()
    if isinstance(d, float):
        raise TypeError(f"not a date: {d!r}")
    return _babel_date(d, format=length, locale=_locale(lang))


@lru_cache(maxsize=8192)  # a page shows the same few hundred periods again and again
def format_period(period: str, lang: str = DEFAULT_LANG) -> str:
    """A canonical period as a reader says it: `januar 2026`, `1. kvartal 2024`, `2011/12`."""
    if "M" in period:
        year, month = period.split("M")
        return _babel_date(date(int(year), int(month), 1), format="LLLL y", locale=_locale(lang))
    if "K" in period:
        year, quarter = period.split("K")
        return t("period.quarter", lang, quarter=int(quarter), year=year)
    return period.replace("-", "–")
