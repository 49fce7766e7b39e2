"""DASHBOARD_CONFIG: the app shows the plan model it points at (the benchmarks' ×100 plan uses it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.pages.conftest import all_text


def test_the_app_shows_the_plan_model_dashboard_config_points_at(
        open_page, repo_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    goals = repo_copy / "config" / "goals.yaml"
    goals.write_text(goals.read_text(encoding="utf-8").replace(
        "nb: Konkurransedyktig næringsliv", "nb: Konkurransedyktig næringsliv i prøveplanen"),
        encoding="utf-8")
    monkeypatch.setenv("DASHBOARD_CONFIG", str(goals))
    assert "Konkurransedyktig næringsliv i prøveplanen" in all_text(open_page("app_pages/delmal.py",
                                                                             goal="2B"))
    monkeypatch.delenv("DASHBOARD_CONFIG")
    assert "i prøveplanen" not in all_text(open_page("app_pages/delmal.py", goal="2B"))
