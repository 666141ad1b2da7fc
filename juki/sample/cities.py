"""Many sample cities at once, each a real municipality: one folder per city and a registry (cities.toml).

``city_for(code)`` is the sample city under another real 団体コード: the code table gives its name and its
prefecture; its office's address is made up (``<name>１番１号``), and it takes over 石巻市's towns (and their
住所コード) under its own name. ``generate_cities`` picks N municipalities spread over the country (every
1,741/N-th in code order, so that the set does not depend on a random draw), writes each with its own seed from
one shared ``IdIssuer`` (住民票コード and 個人番号 are nationwide: no two generated cities share one), and writes a
registry that lists them, checked by loading it back.

    OUT/cities.toml
    OUT/<code>/inbox/      juki_daicho_<date>.dat …, city.toml, daitai_moji.csv, sample.json
    OUT/<code>/outbox/     (empty: where deliveries go)
    OUT/<code>/work/       (created by the first run: the city's workdir)
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from juki.errors import UsageError
from juki.registry import (
    REGISTRY_NAME,
    CityEntry,
    Registry,
    dantai_codes,
    load_registry,
    municipalities,
    registry_text,
    size_class_for,
)
from juki.sample.city import CITY, City
from juki.sample.generate import DayCounts, SampleSpec, generate
from juki.sample.ids import IdIssuer
from juki.storage import atomic_output


def city_for(code: str) -> City:
    """The sample city under the real 団体コード ``code`` (石巻市 itself for 042021)."""
    if code == CITY.dantai_code:
        return CITY
    m = dantai_codes().get(code)
    if m is None:
        raise UsageError(f"{code} is no municipality's 団体コード (layouts/codes/dantai-codes.csv lists them)")
    hall = "役所" if m.name.endswith(("市", "区")) else "役場"
    return City(dantai_code=code, prefecture_code=m.prefecture_code, name=m.name, jusho=f"{m.full_name}１番１号",
                denwa="000-000-0000", madoguchi=f"{m.name}{hall}住民課", prefecture=m.prefecture)


def spread_codes(n: int) -> list[str]:
    """``n`` distinct municipalities spread evenly over the 1,741 in code order (北海道 first)."""
    all_ = municipalities()
    if not 1 <= n <= len(all_):
        raise UsageError(f"--cities must be between 1 and {len(all_)} (the municipalities of Japan)")
    return [all_[i * len(all_) // n].code for i in range(n)]


@dataclass(frozen=True)
class CityCounts:
    dantai_code: str
    name: str
    days: list[DayCounts]


def generate_cities(out: str | os.PathLike, spec: SampleSpec, codes: list[str],
                    progress: Callable[[str, DayCounts], None] | None = None) -> tuple[Registry, list[CityCounts]]:
    """Write the cities ``codes`` (each ``spec.residents``, seed ``spec.seed + i``) and their registry."""
    out = Path(out)
    if len(set(codes)) != len(codes):
        raise UsageError("each city once: a 団体コード is given twice")
    ids, entries, made = IdIssuer(), [], []
    for i, code in enumerate(codes):
        city = city_for(code)
        inbox = out / code / "inbox"
        report = (lambda c, code=code: progress(code, c)) if progress else None
        days = generate(inbox, replace(spec, seed=spec.seed + i), report, city=city, ids=ids)
        (out / code / "outbox").mkdir(parents=True, exist_ok=True, mode=0o700)
        entries.append(CityEntry(code, city.name, size_class_for(spec.residents), f"{code}/inbox", f"{code}/work",
                                 outbox=f"{code}/outbox"))
        made.append(CityCounts(code, city.name, days))
    text = registry_text(entries, f"juki sample: {len(codes)} cities, {spec.residents} residents each")
    with atomic_output(out / REGISTRY_NAME) as sink:
        sink.write(text.encode("utf-8"))
    return load_registry(out / REGISTRY_NAME), made
