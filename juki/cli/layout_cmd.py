"""`juki layout list|show`: the layouts as users read them (their 項目定義書)."""

from __future__ import annotations

import json

from juki.layout import available_layouts, load_layout


def register(sub) -> None:
    p = sub.add_parser("layout", help="list the layouts or show one resolved (offsets, widths, kinds)")
    lsub = p.add_subparsers(dest="layout_command", required=True, metavar="ACTION")
    ls = lsub.add_parser("list", help="each layout's name, title and which 別添1 file or output it is")
    ls.add_argument("--json", action="store_true", help="machine-readable output")
    ls.set_defaults(run=run_list)
    show = lsub.add_parser("show", help="the resolved layout: every field's item, name, offset, width, kind")
    show.add_argument("name", help="layout name (see `juki layout list`) or path to a layout file")
    show.add_argument("--json", action="store_true", help="machine-readable output")
    show.set_defaults(run=run_show)


def run_list(args) -> int:
    rows = []
    for name in available_layouts():
        layout = load_layout(name)
        rows.append({"name": name, "title": layout.title, "source": layout.source, "version": layout.version,
                     "record_length": layout.record_length, "content_hash": layout.content_hash})
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    for r in rows:
        print(f"{r['name']:<24} {r['title']}  ({r['source']}, v{r['version']}, {r['record_length']} bytes)")
    return 0


def run_show(args) -> int:
    layout = load_layout(args.name)
    if args.json:
        print(json.dumps(layout.describe(), ensure_ascii=False, indent=2))
        return 0
    print(f"{layout.name}: {layout.title} ({layout.source})")
    print(f"version {layout.version}  {layout.content_hash}")
    print(f"encoding {layout.encoding}, record length {layout.record_length} bytes, terminator {layout.terminator}"
          f"{', IBM extension kanji' if layout.ibm_extensions else ''}")
    for rt in layout.records.values():
        print(f"\n[{rt.role}] record type {rt.code!r}")
        print(f"{'item':>4}  {'offset':>6}  {'bytes':>5}  {'kind':<9} {'padding':<15} {'identifier':<36} name")
        for f in rt.fields:
            item = "" if f.item is None else str(f.item)
            pad = f"{f.pad}/{f.align}" + (f" ={f.value}" if f.value else "")
            print(f"{item:>4}  {f.offset:>6}  {f.width:>5}  {f.kind:<9} {pad:<15} {f.id:<36} {f.name}")
    return 0
