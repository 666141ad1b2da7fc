"""Text forms the register needs: half-width フリガナ, full-width digits, YYYYMMDD strings, 和暦.

The legacy 住基 system stores フリガナ as half-width katakana (1 byte each in CP932, dakuten a byte of their own), while
names.csv keeps readings in ordinary full-width katakana. Converting is done once per table entry (a few hundred
strings), never per resident: residents get their reading by gathering from the converted table.
"""

from __future__ import annotations

import unicodedata
from functools import cache

import numpy as np
import polars as pl

from juki.checks.rules.wareki import default_eras

_DAKUTEN, _HANDAKUTEN = "\uff9e", "\uff9f"
_SMALL_WITHOUT_HALFWIDTH = {"ヮ": "ﾜ", "ヵ": "ｶ", "ヶ": "ｹ", "ヰ": "ｲ", "ヱ": "ｴ"}
FULLWIDTH_DIGITS = {str(d): chr(0xFF10 + d) for d in range(10)}


@cache
def _halfwidth_map() -> dict[str, str]:
    table: dict[str, str] = {}
    for cp in range(0xFF61, 0xFFA0):
        half = chr(cp)
        full = unicodedata.normalize("NFKC", half)
        if len(full) == 1 and full not in table:
            table[full] = half
    for cp in range(0x30A1, 0x30FB):  # voiced katakana: base + (han)dakuten
        full = chr(cp)
        parts = unicodedata.normalize("NFD", full)
        if len(parts) == 2 and parts[0] in table:
            table[full] = table[parts[0]] + (_DAKUTEN if parts[1] == "\u3099" else _HANDAKUTEN)
    table.update(_SMALL_WITHOUT_HALFWIDTH)
    table["\u3000"] = " "
    return table


def to_hankana(text: str) -> str:
    """Full-width katakana (and the full-width space) to half-width; raises on anything else but ASCII."""
    table = _halfwidth_map()
    out = []
    for ch in text:
        if ch in table:
            out.append(table[ch])
        elif ch.isascii():
            out.append(ch)
        else:
            raise ValueError(f"to_hankana: U+{ord(ch):04X} has no half-width katakana form")
    return "".join(out)


def codes(values: np.ndarray, width: int) -> pl.Series:
    """Integer codes as zero-filled strings ("04"): polars casts integers far faster than numpy strings convert."""
    return pl.Series(np.asarray(values).astype(np.int64)).cast(pl.String).str.zfill(width)


def flags(mask: np.ndarray) -> pl.Series:
    """"1" where ``mask`` holds, "0" elsewhere."""
    return codes(np.asarray(mask, dtype=np.int8), 1)


def fullwidth_digits(e: pl.Expr) -> pl.Expr:
    """ASCII digits of a string expression as full-width digits (addresses print them full-width)."""
    return e.str.replace_many(FULLWIDTH_DIGITS)


def ymd(days: np.ndarray) -> pl.Series:
    """YYYYMMDD strings of datetime64[D] values; NaT gives null (a blank field)."""
    return pl.Series(days.astype("datetime64[D]")).dt.strftime("%Y%m%d")


def ymd_int(days: np.ndarray) -> np.ndarray:
    """YYYYMMDD as integers, for comparisons against era boundaries."""
    d = days.astype("datetime64[D]")
    y = d.astype("datetime64[Y]").astype(np.int64) + 1970
    m = d.astype("datetime64[M]").astype(np.int64) % 12 + 1
    day = (d - d.astype("datetime64[M]")).astype(np.int64) + 1
    return y * 10000 + m * 100 + day


def wareki(days: np.ndarray) -> tuple[pl.Series, pl.Series]:
    """(年号コード, YYMMDD in that era) of each date, vectorised; the era table is juki's nengo.csv."""
    eras = default_eras().eras
    firsts = np.array([e.first_day.year * 10000 + e.first_day.month * 100 + e.first_day.day for e in eras])
    codes = np.array([e.code for e in eras])
    first_years = np.array([e.first_day.year for e in eras])
    v = ymd_int(days)
    era = np.searchsorted(firsts, v, side="right") - 1
    if (era < 0).any():
        raise ValueError("wareki: a date before the first era in the table")
    yymmdd = (v // 10000 - first_years[era] + 1) * 10000 + v % 10000
    return pl.Series(codes[era]), pl.Series(yymmdd).cast(pl.String).str.zfill(6)
