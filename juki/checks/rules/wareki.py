"""和暦 (era dates) ↔ 西暦, and the check of a raw YYYYMMDD date (不詳 dates: juki/checks/rules/fusho.py).

The register stores dates as an era code plus YYMMDD (年 01 is 元年). The era table is data, not code:
`layouts/codes/nengo.csv` (code,name,first_day,source), installed as `juki.layouts`, so the next era is
a one-line edit. Each era ends the day before the next one starts, and a date outside its era does not
exist (平成31年5月1日 is 令和元年5月1日), so conversion returns None / null rather than guessing.

Dates are proleptic Gregorian (明治1–5年 month/days are not the historical 旧暦 ones; no living resident is
affected). Vector twins never parse with a date library: YYYYMMDD validity is integer arithmetic, 和暦 → 西暦 a
lookup among every (era, YYMMDD) that exists (about 91,000), and 西暦 → 和暦 arithmetic on the eras' first days.
"""

from __future__ import annotations

import csv
import io
from calendar import monthrange
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from importlib.resources import files
from os import PathLike
from pathlib import Path

import polars as pl


@dataclass(frozen=True)
class Era:
    code: str
    name: str
    first_day: date
    last_day: date | None  # None for the current era


@dataclass(frozen=True)
class Eras:
    """The era table, oldest first."""

    eras: tuple[Era, ...]

    def get(self, code: str) -> Era | None:
        return next((e for e in self.eras if e.code == code), None)


def _parse_eras(text: str, origin: str) -> Eras:
    # Lines starting with "#" are comments, so the file may carry notes beyond the source column.
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    rows = list(csv.DictReader(io.StringIO("\n".join(lines))))
    try:
        parsed = sorted((date.fromisoformat(r["first_day"]), r["code"], r["name"]) for r in rows)
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"{origin}: era table needs columns code,name,first_day (ISO dates)") from exc
    codes = [c for _, c, _ in parsed]
    days = [d for d, _, _ in parsed]
    if not parsed or len(set(codes)) != len(codes) or len(set(days)) != len(days):
        raise ValueError(f"{origin}: era table must be non-empty with unique codes and first days")
    eras = tuple(
        Era(code, name, first, days[i + 1] - timedelta(days=1) if i + 1 < len(days) else None)
        for i, (first, code, name) in enumerate(parsed)
    )
    return Eras(eras)


def load_eras(path: str | PathLike[str]) -> Eras:
    """Load an era table (UTF-8 CSV: code,name,first_day[,source])."""
    p = Path(path)
    return _parse_eras(p.read_text(encoding="utf-8"), p.name)


@lru_cache(maxsize=1)
def default_eras() -> Eras:
    """The era table shipped with juki (`juki.layouts/codes/nengo.csv`)."""
    resource = files("juki.layouts") / "codes" / "nengo.csv"
    return _parse_eras(resource.read_text(encoding="utf-8"), "nengo.csv")


def _is_ascii_digits(s: object, n: int) -> bool:
    return isinstance(s, str) and len(s) == n and s.isascii() and s.isdigit()


# ---------------------------------------------------------------------------------------------- scalar


def wareki_to_date(code: str, yymmdd: str, eras: Eras | None = None) -> date | None:
    """The 西暦 date of era `code`, YYMMDD `yymmdd`; None when that date does not exist in that era."""
    era = (eras or default_eras()).get(code)
    if era is None or not _is_ascii_digits(yymmdd, 6):
        return None
    yy, mm, dd = int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:])
    if yy == 0:
        return None
    try:
        d = date(era.first_day.year + yy - 1, mm, dd)
    except ValueError:
        return None
    if d < era.first_day or (era.last_day is not None and d > era.last_day):
        return None
    return d


def date_to_wareki(d: date, eras: Eras | None = None) -> tuple[str, str]:
    """(era code, YYMMDD) of `d`. Raises ValueError before the first era or past 年 99."""
    era = next((e for e in reversed((eras or default_eras()).eras) if e.first_day <= d), None)
    if era is None:
        raise ValueError("date_to_wareki: date is before the first era in the table")
    yy = d.year - era.first_day.year + 1
    if yy > 99:
        raise ValueError("date_to_wareki: era year does not fit in two digits")
    return era.code, f"{yy:02d}{d.month:02d}{d.day:02d}"


def ymd_is_valid(s: str) -> bool:
    """True for an 8-character YYYYMMDD string that is a real calendar date (year 0001–9999)."""
    if not _is_ascii_digits(s, 8):
        return False
    try:
        date(int(s[:4]), int(s[4:6]), int(s[6:]))
    except ValueError:
        return False
    return True


# ---------------------------------------------------------------------------------------------- vector

_COMMON_MMDD = [m * 100 + d for m in range(1, 13) for d in range(1, monthrange(2001, m)[1] + 1)]  # 0229 aside
_SPAN = 10**6  # lookup key of a 和暦 date: era index · _SPAN + YYMMDD


def _digits(e: pl.Expr, n: int) -> tuple[pl.Expr, pl.Expr]:
    """(shape test, integer value) of an n-digit string, n <= 9. The cast (strict=False: null, never an error)
    reads ASCII digits after an optional sign; the byte length pins the width and "+" is ruled out explicitly
    ("-" never casts to an unsigned integer). One cast, not a slice and a cast per field: far cheaper."""
    return (e.str.len_bytes() == n) & ~e.str.starts_with("+"), e.cast(pl.UInt32, strict=False)


def _null_safe(e: pl.Expr, result: pl.Expr) -> pl.Expr:
    # `result` says False for a null row; keep "unknown" unknown.
    return pl.when(e.is_not_null()).then(result)


def ymd_is_valid_expr(e: pl.Expr) -> pl.Expr:
    """Vector twin of `ymd_is_valid`; null in gives null out."""
    shape, x = _digits(e, 8)
    y, mmdd = x // 10000, x % 10000
    leap = ((y % 4 == 0) & (y % 100 != 0)) | (y % 400 == 0)
    real = (y >= 1) & (mmdd.is_in(_COMMON_MMDD) | ((mmdd == 229) & leap))
    return _null_safe(e, shape & real.fill_null(False))


@lru_cache(maxsize=8)
def _wareki_table(eras: Eras) -> tuple[dict[str, int], pl.Series, pl.Series]:
    """(era code → key base, keys, "YYYYMMDD"): every day each era can write, 年 01 to 99 within its days.
    Built once per era table (some 70 ms for the five eras)."""
    base: dict[str, int] = {}
    keys, ymds = [], []
    for i, era in enumerate(eras.eras):
        base.setdefault(era.code, i * _SPAN)  # as Eras.get: the first era with the code
        last = date(min(era.first_day.year + 98, 9999), 12, 31)  # 31 December of 年 99
        last = min(last, era.last_day or last)
        for k in range((last - era.first_day).days + 1):
            d = era.first_day + timedelta(days=k)
            keys.append(i * _SPAN + (d.year - era.first_day.year + 1) * 10000 + d.month * 100 + d.day)
            ymds.append(f"{d.year:04d}{d.month:02d}{d.day:02d}")
    return base, pl.Series(keys, dtype=pl.UInt32), pl.Series(ymds, dtype=pl.String)


def wareki_to_ymd_expr(code_expr: pl.Expr, yymmdd_expr: pl.Expr, eras: Eras | None = None) -> pl.Expr:
    """西暦 "YYYYMMDD" of (era code, YYMMDD), or null when the date does not exist in that era.

    Vector twin of `wareki_to_date(...).strftime("%Y%m%d")`. Integer codes are accepted (cast to string).
    """
    base, keys, ymds = _wareki_table(eras or default_eras())
    era = code_expr.cast(pl.String).replace_strict(base, default=None, return_dtype=pl.UInt32)
    shape, yymmdd = _digits(yymmdd_expr, 6)
    return pl.when(shape).then((era + yymmdd).replace_strict(keys, ymds, default=None))


def date_to_wareki_expr(ymd_expr: pl.Expr, eras: Eras | None = None) -> tuple[pl.Expr, pl.Expr]:
    """Vector twin of `date_to_wareki` on "YYYYMMDD" strings: (era code, "YYMMDD"), null where the twin raises
    (before the first era, 年 past 99) or the string is not 8 digits. Integer arithmetic against the eras' first
    days: no table of days, so it costs the same on the first call as on any other."""
    table = (eras or default_eras()).eras
    shape, value = _digits(ymd_expr, 8)
    v = pl.when(shape).then(value.cast(pl.Int64))
    firsts = [int(e.first_day.strftime("%Y%m%d")) for e in table]
    index = pl.sum_horizontal(*((v >= f).cast(pl.Int32) for f in firsts)) - 1
    yy = v // 10000 - index.replace_strict(range(len(table)), [e.first_day.year for e in table], default=None) + 1
    ok = v.is_not_null() & (index >= 0) & (yy <= 99)
    code = pl.when(ok).then(index.replace_strict(range(len(table)), [e.code for e in table], default=None))
    yymmdd = pl.when(ok).then((yy * 10000 + v % 10000).cast(pl.String).str.zfill(6))
    return code, yymmdd
