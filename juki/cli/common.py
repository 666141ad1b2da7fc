"""What every `juki` command shares: its options (workdir, dates, job options), how a stage is shown while it runs,
how a run is summed up, and the reject summary printed at the end. Counts only, never a value."""

from __future__ import annotations

import argparse
import sys
import time

import polars as pl

from juki import storage
from juki.dates import parse_business_date
from juki.errors import UsageError, Where
from juki.jobs.publish import deliver
from juki.jobs.record import NightlyRecord
from juki.rejects import summarize

STAGES = {"read_input": "read and validate the 住民基本台帳ファイル",
          "derive_and_diff": "derive 本人確認情報 and compare with the prior snapshot",
          "write_outputs": "write change notices and 送付先情報", "commit": "commit the run"}


def add_workdir(p) -> None:
    p.add_argument("--workdir", help="the city's workdir, where the run log is kept "
                   "(default: $JUKI_WORKDIR, else ./.juki)")


def add_job_options(p) -> None:
    p.add_argument("--workdir", help="where snapshots, outputs, manifests and the run log live "
                   "(default: $JUKI_WORKDIR, else ./.juki)")
    p.add_argument("--config", help="city configuration (default: city.toml beside the input)")
    p.add_argument("--outbox", help="after the run is committed, copy its outputs here (a folder or a URL such as "
                   "sftp://host/outbox); a failed copy is retried with `juki deliver`")


def date_arg(option: str = "--date"):
    """An argparse type for a business date: YYYY-MM-DD → YYYYMMDD, a bad one a usage error (exit 2)."""
    def parse(text: str) -> str:
        try:
            return parse_business_date(text, option)
        except UsageError as e:
            raise argparse.ArgumentTypeError(e.reason) from None

    return parse


def staged(fn, *args):
    """Run one stage, saying what it does and how long it took (stderr: stdout keeps the summary)."""
    name = getattr(fn, "__name__", "stage")
    print(f"  {STAGES.get(name, name)} …", file=sys.stderr, flush=True)
    start = time.monotonic()
    result = fn(*args)
    print(f"  … done in {time.monotonic() - start:.1f} s", file=sys.stderr, flush=True)
    return result


def deliver_outputs(args, job: str, day: str) -> None:
    if args.outbox:
        done = deliver(args.workdir, job, day, args.outbox)
        print(f"  delivered {len(done.files)} file(s) to {storage.display_name(args.outbox)}")


def print_summary(m: NightlyRecord) -> None:
    print(f"nightly {m.business_date}: {m.read.records:,} records read, "
          f"{m.read.input_rejects:,} rejected, {m.held:,} held for manual review")
    if m.baseline:
        print("  baseline: first run, the snapshot is made and no notices are sent")
    for kind, n in sorted(m.changes.items()):
        print(f"  {kind:<14} {n:>8,}")
    print(f"  change notices {m.notices:,} (更新順番号 {m.sequence.first}–{m.sequence.last}), "
          f"送付先情報 {m.sofusaki_records:,}")
    print(f"  outputs in {m.dir}")


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
