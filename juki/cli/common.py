"""What every `juki` command shares: its options (workdir, dates, job options), how a stage is shown while it runs,
how a run is summed up, and the reject summary printed at the end. Counts only, never a value."""

from __future__ import annotations

import argparse
import math
import sys
import time

import polars as pl

from juki import storage
from juki.checks.catalogue import rule_for
from juki.checks.policy import Policy, rejected_records
from juki.checks.rules.checkdigit import dantai_code_is_valid
from juki.dates import parse_business_date
from juki.errors import UsageError, Where
from juki.jobs.publish import deliver
from juki.jobs.record import NightlyRecord
from juki.rejects import WARNING, summarize

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


def file_date_arg(option: str):
    """An argparse type for a date a file's header carries: YYYYMMDD (or YYYY-MM-DD), a day of the calendar."""
    def parse(text: str) -> str:
        value = text.strip()
        dashed = f"{value[:4]}-{value[4:6]}-{value[6:]}" if len(value) == 8 and value.isdigit() else value
        try:
            return parse_business_date(dashed, option)
        except UsageError as e:
            raise argparse.ArgumentTypeError(e.reason.replace("YYYY-MM-DD", "YYYYMMDD")) from None

    return parse


def dantai_code_arg(option: str):
    """An argparse type for a 地方公共団体コード: six digits, the last its check digit."""
    def parse(text: str) -> str:
        value = text.strip()
        if not dantai_code_is_valid(value):
            raise argparse.ArgumentTypeError(f"{option} must be a 地方公共団体コード: 6 digits, the last its check "
                                             f"digit (e.g. 042021), not {text!r}")
        return value

    return parse


def count_arg(option: str, minimum: int = 0):
    """An argparse type for a whole number of at least ``minimum``: anything else is a usage error (exit 2)."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{option} must be a whole number, not {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{option} must be at least {minimum}, not {value}")
        return value

    return parse


def percent_arg(option: str):
    """An argparse type for a percentage: a number from 0 to 100."""
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not 0 <= value <= 100:  # also refuses nan
            raise argparse.ArgumentTypeError(f"{option} must be a percentage from 0 to 100, not {text!r}")
        return value

    return parse


def add_policy_options(p) -> None:
    p.add_argument("--max-rejects", type=count_arg("--max-rejects"), help="records that may be rejected (held "
                   "back) before the run fails (default 0, unless --max-reject-percent is given alone)")
    p.add_argument("--max-reject-percent", type=percent_arg("--max-reject-percent"),
                   help="… or this percentage of the records (input rejects of the input records, output rejects "
                   "of the output records)")


def policy_of(args) -> Policy:
    """--max-reject-percent alone is the policy; with neither option, any reject fails the run."""
    count = args.max_rejects if args.max_rejects is not None else (None if args.max_reject_percent is not None
                                                                     else 0)
    return Policy(count, args.max_reject_percent)


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
    """The first few rejects as one line each (file, record, field, byte offset, what is wrong, rule), then per
    rule: severity, count, records, and what the rule says in words. Records counted as rejected are those with an
    error; warnings are counted apart (a warning alone does not reject a record)."""
    stream = stream or sys.stdout
    for row in rejects.head(first).iter_rows(named=True):
        where = Where(file=source, record=row["record_no"], field=row["field"], offset=row["offset"])
        stream.write(f"{where}: {row['message']} [{row['rule']}]\n")
    if rejects.height > first:
        stream.write(f"... and {rejects.height - first:,} more\n")
    summary = summarize(rejects)
    rejected = rejected_records(rejects)  # records with an error: a warning alone does not reject a record
    warnings = rejects.filter(pl.col("severity") == WARNING).height
    stream.write(f"{rejected:,} record(s) rejected" + (f", {warnings:,} warning(s)" if warnings else "")
                 + f"; details in {storage.display_name(location)}\n")
    stream.write(f"  {'rule':<34} {'severity':<8} {'count':>7} {'records':>8}  what it means\n")
    for row in summary.iter_rows(named=True):
        stream.write(f"  {row['rule']:<34} {row['severity']:<8} {row['count']:>7,} {row['records']:>8,}  "
                     f"{_words(row['rule'])}\n")


def _words(rule_id: str) -> str:
    try:
        return rule_for(rule_id).message
    except KeyError:
        return ""
