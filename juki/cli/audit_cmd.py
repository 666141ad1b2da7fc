"""`juki audit verify|show`: the tamper-evident run log. Also the hook that logs every command reading personal
data (commands mark themselves with ``set_defaults(audit=NAME)`` and may leave counts in ``args.audit_record``)."""

from __future__ import annotations

import json

from juki.cli.common import add_workdir
from juki.dates import shown
from juki.errors import EXIT_OK, EXIT_REJECTED
from juki.jobs import runlog
from juki.jobs.workdir import Workdir, existing


def register(sub) -> None:
    p = sub.add_parser("audit", help="verify or show the run log (who ran what, when, on which files)")
    asub = p.add_subparsers(dest="audit_command", required=True, metavar="ACTION")
    v = asub.add_parser("verify", help="check the chain of the run log: names any edited, removed or moved line")
    add_workdir(v)
    v.set_defaults(run=run_verify)
    s = asub.add_parser("show", help="print the run log readably")
    add_workdir(s)
    s.add_argument("--json", action="store_true", help="the raw JSON lines")
    s.set_defaults(run=run_show)





def record(args, outcome: str) -> None:
    """Called by the CLI after every audited command, whatever its outcome."""
    extra = getattr(args, "audit_record", {})
    runlog.append(args.workdir, args.audit, outcome, extra.get("business_date"), extra.get("inputs"),
                  extra.get("outputs"), extra.get("counts"), extra.get("approval"))


def run_verify(args) -> int:
    existing(args.workdir)
    count, problems = runlog.verify(args.workdir)
    where = runlog.path_of(args.workdir)
    for p in problems:
        print(f"{where}: line {p.line}: {p.what}" if p.line is not None else f"{where}: {p.what}")
    if problems:
        print(f"run log NOT intact: {len(problems)} problem(s) in {count} line(s)")
        return EXIT_REJECTED
    print(f"run log intact: {count} line(s); head {runlog.head(args.workdir)} (note it elsewhere to detect a cut end)")
    return EXIT_OK


def run_show(args) -> int:
    existing(args.workdir)
    rows = runlog.entries(args.workdir)
    if args.json:
        for row in rows:
            print(json.dumps(row, ensure_ascii=False, sort_keys=True))
        return EXIT_OK
    print(f"run log of {Workdir(args.workdir).root}: {len(rows)} line(s)")
    for r in rows:
        counts = ", ".join(f"{k} {v}" for k, v in list((r.get("counts") or {}).items())[:6])
        approval = f" approved by {r['approval'].get('approved_by')} ({r['approval'].get('ref')})" \
            if r.get("approval") and r["approval"].get("ref") else ""
        print(f"{r.get('n', ''):>5} {shown(r.get('time'))} {r.get('user', ''):<10} {r['command']:<16} "
              f"{r.get('business_date') or '':<9} {r.get('outcome', '')}{approval}"
              + (f"  [{counts}]" if counts else ""))
    return EXIT_OK
