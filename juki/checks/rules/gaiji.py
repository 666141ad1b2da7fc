"""外字 (user-defined characters) and CP932 byte lengths of decoded text.

A city's names contain 外字: characters it defined itself in the CP932 user area F040–F9FC, which Python's
cp932 codec maps to Unicode U+E000–U+E757 (a round trip checked by tests/rules/test_gaiji.py; docs/DOMAIN.md,
文字). Files to J-LIS carry a 外字数 (count), a 外字フラグ and a byte length per kanji field, and J-LIS cannot print
a 外字, so each one is replaced by its 代替文字 from a city-maintained table, recording which character positions
of the replaced text hold 代替文字. A 代替文字 may be more than one character (a kana reading stands in for a kanji
that has no printable equivalent), so those positions are counted in the replaced text, not in the original.

Byte lengths are CP932 bytes because fixed-width layouts count bytes, not characters. `cp932_len_expr`
counts them without encoding: one byte for the characters Python's cp932 writes as one byte, two for all
others. CP932 itself has ASCII U+0000–U+007F and half-width katakana U+FF61–U+FF9F as one byte; Python's
codec (the reference, since `cp932_len` is defined by it) also writes U+0080 as 0x80 and U+F8F0–U+F8F3
as 0xA0, 0xFD–0xFF, so those count as one byte too. Text that cp932 cannot encode is the codec's concern
(it rejects the record); here `cp932_len` raises and the vector form counts such a character as two bytes.

Messages never contain the text (residents' names): they give the rule and a character position.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import polars as pl

GAIJI_FIRST, GAIJI_LAST = "\ue000", "\ue757"
_GAIJI_CLASS = "[\ue000-\ue757]"
_GAIJI_RE = re.compile(_GAIJI_CLASS)
# Characters cp932 encodes in one byte; anything else it can encode takes two (verified over all of Unicode).
_ONE_BYTE_CLASS = "[\x00-\x80\uf8f0-\uf8f3\uff61-\uff9f]"
# Where (1 + UTF-8 length) / 2 is not the CP932 length: 2- and 4-byte UTF-8, and the 3-byte one-byte characters.
_ODD_CLASS = "[\x80-\u07ff\uf8f0-\uf8f3\uff61-\uff9f\U00010000-\U0010ffff]"


class UnmappedGaiji(KeyError):
    """A 外字 has no 代替文字 in the mapping. Carries the 1-based character position, never the text."""

    def __init__(self, position: int) -> None:
        super().__init__(position)
        self.position = position

    def __str__(self) -> str:
        return f"外字 at character position {self.position} has no 代替文字 in the mapping"


def is_gaiji(ch: str) -> bool:
    """True for a single character in the 外字 area U+E000–U+E757."""
    return isinstance(ch, str) and len(ch) == 1 and GAIJI_FIRST <= ch <= GAIJI_LAST


def _check_mapping(mapping: Mapping[str, str]) -> None:
    # The mapping is city configuration, not resident data: naming a mapped code point is fine.
    for key, value in mapping.items():
        if not is_gaiji(key):
            raise ValueError("代替文字 mapping: every key must be one 外字 (U+E000–U+E757)")
        if not isinstance(value, str) or _GAIJI_RE.search(value):
            raise ValueError(f"代替文字 mapping: value for U+{ord(key):04X} must be text without 外字")


# ---------------------------------------------------------------------------------------------- scalar


def count_gaiji(s: str) -> int:
    """Number of 外字 in `s` (the 外字数)."""
    return sum(1 for ch in s if GAIJI_FIRST <= ch <= GAIJI_LAST)


def has_gaiji(s: str) -> bool:
    """True when `s` contains a 外字 (the 外字フラグ)."""
    return _GAIJI_RE.search(s) is not None


def cp932_len(s: str) -> int:
    """len(s.encode("cp932")); ValueError naming only the position when a character has no CP932 code."""
    try:
        return len(s.encode("cp932"))
    except UnicodeEncodeError as exc:
        position = exc.start + 1
    # Raised outside the except block: the codec's own error quotes the character, and raising inside
    # would keep it reachable as __context__ (and print it in a traceback).
    raise ValueError(f"cp932_len: character at position {position} is not in CP932")


def replace_gaiji(s: str, mapping: Mapping[str, str], placeholder: str | None = None) -> tuple[str, list[int]]:
    """Replace every 外字 by its 代替文字; return the text and the 1-based positions, in the returned text, of every
    character that stands for a 外字 (all of a 代替文字 of several characters: "\ue001上" with "むら" gives [1, 2]).

    A 外字 without a mapping raises UnmappedGaiji (at its position in `s`), or, given a ``placeholder``, is
    replaced by it (the city's choice of what J-LIS prints for a character it has no 代替文字 for).
    """
    _check_mapping(mapping)
    out: list[str] = []
    positions: list[int] = []
    for i, ch in enumerate(s, start=1):
        if GAIJI_FIRST <= ch <= GAIJI_LAST:
            if ch not in mapping and placeholder is None:
                raise UnmappedGaiji(i)
            stand_in = mapping.get(ch, placeholder or "")
            start = sum(map(len, out))
            positions.extend(range(start + 1, start + len(stand_in) + 1))
            out.append(stand_in)
        else:
            out.append(ch)
    return "".join(out), positions


def gaiji_positions(s: str) -> str | None:
    """1-based positions of the 外字 in `s` as "3,7"; None when there are none."""
    positions = [str(i) for i, ch in enumerate(s, start=1) if GAIJI_FIRST <= ch <= GAIJI_LAST]
    return ",".join(positions) or None


# ---------------------------------------------------------------------------------------------- vector


def count_gaiji_expr(e: pl.Expr) -> pl.Expr:
    """Vector twin of `count_gaiji` (UInt32)."""
    # Same answer as str.count_matches, which polars 2.1 runs about 1.5x slower (measured on 1M names).
    return e.str.extract_all(_GAIJI_CLASS).list.len()


def has_gaiji_expr(e: pl.Expr) -> pl.Expr:
    """Vector twin of `has_gaiji`."""
    return e.str.contains(_GAIJI_CLASS)


def cp932_len_expr(e: pl.Expr) -> pl.Expr:
    """Vector twin of `cp932_len` (UInt32), without encoding.

    ASCII (1 byte in both) and the 3-byte UTF-8 characters CP932 writes in 2 bytes (kanji, kana, symbols) take
    (1 + UTF-8 length) / 2 bytes each, so the length is (characters + UTF-8 bytes) / 2, both cheap in polars,
    corrected for the rare characters where that is wrong (_ODD_CLASS). Counting the one- or the two-byte
    characters instead is fast only while they are rare: on kanji text for one, on ASCII text for the other.
    """
    c = pl.element()
    # Per odd character: 2·(its CP932 length) − (1 + its UTF-8 length).
    error = pl.when(c.str.contains(_ONE_BYTE_CLASS)).then(1).otherwise(3) - c.str.len_bytes().cast(pl.Int32)
    correction = e.str.extract_all(_ODD_CLASS).list.eval(error).list.sum()
    return ((e.str.len_chars() + e.str.len_bytes()).cast(pl.Int64) + correction).floordiv(2).cast(pl.UInt32)


def _stand_ins(mapping: Mapping[str, str], placeholder: str | None) -> dict[str, str]:
    """What each 外字 becomes: its 代替文字, else the placeholder (every 外字 of the area, when there is one)."""
    _check_mapping(mapping)
    if placeholder is None:
        return dict(mapping)
    return {chr(c): mapping.get(chr(c), placeholder) for c in range(ord(GAIJI_FIRST), ord(GAIJI_LAST) + 1)}


def replace_gaiji_expr(e: pl.Expr, mapping: Mapping[str, str], placeholder: str | None = None) -> pl.Expr:
    """Vector twin of `replace_gaiji`'s text. Without a placeholder an unmapped 外字 is left in place (a vector
    cannot raise per row): find those rows with `has_gaiji_expr` on the result, which is exact because 代替文字
    hold no 外字.
    """
    table = _stand_ins(mapping, placeholder)
    return e.str.replace_many(table) if table else e


def daitai_positions_expr(e: pl.Expr, mapping: Mapping[str, str], placeholder: str | None = None) -> pl.Expr:
    """Vector twin of `replace_gaiji`'s positions, as "1,2,4"; null when the value has no 外字 (or is null).

    Each 外字 becomes as many 外字 as its stand-in has characters (one pass, so a replacement is never replaced
    again), and the positions of the 外字 in that text are the answer; an unmapped 外字 left in place (no
    placeholder) counts as one position."""
    table = {g: GAIJI_FIRST * len(v) for g, v in _stand_ins(mapping, placeholder).items()}
    return gaiji_positions_expr(e.str.replace_many(table) if table else e)


def gaiji_positions_expr(e: pl.Expr) -> pl.Expr:
    """Vector twin of `gaiji_positions`: "3,7", or null when there is no 外字 (or the input is null)."""
    positions = (
        e.str.extract_all("(?s).")  # one element per character; (?s) so a newline is a character too
        .list.eval(pl.arg_where(pl.element().str.contains(_GAIJI_CLASS)) + 1)
        .list.eval(pl.element().cast(pl.String))
        .list.join(",")
    )
    return pl.when(has_gaiji_expr(e)).then(positions).otherwise(pl.lit(None, pl.String))
