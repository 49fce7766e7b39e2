"""One size limit for files, 50 MB, in the app's server, the upload page and the command line."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from indicators import cli
from indicators.ingest.reader import MAX_BYTES

ROOT = Path(__file__).resolve().parents[2]


def test_streamlit_s_upload_limit_is_the_reader_s_limit() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text("utf-8"))
    # server.maxUploadSize is in MB of 2**20 bytes, as MAX_BYTES is: the two are one number.
    assert config["server"]["maxUploadSize"] * 2**20 == MAX_BYTES == 50 * 2**20


def sparse(path: Path, size: int) -> Path:
    """A file of `size` bytes that takes no disk space and no time to make."""
    with path.open("wb") as file:
        file.truncate(size)
    return path


@pytest.mark.parametrize("table", [None, "grants"])
def test_the_command_line_refuses_a_file_over_the_limit_without_reading_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture,
        table: str | None) -> None:
    big = sparse(tmp_path / "Ledighet.csv", MAX_BYTES + 1)
    db = tmp_path / "dashboard.duckdb"
    opened = []
    real_open = Path.open

    def watched_open(self: Path, *args: object, **kwargs: object):
        if self.name == big.name:
            opened.append(self)
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", watched_open)
    argv = ["import", str(big), "--db", str(db), "--lang", "en", "--config",
            str(ROOT / "config" / "goals.yaml"), *(["--table", table] if table else [])]
    assert cli.main(argv) == cli.EXIT_INVALID
    out = capsys.readouterr()
    assert (f"{big}: The file is 51 MB, more than the limit of 50 MB — split it into several "
            "files") in out.out + out.err
    assert "Nothing was written to the database" in out.err
    assert not opened and not db.exists()


def test_a_file_of_exactly_the_limit_is_not_refused_for_its_size(
        tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    edge = sparse(tmp_path / "Ledighet.csv", MAX_BYTES)
    argv = ["import", str(edge), "--db", str(tmp_path / "dashboard.duckdb"), "--lang", "en",
            "--config", str(ROOT / "config" / "goals.yaml")]
    assert cli.main(argv) == cli.EXIT_INVALID  # all NUL bytes: refused, but not for its size
    out = capsys.readouterr()
    assert "more than the limit" not in out.out + out.err
