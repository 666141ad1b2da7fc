"""`juki reconcile`: a consistency file that came back, against ours; discrepancies by key and field."""

from __future__ import annotations

from pathlib import Path

from juki import storage
from juki.cli.common import add_workdir
from juki.errors import EXIT_OK, EXIT_REJECTED
from juki.jobs.report import Report, Section
from juki.steps.reconcile import DIFFERS, EXPLAIN, KEY, load_side, reconcile


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
    report = Report(
        title="整合性確認 reconciliation",
        verdict="the two copies agree" if result.agree else "the two copies differ",
        ok=result.agree,
        facts=[("ours", storage.display_name(args.ours)), ("theirs", storage.display_name(args.theirs)),
               ("records in ours", result.ours), ("records in theirs", result.theirs)],
        sections=[Section("Discrepancies", ["kind", "records", "what it means"],
                          [[k, n, EXPLAIN[k]] for k, n in counts.items()]),
                  Section(f"Fields that differ ({DIFFERS})", ["field", "records"],
                          [[f, n] for f, n in sorted(result.by_field.items())],
                          f"discrepancies.csv lists each record by {KEY} and the fields that differ, not values.")],
    )
    report.write(out / "reconcile.html")
    print(f"ours {result.ours:,} records, theirs {result.theirs:,}: " + ", ".join(f"{k} {n:,}" for k, n in
                                                                                 counts.items()))
    for field, n in sorted(result.by_field.items()):
        print(f"  {field:<28} {n:>8,}")
    print(f"  details: {out / 'discrepancies.csv'}, report: {out / 'reconcile.html'}")
    return EXIT_OK if result.agree else EXIT_REJECTED
