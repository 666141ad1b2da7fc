"""Reject files and the summary table printed at the end of a command: counts per rule, never values."""

from __future__ import annotations

import sys

import polars as pl

from juki import storage
from juki.errors import Where
from juki.rejects import summarize


def write_rejects(rejects: pl.DataFrame, location) -> str:
    """CSV (UTF-8 with BOM, so that Excel opens it right), owner-only, written atomically."""
    with storage.atomic_output(location) as sink:
        sink.write(b"\xef\xbb\xbf")
        rejects.write_csv(sink)
    return sink.sha256


def print_reject_summary(rejects: pl.DataFrame, location, stream=None, source: str | None = None,
                         first: int = 10) -> None:
    """The first few rejects as one line each (file, record, field, byte offset, rule), then counts per rule."""
    stream = stream or sys.stdout
    for row in rejects.head(first).iter_rows(named=True):
        where = Where(file=source, record=row["record_no"], field=row["field"], offset=row["offset"])
        stream.write(f"{where}: {row['message']} [{row['rule']}]\n")
    if rejects.height > first:
        stream.write(f"... and {rejects.height - first:,} more\n")
    summary = summarize(rejects)
    stream.write(f"{rejects['record_no'].n_unique():,} record(s) rejected; details in "
                 f"{storage.display_name(location)}\n")
    stream.write(f"  {'rule':<40} {'severity':<8} {'count':>8} {'records':>8}\n")
    for row in summary.iter_rows(named=True):
        stream.write(f"  {row['rule']:<40} {row['severity']:<8} {row['count']:>8,} {row['records']:>8,}\n")
