"""Every text exists in bokmål and English, and numbers and dates read the Norwegian way."""

from __future__ import annotations

import re
import string
from datetime import date
from pathlib import Path

from indicators.i18n import (
    catalogue,
    format_change,
    format_date,
    format_number,
    format_period,
    format_value,
)

ROOT = Path(__file__).resolve().parents[2]


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_key_has_both_languages_with_the_same_placeholders() -> None:
    for key, texts in catalogue().items():
        assert "nb" in texts and "en" in texts, key
        # A text is empty in both languages or in neither (e.g. counts have no unit suffix).
        assert bool(texts["nb"].strip()) == bool(texts["en"].strip()), key
        if not key.endswith(".latex"):  # formulas are shown as written, never .format()-ed
            assert _fields(texts["nb"]) == _fields(texts["en"]), key


def test_every_key_the_code_asks_for_exists() -> None:
    """A page can never show (or crash on) a raw key: every literal t("…") key is defined,
    and every t_n("…") key has its one/other forms."""
    used: set[str] = set()
    plural: set[str] = set()
    pages = sorted(ROOT.glob("app_pages/*.py"))
    assert pages, "no page files found: the scan would check nothing"
    for path in [*ROOT.glob("indicators/**/*.py"), *pages, *ROOT.glob("ui/*.py"),
                 ROOT / "dashboard.py"]:
        text = path.read_text("utf-8")
        used |= set(re.findall(r"\bt\(\s*\"([a-z_]+\.[a-z0-9_.]+)\"", text))
        plural |= set(re.findall(r"\bt_n\(\s*\"([a-z_]+\.[a-z0-9_.]+)\"", text))
    keys = set(catalogue())
    missing = sorted(used - keys)
    missing += sorted(k for k in plural if not {f"{k}.one", f"{k}.other"} <= keys)
    assert not missing, missing
    # The pages themselves ask for texts (the scan reached them).
    page_keys = set()
    for path in pages:
        page_keys |= set(re.findall(r"\bt\(\s*\"([a-z_]+\.[a-z0-9_.]+)\"", path.read_text("utf-8")))
    assert len(page_keys) > 50


def test_norwegian_and_english_formats() -> None:
    assert format_number(1234.5, "nb") == "1\xa0234,5"
    assert format_number(1234.5, "en") == "1,234.5"
    assert format_number(-0.08, "nb", 2) == "\u22120,08"
    assert format_value(12.5, "percent", "nb") == "12,5\xa0%"
    assert format_value(20, "nok_million", "nb") == "20\xa0mill. kr"
    assert format_value(1.4, "nok_million", "nb") == "1,4\xa0mill. kr"
    assert format_date(date(2024, 5, 17), "nb") == "17. mai 2024"
    assert format_date(date(2024, 5, 17), "en") == "17 May 2024"
    assert format_period("2026M01", "nb") == "januar 2026"
    assert format_period("2024K2", "en") == "Q2 2024"
    assert format_change(-0.2, "percent", "nb") == "\u22120,2\xa0prosentpoeng"
