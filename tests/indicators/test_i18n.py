"""Every text exists in bokmål and English, and numbers and dates read the Norwegian way."""

from __future__ import annotations

import re
import shutil
import string
from datetime import date
from pathlib import Path

import pytest

from indicators.i18n import (
    catalogue,
    format_change,
    format_date,
    format_number,
    format_period,
    format_value,
)
from ui.page_list import EMBED, PAGES

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


# A literal key: t("…") / t_n("…") in either quote, or chosen before the call
# (`key = "a.b" if … else "c.d"`, `label_key="…"`). Keys built at run time (f-strings) are not seen.
_KEY = r"[a-z0-9_]+\.[a-z0-9_.]*[a-z0-9_]"
_ASKED = re.compile(rf"""\bt\(\s*(["'])({_KEY})\1""")
_ASKED_PLURAL = re.compile(rf"""\bt_n\(\s*(["'])({_KEY})\1""")
_CHOSEN = re.compile(rf"""\b\w*key\s*=\s*(["'])({_KEY})\1(?:\s+if\s.+?\selse\s+(["'])({_KEY})\3)?""")
# Where the code asks for texts: the core, the building blocks, the pages, the front door.
CODE = [ROOT / "indicators", ROOT / "ui", ROOT / "app_pages", ROOT / "dashboard.py"]


def python_files(paths: list[Path]) -> list[Path]:
    """Every .py file under the folders in `paths` (and the files named in it)."""
    return sorted(f for p in paths for f in ([p] if p.is_file() else p.rglob("*.py")))


def keys_asked_for(paths: list[Path]) -> tuple[set[str], set[str], set[str]]:
    """The literal keys the code under `paths` asks for: (t keys, t_n keys, keys chosen before
    the call, which may be either)."""
    plain: set[str] = set()
    plural: set[str] = set()
    chosen: set[str] = set()
    for path in python_files(paths):
        text = path.read_text("utf-8")
        plain |= {m.group(2) for m in _ASKED.finditer(text)}
        plural |= {m.group(2) for m in _ASKED_PLURAL.finditer(text)}
        chosen |= {k for m in _CHOSEN.finditer(text) for k in (m.group(2), m.group(4)) if k}
    return plain, plural, chosen


def missing_keys(paths: list[Path], keys: set[str]) -> list[str]:
    """Keys the code under `paths` asks for that `keys` lacks; a t_n key lacks its one/other
    forms."""
    plain, plural, chosen = keys_asked_for(paths)
    has_forms = {k for k in plural | chosen if {f"{k}.one", f"{k}.other"} <= keys}
    return sorted((plain - keys) | (plural - has_forms) | (chosen - keys - has_forms))


def test_every_key_the_code_asks_for_exists() -> None:
    """A page can never show (or crash on) a raw key: every literal t("…") key in indicators/,
    ui/, app_pages/ and dashboard.py is defined, and every t_n("…") key has its one/other forms."""
    assert not missing_keys(CODE, set(catalogue()))
    # The scan reached the pages and the building blocks: they ask for texts themselves.
    assert len(keys_asked_for([ROOT / "app_pages"])[0]) > 50
    assert len(keys_asked_for([ROOT / "ui"])[0]) > 10
    # The navigation names each page by a key held in a list, not in a t("…") call.
    assert {key for _, _, key, _ in [*PAGES, EMBED]} <= set(catalogue())


@pytest.mark.parametrize("call", ['t("no.such.key", lang)', "t('no.such.key', lang)",
                                  't_n("no.such.key", 2, lang)'])
@pytest.mark.parametrize("folder", ["app_pages", "ui"])
def test_a_page_asking_for_an_unknown_key_is_caught(tmp_path: Path, folder: str, call: str) -> None:
    """The check fails as it should: a copy of the pages and building blocks is clean, and one
    call for a key that does not exist, in either folder, is reported by name."""
    for name in ("app_pages", "ui"):
        shutil.copytree(ROOT / name, tmp_path / name)
    copies = [tmp_path / "app_pages", tmp_path / "ui"]
    keys = set(catalogue())
    assert missing_keys(copies, keys) == []
    victim = tmp_path / {"app_pages": "app_pages/oversikt.py", "ui": "ui/widgets.py"}[folder]
    victim.write_text(victim.read_text("utf-8") + f"\nst.caption({call})\n", "utf-8")
    assert missing_keys(copies, keys) == ["no.such.key"]


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
