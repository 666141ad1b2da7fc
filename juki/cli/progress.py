"""Progress on stderr: a live line on a terminal, a line every few seconds in a log (cron, CI). Counts only."""

from __future__ import annotations

import sys
import time


class Progress:
    def __init__(self, label: str, every_seconds: float = 10.0, stream=None):
        self.label, self.every = label, every_seconds
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.start = self.last = time.monotonic()
        self.shown = False

    def __call__(self, records: int, nbytes: int) -> None:
        now = time.monotonic()
        if not self.tty and now - self.last < self.every:
            return
        self.last = now
        rate = nbytes / 1e6 / max(now - self.start, 1e-9)
        line = f"{self.label}: {records:,} records, {nbytes / 1e6:,.1f} MB, {rate:,.0f} MB/s"
        if self.tty:
            self.stream.write("\r" + line)
        else:
            self.stream.write(line + "\n")
        self.stream.flush()
        self.shown = True

    def done(self) -> float:
        if self.tty and self.shown:
            self.stream.write("\n")
        return time.monotonic() - self.start

    def reader(self):
        """A callback for ``reader.scan_records``."""
        return lambda result: self(result.data_records, result.bytes_read)
