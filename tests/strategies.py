"""Hypothesis strategies for values that a layout field can carry, by kind, sized in CP932 bytes."""

from __future__ import annotations

from functools import cache

from hypothesis import strategies as st

from juki.layout import Field


@cache
def _cp932_chars() -> tuple[str, str]:
    """(single-byte, double-byte) characters of CP932 that are text: every code the codec must carry."""
    single = "".join(chr(c) for c in range(0x21, 0x7F)) + "".join(map(chr, range(0xFF61, 0xFFA0)))
    double = set()
    for lead in [*range(0x81, 0xA0), *range(0xE0, 0xFD)]:
        for trail in [*range(0x40, 0x7F), *range(0x80, 0xFD)]:
            try:
                double.add(bytes([lead, trail]).decode("cp932"))
            except UnicodeDecodeError:
                continue
    return single, "".join(sorted(double))


KANJI = "山田太郎鈴木花子髙﨑石巻市穀町宮城県渡辺斉藤齋藤邊"
KANA = "ヤマダタロウすずきはなこヴァッ"
HANKANA = "".join(map(chr, range(0xFF61, 0xFFA0)))
GAIJI = "".join(map(chr, range(0xE000, 0xE758)))


@st.composite
def text_for(draw, f: Field) -> str | None:
    """A value of f's kind whose CP932 byte length fits the field, often filling it exactly; None = empty."""
    budget = draw(st.one_of(st.just(f.width), st.integers(0, f.width)))
    if f.ascii:
        alphabet = "0123456789" if f.kind in ("digits", "date", "timestamp") else "".join(map(chr, range(0x20, 0x7F)))
        value = draw(st.text(alphabet, min_size=budget, max_size=budget))
    else:
        single, double = _cp932_chars()
        pools = [st.sampled_from(KANJI + KANA + "　"), st.sampled_from(GAIJI), st.sampled_from(HANKANA),
                 st.sampled_from(single), st.sampled_from(double)]
        chars, used = [], 0
        while used < budget:
            ch = draw(st.one_of(pools))
            size = len(ch.encode("cp932"))
            if used + size > budget:
                ch, size = draw(st.sampled_from(single)), 1
            chars.append(ch)
            used += size
        value = "".join(chars)
    # Trailing padding characters are not data (they read back as padding): a value never ends with one.
    value = value.rstrip(" \u3000" if f.pad == "fullwidth" else " ")
    if f.align == "right":
        value = value.lstrip(" ")
    return value or None


def value_for(f: Field):
    if f.integer:
        return st.one_of(st.none(), st.integers(0, 10**f.width - 1))
    return st.one_of(st.none(), text_for(f))


def rows_for(layout, min_size: int = 1, max_size: int = 4):
    fields = layout.data.value_fields
    row = st.fixed_dictionaries({f.id: value_for(f) for f in fields})
    return st.lists(row, min_size=min_size, max_size=max_size)
