"""Charts as files: PNG at the preset size and not blank, SVG with its text, self-contained HTML."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import duckdb
import pytest
from PIL import Image

from indicators import export
from indicators.charts.common import from_bottom
from indicators.model import PlanModel
from tests.conftest import run_cli

ROOT = Path(__file__).resolve().parents[2]
IN_CI = os.environ.get("CI", "").lower() in ("true", "1")




@pytest.fixture(scope="module")
def figure(model: PlanModel, fixture_con: duckdb.DuckDBPyConnection) -> object:
    """2B-04 from the test data set: Akershus, Oslo and Norway, January 2021–January 2026."""
    return export.trend_figure(model, export.load_indicator(model, fixture_con, "2B-04"), "nb")


@pytest.fixture(scope="module")
def browser() -> None:
    if not export.images_available():
        message = "Chromium is missing; run `make install` (it installs Debian chromium)"
        pytest.fail(message) if IN_CI else pytest.skip(message)


def image(png: bytes) -> Image.Image:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return Image.open(io.BytesIO(png)).convert("RGB")


def test_png_16_9_is_twice_the_preset_and_not_blank(browser: None, figure: object) -> None:
    picture = image(export.to_png(figure, "16:9"))
    assert picture.size == (2560, 1440)
    colours = picture.getcolors(maxcolors=1_000_000)
    assert len(colours) > 50  # lines, text, grid: far more than a blank background
    # The title is drawn in the top-left corner: dark pixels there.
    corner = picture.crop((0, 0, 700, 80)).convert("L")
    assert corner.getextrema()[0] < 80


def test_png_square_preset(browser: None, figure: object) -> None:
    assert image(export.to_png(figure, "square")).size == (1600, 1600)


def test_svg_carries_title_unit_period_source_and_county(browser: None, figure: object) -> None:
    svg = export.to_svg(figure).decode("utf-8")
    assert svg.lstrip().startswith("<svg")
    for text in ("Registrerte helt ledige", "Prosent", "januar 2021–januar 2026", "Kilde: NAV",
                 "Tall for", "hentet", "Akershus fylkeskommune", "Mål 2030"):
        assert text in svg, text


def test_html_is_self_contained_with_the_data(figure: object) -> None:
    page = export.to_html(figure, "2B-04 Registrerte helt ledige", "nb")
    assert '<html lang="nb">' in page
    assert "<title>2B-04 Registrerte helt ledige</title>" in page
    assert not re.search(r"<script[^>]*\bsrc=", page)  # nothing fetched from elsewhere
    assert "Plotly.newPlot" in page
    assert len(page) > 1_000_000  # plotly.js itself is inlined
    assert "Akershus fylkeskommune" in page and "Oslo" in page and "Hele landet" in page


def test_resizing_keeps_the_source_line_at_the_bottom_edge(figure: object) -> None:
    for width, height in export.PRESETS.values():
        out = export.sized(figure, width, height)
        source = next(a for a in out.layout.annotations if a.text.startswith("Kilde"))
        assert from_bottom(out, source) == pytest.approx(6)
        assert (out.layout.width, out.layout.height) == (width, height)
    assert figure.layout.width is None  # the page's figure is left as it was


def test_file_names_say_the_shape() -> None:
    assert export.file_name("registrerte-helt-ledige", "png", "16:9") == \
        "registrerte-helt-ledige-16x9.png"
    assert export.file_name("registrerte-helt-ledige", "svg", "16:9") == \
        "registrerte-helt-ledige.svg"


def test_slug_comes_from_the_title(figure: object) -> None:
    assert export.slug(figure) == "registrerte-helt-ledige"


def test_without_a_browser_images_fail_clearly_and_html_still_works(
        figure: object, monkeypatch: pytest.MonkeyPatch) -> None:
    export.stop()
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    try:
        assert not export.images_available()
        with pytest.raises(export.ExportUnavailable, match="Chromium"):
            export.to_png(figure)
        assert "Akershus fylkeskommune" in export.to_html(figure)
    finally:
        monkeypatch.delenv("BROWSER_PATH")
        export.stop()


def test_cli_writes_one_chart_as_png(browser: None, db: Path, tmp_path: Path) -> None:
    out = tmp_path / "2B-04.png"
    result = run_cli("export", "png", "2B-04", str(out), "--db", str(db), "--preset", "square")
    assert result.returncode == 0, result.stderr
    assert image(out.read_bytes()).size == (1600, 1600)


def test_cli_png_without_a_browser_says_so(db: Path, tmp_path: Path) -> None:
    export.stop()  # the shared browser of the tests before; the next image starts it again
    result = run_cli("export", "png", "2B-04", str(tmp_path / "x.png"), "--db", str(db),
                     env={"BROWSER_PATH": "/nonexistent/chromium"})
    assert result.returncode == 1
    assert "Chromium mangler" in result.stderr and "HTML" in result.stderr
    assert not (tmp_path / "x.png").exists()


def test_cli_rejects_an_unknown_indicator(db: Path, tmp_path: Path) -> None:
    result = run_cli("export", "html", "9Z-99", str(tmp_path / "x.html"), "--db", str(db))
    assert result.returncode == 2
    assert "9Z-99" in result.stderr
