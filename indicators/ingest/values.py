"""What planners write: column names, numbers with comma or point, SSB symbols, units, ids."""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

# Canonical column → accepted header names (compared lowercased, trimmed, spaces as "_").
ALIASES = {
    "indicator_id": ("indicator_id", "indikator", "indikator_id"),
    "region_code": ("region_code", "region", "regionkode", "kommunenummer", "kommunenr",
                    "geocode"),
    "period": ("period", "periode", "år", "aar", "year", "tid"),
    "value": ("value", "verdi"),
    "unit": ("unit", "enhet"),
    "series": ("series", "serie"),
    "note": ("note", "merknad", "kommentar"),
    "source": ("source", "kilde"),
}
REQUIRED = ("indicator_id", "region_code", "period", "value")
_CANONICAL = {alias: name for name, aliases in ALIASES.items() for alias in aliases}


def header_key(name: str) -> str:
    """A header cell as compared: NFKC-normalised (an "år" typed on a Mac is "a" + a combining
    ring), trimmed, lowercased, inner spaces and dashes as "_"."""
    cleaned = unicodedata.normalize("NFKC", str(name).replace("\ufeff", ""))
    cleaned = cleaned.strip().strip('"').strip().lower()
    return re.sub(r"[\s\-]+", "_", cleaned)


def canonical_column(name: str) -> str | None:
    """The canonical column a header cell names, or None for a column we ignore."""
    return _CANONICAL.get(header_key(name))


# SSB's symbols for a value that is not a number; "-" (nil) is stored as 0.
SYMBOLS = {"": "..", "..": "..", ".": ".", ":": ":", "-": "-", "\u2013": "-", "\u2014": "-"}
NIL = "-"
# Digits are ASCII only ([0-9], never \d, which matches any script's digits): values are
# NFKC-normalised first, so full-width ４,５ reads as 4,5; other digits are refused by name.
_SPACES = "[ \u00a0\u202f\u2009]"  # space, no-break space, narrow no-break space, thin space
_GROUPED = rf"[+-]?[0-9]{{1,3}}(?:{_SPACES}[0-9]{{3}})+(?:[.,][0-9]+)?"
_DOT_GROUPED = r"[+-]?[0-9]{1,3}(?:\.[0-9]{3})+,[0-9]+"  # 1.234,5 — dots between thousands
_COMMA_GROUPED = r"[+-]?[0-9]{1,3}(?:,[0-9]{3})+\.[0-9]+"  # 1,234.5 — English Excel
_PLAIN = r"[+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)(?:[eE][+-]?[0-9]+)?"  # 12,5 12.5 -3 1e6
_FOREIGN_DIGIT = r"(?![0-9])\d"
_MANTISSA_NOT_ZERO = r"^[^eE]*[1-9]"
_SMALLEST_NORMAL = 2.2250738585072014e-308  # below it a float keeps fewer digits than written
_NOT_FINITE = {"nan", "+nan", "-nan", "inf", "+inf", "-inf", "infinity", "+infinity",
               "-infinity", "∞", "-∞", "+∞"}


@dataclass
class ParsedValues:
    """Numbers and statuses of a value column, with masks of the cells that failed."""

    value: np.ndarray  # float64, NaN where missing or bad
    status: np.ndarray  # object: a symbol or None
    not_a_number: np.ndarray  # bool
    not_finite: np.ndarray  # bool
    foreign_digits: np.ndarray  # bool: digits other than 0-9 (also not_a_number)
    underflow: np.ndarray  # bool: too close to zero to store as written

    def take(self, rows: np.ndarray) -> ParsedValues:
        """The parsed values of the cells at `rows`."""
        return ParsedValues(self.value[rows], self.status[rows], self.not_a_number[rows],
                            self.not_finite[rows], self.foreign_digits[rows],
                            self.underflow[rows])


def parse_values(texts: pd.Series) -> ParsedValues:
    """Parse a column of value cells without a Python loop over rows."""
    codes, uniques = pd.factorize(texts, use_na_sentinel=False)
    if len(uniques) * 2 <= len(texts):  # figures repeat (a percent to one decimal): each once
        return _parse_values(pd.Series(uniques, dtype=texts.dtype)).take(np.asarray(codes))
    return _parse_values(texts)


def _parse_values(texts: pd.Series) -> ParsedValues:
    s = texts.str.strip()
    wide = ~s.str.isascii().to_numpy(dtype=bool)
    foreign = np.zeros(len(s), dtype=bool)
    if wide.any():
        s = s.copy()
        s[wide] = s[wide].str.normalize("NFKC").str.strip()
        foreign = s.str.contains(_FOREIGN_DIGIT, regex=True).to_numpy(dtype=bool)
        s = s.where(~foreign, "\x00")  # no number, whatever to_numeric thinks of ٤
    if s.str.contains("\u2212", regex=False).any():
        s = s.str.replace("\u2212", "-", regex=False)  # U+2212 is Word's minus sign
    is_symbol = s.isin(list(SYMBOLS)).to_numpy(dtype=bool)
    plain = s.str.fullmatch(_PLAIN).to_numpy(dtype=bool)
    value = np.full(len(s), np.nan)
    if plain.any():
        commas = pc.replace_substring(pa.array(s[plain]), ",", ".")
        value[plain] = pc.cast(commas, pa.float64()).to_numpy(zero_copy_only=False)
    other = ~plain & ~is_symbol
    if other.any():  # spaces between thousands, mixed separators, and text that is no number
        value[other] = pd.to_numeric(_plain_number_text(s[other]), errors="coerce").to_numpy(
            dtype=float, na_value=np.nan)
    lowered = s.str.lower()
    not_finite = (lowered.isin(list(_NOT_FINITE)).to_numpy(dtype=bool) | np.isinf(value))
    not_finite &= ~is_symbol
    not_a_number = np.isnan(value) & ~is_symbol & ~not_finite
    status = np.full(len(s), None, dtype=object)
    if is_symbol.any():
        status[is_symbol] = s[is_symbol].map(SYMBOLS).to_numpy(dtype=object)
    value[is_symbol | not_finite] = np.nan
    # 1e-400 parses as 0 and 1e-310 loses digits: refuse both rather than store another number.
    tiny = ((value == 0) & s.str.contains(_MANTISSA_NOT_ZERO, regex=True).to_numpy(dtype=bool)
            | (value != 0) & (np.abs(value) < _SMALLEST_NORMAL))
    tiny &= ~is_symbol
    value[tiny] = np.nan
    value[status == NIL] = 0.0
    return ParsedValues(value, status, not_a_number, not_finite, foreign, tiny)


def _plain_number_text(s: pd.Series) -> pd.Series:
    """`1 234 567,8` → `1234567.8`; text that is no number is left for to_numeric to refuse."""
    grouped = s.str.fullmatch(_GROUPED)
    if grouped.any():
        s = s.where(~grouped, s.str.replace(_SPACES, "", regex=True))
    has_comma = s.str.contains(",", regex=False)
    if not has_comma.any():
        return s
    has_dot = s.str.contains(".", regex=False)
    single_comma = has_comma & ~has_dot & (s.str.count(",") == 1)
    dot_grouped = s.str.fullmatch(_DOT_GROUPED)
    comma_grouped = s.str.fullmatch(_COMMA_GROUPED)
    s = s.where(~dot_grouped, s.str.replace(".", "", regex=False))
    s = s.where(~comma_grouped, s.str.replace(",", "", regex=False))
    fix = single_comma | dot_grouped
    return s.where(~fix, s.str.replace(",", ".", regex=False))


# Unit keys of the model and what people write for them (after lowercasing).
UNIT_ALIASES = {
    "percent": ("percent", "prosent", "%", "pst", "pst.", "pct", "per cent"),
    "count": ("count", "antall", "personer", "persons", "number", "stk", "stk."),
    "nok_million": ("nok_million", "mill. kr", "mill kr", "mill. kroner", "millioner kroner",
                    "mnok", "nok million", "mill. nok", "million nok"),
    "nok_thousand": ("nok_thousand", "1000 kr", "1 000 kr", "tusen kr", "tusen kroner",
                     "1000 nok", "nok thousand", "kr 1000", "1 000 kroner"),
    "thousand_persons": ("thousand_persons", "1000 personer", "1 000 personer",
                         "tusen personer", "1000 persons", "thousand persons"),
}
_ALIAS_TO_UNIT = sorted(((a, u) for u, names in UNIT_ALIASES.items() for a in names),
                        key=lambda pair: -len(pair[0]))


def unit_key(text: str) -> str | None:
    """The model's unit key for a written unit, e.g. "prosent av arbeidsstyrken" → percent."""
    norm = re.sub(r"\([^)]*\)", " ", text.lower().replace("\u00a0", " ").replace("\u202f", " "))
    norm = re.sub(r"\s+", " ", norm).strip()
    for alias, unit in _ALIAS_TO_UNIT:
        # A qualifier after the unit is fine ("prosent av arbeidsstyrken"), so match a prefix.
        if norm == alias or norm.startswith(alias + " "):
            return unit
    return None


def id_key(text: str) -> str:
    """An indicator id reduced to letters and digits: 2b_04, 2B.04 and 2B-04 are the same."""
    return re.sub(r"[^0-9A-Z]", "", unicodedata.normalize("NFKC", str(text)).upper())


def id_lookup(ids: list[str]) -> dict[str, str]:
    """id_key → the model's spelling of the id."""
    return {id_key(i): i for i in ids}


def closest_ids(text: str, ids: list[str], n: int = 3) -> list[str]:
    """The model ids most like `text`, best first (for "did you mean")."""
    lookup = id_lookup(ids)
    keys = difflib.get_close_matches(id_key(text), list(lookup), n=n, cutoff=0.0)
    return [lookup[k] for k in keys]


def id_from_file_name(name: str, ids: list[str]) -> str | None:
    """The id in `<id>.csv`, `indicator_<id>.csv` (Open SDG) or the .xlsx equivalents."""
    stem = re.sub(r"\.(csv|tsv|txt|xlsx|xlsm)$", "", name.rsplit("/", 1)[-1], flags=re.I)
    stem = re.sub(r"^indicator[_\- ]?", "", stem, flags=re.I)
    return id_lookup(ids).get(id_key(stem))
