"""`juki parse`, `juki write`, `juki inspect`: the codec from the command line."""

from __future__ import annotations

import sys
import time
import unicodedata

from juki import storage
from juki.checks.context import Context
from juki.checks.inspect import inspect_record
from juki.cli.common import add_workdir, count_arg, dantai_code_arg, file_date_arg, print_reject_summary
from juki.cli.progress import meter
from juki.codec.convert import parse_to_parquet, write_from_parquet
from juki.errors import EXIT_OK, EXIT_REJECTED
from juki.layout import load_layout
from juki.schemas.validate import check_record


def register(sub) -> None:
    p = sub.add_parser("parse", help="read a fixed-width file (path or URL) into Parquet")
    p.add_argument("file", help="input file: a path or a URL (file://, sftp://, s3://)")
    p.add_argument("--layout", required=True, help="layout name (juki layout list) or layout file")
    p.add_argument("--out", required=True, help="output Parquet file")
    p.add_argument("--rejects", help="where to write rejected records (default: OUT.rejects.csv)")
    add_workdir(p)
    p.set_defaults(run=run_parse, audit="parse")

    w = sub.add_parser("write", help="write a Parquet file as a fixed-width file")
    w.add_argument("input", help="Parquet file (from `juki parse`, or with the layout's columns)")
    w.add_argument("--layout", required=True, help="layout name or layout file")
    w.add_argument("--out", required=True, help="output file (path or URL)")
    w.add_argument("--created-on", type=file_date_arg("--created-on"),
                   help="header 作成年月日 YYYYMMDD (default: kept from the Parquet file)")
    w.add_argument("--dantai-code", type=dantai_code_arg("--dantai-code"),
                   help="header 団体コード (default: kept from the Parquet file)")
    add_workdir(w)
    w.set_defaults(run=run_write, audit="write")

    i = sub.add_parser("inspect", help="show one record field by field: offset, bytes, value, problems")
    i.add_argument("file", help="input file: a path or a URL")
    i.add_argument("--layout", required=True, help="layout name or layout file")
    i.add_argument("--record", required=True, type=count_arg("--record", 1), help="record number, 1 = the header")
    add_workdir(i)
    i.set_defaults(run=run_inspect, audit="inspect")


def run_parse(args) -> int:
    layout = load_layout(args.layout)
    size, start = storage.size_of(args.file), time.monotonic()
    with meter() as progress:
        done = parse_to_parquet(args.file, layout, args.out,
                                progress=lambda r: progress("parse", r.bytes_read, size, "bytes"))
    seconds = time.monotonic() - start
    args.audit_record = {"inputs": [{"location": storage.display_name(args.file), "sha256": done.input_sha256}],
                         "outputs": [{"location": storage.display_name(args.out), "sha256": done.output_sha256}],
                         "counts": {"records": done.records, "rejects": done.rejects.height}}
    print(f"parsed {done.records:,} data records in {seconds:.1f} s -> {storage.display_name(args.out)}")
    if done.rejects.height:
        target = args.rejects or f"{args.out}.rejects.csv"
        storage.write_csv(done.rejects, target)
        print_reject_summary(done.rejects, target, source=storage.display_name(args.file))
        return EXIT_REJECTED
    return EXIT_OK


def run_write(args) -> int:
    layout = load_layout(args.layout)
    header = {k: v for k, v in (("created_on", args.created_on), ("dantai_code", args.dantai_code)) if v}
    done = write_from_parquet(args.input, layout, args.out, header)
    args.audit_record = {"inputs": [{"location": storage.display_name(args.input)}],
                         "outputs": [{"location": storage.display_name(args.out), "sha256": done.output_sha256}],
                         "counts": {"records": done.records}}
    print(f"wrote {done.records:,} data records -> {storage.display_name(args.out)} ({done.output_sha256})")
    return EXIT_OK


def run_inspect(args) -> int:
    layout = load_layout(args.layout)
    view = inspect_record(args.file, layout, args.record)
    check_record(view, layout, Context(file_date=view.file_date))
    args.audit_record = {"inputs": [{"location": storage.display_name(args.file)}],
                         "counts": {"record_no": view.record_no}}
    out = sys.stdout
    out.write(f"record {view.record_no}: {view.role} record of {layout.name} "
              f"({layout.record_length} bytes, terminator {view.terminator})\n")
    out.write(f"{'item':>4} {'offset':>6} {'bytes':>5}  {'identifier':<34} {'value':<30} hex / problem\n")
    bad = 0
    for f in view.fields:
        f.problems = list(dict.fromkeys(f.problems))  # one rule failing twice on a field is said once
        item = "" if f.item is None else str(f.item)
        value = _ljust(_visible("" if f.value is None else str(f.value)), 30)
        shown = _without_padding(f.raw)
        padding = len(f.raw) - len(shown)
        hexed = shown.hex(" ").upper() + (f" (+{padding} bytes padding)" if padding else "")
        out.write(f"{item:>4} {f.offset:>6} {f.width:>5}  {f.id:<34} {value} {hexed}\n")
        for problem in f.problems:
            bad += not problem.endswith("(warning)")
            out.write(f"{'':>52}!! {problem}\n")
    return EXIT_REJECTED if bad else EXIT_OK


def _visible(text: str) -> str:
    """外字 (private use area) show as ⟨E000⟩: a terminal has no glyph for them."""
    return "".join(f"⟨{ord(c):04X}⟩" if 0xE000 <= ord(c) <= 0xF8FF else c for c in text)


def _ljust(text: str, width: int) -> str:
    """Pad to a display width: full-width characters take two columns on a terminal."""
    shown = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(0, width - shown)


def _without_padding(raw: bytes) -> bytes:
    """The bytes worth showing: trailing spaces and full-width space pairs are summarised, not printed."""
    while raw.endswith((b" ", b"\x81\x40")):
        raw = raw[:-1] if raw.endswith(b" ") else raw[:-2]
    return raw
