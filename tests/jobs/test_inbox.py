"""Waiting for the day's file: it comes late and the run goes on once its size holds still; it never comes and
the run stops at the deadline with one line. A fake clock: the tests take no time."""

from __future__ import annotations

import re

import pytest

from juki.errors import UsageError
from juki.jobs.inbox import NotArrived, expected_input, wait_for_input, wait_minutes


class Clock:
    """time.monotonic and time.sleep for the waiter; ``events`` run when the clock passes their time."""

    def __init__(self, events=()):
        self.now, self.events, self.slept = 0.0, sorted(events), []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds
        while self.events and self.events[0][0] <= self.now:
            self.events.pop(0)[1]()


def test_a_late_file_is_taken_once_it_is_there_and_whole(tmp_path):
    target = tmp_path / "juki_daicho_20260402.dat"
    clock = Clock([(300, lambda: target.write_bytes(b"x" * 10)),  # the copy starts after 5 minutes
                   (302, lambda: target.write_bytes(b"x" * 20))])  # and is still growing 2 s later
    notes: list[str] = []
    done = wait_for_input(str(target), 60, notes.append, clock, clock.sleep)
    assert done == {"input": str(target), "bytes": 20, "waited_seconds": round(clock.now)}
    assert 300 < clock.now <= 300 + 60 + 6  # found within a poll (at most a minute), then settled
    assert re.fullmatch(r".*juki_daicho_20260402\.dat is not there yet: waiting until .* JST, looking every 60 s",
                        notes[0])
    assert notes[-1].startswith(f"{target} arrived after ") and len(notes) == 2


def test_a_file_that_never_comes_stops_the_wait_at_the_deadline_with_one_line(tmp_path):
    clock = Clock()
    with pytest.raises(NotArrived) as stopped:
        wait_for_input(str(tmp_path / "juki_daicho_20260402.dat"), 30, lambda line: None, clock, clock.sleep)
    assert clock.now == pytest.approx(30 * 60)
    line = str(stopped.value)
    assert re.fullmatch(rf"{re.escape(str(tmp_path))}/juki_daicho_20260402\.dat has not arrived by "
                        r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d JST \(waited 30 min\); nothing was processed", line), line
    assert stopped.value.exit_code == 2


def test_a_file_already_there_is_taken_after_a_moment(tmp_path):
    target = tmp_path / "in.dat"
    target.write_bytes(b"x" * 5)
    clock = Clock()
    notes: list[str] = []
    assert wait_for_input(str(target), 0, notes.append, clock, clock.sleep)["bytes"] == 5
    assert clock.slept == [2.0] and notes == []


def test_the_input_and_the_wait_come_from_the_run_environment(monkeypatch):
    monkeypatch.setenv("JUKI_INBOX", "/srv/juki/inbox/")
    assert expected_input(None, "20260402") == "/srv/juki/inbox/juki_daicho_20260402.dat"
    assert expected_input("sftp://gw/in/juki_daicho_{date}.dat", "20260402") == "sftp://gw/in/juki_daicho_20260402.dat"
    monkeypatch.setenv("JUKI_WAIT_MINUTES", "90")
    assert wait_minutes(None) == 90 and wait_minutes(5) == 5
    monkeypatch.setenv("JUKI_WAIT_MINUTES", "soon")
    with pytest.raises(UsageError, match="JUKI_WAIT_MINUTES must be a number of minutes"):
        wait_minutes(None)
    monkeypatch.delenv("JUKI_INBOX")
    with pytest.raises(UsageError, match="JUKI_INBOX is not set"):
        expected_input(None, "20260402")
