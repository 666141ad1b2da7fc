"""Compose the sample: day 0, then one register per following day, each written as a full extract.

Determinism: day d draws from ``numpy.random.default_rng([seed, d])``, so the same arguments give the same bytes,
and day 0 does not depend on how many days follow. Nothing here reads the clock, and nothing iterates a set or a
dict whose order could vary. Only counts leave this module (sample.json and the return value): never a name, a
number or an address, which is what the DESIGN's "no personal data in logs" asks even of synthetic people.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import polars as pl

from juki.codec.writer import write_records
from juki.layout import Layout, load_layout
from juki.progress import Progress, silent
from juki.sample.city import CITY, DAITAI_MOJI_FILE, City, city_toml
from juki.sample.events import KINDS, apply_day
from juki.sample.ids import IdIssuer
from juki.sample.population import populate
from juki.sample.tables import daitai_moji_text, load_tables
from juki.storage import atomic_output

LAYOUT = "juki_daicho"


@dataclass(frozen=True)
class SampleSpec:
    residents: int = 300
    days: int = 3  # business dates written, day 0 included
    seed: int = 1
    start: date = date(2026, 4, 1)
    change_rate: float | None = None  # persons changed per resident per day; None: the default rates

    def __post_init__(self) -> None:
        if self.residents < 1 or self.days < 1:
            raise ValueError("residents and days must be at least 1")
        if self.change_rate is not None and not 0 < self.change_rate < 1:
            raise ValueError("change rate must be between 0 and 1")


@dataclass
class DayCounts:
    date: str
    file: str
    records: int
    residents: int
    events: dict[str, int] = field(default_factory=dict)


def file_name(day: date) -> str:
    return f"juki_daicho_{day:%Y%m%d}.dat"


def write_register(path: str | os.PathLike, layout: Layout, df: pl.DataFrame, day: date, city: City = CITY,
                   meter: Progress = silent) -> int:
    header = {"created_on": f"{day:%Y%m%d}", "dantai_code": city.dantai_code}
    name = os.path.basename(path)
    with atomic_output(path) as handle:
        return write_records(handle, layout, df, header, name=name,
                             progress=lambda n: meter(f"write {name}", n, df.height))


def _write_text(path: Path, text: str) -> None:
    with atomic_output(path) as handle:
        handle.write(text.encode("utf-8"))


def generate(out: str | os.PathLike, spec: SampleSpec,
             progress: Callable[[DayCounts], None] | None = None, meter: Progress = silent, city: City = CITY,
             ids: IdIssuer | None = None) -> list[DayCounts]:
    """Write the sample city into ``out``; returns the counts of each day (also written to sample.json).
    ``progress`` hears each day's counts when its file is written, ``meter`` how the long stages go. ``city`` is
    石巻市 unless given (juki.sample.cities makes others); ``ids``, shared by several cities, keeps their
    住民票コード and 個人番号 apart, as the real ones are nationwide."""
    out = Path(out)
    layout, tables, ids = load_layout(LAYOUT), load_tables(city), ids or IdIssuer()
    _write_text(out / "city.toml", city_toml(city))
    _write_text(out / DAITAI_MOJI_FILE, daitai_moji_text())
    days: list[DayCounts] = []
    df = None
    for d in range(spec.days):
        day = spec.start + timedelta(days=d)
        today = np.datetime64(day.isoformat(), "D")
        rng = np.random.default_rng([spec.seed, d])
        if df is None:
            meter("make the residents", 0, spec.residents, "residents")
            df = populate(layout, tables, ids, rng, spec.residents, today)
            meter("make the residents", spec.residents, spec.residents, "residents")
            events = {}
        else:
            meter(f"day {d}: changes", 0, df.height)
            df, events = apply_day(layout, tables, ids, rng, df, today, spec.change_rate)
            meter(f"day {d}: changes", df.height, df.height)
        write_register(out / file_name(day), layout, df, day, city, meter)
        counts = DayCounts(day.isoformat(), file_name(day), df.height,
                           int((df.get_column("shojo_flag") == "0").sum()), events)
        days.append(counts)
        if progress:
            progress(counts)
    summary = {
        "generator": "juki sample", "layout": LAYOUT, "seed": spec.seed, "residents": spec.residents,
        "days": spec.days, "start": spec.start.isoformat(), "change_rate": spec.change_rate,
        "event_kinds": KINDS, "dantai_code": city.dantai_code,
        "registers": [{"date": c.date, "file": c.file, "records": c.records, "residents": c.residents,
                       "events": c.events} for c in days],
    }
    _write_text(out / "sample.json", json.dumps(summary, ensure_ascii=False, indent=2) + "\n")
    return days
