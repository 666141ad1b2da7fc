"""Shared test helpers: run an expression builder over plain lists, and hypothesis alphabets."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import polars as pl
from hypothesis import settings
from hypothesis import strategies as st


def run(build: Callable[..., pl.Expr], *columns: Sequence[Any], dtype: Any = pl.String) -> list[Any]:
    """Evaluate `build(col_0, col_1, ...)` over the given columns and return the result as a list."""
    frame = pl.DataFrame({f"c{i}": pl.Series(col, dtype=dtype) for i, col in enumerate(columns)})
    return frame.select(build(*(pl.col(f"c{i}") for i in range(len(columns))))).to_series().to_list()


def _cp932_double_byte() -> str:
    # Every character CP932 writes in two bytes, outside the 外字 area: kanji, full-width kana, symbols.
    chars = []
    for lead in [*range(0x81, 0xA0), *range(0xE0, 0xF0), *range(0xFA, 0xFD)]:
        for trail in [*range(0x40, 0x7F), *range(0x80, 0xFD)]:
            try:
                chars.append(bytes([lead, trail]).decode("cp932"))
            except UnicodeDecodeError:
                continue
    return "".join(sorted(set(chars)))


CP932_DOUBLE = _cp932_double_byte()
ASCII = "".join(map(chr, range(0x80)))
HANKAKU_KANA = "".join(map(chr, range(0xFF61, 0xFFA0)))
HIRAGANA = "".join(map(chr, range(0x3041, 0x30A0)))
KATAKANA = "".join(map(chr, range(0x30A0, 0x3100)))
GAIJI = "".join(map(chr, range(0xE000, 0xE758)))

digits = st.text("0123456789", min_size=0, max_size=14)
# Mostly well-formed, sometimes anything: the shape checks must agree with the scalar twins too.
any_text = st.text(max_size=14)

# Vector tests run polars on every example; the first call warms polars up, so no per-example deadline.
vector_settings = settings(deadline=None)
