"""`juki nightly`: the job the city runs every night (also what the Prefect `nightly` deployment runs)."""

from __future__ import annotations

from juki.cli.common import (
    add_job_options,
    add_policy_options,
    date_arg,
    deliver_outputs,
    policy_of,
    print_summary,
    staged,
)
from juki.cli.progress import meter
from juki.errors import EXIT_OK
from juki.jobs.nightly import run_nightly
from juki.reports import write_report


def register(sub) -> None:
    p = sub.add_parser("nightly", help="derive 本人確認情報, diff with the prior night, emit notices and 送付先情報")
    p.add_argument("--input", required=True, help="the day's 住民基本台帳ファイル: a path or a URL")
    p.add_argument("--date", required=True, type=date_arg(), help="business date YYYY-MM-DD")
    add_job_options(p)
    add_policy_options(p)
    p.set_defaults(run=run)


def run(args) -> int:
    with meter() as progress:
        manifest = run_nightly(args.input, args.date, args.workdir, args.config, policy_of(args), call=staged,
                               progress=progress, report=write_report)
    print_summary(manifest)
    deliver_outputs(args, "nightly", args.date)
    return EXIT_OK
