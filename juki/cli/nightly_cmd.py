"""`juki nightly`: the job the city runs every night (also what the Prefect `nightly` deployment runs)."""

from __future__ import annotations

import sys
import time
from datetime import date

from juki import storage
from juki.checks.policy import Policy
from juki.errors import EXIT_OK, UsageError
from juki.jobs.nightly import run_nightly
from juki.jobs.publish import deliver

STAGES = {"read_input": "read and validate the 住民基本台帳ファイル",
          "derive_and_diff": "derive 本人確認情報 and compare with the prior snapshot",
          "write_outputs": "write change notices and 送付先情報", "commit": "commit the run"}


def register(sub) -> None:
    p = sub.add_parser("nightly", help="derive 本人確認情報, diff with the prior night, emit notices and 送付先情報")
    p.add_argument("--input", required=True, help="the day's 住民基本台帳ファイル: a path or a URL")
    p.add_argument("--date", required=True, type=business_date, help="business date YYYY-MM-DD")
    add_common(p)
    p.add_argument("--max-rejects", type=int, default=0, help="records that may be rejected (held back) before "
                   "the run fails (default 0: any reject fails the run and nothing is sent)")
    p.add_argument("--max-reject-percent", type=float, help="… or this percentage of the records")
    p.set_defaults(run=run)


def add_common(p) -> None:
    p.add_argument("--workdir", help="where snapshots, outputs, manifests and the run log live "
                   "(default: $JUKI_WORKDIR, else ./.juki)")
    p.add_argument("--config", help="city configuration (default: city.toml beside the input)")
    p.add_argument("--outbox", help="after the run is committed, copy its outputs here (a folder or a URL such as "
                   "sftp://host/outbox); a failed copy is retried with `juki deliver`")


def business_date(text: str) -> str:
    try:
        return date.fromisoformat(text).strftime("%Y%m%d")
    except ValueError:
        raise UsageError(f"--date must be a date as YYYY-MM-DD, not {text!r}") from None


def staged(fn, *args):
    """Run one stage, saying what it does and how long it took (stderr: stdout keeps the summary)."""
    name = getattr(fn, "__name__", "stage")
    print(f"  {STAGES.get(name, name)} …", file=sys.stderr, flush=True)
    start = time.monotonic()
    result = fn(*args)
    print(f"  … done in {time.monotonic() - start:.1f} s", file=sys.stderr, flush=True)
    return result


def run(args) -> int:
    manifest = run_nightly(args.input, args.date, args.workdir, args.config,
                           Policy(args.max_rejects, args.max_reject_percent), call=staged)
    print_summary(manifest)
    deliver_outputs(args, "nightly", args.date)
    return EXIT_OK


def deliver_outputs(args, job: str, day: str) -> None:
    if args.outbox:
        done = deliver(args.workdir, job, day, args.outbox)
        print(f"  delivered {len(done['files'])} file(s) to {storage.display_name(args.outbox)}")


def print_summary(m: dict) -> None:
    read = m.get("read", {})
    print(f"nightly {m['business_date']}: {read.get('records', 0):,} records read, "
          f"{read.get('input_rejects', 0):,} rejected, {m.get('held', 0):,} held for manual review")
    if m.get("baseline"):
        print("  baseline: first run, the snapshot is made and no notices are sent")
    for kind, n in sorted(m.get("changes", {}).items()):
        print(f"  {kind:<14} {n:>8,}")
    seq = m.get("sequence", {})
    print(f"  change notices {m.get('notices', 0):,} (更新順番号 {seq.get('first')}–{seq.get('last')}), "
          f"送付先情報 {m.get('sofusaki_records', 0):,}")
    print(f"  outputs in {m['dir']}")
