"""`juki validate`: every record of a file against its layout's schema; a summary table, a reject file, a report."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from juki import storage
from juki.city import default_config_path, load_config
from juki.cli.common import add_policy_options, add_workdir, policy_of, print_reject_summary
from juki.cli.progress import meter
from juki.errors import EXIT_OK, EXIT_REJECTED
from juki.layout import load_layout
from juki.rejects import WARNING
from juki.reports import validate_report, write_html
from juki.reports.views import command
from juki.schemas.validate import validate_file


def register(sub) -> None:
    p = sub.add_parser("validate", help="check every record of a file against its layout's rules")
    p.add_argument("file", help="input file: a path or a URL")
    p.add_argument("--layout", required=True, help="layout name or layout file")
    p.add_argument("--rejects", help="reject file (default: FILE.rejects.csv next to a local input)")
    p.add_argument("--report", help="write an HTML report here")
    p.add_argument("--config", help="city configuration (default: city.toml beside the input, if any)")
    add_policy_options(p)
    add_workdir(p)
    p.set_defaults(run=run, audit="validate")


def run(args) -> int:
    layout = load_layout(args.layout)
    config_path = Path(args.config) if args.config else default_config_path(args.file)
    config = load_config(config_path) if args.config or config_path.exists() else None
    with meter() as progress:
        done = validate_file(args.file, layout, config.juminhyo_rule if config else None,
                             config.juminhyo_strict if config else False, progress=progress,
                             seion=config.seion if config else None)
    args.audit_record = {"inputs": [{"location": storage.display_name(args.file)}],
                         "counts": {"records": done.records, "rejected": done.rejected_records}}
    failed = policy_of(args).fails(done.rejected_records, done.records)
    name = storage.display_name(args.file)
    if not done.records:
        print(f"{name}: no data records (only a header and a trailer)")
    warnings = done.rejects.filter(pl.col("severity") == WARNING).height
    print(f"{name}: {done.records:,} records, {done.rejected_records:,} rejected, {warnings:,} warning(s)")
    if done.rejects.height:
        target = args.rejects or f"{args.file}.rejects.csv"
        storage.write_csv(done.rejects, target)
        print_reject_summary(done.rejects, target, source=name)
    if args.report:
        html = validate_report(command=command(done.header.get("created_on")), file=name, layout=layout,
                               records=done.records, rejects=done.rejects, failed=failed)
        write_html(html, args.report)
        print(f"report: {storage.display_name(args.report)}")
    return EXIT_REJECTED if failed else EXIT_OK
