"""The day's input: where it is expected, and waiting for it to arrive.

The 既存住基システム drops its 住民基本台帳ファイル into an inbox some time in the night; a scheduled run may start
before it is there. ``wait_for_input`` looks for it until a deadline: once the file is there and its size has
held still for a moment (a copy still running grows), the run goes on; at the deadline it stops with one line
that says which file did not arrive where, and by when it was expected.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from juki import storage
from juki.dates import shown
from juki.errors import InputUnusable, UsageError
from juki.jobs.publish import ReportWriter, failures_recorded
from juki.jobs.workdir import Workdir

INBOX_ENV = "JUKI_INBOX"
WAIT_ENV = "JUKI_WAIT_MINUTES"
FILE_NAME = "juki_daicho_{date}.dat"
DEFAULT_WAIT_MINUTES = 240.0  # a 02:00 run waits until 06:00
SETTLE_SECONDS = 2.0  # a file whose size holds still this long is taken as complete


class NotArrived(InputUnusable):
    """The day's input was not there by the deadline: nothing was processed."""

    kind = "late"


def expected_input(input: str | None, business_date: str) -> str:
    """The input of a business date: ``input`` (which may hold ``{date}``, YYYYMMDD), else the inbox's file
    of that date, the inbox being ``$JUKI_INBOX`` as the run finds it when it starts."""
    if input:
        return input.replace("{date}", business_date)
    inbox = os.environ.get(INBOX_ENV)
    if not inbox:
        raise UsageError(f"no input given and {INBOX_ENV} is not set: set it in the worker's environment "
                         "(deploy/juki.env) or in the run's job variables, or pass the input")
    return f"{inbox.rstrip('/')}/{FILE_NAME.format(date=business_date)}"


def wait_minutes(value: float | None) -> float:
    """How long to wait for the input: ``value``, else ``$JUKI_WAIT_MINUTES``, else 240."""
    if value is None:
        text = os.environ.get(WAIT_ENV)
        try:
            value = float(text) if text else DEFAULT_WAIT_MINUTES
        except ValueError:
            raise UsageError(f"{WAIT_ENV} must be a number of minutes, not {text!r}") from None
    if value < 0:
        raise UsageError("the wait for the input must be 0 minutes or more")
    return float(value)


def wait_for_input(location: str, minutes: float, note: Callable[[str], None] = lambda line: None,
                   clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep) -> dict:
    """Return once ``location`` holds a file whose size has held still; raise NotArrived after ``minutes``.

    ``note`` hears, in words, that the run is waiting (once) and that the file came; counts and times only."""
    name = storage.display_name(location)
    start = clock()
    deadline = start + minutes * 60
    poll = min(60.0, max(1.0, minutes * 60 / 30))
    until = shown((datetime.now(UTC) + timedelta(minutes=minutes)).isoformat(timespec="seconds"))
    said, last = False, None
    while True:
        size = storage.size_of(location)
        if size is not None and size > 0 and size == last:
            waited = clock() - start
            if said:
                note(f"{name} arrived after {waited / 60:,.1f} min ({size:,} bytes)")
            return {"input": name, "bytes": size, "waited_seconds": round(waited)}
        now = clock()
        there = size is not None and size > 0
        if now >= deadline and (not there or now >= deadline + 5 * SETTLE_SECONDS):
            raise NotArrived(f"{name} has not arrived by {until} (waited {minutes:g} min); nothing was processed")
        if not there and not said:
            note(f"{name} is not there yet: waiting until {until}, looking every {poll:g} s")
            said = True
        last = size
        sleep(SETTLE_SECONDS if there else max(0.0, min(poll, deadline - now)))


def await_input(workdir, business_date: str, location: str, minutes: float,
                note: Callable[[str], None] = lambda line: None, report: ReportWriter | None = None) -> dict:
    """``wait_for_input`` for a nightly run; a file that did not come is recorded as that run's failure
    (``juki runs``, WORKDIR/failed/, with its report given a writer) like any other."""
    with failures_recorded(Workdir(workdir), "nightly", business_date, None, report):
        return wait_for_input(location, minutes, note)
