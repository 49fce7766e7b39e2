"""Back-off after wrong planner passwords (issue 14, item 10): per name, for everyone, kept on disk."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import pytest

from indicators import paths
from indicators.throttle import EVERYONE, NAME, HeldBack, Policy, Throttle, shared, wait_seconds


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def wrong(throttle: Throttle, name: str) -> HeldBack:
    """One try with a wrong password, as the log-in makes it; fails the test if it was held back."""
    assert throttle.attempt(name) is None
    return throttle.failed(name, "203.0.113.7")


def test_waiting_grows_from_one_second_doubles_and_stops_at_the_cap() -> None:
    clock = Clock()
    throttle = Throttle(clock=clock)
    waits = []
    for _ in range(12):
        waits.append(wrong(throttle, "Kari").wait_s)
        clock.now += waits[-1]
    assert waits[:4] == [1, 2, 4, 8]
    assert max(waits) == NAME.cap_s and waits[-1] == NAME.cap_s


def test_a_try_before_the_wait_is_over_is_refused_and_does_not_count() -> None:
    clock = Clock()
    throttle = Throttle(clock=clock)
    wrong(throttle, "Kari")
    clock.now += 0.4
    held = throttle.attempt("Kari")
    assert held is not None and held.scope == "name" and held.wait_s == pytest.approx(0.6)
    assert wait_seconds(held) == 1
    clock.now += 0.6
    assert throttle.attempt("Kari") is None  # the right password after the wait goes ahead
    throttle.succeeded("Kari")
    assert throttle.attempt("Kari") is None  # success starts the name afresh: no wait at all


def test_case_width_and_spacing_do_not_make_a_new_name() -> None:
    clock = Clock()
    throttle = Throttle(clock=clock)
    wrong(throttle, "Kari Nordmann")
    for same in ("kari nordmann", "  KARI   Nordmann ", "Ｋａｒｉ Nordmann"):
        assert throttle.attempt(same) is not None, same


def test_new_names_do_not_escape_the_wait_for_everyone() -> None:
    clock = Clock()
    throttle = Throttle(clock=clock)
    for i in range(EVERYONE.free + 1):
        wrong(throttle, f"gjetter {i}")
    held = throttle.attempt("enda et nytt navn")
    assert held == HeldBack("everyone", 1.0)
    waits = []
    for i in range(10):
        clock.now += 60
        waits.append(wrong(throttle, f"navn {i}").wait_s)
    assert waits[-1] == EVERYONE.cap_s  # guessing under any names: one try a minute at most


def test_the_right_password_does_not_wipe_the_count_for_everyone() -> None:
    clock = Clock()
    throttle = Throttle(clock=clock)
    for i in range(EVERYONE.free + 3):
        clock.now += 100
        wrong(throttle, f"gjetter {i}")
    clock.now += 100
    assert throttle.attempt("Kari") is None
    throttle.succeeded("Kari")
    clock.now += 100
    # Kari's own try is taken back, the guessers' tries are not: the next wrong one waits longer.
    assert wrong(throttle, "gjetter 99") == HeldBack("everyone", EVERYONE.delay(EVERYONE.free + 4))
    assert EVERYONE.delay(EVERYONE.free + 4) == 8


def test_an_hour_without_wrong_passwords_forgets_them() -> None:
    clock = Clock()
    throttle = Throttle(clock=clock)
    for i in range(20):
        clock.now += 300
        wrong(throttle, "Kari" if i % 2 else f"navn {i}")
    clock.now += 3600
    assert throttle.attempt("Kari") is None
    assert throttle.failed("Kari").wait_s == 1  # back to the first step


def test_ten_sessions_at_once_get_one_try_per_name_and_a_few_in_all() -> None:
    throttle = Throttle(clock=Clock())  # the clock stands still: nobody's wait runs out
    start = threading.Barrier(20)
    through: list[str] = []

    def session(name: str) -> None:
        start.wait()
        if throttle.attempt(name) is None:
            through.append(name)

    threads = [threading.Thread(target=session, args=(name,))
               for name in ["Kari"] * 10 + [f"navn {i}" for i in range(10)]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert through.count("Kari") <= 1
    assert len(through) == EVERYONE.free + 1


def test_the_counts_survive_a_restart_in_a_file_beside_the_database(tmp_path: Path) -> None:
    clock = Clock()
    file = paths.login_state(tmp_path / "dashboard.duckdb")
    assert file.parent == tmp_path
    first = Throttle(file, clock=clock)
    for _ in range(3):
        clock.now += 10
        wrong(first, "Kari Nordmann")
    restarted = Throttle(file, clock=clock)
    held = restarted.attempt("Kari Nordmann")
    assert held is not None and held.wait_s == pytest.approx(4)
    assert "Kari" not in file.read_text("utf-8")  # names are kept only as hashes


def test_app_processes_behind_one_address_share_the_counts(tmp_path: Path) -> None:
    clock = Clock()
    file = paths.login_state(tmp_path / "dashboard.duckdb")
    one, other = Throttle(file, clock=clock), Throttle(file, clock=clock)  # as two processes
    for i in range(EVERYONE.free):
        wrong(one if i % 2 else other, f"gjetter {i}")
    wrong(one, "Kari")
    assert other.attempt("kari") == HeldBack("name", 1.0)
    assert other.attempt("enda en") == HeldBack("everyone", 1.0)


@pytest.mark.parametrize("content", ["", "{", "[1, 2]", '{"x": "y"}', '{"x": [1]}'])
def test_an_unreadable_counts_file_starts_from_none(tmp_path: Path, content: str) -> None:
    file = tmp_path / "dashboard.logins.json"
    file.write_text(content, "utf-8")
    throttle = Throttle(file, clock=Clock())
    assert throttle.attempt("Kari") is None
    assert throttle.attempt("Kari") is not None  # and counts again from there


def test_a_folder_it_cannot_write_keeps_the_counts_in_the_process(tmp_path: Path, caplog) -> None:
    not_a_folder = tmp_path / "data"
    not_a_folder.write_text("", "utf-8")  # fails for root too, unlike a chmod
    clock = Clock()
    throttle = Throttle(not_a_folder / "dashboard.logins.json", clock=clock)
    wrong(throttle, "Kari")
    assert throttle.attempt("Kari") is not None
    clock.now += 10
    wrong(throttle, "Kari")
    assert caplog.text.count("cannot be kept") == 1  # said once, not at every try


def test_a_wrong_password_is_logged_with_name_client_and_time(caplog) -> None:
    throttle = Throttle(clock=Clock())
    with caplog.at_level(logging.WARNING, logger="indicators.throttle"):
        assert throttle.attempt("Kari\nNordmann") is None
        throttle.failed("Kari\nNordmann", "203.0.113.7")
    (record,) = caplog.records
    text = record.getMessage()
    assert "'Kari\\nNordmann'" in text  # one line in the log, whatever was typed
    assert "203.0.113.7" in text and "2027-01-15T08:00:00+00:00" in text


def test_many_invented_names_are_not_all_remembered() -> None:
    clock = Clock()
    throttle = Throttle(clock=clock, everyone=Policy(free=10**6, base_s=1, cap_s=1), max_names=50)
    for i in range(500):
        clock.now += 0.001
        throttle.attempt(f"navn {i}")
    assert throttle.attempt("navn 499") is not None  # the latest are kept
    assert throttle.attempt("navn 0") is None  # the oldest were let go


def test_every_session_of_the_app_shares_one_throttle_per_database(tmp_path: Path) -> None:
    db = tmp_path / "dashboard.duckdb"
    assert shared(paths.login_state(db)) is shared(paths.login_state(tmp_path / "." / db.name))
    assert shared(paths.login_state(db)) is not shared(paths.login_state(tmp_path / "x.duckdb"))
