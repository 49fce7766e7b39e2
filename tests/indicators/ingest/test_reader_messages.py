"""The reader's message catalogue: every key it uses exists in bokmål and English."""

from __future__ import annotations

import re
import string
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[3]
CATALOGUE = {key: texts for name in ("ingest.yaml", "hardening_ingest.yaml")
             for key, texts in yaml.safe_load((ROOT / "indicators" / "locales" / name)
                                              .read_text("utf-8")).items()}


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_key_has_bokmal_and_english_with_the_same_placeholders() -> None:
    for key, texts in CATALOGUE.items():
        assert key.startswith("ingest."), key
        assert set(texts) == {"nb", "en"}, key
        assert texts["nb"] != texts["en"], key
        assert placeholders(texts["nb"]) == placeholders(texts["en"]), key


def test_every_key_the_code_uses_is_in_the_catalogue() -> None:
    modules = ("reader", "rules", "dialect", "values", "opensdg", "xlsx")
    code = "".join((ROOT / "indicators" / "ingest" / f"{m}.py").read_text("utf-8") for m in modules)
    used = set(re.findall(r'"(ingest\.(?:error|warning)\.[a-z_]+)"', code))
    assert used, "the reader uses catalogue keys"
    assert used <= set(CATALOGUE), used - set(CATALOGUE)


def test_error_messages_say_how_to_fix() -> None:
    for key, texts in CATALOGUE.items():
        if key.startswith(("ingest.error.", "ingest.warning.")):
            assert " — " in texts["nb"] and " — " in texts["en"], key
