"""外字 and CP932 lengths: the documented code mapping, and the vector forms against the scalar twins."""

from __future__ import annotations

from collections.abc import Callable

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from juki.checks.rules import (
    UnmappedGaiji,
    count_gaiji,
    count_gaiji_expr,
    cp932_len,
    cp932_len_expr,
    daitai_positions_expr,
    gaiji_positions,
    gaiji_positions_expr,
    has_gaiji,
    has_gaiji_expr,
    replace_gaiji,
    replace_gaiji_expr,
)

from .helpers import ASCII, CP932_DOUBLE, GAIJI, HANKAKU_KANA, run, vector_settings

# Text drawn from kanji, kana and symbols (all CP932 double-byte), ASCII, half-width katakana and 外字.
text = st.text(st.sampled_from(CP932_DOUBLE) | st.sampled_from(ASCII + HANKAKU_KANA) | st.sampled_from(GAIJI),
               max_size=20)


def test_user_area_round_trips_to_the_gaiji_area() -> None:
    user_area = [bytes([lead, trail]) for lead in range(0xF0, 0xFA) for trail in range(0x40, 0xFD) if trail != 0x7F]
    decoded = "".join(b.decode("cp932") for b in user_area)
    assert decoded == GAIJI and len(GAIJI) == 1880
    assert [c.encode("cp932") for c in GAIJI] == user_area


def test_examples() -> None:
    s = "髙\ue000田ｱ\ue757a"
    assert count_gaiji(s) == 2 and has_gaiji(s) and not has_gaiji("山田")
    assert cp932_len(s) == 2 + 2 + 2 + 1 + 2 + 1
    assert gaiji_positions(s) == "2,5" and gaiji_positions("山田") is None
    assert replace_gaiji(s, {"\ue000": "邊", "\ue757": "〓"}) == ("髙邊田ｱ〓a", [2, 5])
    assert run(gaiji_positions_expr, [s, "山田", "", None]) == ["2,5", None, None, None]
    assert run(count_gaiji_expr, [s, "", None]) == [2, 0, None]
    assert run(cp932_len_expr, [s, "", None]) == [10, 0, None]


def test_one_byte_characters_beyond_the_design_note() -> None:
    # Python's cp932 writes these five as one byte too (0x80, 0xA0, 0xFD-0xFF); the vector form follows it.
    odd = "\x80\uf8f0\uf8f1\uf8f2\uf8f3"
    assert cp932_len(odd) == 5 and run(cp932_len_expr, [odd]) == [5]


def test_unmapped_gaiji_names_the_position_never_the_text() -> None:
    with pytest.raises(UnmappedGaiji) as info:
        replace_gaiji("山\ue000田\ue001", {"\ue000": "邊"})
    assert isinstance(info.value, KeyError) and info.value.position == 4
    message = str(info.value) + repr(info.value)
    assert "4" in message and not set("山田\ue000\ue001") & set(message)


def test_cp932_len_error_names_the_position_never_the_text() -> None:
    with pytest.raises(ValueError) as info:
        cp932_len("山\u4e02田")  # 丂 is not in CP932
    assert "2" in str(info.value) and "\u4e02" not in str(info.value)
    assert info.value.__context__ is None and info.value.__cause__ is None


@pytest.mark.parametrize("mapping", [{"a": "b"}, {"\ue000\ue001": "b"}, {"\ue000": "\ue001"}, {"\ue758": "x"}])
def test_bad_mappings_are_rejected(mapping: dict[str, str]) -> None:
    with pytest.raises(ValueError):
        replace_gaiji("x", mapping)
    with pytest.raises(ValueError):
        replace_gaiji_expr(pl.col("x"), mapping)


@vector_settings
@given(st.lists(text | st.none(), max_size=40))
def test_counts_and_lengths_agree_with_scalar(values: list[str | None]) -> None:
    def scalar(f: Callable[[str], object]) -> list[object]:
        return [None if v is None else f(v) for v in values]

    assert run(count_gaiji_expr, values) == scalar(count_gaiji)
    assert run(has_gaiji_expr, values) == scalar(has_gaiji)
    assert run(cp932_len_expr, values) == scalar(lambda v: len(v.encode("cp932")))
    assert run(gaiji_positions_expr, values) == scalar(gaiji_positions)


def test_a_daitai_moji_of_several_characters_shifts_the_positions_after_it() -> None:
    # A kana reading standing in for a kanji without a printable equivalent takes two positions, and moves the
    # next 代替文字 one further: the positions are those of the replaced text (items 55/57 of 送付先情報).
    mapping = {"\ue000": "高", "\ue001": "むら"}
    assert replace_gaiji("\ue001上\ue000", mapping) == ("むら上高", [1, 2, 4])
    assert run(lambda e: daitai_positions_expr(e, mapping), ["\ue001上\ue000", "上田", None]) == ["1,2,4", None, None]


def test_a_placeholder_stands_in_for_a_gaiji_without_daitai_moji() -> None:
    mapping = {"\ue000": "高"}
    assert replace_gaiji("\ue000\ue005木", mapping, "〓") == ("高〓木", [1, 2])
    assert run(lambda e: replace_gaiji_expr(e, mapping, "〓"), ["\ue000\ue005木"]) == ["高〓木"]
    assert run(lambda e: daitai_positions_expr(e, mapping, "〓"), ["\ue000\ue005木"]) == ["1,2"]


@vector_settings
@given(st.lists(text, max_size=30), st.dictionaries(st.sampled_from(GAIJI), st.text(CP932_DOUBLE, min_size=1,
                                                                                    max_size=3), max_size=60),
       st.sampled_from([None, "〓", "ゲタ"]))
def test_replacement_agrees_with_scalar(values: list[str], partial: dict[str, str], placeholder) -> None:
    # With a mapping for every 外字 present, both forms give the same text and the same positions.
    full = {c: partial.get(c, "〓") for v in values for c in v if c in GAIJI}
    replaced = run(lambda e: replace_gaiji_expr(e, full), values)
    where = run(lambda e: daitai_positions_expr(e, full), values)
    for v, r, w in zip(values, replaced, where, strict=True):
        text_out, positions = replace_gaiji(v, full)
        assert r == text_out and (w or "") == ",".join(map(str, positions))
    # A placeholder fills in for what the mapping lacks, the same way in both forms.
    if placeholder is not None:
        replaced = run(lambda e: replace_gaiji_expr(e, partial, placeholder), values)
        where = run(lambda e: daitai_positions_expr(e, partial, placeholder), values)
        for v, r, w in zip(values, replaced, where, strict=True):
            text_out, positions = replace_gaiji(v, partial, placeholder)
            assert r == text_out and (w or "") == ",".join(map(str, positions))
    # With a partial mapping, the scalar raises exactly where the vector result still has a 外字.
    still = run(has_gaiji_expr, run(lambda e: replace_gaiji_expr(e, partial), values))
    for v, has in zip(values, still, strict=True):
        try:
            replace_gaiji(v, partial)
            raised = False
        except UnmappedGaiji as exc:
            raised = True
            assert v[exc.position - 1] in GAIJI and v[exc.position - 1] not in partial
        assert raised == has


def test_cp932_len_vector_on_every_code_point() -> None:
    # The vector form starts from (characters + UTF-8 bytes) / 2 and corrects the odd ones: check all of them,
    # including those cp932 cannot encode (two bytes by the vector form's convention) and 4-byte UTF-8.
    one = set(map(chr, [*range(0x81), *range(0xF8F0, 0xF8F4), *range(0xFF61, 0xFFA0)]))
    chars = [chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000]
    assert run(cp932_len_expr, chars) == [1 if c in one else 2 for c in chars]
    mixed = ["a\x80ｱ\uf8f0αЖ𠮷丂髙\ue000", "\x80" * 3, "𠮷" * 2 + "ｱ"]
    assert run(cp932_len_expr, mixed) == [sum(1 if c in one else 2 for c in s) for s in mixed]


def test_counts_on_literals_broadcast() -> None:
    frame = pl.DataFrame({"x": [1, 2]})
    out = frame.with_columns(n=cp932_len_expr(pl.lit("髙ｱa")), g=count_gaiji_expr(pl.lit("\ue000")))
    assert out.select("n", "g").rows() == [(4, 1)] * 2
