"""`juki lookup`, `juki extract`, `juki purge`: the snapshot by hand, bulk output with approval, retention."""

from __future__ import annotations

import sys

from juki import storage
from juki.cli.common import add_workdir, count_arg, date_arg
from juki.codec.writer import write_records
from juki.errors import EXIT_OK, UsageError
from juki.layout import load_layout
from juki.privacy import access, purge
from juki.privacy.access import required


def register(sub) -> None:
    lk = sub.add_parser("lookup", help="find persons by at least two of 氏名, 住所, 生年月日 (性別 does not count)")
    lk.add_argument("--name", help="氏名 in kanji or kana (kana also matches through 清音化)")
    lk.add_argument("--address", help="住所, or its beginning")
    lk.add_argument("--birth", type=date_arg("--birth"), help="生年月日 YYYY-MM-DD")
    lk.add_argument("--sex", help="性別 1/2 or 男/女 (narrows, does not count)")
    lk.add_argument("--date", type=date_arg(), help="search the snapshot of this date (default: newest)")
    lk.add_argument("--show-number", action="store_true", help="show the 個人番号 (needs --approval-ref)")
    lk.add_argument("--approval-ref", help="the approval that allows --show-number (recorded in the run log)")
    add_workdir(lk)
    lk.set_defaults(run=run_lookup, audit="lookup")

    ex = sub.add_parser("extract", help="bulk output of part of the snapshot: needs prior approval")
    ex.add_argument("--dantai", help="only this 市町村コード")
    ex.add_argument("--address-prefix", help="only addresses that begin with this")
    ex.add_argument("--date", type=date_arg(), help="the snapshot of this date (default: newest)")
    ex.add_argument("--out", required=True, help="output file: .parquet, or a fixed-width 本人確認情報ファイル")
    ex.add_argument("--approved-by", help="who approved this output (管理責任者); required")
    ex.add_argument("--approval-ref", help="the approval's reference; required")
    add_workdir(ex)
    ex.set_defaults(run=run_extract, audit="extract")

    pg = sub.add_parser("purge", help="delete runs, rejects, reports and temp files past the retention policy")
    pg.add_argument("--keep", type=count_arg("--keep", 1), default=7, help="runs kept per job (default 7; at least "
                    "1); the nightly run before the oldest kept is kept too, so that each kept run can be rerun")
    pg.add_argument("--failed-days", type=count_arg("--failed-days"), default=30,
                    help="keep failed-run folders this many days")
    pg.add_argument("--yes", action="store_true", help="do not ask before deleting")
    add_workdir(pg)
    pg.set_defaults(run=run_purge, audit="purge")


def run_lookup(args) -> int:
    if args.show_number:
        required("--approval-ref", args.approval_ref, "--show-number needs the approval's reference (recorded in "
                 "the run log)")
    kinds = [k for k in access.COUNTING if getattr(args, k)] + (["sex"] if args.sex else [])
    args.audit_record = {"counts": {"criteria": len(kinds)}, "business_date": args.date,
                         "approval": {"criteria": kinds, "show_number": args.show_number, "ref": args.approval_ref}}
    day, snap = access.snapshot(args.workdir, args.date)
    found = access.lookup(snap, args.name, args.address, args.birth, args.sex)
    args.audit_record |= {"business_date": day, "counts": {"criteria": len(kinds), "hits": found.height}}
    shown = found if args.show_number else access.masked(found)
    print(f"{found.height} person(s) in the snapshot of {day}")
    for r in shown.iter_rows(named=True):
        status = "消除" if r["record_jokyo_flag"] == "1" else "住民"
        print(f"  {r['juminhyo_code']}  {r['shimei']}  {r['seinengappi']}  {r['seibetsu']}  {r['jusho']}  "
              f"個人番号 {r['kojin_bango']}  {status}")
    return EXIT_OK


def run_extract(args) -> int:
    why = ("a bulk output needs the prior approval of the 管理責任者: give --approved-by NAME --approval-ref REF "
           "(大量のデータ出力に際しては、事前に管理責任者の承認を得る)")
    args.approved_by = required("--approved-by", args.approved_by, why)
    args.approval_ref = required("--approval-ref", args.approval_ref, why)
    day, snap = access.snapshot(args.workdir, args.date)
    subset = access.extract(snap, args.dantai, args.address_prefix)
    if str(args.out).endswith(".parquet"):
        sha = storage.write_parquet(subset, args.out)
    else:
        layout = load_layout("honnin_kakunin")
        with storage.atomic_output(args.out) as sink:
            write_records(sink, layout, subset, {"created_on": day, "dantai_code": snap["shichoson_code"][0]
                                                 if snap.height else "000000"})
        sha = sink.sha256
    criteria = [k for k, v in (("dantai", args.dantai), ("address_prefix", args.address_prefix)) if v]
    args.audit_record = {"business_date": day, "outputs": [{"location": storage.display_name(args.out),
                                                            "sha256": sha, "records": subset.height}],
                         "counts": {"records": subset.height},
                         "approval": {"approved_by": args.approved_by, "ref": args.approval_ref, "criteria": criteria}}
    print(f"extracted {subset.height:,} records of the snapshot of {day} -> {storage.display_name(args.out)} "
          f"(approved by {args.approved_by}, {args.approval_ref})")
    return EXIT_OK


def run_purge(args) -> int:
    planned = purge.plan(args.workdir, args.keep, args.failed_days)
    doomed = planned.doomed
    args.audit_record = {"counts": {"planned": len(doomed), "deleted": 0}}
    for path in planned.kept_for_rerun:
        print(f"kept: the nightly run of {path.name}, older than the policy keeps: the oldest run kept was compared "
              "with its snapshot, which a rerun of that run needs")
    if not doomed:
        print("nothing is past the retention policy")
        return EXIT_OK
    print(f"past the retention policy (keep {args.keep} runs per job, failed runs {args.failed_days} days):")
    for path in doomed:
        print(f"  {path}")
    if not args.yes:
        if not sys.stdin.isatty():
            raise UsageError("refusing to delete without confirmation: run it at a terminal or add --yes")
        if input(f"delete these {len(doomed)}? [y/N] ").strip().lower() not in ("y", "yes"):
            print("nothing deleted")
            return EXIT_OK
    args.audit_record["counts"]["deleted"] = purge.delete(doomed)
    print(f"deleted {len(doomed)}")
    return EXIT_OK
