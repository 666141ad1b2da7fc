"""不詳 dates: a 生年月日 (or 消除日) whose year, month or day is not known.

A 不詳コード names which parts of the date are unknown; its meaning is data, the ``unknown`` column of
`layouts/codes/fusho.csv` (0 不詳なし: none, 1 日不詳: day, 2 月日不詳: month and day, 3 年月日不詳: all). A date
fits its code when exactly the unknown parts are zero and the known parts exist: 19800512 fits 0, 19800500 fits
1, 19800000 fits 2, 00000000 fits 3, and 19800500 does not fit 2 (its month is known). docs/DOMAIN.md (不詳 dates)
says where this reading comes from.

In 和暦 a 不詳 date keeps the same shape (昭和55年月日不詳 is 年号 3 + 日付 550000): `wareki_fusho_to_ymd` turns
(era, YYMM00 or YY0000) into the 西暦 of the same shape, accepting a month or a year that overlaps the era
(昭和64年1月 and 平成元年1月 are both January 1989). A 和暦 cannot carry an unknown year, so a code-3 date has no
和暦. Scalar functions are the reference; the vector twins are checked against them by the property tests.
"""

from __future__ import annotations

import csv
import io
from calendar import monthrange
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib.resources import files

import polars as pl

from juki.checks.rules.wareki import Eras, default_eras, wareki_to_date, ymd_is_valid, ymd_is_valid_expr

PARTS = ("year", "month", "day")


@dataclass(frozen=True)
class FushoCode:
    """One 不詳コード: which of year, month and day are known."""

    code: str
    name: str
    year: bool
    month: bool
    day: bool

    @property
    def full(self) -> bool:
        return self.year and self.month and self.day


@dataclass(frozen=True)
class FushoCodes:
    codes: tuple[FushoCode, ...]

    def get(self, code: str | None) -> FushoCode | None:
        return next((c for c in self.codes if c.code == code), None)

    @property
    def partial(self) -> tuple[FushoCode, ...]:
        return tuple(c for c in self.codes if not c.full)


def parse_fusho_codes(text: str, origin: str = "fusho.csv") -> FushoCodes:
    """The table (CSV code,name,unknown; ``unknown`` lists the unknown parts among year, month, day)."""
    rows = list(csv.DictReader(io.StringIO("\n".join(ln for ln in text.splitlines() if not ln.startswith("#")))))
    codes = []
    for r in rows:
        unknown = set((r.get("unknown") or "").split())
        if not unknown <= set(PARTS):
            raise ValueError(f"{origin}: code {r.get('code')!r}: unknown parts must be among {PARTS}")
        code = FushoCode(r["code"], r["name"], "year" not in unknown, "month" not in unknown, "day" not in unknown)
        if code.day and not code.month:
            raise ValueError(f"{origin}: code {code.code!r}: a known day needs a known month")
        codes.append(code)
    if sum(c.full for c in codes) != 1 or len({c.code for c in codes}) != len(codes):
        raise ValueError(f"{origin}: unique codes, exactly one of them with nothing unknown")
    return FushoCodes(tuple(codes))


@lru_cache(maxsize=1)
def default_fusho_codes() -> FushoCodes:
    return parse_fusho_codes((files("juki.layouts") / "codes" / "fusho.csv").read_text(encoding="utf-8"))


def _is_digits(s: object, n: int) -> bool:
    return isinstance(s, str) and len(s) == n and s.isascii() and s.isdigit()


# ---------------------------------------------------------------------------------------------- scalar


def ymd_fits(s: str, code: str | None, codes: FushoCodes | None = None) -> bool:
    """True when the YYYYMMDD ``s`` has exactly the unknown parts of 不詳コード ``code`` as zeros."""
    c = (codes or default_fusho_codes()).get(code)
    if c is None or not _is_digits(s, 8):
        return False
    if c.full:
        return ymd_is_valid(s)
    y, m, d = int(s[:4]), int(s[4:6]), int(s[6:])
    ok_y = y >= 1 if c.year else y == 0
    ok_m = 1 <= m <= 12 if c.month else m == 0
    # A day known in an unknown year (a known day needs its month): any day the month ever has.
    ok_d = ok_m and 1 <= d <= monthrange(2000, m)[1] if c.day else d == 0
    return ok_y and ok_m and ok_d


def ymd_is_fusho(s: str, codes: FushoCodes | None = None) -> bool:
    """True for a 不詳 date: one that fits some 不詳コード other than the full date (19800000, 00000000)."""
    return any(ymd_fits(s, c.code, codes) for c in (codes or default_fusho_codes()).partial)


def wareki_fusho_to_ymd(code: str, yymmdd: str, eras: Eras | None = None) -> str | None:
    """西暦 YYYYMMDD of a 和暦 date, full (the day must exist in the era) or 不詳 (YYMM00: a month, YY0000: a year
    that overlaps the era); None when no such date, month or year exists in that era."""
    era = (eras or default_eras()).get(code)
    if era is None or not _is_digits(yymmdd, 6):
        return None
    yy, mm, dd = int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:])
    if dd:
        d = wareki_to_date(code, yymmdd, eras)
        return None if d is None else d.strftime("%Y%m%d")
    year = era.first_day.year + yy - 1
    if yy == 0 or mm > 12 or year > 9999:
        return None
    first = date(year, mm or 1, 1)
    last = date(year, mm or 12, monthrange(year, mm or 12)[1])
    if last < era.first_day or (era.last_day is not None and first > era.last_day):
        return None
    return f"{year:04d}{mm:02d}00"


# ---------------------------------------------------------------------------------------------- vector

_LEAP_MMDD = [m * 100 + d for m in range(1, 13) for d in range(1, monthrange(2000, m)[1] + 1)]
_SPAN = 10**6


def _shape_expr(e: pl.Expr, c: FushoCode) -> pl.Expr:
    """Vector twin of ``ymd_fits(s, c.code)`` (False for a malformed value, null stays null)."""
    if c.full:
        return ymd_is_valid_expr(e)
    shape = (e.str.len_bytes() == 8) & ~e.str.starts_with("+")
    x = e.cast(pl.UInt32, strict=False)
    y, m, d = x // 10000, x // 100 % 100, x % 100
    ok = (y >= 1 if c.year else y == 0) & (m.is_between(1, 12) if c.month else m == 0)
    ok = ok & ((d == 0) if not c.day else (x % 10000).is_in(_LEAP_MMDD))
    return pl.when(e.is_not_null()).then(shape & ok.fill_null(False))


def ymd_fits_expr(e: pl.Expr, code: pl.Expr, codes: FushoCodes | None = None) -> pl.Expr:
    """Vector twin of `ymd_fits`: False for a code not in the table; null when the date is null."""
    table = (codes or default_fusho_codes()).codes
    first, *rest = table
    out = pl.when(code == first.code).then(_shape_expr(e, first))
    for c in rest:
        out = out.when(code == c.code).then(_shape_expr(e, c))
    return pl.when(e.is_not_null()).then(out.otherwise(pl.lit(False)).fill_null(False))


def ymd_is_fusho_expr(e: pl.Expr, codes: FushoCodes | None = None) -> pl.Expr:
    """Vector twin of `ymd_is_fusho`; null in gives null out."""
    partial = [_shape_expr(e, c).fill_null(False) for c in (codes or default_fusho_codes()).partial]
    return pl.when(e.is_not_null()).then(pl.any_horizontal(*partial) if partial else pl.lit(False))


@lru_cache(maxsize=8)
def _fusho_table(eras: Eras) -> tuple[dict[str, int], pl.Series, pl.Series]:
    """(era code → key base, keys, "YYYYMM00"/"YYYY0000"): every 不詳 和暦 form each era can write."""
    base: dict[str, int] = {}
    keys, ymds = [], []
    for i, era in enumerate(eras.eras):
        base.setdefault(era.code, i * _SPAN)
        for yy in range(1, 100):
            for mm in range(13):
                ymd = wareki_fusho_to_ymd(era.code, f"{yy:02d}{mm:02d}00", eras)
                if ymd is not None and eras.get(era.code) is era:
                    keys.append(i * _SPAN + yy * 10000 + mm * 100)
                    ymds.append(ymd)
    return base, pl.Series(keys, dtype=pl.UInt32), pl.Series(ymds, dtype=pl.String)


def wareki_fusho_to_ymd_expr(code_expr: pl.Expr, yymmdd_expr: pl.Expr, eras: Eras | None = None) -> pl.Expr:
    """Vector twin of `wareki_fusho_to_ymd` for the 不詳 forms (YYMM00, YY0000); null for any other value (full
    和暦 dates are checked the fast way, from 西暦 to 和暦: see schemas/domain.py)."""
    base, keys, ymds = _fusho_table(eras or default_eras())
    era = code_expr.cast(pl.String).replace_strict(base, default=None, return_dtype=pl.UInt32)
    shape = (yymmdd_expr.str.len_bytes() == 6) & ~yymmdd_expr.str.starts_with("+")
    value = yymmdd_expr.cast(pl.UInt32, strict=False)
    return pl.when(shape & (value % 100 == 0)).then((era + value).replace_strict(keys, ymds, default=None))
