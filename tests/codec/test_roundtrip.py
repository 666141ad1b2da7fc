"""Round trip for every layout: parse(write(df)) == df and write(parse(b)) == b, with hypothesis.

Values are drawn by kind and sized in CP932 bytes: kanji, kana, half-width katakana (1 byte), 外字
U+E000–U+E757, values that fill the field exactly, and empty fields.
"""

from __future__ import annotations

import io

import pytest
from hypothesis import HealthCheck, given, settings

from juki.codec.reader import ReadResult, scan_records
from juki.codec.writer import write_records
from juki.layout import available_layouts, load_layout
from tests.conftest import frame
from tests.strategies import rows_for

HEADER = {"created_on": "20260401", "dantai_code": "042021"}
LAYOUTS = available_layouts()
roundtrip_settings = settings(max_examples=25, deadline=None, suppress_health_check=[
    HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example])


def write(layout, df, header=HEADER) -> bytes:
    buf = io.BytesIO()
    write_records(buf, layout, df, header)
    return buf.getvalue()


def parse(layout, data: bytes, **kw):
    result = ReadResult()
    batches = list(scan_records(io.BytesIO(data), layout, "test.dat", result=result, **kw))
    import polars as pl

    return pl.concat(batches).drop("record_no"), result


@pytest.mark.parametrize("name", LAYOUTS)
def test_parse_of_write_is_identity(name):
    layout = load_layout(name)

    @roundtrip_settings
    @given(rows_for(layout))
    def check(rows):
        df = frame(layout, rows)
        back, result = parse(layout, write(layout, df))
        assert len(result.rejects) == 0
        assert back.equals(df)

    check()


@pytest.mark.parametrize("name", LAYOUTS)
def test_write_of_parse_is_identity(name):
    layout = load_layout(name)

    @roundtrip_settings
    @given(rows_for(layout))
    def check(rows):
        data = write(layout, frame(layout, rows))
        back, result = parse(layout, data)
        assert write(layout, back, result.header) == data

    check()


@pytest.mark.parametrize("terminator", [b"\n", b""])
def test_other_terminators_read_the_same(terminator):
    layout = load_layout("honnin_kakunin")
    df = frame(layout, [{"juminhyo_code": "12345678901", "shimei": "山田\ue000太郎"}, {"shimei": "ﾔﾏﾀﾞ"}])
    data = write(layout, df).replace(b"\r\n", terminator)
    back, result = parse(layout, data)
    assert result.terminator == {b"\n": "lf", b"": "none"}[terminator]
    assert back.equals(df)


def test_small_batches_read_the_same_as_one():
    layout = load_layout("honnin_kakunin")
    df = frame(layout, [{"juminhyo_code": f"{i:011d}", "shimei": "髙橋", "shimei_gaiji_su": i % 3} for i in range(50)])
    data = write(layout, df)
    whole, _ = parse(layout, data)
    tiny, result = parse(layout, data, batch_bytes=layout.record_length * 3)
    assert tiny.equals(whole) and whole.equals(df)
    assert result.trailer["record_count"] == 50


def test_value_that_fills_the_field_exactly_round_trips():
    layout = load_layout("honnin_kakunin")
    shimei = layout.data.field("shimei")
    full = "山" * (shimei.width // 2)
    df = frame(layout, [{"shimei": full, "juminhyo_code": "9" * 11}])
    data = write(layout, df)
    assert data.count("山".encode("cp932")) == shimei.width // 2
    back, _ = parse(layout, data)
    assert back["shimei"][0] == full


def test_gaiji_survive_as_private_use_characters():
    layout = load_layout("honnin_kakunin")
    df = frame(layout, [{"shimei": "\ue000\ue757"}])
    data = write(layout, df)
    assert b"\xf0\x40\xf9\xfc" in data
    back, _ = parse(layout, data)
    assert back["shimei"][0] == "\ue000\ue757"


def test_half_width_katakana_take_one_byte():
    layout = load_layout("juki_daicho")
    f = layout.data.field("shimei_furigana")
    df = frame(layout, [{"shimei_furigana": "ﾔﾏﾀﾞ ﾀﾛｳ"}])
    record = write(layout, df).split(b"\r\n")[1]
    encoded = "ﾔﾏﾀﾞ ﾀﾛｳ".encode("cp932")
    assert len(encoded) == 8  # 8 characters (the dakuten is one), one byte each
    assert record[f.offset : f.offset + 8] == encoded
    assert record[f.offset + 8 : f.end] == b" " * (f.width - 8)
