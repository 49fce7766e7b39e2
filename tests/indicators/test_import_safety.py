"""Importing is safe: every dialect loads exactly, every bad file changes nothing, a killed import
leaves the database as it was, two imports at once both land, and undo restores byte for byte."""

from __future__ import annotations

import csv
import io
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from openpyxl import Workbook

from indicators import cli, store
from indicators.ingest import dialect, reader
from tests.conftest import BuiltRepos

ROOT = Path(__file__).resolve().parents[2]
PAUSE_LINE = f"{store.PAUSE_ENV}: paused before swap"
NBSP, NNBSP = "\u00a0", "\u202f"


@pytest.fixture
def repo(built_fixture_repo: Path) -> Path:
    """config/ and the test data set, built. Its 2B-04 ends in January 2026 (Akershus 2.6,
    Oslo 2.9): the files below bring February."""
    return built_fixture_repo


def options(repo: Path) -> list[str]:
    return ["--db", str(repo / "data" / "dashboard.duckdb"),
            "--config", str(repo / "config" / "goals.yaml")]


def run_cli(repo: Path, capsys: pytest.CaptureFixture, *args: str) -> tuple[int, str, str]:
    """`python -m indicators ARGS` in this process (fast); exit code, stdout, stderr."""
    capsys.readouterr()
    code = cli.main([*args, *options(repo)])
    out = capsys.readouterr()
    return code, out.out, out.err


def export(repo: Path, capsys: pytest.CaptureFixture, *args: str) -> str:
    code, out, _ = run_cli(repo, capsys, "export-csv", *args)
    assert code == 0
    return out


def spawn(repo: Path, *args: str, pause: float | None = None) -> subprocess.Popen:
    """The command line in its own process, optionally pausing with the new copy unswapped."""
    env = {k: v for k, v in os.environ.items() if k != store.PAUSE_ENV}
    if pause is not None:
        env[store.PAUSE_ENV] = str(pause)
    return subprocess.Popen([sys.executable, "-m", "indicators", *args, *options(repo)],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def wait_for_pause(process: subprocess.Popen, timeout: float = 60) -> None:
    """Block until the process says it holds a finished, unswapped copy (or fail)."""
    seen: list[str] = []
    found = threading.Event()

    def read() -> None:
        for line in process.stderr:
            seen.append(line)
            if PAUSE_LINE in line:
                found.set()
                return

    threading.Thread(target=read, daemon=True).start()
    assert found.wait(timeout), "".join(seen)


def rows_of(text: str, indicator: str) -> dict[tuple[str, str, str], tuple[str, str]]:
    """(region, period, series) → (value, note) of one indicator in export-csv text."""
    return {(r["region_code"], r["period"], r["series"]): (r["value"], r["note"])
            for r in csv.DictReader(io.StringIO(text)) if r["indicator_id"] == indicator}


def xlsx(rows: list[list[object]], title: str = "Ark1") -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


PLANNER_EXPORT = ("indikator;region;år;verdi;merknad\r\n"
                  "2B-04;32;2026M02;12,5;Ås kommune\r\n"
                  "2B-04;03;2026M02;3,1;\r\n").encode("cp1252")

# name, file bytes, indicator, {(region, period, series): (value, note)} expected in export-csv
DIALECTS = [
    ("planner_excel.csv", PLANNER_EXPORT, "2B-04",
     {("32", "2026M02", ""): ("12.5", "Ås kommune"), ("03", "2026M02", ""): ("3.1", "")}),
    ("utf8_bom_quoted.csv",
     '\ufeffindicator_id,region_code,period,value,note\n'
     '2B-04,32,2026-02,"2.4","Kilde: NAV, ""foreløpig"""\n'.encode(),
     "2B-04", {("32", "2026M02", ""): ("2.4", 'Kilde: NAV, "foreløpig"')}),
    ("utf16_tabs.csv",
     "indikator\tregion\tperiode\tverdi\r\n2B-04\t32\t2026m2\t2,4\r\n".encode("utf-16"),
     "2B-04", {("32", "2026M02", ""): ("2.4", "")}),
    ("latin1_lf.csv", "Indikator;Kommunenr;Tid;Verdi;Kommentar\n2B-04;3201;2026M02;2,1;Bærum\n"
     .encode("latin-1"), "2B-04", {("3201", "2026M02", ""): ("2.1", "Bærum")}),
    ("thousands.csv",
     f"indikator;region;år;verdi\n2B-05;0;2026M02;81 281\n2B-05;03;2026M02;12{NBSP}345\n"
     f"2B-05;32;2026M02;1{NNBSP}234{NNBSP}567,0\n".encode(),
     "2B-05", {("0", "2026M02", ""): ("81281", ""), ("03", "2026M02", ""): ("12345", ""),
               ("32", "2026M02", ""): ("1234567", "")}),
    ("ssb_symbols.csv",
     b"indikator;region;aar;verdi\n2B-05;3201;2026M02;..\n2B-05;3203;2026M02;.\n"
     b"2B-05;3205;2026M02;:\n2B-05;3207;2026M02;-\n2B-05;3209;2026M02;\n",
     "2B-05", {("3201", "2026M02", ""): ("..", ""), ("3203", "2026M02", ""): (".", ""),
               ("3205", "2026M02", ""): (":", ""), ("3207", "2026M02", ""): ("-", ""),
               ("3209", "2026M02", ""): ("..", "")}),
    ("excel_sep_line.csv", b"sep=;\nindikator;region;periode;verdi\n2B-04;32;2026M02;2,4\n",
     "2B-04", {("32", "2026M02", ""): ("2.4", "")}),
    ("planner.xlsx",
     xlsx([["Indikator", "Region", "Periode", "Verdi", "Merknad"],
           ["2B-04", "32", "2026M02", 2.4, "Ås"], ["2B-04", "03", "2026M02", "2,9", None]]),
     "2B-04", {("32", "2026M02", ""): ("2.4", "Ås"), ("03", "2026M02", ""): ("2.9", "")}),
    ("indicator_2B-04.csv",
     b"Year,Kj\xc3\xb8nn,GeoCode,Units,Value\n2026M02,,,percent,2.4\n2026M02,Kvinner,32,percent,2.2\n",
     "2B-04", {("32", "2026M02", ""): ("2.4", ""),
               ("32", "2026M02", "Kjønn=Kvinner"): ("2.2", "")}),
    ("school_years.csv", b"indikator,region,periode,verdi\n1D-04,02,2024/25,3\n",
     "1D-04", {("02", "2024/25", ""): ("3", "")}),
]


@pytest.mark.parametrize(("name", "data", "indicator", "expected"), DIALECTS,
                         ids=[d[0] for d in DIALECTS])
def test_each_dialect_loads_exactly(repo: Path, capsys: pytest.CaptureFixture, tmp_path: Path,
                                    name: str, data: bytes, indicator: str,
                                    expected: dict) -> None:
    before = rows_of(export(repo, capsys, "--indicator", indicator), indicator)
    path = tmp_path / name
    path.write_bytes(data)
    code, out, err = run_cli(repo, capsys, "import", str(path), "--user", "test")
    assert code == 0, out + err
    after = rows_of(export(repo, capsys, "--indicator", indicator), indicator)
    for key, value in expected.items():
        assert after[key] == value, key
    # Nothing else moved: every other row is as it was.
    assert {k: v for k, v in after.items() if k not in expected} == before


def test_planner_excel_export_loads_on_the_first_try(repo: Path, capsys: pytest.CaptureFixture,
                                                     tmp_path: Path) -> None:
    path = tmp_path / "Ledighet februar.csv"
    path.write_bytes(PLANNER_EXPORT)
    code, out, err = run_cli(repo, capsys, "import", str(path))
    assert code == 0, out + err
    assert "2 nye" in out
    stored = (repo / "data" / "observations" / "2B-04.csv").read_text("utf-8")
    assert "2B-04,32,2026M02,12.5,percent,,Ås kommune," in stored


VALID_HEAD = "indikator;region;år;verdi\n"
# name, file bytes, text the error line starts with (FILE:LINE:COLUMN), message key fragment
ERRORS = [
    ("empty", b"", "feil.csv: Filen er tom"),
    ("no_header", b"2B-04;32;2026M02;2,4\n", "feil.csv:1: Første linje er ikke kolonnenavn"),
    ("binary", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "feil.csv: Filen er ikke tekst"),
    ("old_excel", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), "feil.csv: Filen er i det gamle"),
    ("encoding", VALID_HEAD.encode() + b"2B-04;32;2026M02;2\x81\n",
     "feil.csv:2: Tegnkodingen kan ikke leses"),
    ("missing_column", b"indikator;region;periode\n2B-04;32;2026M02\n",
     "feil.csv:1: Kolonnen value mangler"),
    ("ragged", (VALID_HEAD + "2B-04;32;2026M01;2,6\n2B-04;32;2026M02;2;4\n").encode(),
     "feil.csv:3: Raden har 5 felt"),
    ("unknown_indicator", (VALID_HEAD + "2B-40;32;2026M02;2,4\n").encode(),
     'feil.csv:2:indikator: Ukjent indikator «2B-40»'),
    ("unknown_region", (VALID_HEAD + "2B-04;9999;2026M02;2,4\n").encode(),
     'feil.csv:2:region: Ukjent regionkode «9999»'),
    ("old_region", (VALID_HEAD + "2B-04;32;2026M01;2,6\n2B-04;0219;2026M02;2,4\n").encode(),
     "feil.csv:3:region: Regionkoden 0219"),
    ("lost_zero", (VALID_HEAD + "2B-04;3;2026M02;2,4\n").encode(),
     'feil.csv:2:region: Ukjent regionkode «3» — mente du 03 Oslo'),
    ("bad_period", (VALID_HEAD + "2B-04;32;2026M13;2,4\n").encode(),
     'feil.csv:2:år: «2026M13» er ikke en periode'),
    ("future_period", (VALID_HEAD + "2B-04;32;2099M01;2,4\n").encode(),
     "feil.csv:2:år: Perioden 2099M01 ligger etter"),
    ("not_a_number", (VALID_HEAD + "2B-04;32;2026M02;12,5,1\n").encode(),
     'feil.csv:2:verdi: «12,5,1» er ikke et tall'),
    ("nan", (VALID_HEAD + "2B-04;32;2026M02;NaN\n").encode(),
     'feil.csv:2:verdi: «NaN» er ikke et gyldig tall'),
    ("above_max", (VALID_HEAD + "2B-04;32;2026M02;120\n").encode(),
     "feil.csv:2:verdi: 120 er større enn høyeste tillatte verdi 100"),
    ("below_min", (VALID_HEAD + "2B-05;32;2026M02;-5\n").encode(),
     "feil.csv:2:verdi: -5 er mindre enn laveste tillatte verdi 0"),
    ("unit", b"indikator;region;periode;verdi;enhet\n2B-04;32;2026M02;2,4;antall\n",
     'feil.csv:2:enhet: Enheten «antall» passer ikke'),
    ("duplicate", (VALID_HEAD + "2B-04;32;2026M02;2,4\n2B-04;32;2026-02;2,5\n").encode(),
     "feil.csv:3: Samme indikator, region, periode og serie (2B-04, 32, 2026M02) står også på "
     "linje 2"),
]


@pytest.fixture(scope="module")
def refusing_repo(built_repos: BuiltRepos, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One copy for all refused files: none of them may change it."""
    return built_repos.copy(tmp_path_factory.mktemp("refusing") / "repo")


def assert_refused(repo: Path, capsys: pytest.CaptureFixture, path: Path, expected: str) -> None:
    before = export(repo, capsys)
    files = {p.name: p.read_bytes() for p in (repo / "data" / "observations").iterdir()}
    code, out, err = run_cli(repo, capsys, "import", str(path))
    assert code == 1, out + err
    assert out.startswith(str(path.parent / expected)), out
    assert "Ingenting er skrevet" in err
    assert export(repo, capsys) == before
    assert {p.name: p.read_bytes() for p in (repo / "data" / "observations").iterdir()} == files


@pytest.mark.parametrize(("kind", "data", "expected"), ERRORS, ids=[e[0] for e in ERRORS])
def test_each_error_is_refused_at_its_line_and_column(refusing_repo: Path,
                                                      capsys: pytest.CaptureFixture,
                                                      tmp_path: Path, kind: str, data: bytes,
                                                      expected: str) -> None:
    path = tmp_path / "feil.csv"
    path.write_bytes(data)
    assert_refused(refusing_repo, capsys, path, expected)


def test_xlsx_error_names_sheet_and_row(refusing_repo: Path, capsys: pytest.CaptureFixture,
                                        tmp_path: Path) -> None:
    path = tmp_path / "feil.xlsx"
    path.write_bytes(xlsx([["indikator", "region", "periode", "verdi"],
                           ["2B-04", "32", "2026M01", 2.6], ["2B-04", "32", "2026M02", "x"]]))
    assert_refused(refusing_repo, capsys, path, 'feil.xlsx:Ark1!3:verdi: «x» er ikke et tall')


def test_too_large_and_too_many_rows(refusing_repo: Path, capsys: pytest.CaptureFixture,
                                     tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "feil.csv"
    path.write_bytes((VALID_HEAD + "2B-04;32;2026M01;2,6\n" * 3).encode())
    monkeypatch.setattr(dialect, "MAX_ROWS", 2)
    assert_refused(refusing_repo, capsys, path, "feil.csv: Filen har mer enn 2 rader")
    monkeypatch.setattr(reader, "MAX_BYTES", 10)
    # Sizes are rounded up: a file over the limit never reads as "0 MB" (or "50 MB, more than 50").
    assert_refused(refusing_repo, capsys, path, "feil.csv: Filen er 1 MB, mer enn grensen på 0 MB")


def test_english_messages_with_the_language_switch(refusing_repo: Path,
                                                   capsys: pytest.CaptureFixture,
                                                   tmp_path: Path) -> None:
    path = tmp_path / "feil.csv"
    path.write_bytes((VALID_HEAD + "2B-04;32;2026M02;12,5,1\n").encode())
    code, out, _ = run_cli(refusing_repo, capsys, "import", str(path), "--lang", "en")
    assert code == 1 and out.startswith(f'{path}:2:verdi: "12,5,1" is not a number')


# ---- a killed import, two at once, undo --------------------------------------------------------


def planner_file(tmp_path: Path, value: str = "12,5", period: str = "2026M02") -> Path:
    path = tmp_path / f"nav-{period}-{value}.csv"
    path.write_bytes(f"indikator;region;år;verdi;merknad\r\n2B-04;32;{period};{value};Ås\r\n"
                     "2B-04;32;2026M01;2,7;\r\n".encode("cp1252"))
    return path


def test_sigkill_mid_import_leaves_the_database_as_it_was(repo: Path, capsys: pytest.CaptureFixture,
                                                          tmp_path: Path) -> None:
    db = repo / "data" / "dashboard.duckdb"
    before, history = export(repo, capsys), run_cli(repo, capsys, "history")[1]
    file_before = (repo / "data" / "observations" / "2B-04.csv").read_bytes()
    process = spawn(repo, "import", str(planner_file(tmp_path)), pause=120)
    try:
        wait_for_pause(process)  # the new copy is complete; only the swap is left
        assert list(db.parent.glob("dashboard.duckdb.*.tmp"))
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait(timeout=30)
        process.stdout.close()
        process.stderr.close()
    assert process.returncode == -signal.SIGKILL
    assert export(repo, capsys) == before
    assert run_cli(repo, capsys, "history")[1] == history
    assert (repo / "data" / "observations" / "2B-04.csv").read_bytes() == file_before
    # The lock died with the process; the next import runs and clears the dead copy.
    code, out, err = run_cli(repo, capsys, "import", str(planner_file(tmp_path)))
    assert code == 0, out + err
    assert not list(db.parent.glob("dashboard.duckdb.*.tmp*"))


def test_two_imports_at_once_both_land_one_after_the_other(repo: Path,
                                                          capsys: pytest.CaptureFixture,
                                                          tmp_path: Path) -> None:
    first = spawn(repo, "import", str(planner_file(tmp_path, "2,4", "2026M02")), "--user", "a",
                  pause=3)
    wait_for_pause(first)  # holds the writer lock
    second = spawn(repo, "import", str(planner_file(tmp_path, "2,5", "2026M03")), "--user", "b")
    out_second, err_second = second.communicate(timeout=60)
    first.wait(timeout=60)
    out_first = first.stdout.read()
    first.stdout.close()
    first.stderr.close()
    assert first.returncode == 0 and second.returncode == 0, err_second
    first_id = int(out_first.split("import ")[1].split()[0])
    second_id = int(out_second.split("import ")[1].split()[0])
    assert second_id == first_id + 1  # the second waited for the first
    rows = rows_of(export(repo, capsys), "2B-04")
    assert rows[("32", "2026M02", "")] == ("2.4", "Ås")
    assert rows[("32", "2026M03", "")] == ("2.5", "Ås")
    stored = (repo / "data" / "observations" / "2B-04.csv").read_text("utf-8")
    assert "2B-04,32,2026M02,2.4," in stored and "2B-04,32,2026M03,2.5," in stored
    history = run_cli(repo, capsys, "history")[1]
    assert " a " in history and " b " in history


def test_undo_restores_the_earlier_export_byte_for_byte(repo: Path, capsys: pytest.CaptureFixture,
                                                        tmp_path: Path) -> None:
    before = export(repo, capsys)
    file_before = (repo / "data" / "observations" / "2B-04.csv").read_bytes()
    code, out, _ = run_cli(repo, capsys, "import", str(planner_file(tmp_path)))
    assert code == 0 and "1 nye, 1 endret" in out
    assert export(repo, capsys) != before
    import_id = out.split("import ")[1].split()[0]
    assert run_cli(repo, capsys, "undo", import_id)[0] == 0
    assert export(repo, capsys) == before
    assert (repo / "data" / "observations" / "2B-04.csv").read_bytes() == file_before


def test_replace_and_its_undo(repo: Path, capsys: pytest.CaptureFixture, tmp_path: Path) -> None:
    before = export(repo, capsys)
    path = tmp_path / "2B-06.csv"
    path.write_text("region;periode;verdi\n32;2025K1;10\n", encoding="utf-8")
    code, out, _ = run_cli(repo, capsys, "import", str(path), "--replace")
    assert code == 0 and "fjernet" in out
    assert set(rows_of(export(repo, capsys), "2B-06")) == {("32", "2025K1", "")}
    import_id = out.split("import ")[1].split()[0]
    assert run_cli(repo, capsys, "undo", import_id)[0] == 0
    assert export(repo, capsys) == before


def test_undo_refuses_when_a_later_import_touched_the_same_rows(repo: Path,
                                                               capsys: pytest.CaptureFixture,
                                                               tmp_path: Path) -> None:
    first = run_cli(repo, capsys, "import", str(planner_file(tmp_path, "2,4")))[1]
    second = run_cli(repo, capsys, "import", str(planner_file(tmp_path, "2,2")))[1]
    first_id, second_id = (o.split("import ")[1].split()[0] for o in (first, second))
    code, _, err = run_cli(repo, capsys, "undo", first_id)
    assert code == 1 and f"senere import {second_id}" in err and "--force" in err
    assert rows_of(export(repo, capsys), "2B-04")[("32", "2026M02", "")] == ("2.2", "Ås")
    assert run_cli(repo, capsys, "undo", first_id, "--force")[0] == 0
    # Forced, the undo leaves what replaying the second import alone gives: its 2,2 stands.
    assert rows_of(export(repo, capsys), "2B-04")[("32", "2026M02", "")] == ("2.2", "Ås")


def test_dry_run_prints_the_diff_and_writes_nothing(repo: Path, capsys: pytest.CaptureFixture,
                                                   tmp_path: Path) -> None:
    before = export(repo, capsys)
    file_before = (repo / "data" / "observations" / "2B-04.csv").read_bytes()
    code, out, _ = run_cli(repo, capsys, "import", str(planner_file(tmp_path)), "--dry-run")
    assert code == 0
    assert "added    2B-04 32 2026M02 -: .. → 12.5" in out
    assert "changed  2B-04 32 2026M01 -: 2.6 → 2.7" in out
    assert "prøvekjøring" in out and "1 nye, 1 endret" in out
    assert export(repo, capsys) == before
    assert (repo / "data" / "observations" / "2B-04.csv").read_bytes() == file_before


def test_a_jump_from_the_stored_previous_period_is_a_warning_only(
        repo: Path, capsys: pytest.CaptureFixture, tmp_path: Path) -> None:
    path = tmp_path / "jump.csv"
    path.write_text("indikator;region;år;verdi\n2B-04;32;2026M02;12,5\n2B-04;03;2026M02;3\n",
                    encoding="utf-8")
    code, out, err = run_cli(repo, capsys, "import", str(path))
    assert code == 0, out + err
    # Akershus 2026M01 is stored as 2.6; Oslo's 2.9 → 3 is no jump.
    assert err.splitlines() == [f"{path}:2: 12,5 avviker 381 % fra forrige periode 2026M01 (2,6)"
                                " — sjekk at tallet og enheten er riktige."]


def test_an_import_lists_the_stored_values_it_overwrites(repo: Path, capsys: pytest.CaptureFixture,
                                                        tmp_path: Path) -> None:
    code, out, _ = run_cli(repo, capsys, "import", str(planner_file(tmp_path)))
    assert code == 0
    assert "changed  2B-04 32 2026M01 -: 2.6 → 2.7" in out and "added " not in out
