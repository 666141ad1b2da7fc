"""Progress of the long stages (read, validate, diff, write, sample), counts only.

The core reports; the caller shows. A step calls ``progress(stage, done, total, unit)`` as it goes (``silent``
when nobody listens); the CLI and the Prefect flows pass a ``Meter`` that draws a live bar on a terminal, or
writes a line every few seconds to a log (cron, systemd, Prefect's run log). A stage that is one long library
call (a validation, a join) reports its start and its end; between the two the meter's ticker keeps saying how
long it has been running, so no stage is silent for more than a few seconds. Nothing but stage names, counts,
sizes and seconds ever goes through here.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Protocol


class Progress(Protocol):
    def __call__(self, stage: str, done: int, total: int | None = None, unit: str = "records") -> None: ...


def silent(stage: str, done: int, total: int | None = None, unit: str = "records") -> None:
    """The progress callback of nobody listening."""


def _amount(n: int, unit: str) -> str:
    return f"{n / 1e6:,.1f} MB" if unit == "bytes" else f"{n:,} {unit}"


class Meter:
    """Shows progress through ``write`` (one line of text at a time, without its newline).

    ``live=True`` (a terminal): a bar redrawn in place (``write`` gets text starting with a carriage return),
    ended by a newline when the stage ends. ``live=False`` (a log): a line every ``every`` seconds while a stage
    runs, and one when a stage that took that long ends; nothing for a shorter stage. Use as a context manager:
    the ticker thread stops on exit."""

    WIDTH = 24

    def __init__(self, write: Callable[[str], None], live: bool, every: float = 5.0, tick: float = 0.5):
        self.write, self.live, self.every, self.tick = write, live, every, tick
        self._lock = threading.Lock()
        self._stage: tuple[str, int, int | None, str] | None = None
        self._started = self._last = 0.0
        self._drawn = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> Meter:
        self._thread = threading.Thread(target=self._ticker, name="juki-progress", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        with self._lock:
            self._end_line()
            self._stage = None

    def __call__(self, stage: str, done: int, total: int | None = None, unit: str = "records") -> None:
        now = time.monotonic()
        with self._lock:
            if self._stage is None or self._stage[0] != stage:
                self._end_line()
                self._started = self._last = now
            self._stage = (stage, done, total, unit)
            finished = total is not None and done >= total
            if self.live:
                self._draw(now)
                if finished:
                    self._end_line()
            elif now - (self._started if finished else self._last) >= self.every:
                self._line(now)  # every few seconds, and at the end of a stage that took that long
            if finished:
                self._stage = None

    def text(self, now: float | None = None) -> str:
        """The current stage in words: ``read: 412.0 MB of 1,100.0 MB (37%), 12 s``."""
        if self._stage is None:
            return ""
        stage, done, total, unit = self._stage
        seconds = (now if now is not None else time.monotonic()) - self._started
        if total:
            amount = f"{_amount(done, unit)} of {_amount(total, unit)} ({100 * done // total}%)"
        else:
            amount = _amount(done, unit) if done else ""
        if total and not done:  # a stage that is one long call: its size, then how long it has run
            amount = _amount(total, unit)
        return f"{stage}: {amount}, {seconds:,.0f} s" if amount else f"{stage}: {seconds:,.0f} s"

    # -- drawing (under the lock) --------------------------------------------------------------------------------
    def _bar(self) -> str:
        _, done, total, _ = self._stage
        if not total:
            return ""
        filled = min(self.WIDTH, self.WIDTH * done // total)
        return "[" + "#" * filled + "-" * (self.WIDTH - filled) + "] "

    def _draw(self, now: float) -> None:
        self.write("\r  " + self._bar() + self.text(now) + "\x1b[K")
        self._drawn = True
        self._last = now

    def _line(self, now: float) -> None:
        self.write("  " + self.text(now) + "\n")
        self._last = now

    def _end_line(self) -> None:
        if self._drawn:
            self.write("\n")
            self._drawn = False

    def _ticker(self) -> None:
        while not self._stop.wait(self.tick):
            now = time.monotonic()
            with self._lock:
                if self._stage is None:
                    continue
                if self.live:
                    self._draw(now)
                elif now - self._last >= self.every:
                    self._line(now)
