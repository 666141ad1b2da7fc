"""`juki sample`: write a deterministic synthetic city (石巻市) to develop, test and benchmark against.

``--dantai-code CODE`` makes the city under another real 団体コード; ``--cities N`` makes N real municipalities
at once (one folder each and a registry, cities.toml, for `juki cities` and the dispatcher).

Prints counts only (residents, records, events per kind): the people are synthetic, but the generator keeps to
the rule that no name, number or address is ever printed or logged.
"""

from __future__ import annotations

import argparse
from datetime import date

from juki.cli.progress import meter
from juki.sample import SampleSpec, generate
from juki.sample.cities import city_for, generate_cities, spread_codes
from juki.sample.events import KINDS


def _start(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError("expected a date YYYY-MM-DD") from None


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _rate(text: str) -> float:
    value = float(text)
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError("must be between 0 and 1 (e.g. 0.01)")
    return value


def register(sub) -> None:
    p = sub.add_parser("sample", help="write a synthetic city: one full 住民基本台帳ファイル per business date",
                       description=__doc__.splitlines()[0])
    p.add_argument("--out", required=True, metavar="DIR", help="output directory (created; files are replaced)")
    p.add_argument("--residents", type=_positive, default=300, metavar="N", help="residents on day 0 (default 300)")
    p.add_argument("--days", type=_positive, default=3, metavar="D",
                   help="business dates to write, day 0 included: D files (default 3)")
    p.add_argument("--seed", type=int, default=1, metavar="S", help="random seed (default 1)")
    p.add_argument("--start", type=_start, default=date(2026, 4, 1), metavar="YYYY-MM-DD",
                   help="business date of day 0 (default 2026-04-01)")
    p.add_argument("--change-rate", type=_rate, default=None, metavar="R",
                   help="persons changed per resident per day, all event kinds together (default: about 0.0026)")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--dantai-code", metavar="CODE", help="the city's real 団体コード (default 042021, 石巻市)")
    which.add_argument("--cities", type=_positive, metavar="N",
                       help="N real municipalities spread over the country, one folder each under --out, and "
                       "the registry --out/cities.toml (seeds S, S+1, …; no 住民票コード or 個人番号 shared)")
    p.set_defaults(run=run)


def _report(c, code: str | None = None) -> None:
    events = ", ".join(f"{KINDS[k]} {n}" for k, n in c.events.items()) or "day 0"
    print(f"{code + ' ' if code else ''}{c.file}: {c.records} records, {c.residents} residents ({events})")


def run(args) -> int:
    spec = SampleSpec(residents=args.residents, days=args.days, seed=args.seed, start=args.start,
                      change_rate=args.change_rate)
    if args.cities:
        registry, _ = generate_cities(args.out, spec, spread_codes(args.cities),
                                      progress=lambda code, c: _report(c, code))
        print(f"juki sample: {len(registry.cities)} cities of {args.residents} residents, {args.days} file(s) "
              f"each; registry {registry.path}")
        return 0
    with meter() as progress:
        generate(args.out, spec, progress=_report, meter=progress, city=city_for(args.dantai_code or "042021"))
    print(f"juki sample: {args.days} file(s), city.toml, daitai_moji.csv and sample.json written")
    return 0
