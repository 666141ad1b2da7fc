"""`juki consistency`, `juki rerun`, `juki runs`: the annual job, reruns of past dates, and the run history."""

from __future__ import annotations

import json
import sys

from juki.cli.common import add_job_options, date_arg, deliver_outputs, print_summary, staged
from juki.cli.progress import meter
from juki.dates import shown
from juki.errors import EXIT_OK
from juki.jobs.consistency import run_consistency
from juki.jobs.publish import deliver
from juki.jobs.record import NightlyRecord
from juki.jobs.rerun import JOBS, history, rerun
from juki.reports import write_report


def register(sub) -> None:
    c = sub.add_parser("consistency", help="write the 整合性確認 files (prefecture, J-LIS) from a date's snapshot")
    c.add_argument("--date", required=True, type=date_arg(), help="business date YYYY-MM-DD of the snapshot")
    add_job_options(c)
    c.set_defaults(run=run_consistency_cmd)

    r = sub.add_parser("rerun", help="run a past business date again from the inputs its manifest recorded")
    r.add_argument("--job", required=True, choices=JOBS)
    r.add_argument("--date", required=True, type=date_arg(), help="business date YYYY-MM-DD")
    r.add_argument("--reason", required=True, help="why (recorded in the run's manifest with your user name)")
    r.add_argument("--force", action="store_true", help="run even though an input changed since (recorded)")
    r.add_argument("--workdir", help="the city's workdir (default: $JUKI_WORKDIR, else ./.juki)")
    r.set_defaults(run=run_rerun)

    d = sub.add_parser("deliver", help="copy a committed run's outputs to an outbox (again), checking each hash")
    d.add_argument("--job", required=True, choices=JOBS)
    d.add_argument("--date", required=True, type=date_arg(), help="business date YYYY-MM-DD")
    d.add_argument("--outbox", required=True, help="a folder or a URL (sftp://, s3://)")
    d.add_argument("--workdir", help="the city's workdir (default: $JUKI_WORKDIR, else ./.juki)")
    d.set_defaults(run=run_deliver)

    h = sub.add_parser("runs", help="past runs: business date, status, counts, superseded by a rerun or not")
    h.add_argument("--job", choices=JOBS)
    h.add_argument("--since", type=date_arg("--since"), help="from this business date YYYY-MM-DD")
    h.add_argument("--workdir", help="the city's workdir (default: $JUKI_WORKDIR, else ./.juki)")
    h.add_argument("--json", action="store_true", help="machine-readable output (times in UTC, as stored)")
    h.set_defaults(run=run_runs)


def run_consistency_cmd(args) -> int:
    with meter() as progress:
        m = run_consistency(args.date, args.workdir, args.config, call=staged, progress=progress,
                            report=write_report)
    print(f"consistency {m.business_date}: {m.records:,} records")
    for role, out in m.outputs.items():
        print(f"  {role:<10} {out.file}  {out.sha256}")
    print(f"  outputs in {m.dir}")
    deliver_outputs(args, "consistency", args.date)
    return EXIT_OK


def run_deliver(args) -> int:
    done = deliver(args.workdir, args.job, args.date, args.outbox)
    for f in done.files:
        print(f"  {f['location']}  {f['sha256']}")
    print(f"delivered {len(done.files)} file(s) of {args.job} {args.date}")
    return EXIT_OK


def run_rerun(args) -> int:
    with meter() as progress:
        outcome = rerun(args.job, args.date, args.reason, args.workdir, args.force, call=staged, progress=progress,
                        report=write_report)
    m = outcome.record
    if isinstance(m, NightlyRecord):
        print_summary(m)
    else:
        print(f"consistency {m.business_date}: {m.records:,} records, outputs in {m.dir}")
    if m.reproduced:
        print(f"  the rerun made every file of the run again, byte for byte: the run in {m.dir} stands as it was "
              "(its manifest and report unchanged); the rerun, its reason and operator are in the run log")
    else:
        print(f"  rerun recorded: reason and operator in {m.dir}/manifest.json")
    if m.rerun.changed_inputs:
        print(f"  forced although these changed: {', '.join(m.rerun.changed_inputs)}")
    if outcome.later_runs and not m.reproduced:
        print(f"  note: later runs ({', '.join(outcome.later_runs)}) were made from the superseded outputs; "
              "rerun them too if this one changed anything", file=sys.stderr)
    return EXIT_OK


def run_runs(args) -> int:
    rows = history(args.workdir, args.job, args.since)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return EXIT_OK
    if not rows:
        print("no runs yet")
        return EXIT_OK
    print(f"{'job':<12} {'date':<9} {'status':<11} {'records':>8} {'notices':>8} {'sofusaki':>8}  finished / rerun")
    for r in rows:
        note = f"rerun: {r['rerun']}" if r["rerun"] else (r["error"] or "")
        print(f"{r['job']:<12} {r['business_date']:<9} {r['status']:<11} {r.get('records', ''):>8} "
              f"{r.get('notices', ''):>8} {r.get('sofusaki', ''):>8}  {shown(r['finished_at'])} {note}")
    return EXIT_OK
