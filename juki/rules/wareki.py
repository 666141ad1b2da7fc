"""和暦 (era dates) ↔ 西暦, and checks for raw YYYYMMDD dates including 不詳 (partly unknown) dates.

The register stores dates as an era code plus YYMMDD (年 01 is 元年). The era table is data, not code:
`layouts/codes/nengo.csv` (code,name,first_day,source), installed as `juki.layouts`, so the next era is
a one-line edit. Each era ends the day before the next one starts, and a date outside its era does not
exist (平成31年5月1日 is 令和元年5月1日), so conversion returns None / null rather than guessing.

Dates are proleptic Gregorian throughout. Before 明治6年 (1873) Japan used the lunisolar calendar, so a
明治1–5年 month/day converted here is not the historical 旧暦 date; no living resident is affected and this
is what register systems do, but do not use these functions for historical research.

Vector twins never parse with a date library: validity is integer arithmetic on the digits (month range,
days in month, leap years), which is exact, fast and cannot disagree with the scalar twin on odd input.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from importlib.resources import files
from os import PathLike
from pathlib import Path

import polars as pl

_MAX_YMD = 99991231  # "no end" for the current era, as a YYYYMMDD integer


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


def _ymd_int(d: date) -> int:
    return d.year * 10000 + d.month * 100 + d.day


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


def ymd_is_fusho(s: str) -> bool:
    """True for a 不詳 date: real year, day 00, month 00–12 (19800000, 19800500).

    Month 00 with a nonzero day (19800015) is not 不詳 but invalid: a day is never known without its month.
    """
    if not _is_ascii_digits(s, 8):
        return False
    return int(s[:4]) >= 1 and int(s[4:6]) <= 12 and int(s[6:]) == 0


# ---------------------------------------------------------------------------------------------- vector


def _int(e: pl.Expr, offset: int, length: int) -> pl.Expr:
    # strict=False: a non-digit slice becomes null instead of raising; the shape test then answers.
    return e.str.slice(offset, length).cast(pl.Int32, strict=False)


def _is_real_date(y: pl.Expr, m: pl.Expr, d: pl.Expr) -> pl.Expr:
    leap = ((y % 4 == 0) & (y % 100 != 0)) | (y % 400 == 0)
    days_in_month = (
        pl.when(m == 2)
        .then(pl.when(leap).then(29).otherwise(28))
        .when(m.is_in([4, 6, 9, 11]))
        .then(30)
        .otherwise(31)
    )
    return (y >= 1) & m.is_between(1, 12) & d.is_between(1, days_in_month)


def _null_safe(e: pl.Expr, result: pl.Expr) -> pl.Expr:
    return pl.when(e.is_null()).then(pl.lit(None, pl.Boolean)).otherwise(result)


def ymd_is_valid_expr(e: pl.Expr) -> pl.Expr:
    """Vector twin of `ymd_is_valid`; null in gives null out."""
    shape = e.str.contains(r"^[0-9]{8}$")
    return _null_safe(e, shape & _is_real_date(_int(e, 0, 4), _int(e, 4, 2), _int(e, 6, 2)).fill_null(False))


def ymd_is_fusho_expr(e: pl.Expr) -> pl.Expr:
    """Vector twin of `ymd_is_fusho`; null in gives null out."""
    shape = e.str.contains(r"^[0-9]{8}$")
    fusho = (_int(e, 0, 4) >= 1) & (_int(e, 4, 2) <= 12) & (_int(e, 6, 2) == 0)
    return _null_safe(e, shape & fusho.fill_null(False))


def wareki_to_ymd_expr(code_expr: pl.Expr, yymmdd_expr: pl.Expr, eras: Eras | None = None) -> pl.Expr:
    """西暦 "YYYYMMDD" of (era code, YYMMDD), or null when the date does not exist in that era.

    Vector twin of `wareki_to_date(...).strftime("%Y%m%d")`. Integer codes are accepted (cast to string).
    """
    table = (eras or default_eras()).eras
    code = code_expr.cast(pl.String)

    def per_era(values: dict[str, int]) -> pl.Expr:
        return code.replace_strict(values, default=None, return_dtype=pl.Int32)

    base_year = per_era({e.code: e.first_day.year for e in table})
    first = per_era({e.code: _ymd_int(e.first_day) for e in table})
    last = per_era({e.code: _ymd_int(e.last_day) if e.last_day else _MAX_YMD for e in table})
    yy, mm, dd = _int(yymmdd_expr, 0, 2), _int(yymmdd_expr, 2, 2), _int(yymmdd_expr, 4, 2)
    year = base_year + yy - 1
    ok = (
        yymmdd_expr.str.contains(r"^[0-9]{6}$")
        & (yy >= 1)
        & _is_real_date(year, mm, dd)
        & (year * 10000 + mm * 100 + dd).is_between(first, last)
    )
    ymd = year.cast(pl.String).str.zfill(4) + yymmdd_expr.str.slice(2, 4)
    return pl.when(ok).then(ymd).otherwise(pl.lit(None, pl.String))
