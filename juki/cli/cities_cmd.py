"""`juki cities`: the cities of a registry (cities.toml) — check it, run their night, reconcile them together.

    juki cities check cities.toml
    juki cities nightly --registry cities.toml --date 2026-04-02 [--city 042021 …]
    juki cities reconcile --registry cities.toml --date 2026-04-01 [--theirs '{inbox}/seigo_todofuken_{date}.dat']

`nightly` runs the cities one after another in this process, exactly as `juki nightly` runs one (the dispatcher
flow runs each as its own Prefect flow run instead); a city that fails is reported in one line and the next one
runs. Exit codes: 0 all completed, 1 records rejected or discrepancies found, 2 a city could not run.
"""

from __future__ import annotations

import sys
import time

from juki.checks.policy import Policy
from juki.cli.common import date_arg
from juki.errors import EXIT_OK, EXIT_REJECTED, EXIT_UNUSABLE, JukiError
from juki.jobs import reconcile_cities as rc
from juki.jobs.nightly import run_nightly
from juki.jobs.publish import deliver
from juki.registry import SIZE_CLASSES, load_registry
from juki.steps.cross_city import EXPLAIN, RESIDENT_TWICE


def register(sub) -> None:
    p = sub.add_parser("cities", help="the cities of a registry: check it, run their night, reconcile them",
                       description=__doc__.splitlines()[0])
    cmds = p.add_subparsers(dest="cities_command", required=True, metavar="SUBCOMMAND")

    c = cmds.add_parser("check", help="check a registry and list its cities (exit 2 with one line per problem)")
    c.add_argument("registry", help="the registry file (cities.toml)")
    c.set_defaults(run=check)

    n = cmds.add_parser("nightly", help="the nightly job of every city (or those named), one after another")
    _common(n)
    n.add_argument("--max-rejects", type=int, default=0, help="as `juki nightly --max-rejects` (default 0)")
    n.set_defaults(run=nightly)

    r = cmds.add_parser("reconcile", help="the consistency files of the cities: returned copies and the "
                        "cross-city check (a 住民票コード or 個人番号 in two cities)")
    _common(r)
    r.add_argument("--theirs", metavar="TEMPLATE", help="each city's returned file: {inbox}, {code} and {date} "
                   f"are filled in (e.g. '{rc.THEIRS_DEFAULT}'); without it, only the cross-city check")
    r.add_argument("--parts", type=int, default=rc.PARTS, help=f"parts of the cross-city check (default {rc.PARTS})")
    r.set_defaults(run=reconcile)


def _common(p) -> None:
    p.add_argument("--registry", required=True, help="the registry file (cities.toml)")
    p.add_argument("--date", required=True, type=date_arg(), help="business date YYYY-MM-DD")
    p.add_argument("--city", action="append", metavar="CODE", help="only this city (repeat for more)")


def check(args) -> int:
    registry = load_registry(args.registry)
    print(f"{registry.path}: {len(registry.cities)} cities, no problem found")
    for c in registry.cities:
        size = SIZE_CLASSES[c.size]
        print(f"  {c.dantai_code} {c.name:<10} size {c.size} ({size.memory_gib:g} GiB)  workdir {c.workdir}")
    return EXIT_OK


def _failure(e: Exception) -> tuple[str, int]:
    if isinstance(e, JukiError):
        return str(e).splitlines()[0], e.exit_code
    return f"internal error ({type(e).__name__}); rerun the city alone with JUKI_DEBUG=1", EXIT_UNUSABLE


def nightly(args) -> int:
    registry = load_registry(args.registry)
    worst = EXIT_OK
    for city in registry.select(args.city):
        start = time.monotonic()
        try:
            record = run_nightly(city.input_for(args.date), args.date, city.workdir, city.config_path,
                                 Policy(args.max_rejects))
            if city.outbox:
                deliver(city.workdir, "nightly", args.date, city.outbox)
        except Exception as e:  # noqa: BLE001 - one city failing never stops another
            line, code = _failure(e)
            worst = max(worst, code)
            print(f"{city.dantai_code} {city.name}: failed: {line}", file=sys.stderr)
            continue
        counts = ", ".join(f"{k} {v:,}" for k, v in record.counts().items() if not k.startswith("changes."))
        print(f"{city.dantai_code} {city.name}: completed in {time.monotonic() - start:.1f} s ({counts})")
    return worst


def reconcile(args) -> int:
    registry = load_registry(args.registry)
    plans = rc.plan(registry, args.date, args.city, args.theirs, args.parts)
    worst, ready = EXIT_OK, []
    for city in plans:
        try:
            rc.prepare(city)
            ready.append(city)
        except Exception as e:  # noqa: BLE001
            worst = _report_failure(city, e, worst)
    for part in range(args.parts):
        rc.cross_check(part, ready)
    for city in ready:
        try:
            counts = rc.finish(city)
        except Exception as e:  # noqa: BLE001
            worst = _report_failure(city, e, worst)
            continue
        shown = ", ".join(f"{k} {v:,}" for k, v in counts.items() if v or k == "records")
        print(f"{city.dantai_code}: {shown}")
        if any(v for k, v in counts.items() if k.startswith("theirs.") or k == f"cross.{RESIDENT_TWICE}"):
            worst = max(worst, EXIT_REJECTED)
    print(f"cross-city kinds: {'; '.join(f'{k}: {v}' for k, v in EXPLAIN.items())}")
    print("details in each city's workdir: runs/reconcile/DATE/cross_city.csv and discrepancies.csv")
    return worst


def _report_failure(city: rc.CityPlan, e: Exception, worst: int) -> int:
    line, code = _failure(e)
    rc.discard(city, line)
    print(f"{city.dantai_code}: failed: {line}", file=sys.stderr)
    return max(worst, code)
