"""The cities a data centre runs, as data: the registry file (``cities.toml``), checked when it is loaded.

One ``[[city]]`` table per city: its 団体コード, its name, its size class, and where its files are (``inbox`` for
the day's 住民基本台帳ファイル and city.toml, ``outbox`` for deliveries, ``workdir`` for its state; paths or URLs,
a relative path taken from the registry's folder). Not personal data.

Loading checks everything and reports every problem, one line each: a 団体コード with a wrong check digit, one
that is no municipality's (layouts/codes/dantai-codes.csv lists all 1,963: the 47 prefectures, the 1,741
municipalities and the 175 wards of the 政令指定都市), a name that is not the code's, a code listed twice, and
two cities sharing a workdir or an inbox (the workdir's lock is a file lock, which shared storage may not honour;
a shared inbox would hand one city's file to another).
"""

from __future__ import annotations

import csv
import os
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from juki.checks.rules.checkdigit import dantai_code_is_valid
from juki.errors import LayoutError, UsageError
from juki.layout.codes import codes_dir

REGISTRY_NAME = "cities.toml"
INPUT_NAME = "juki_daicho_{date}.dat"  # in the inbox; {date} is the business date YYYYMMDD
KEYS = {"dantai_code", "name", "size", "inbox", "outbox", "workdir", "config"}
REQUIRED = ("dantai_code", "name", "size", "inbox", "workdir")


@dataclass(frozen=True)
class SizeClass:
    """How much a city of this size asks of a worker: residents up to ``up_to``, memory and cores per run."""

    name: str
    up_to: int | None  # residents; None: no upper bound
    memory_gib: float
    cpu: int


# From the nightly job's measured peak memory (benchmarks/results/nightly.json: about 0.4 GB + 4.3 GB per million
# residents, so a 1M city peaks near 4.6 GB): each class leaves a third of headroom over the peak of its largest
# city, XL's being 横浜市 (3.77M). tests/cities/test_fanout.py holds the classes against the measurement.
LARGEST_CITY = 3_770_000  # residents of 横浜市, the largest municipality: the XL class must hold it
SIZE_CLASSES = {
    "S": SizeClass("S", 100_000, 1.5, 1),
    "M": SizeClass("M", 400_000, 3.0, 2),
    "L": SizeClass("L", 1_000_000, 6.5, 2),
    "XL": SizeClass("XL", None, 22.0, 2),
}


def size_class_for(residents: int) -> str:
    """The smallest class that holds ``residents``."""
    for c in SIZE_CLASSES.values():
        if c.up_to is None or residents <= c.up_to:
            return c.name
    raise AssertionError("the last class has no bound")


@dataclass(frozen=True)
class Municipality:
    code: str
    prefecture: str
    name: str  # as the code table writes it: 石巻市, 札幌市中央区, 千代田区
    prefecture_code: str

    @property
    def full_name(self) -> str:
        return self.prefecture + self.name


@cache
def dantai_codes() -> dict[str, Municipality]:
    """Every 団体コード of layouts/codes/dantai-codes.csv but the prefectures', by code."""
    with (codes_dir() / "dantai-codes.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    prefectures = {r["prefecture"]: r["code"] for r in rows if not r["municipality"]}
    return {r["code"]: Municipality(r["code"], r["prefecture"], r["municipality"], prefectures[r["prefecture"]])
            for r in rows if r["municipality"]}


@cache
def municipalities() -> tuple[Municipality, ...]:
    """The 1,741 municipalities (市町村 and 特別区) in code order: a 政令指定都市 once, without its wards."""
    codes = dantai_codes()
    names = {(m.prefecture, m.name) for m in codes.values()}
    return tuple(m for m in codes.values()
                 if not any(p == m.prefecture and n != m.name and m.name.startswith(n) for p, n in names))


@dataclass(frozen=True)
class CityEntry:
    dantai_code: str
    name: str
    size: str
    inbox: str
    workdir: str
    outbox: str | None = None
    config: str | None = None  # default: city.toml in the inbox

    @property
    def size_class(self) -> SizeClass:
        return SIZE_CLASSES[self.size]

    def input_for(self, business_date: str) -> str:
        """The day's 住民基本台帳ファイル (``business_date`` YYYYMMDD)."""
        return f"{self.inbox.rstrip('/')}/{INPUT_NAME.format(date=business_date)}"

    @property
    def config_path(self) -> str:
        return self.config or f"{self.inbox.rstrip('/')}/city.toml"


@dataclass(frozen=True)
class Registry:
    path: str
    cities: tuple[CityEntry, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(c.dantai_code for c in self.cities)

    def city(self, code: str) -> CityEntry:
        for c in self.cities:
            if c.dantai_code == code:
                return c
        raise UsageError(f"no city {code} in the registry {self.path}")

    def select(self, codes: list[str] | None) -> tuple[CityEntry, ...]:
        """The cities named (all when None), in registry order; an unknown code is a usage error."""
        if not codes:
            return self.cities
        unknown = sorted(set(codes) - set(self.codes))
        if unknown:
            raise UsageError(f"not in the registry {self.path}: {', '.join(unknown)}")
        return tuple(c for c in self.cities if c.dantai_code in set(codes))


def _location(value: str, base: Path) -> str:
    """A URL as written; a path made absolute from the registry's folder."""
    if "://" in value:
        return value
    path = Path(os.path.expanduser(value))
    return str(path if path.is_absolute() else (base / path).resolve())


def _local(location: str) -> Path | None:
    if location.startswith("file://"):
        return Path(location.removeprefix("file://")).resolve()
    return None if "://" in location else Path(location).resolve()


def _city(i: int, raw, base: Path, problems: list[str]) -> CityEntry | None:
    if not isinstance(raw, dict):
        problems.append(f"city {i}: not a table: write it as [[city]]")
        return None
    label = f"city {i} ({raw.get('dantai_code', '?')})"
    before = len(problems)
    problems += [f"{label}: unknown key {k!r} (known: {', '.join(sorted(KEYS))})" for k in sorted(set(raw) - KEYS)]
    problems += [f"{label}: missing {k!r}" for k in REQUIRED if k not in raw]
    problems += [f"{label}: {k} must be a string" for k in sorted(KEYS & set(raw)) if not isinstance(raw[k], str)]
    if len(problems) > before:
        return None
    code = raw["dantai_code"]
    if not (len(code) == 6 and code.isdigit() and dantai_code_is_valid(code)):
        problems.append(f"{label}: not a 団体コード (six digits with a check digit)")
    elif code not in dantai_codes():
        problems.append(f"{label}: no municipality has this 団体コード (layouts/codes/dantai-codes.csv)")
    elif raw["name"] not in (dantai_codes()[code].name, dantai_codes()[code].full_name):
        problems.append(f"{label}: name {raw['name']!r} is not this code's ({dantai_codes()[code].name})")
    if raw["size"] not in SIZE_CLASSES:
        problems.append(f"{label}: size {raw['size']!r} is not a size class ({', '.join(SIZE_CLASSES)})")
    if "://" in raw["workdir"] and not raw["workdir"].startswith("file://"):
        problems.append(f"{label}: the workdir must be a filesystem path (runs are published by renaming "
                        "folders in it), not a URL")
    places = {k: _location(raw[k], base) for k in ("inbox", "workdir", "outbox", "config") if k in raw}
    return CityEntry(code, raw["name"], raw["size"], places["inbox"], places["workdir"], places.get("outbox"),
                     places.get("config"))


def _overlaps(cities: list[CityEntry], problems: list[str]) -> None:
    seen: dict[str, CityEntry] = {}
    for c in cities:
        if c.dantai_code in seen:
            problems.append(f"city {c.dantai_code}: listed twice")
        seen.setdefault(c.dantai_code, c)
    for kind in ("workdir", "inbox"):
        places = [(c, _local(getattr(c, kind))) for c in cities]
        for i, (a, pa) in enumerate(places):
            for b, pb in places[i + 1:]:
                same = pa == pb if pa is not None and pb is not None else getattr(a, kind) == getattr(b, kind)
                nested = pa is not None and pb is not None and (pa in pb.parents or pb in pa.parents)
                if a.dantai_code != b.dantai_code and (same or (kind == "workdir" and nested)):
                    how = f"share one {kind}" if same else f"have nested {kind}s"
                    problems.append(f"cities {a.dantai_code} and {b.dantai_code} {how} ({getattr(a, kind)}): "
                                    "each city needs its own")


def load_registry(path: str | os.PathLike) -> Registry:
    """The registry at ``path``, checked; every problem found is one line of the LayoutError."""
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LayoutError(str(path), ["registry of cities not found"]) from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise LayoutError(str(path), [f"cannot read the registry: {e}"]) from None
    problems: list[str] = [f"unknown top-level key {k!r}: cities are [[city]] tables" for k in sorted(raw)
                           if k != "city"]
    tables = raw.get("city", [])
    if not isinstance(tables, list) or not tables:
        problems.append("no [[city]] table: the registry lists no city")
        tables = tables if isinstance(tables, list) else []
    base = path.resolve().parent
    cities = [c for i, t in enumerate(tables, start=1) if (c := _city(i, t, base, problems)) is not None]
    _overlaps(cities, problems)
    if problems:
        raise LayoutError(str(path), problems)
    return Registry(str(path.resolve()), tuple(cities))


def _q(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def registry_text(cities: list[CityEntry], comment: str = "") -> str:
    """The text of a registry listing ``cities`` (paths written as given: relative ones are the folder's)."""
    lines = ["# Cities run by this data centre, read by juki (not personal data). Paths relative to this file's "
             "folder.", *([f"# {comment}"] if comment else [])]
    for c in cities:
        lines += ["", "[[city]]", f"dantai_code = {_q(c.dantai_code)}", f"name = {_q(c.name)}",
                  f"size = {_q(c.size)}", f"inbox = {_q(c.inbox)}", f"workdir = {_q(c.workdir)}"]
        lines += [f"{k} = {_q(v)}" for k in ("outbox", "config") if (v := getattr(c, k))]
    return "\n".join(lines) + "\n"
