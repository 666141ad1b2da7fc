"""`juki reconcile`: a consistency file that came back, against ours; discrepancies by key and field."""

from __future__ import annotations

from pathlib import Path

from juki import storage
from juki.cli.common import add_workdir
from juki.errors import EXIT_OK, EXIT_REJECTED
from juki.reports import reconcile_report, write_html
from juki.reports.views import command
from juki.steps.reconcile import load_side, reconcile
from juki.steps.seigo_kakunin import LAYOUT


def register(sub) -> None:
    p = sub.add_parser("reconcile", help="compare a returned consistency file with ours (exit 1 when they differ)")
    p.add_argument("--ours", required=True, help="our snapshot (.parquet) or our consistency file")
    p.add_argument("--theirs", required=True, help="the file the prefecture or J-LIS sent back (path or URL)")
    p.add_argument("--out", help="folder for discrepancies.csv and reconcile.html (default: ./reconcile-THEIRS)")
    add_workdir(p)
    p.set_defaults(run=run, audit="reconcile")


def run(args) -> int:
    ours, theirs = load_side(args.ours), load_side(args.theirs)
    result = reconcile(ours, theirs)
    out = Path(args.out or f"reconcile-{Path(str(args.theirs)).stem}")
    storage.write_csv(result.discrepancies, out / "discrepancies.csv")
    counts = result.counts()
    args.audit_record = {"inputs": [{"location": storage.display_name(args.ours)},
                                    {"location": storage.display_name(args.theirs)}],
                         "outputs": [{"location": str(out)}], "counts": {"ours": result.ours, "theirs": result.theirs,
                                                                         **counts}}
    write_html(reconcile_report(command=command(), ours=storage.display_name(args.ours),
                                theirs=storage.display_name(args.theirs), result=result, layout=LAYOUT),
               out / "reconcile.html")
    print(f"ours {result.ours:,} records, theirs {result.theirs:,}: " + ", ".join(f"{k} {n:,}" for k, n in
                                                                                 counts.items()))
    for field, n in sorted(result.by_field.items()):
        print(f"  {field:<28} {n:>8,}")
    print(f"  details: {out / 'discrepancies.csv'}, report: {out / 'reconcile.html'}")
    return EXIT_OK if result.agree else EXIT_REJECTED
