"""Progress on stderr (stdout keeps the summary): a live bar on a terminal; in a log (cron, systemd, CI) a line
every few seconds while a long stage runs ($JUKI_PROGRESS_SECONDS, default 5). Counts only."""

from __future__ import annotations

import os
import sys

from juki.progress import Meter

ENV = "JUKI_PROGRESS_SECONDS"


def meter(stream=None) -> Meter:
    """``with meter() as progress: job(..., progress=progress)``."""
    stream = stream or sys.stderr
    try:
        every = float(os.environ.get(ENV) or 5)
    except ValueError:
        every = 5.0

    def write(text: str) -> None:
        stream.write(text)
        stream.flush()

    return Meter(write, live=stream.isatty(), every=every)
