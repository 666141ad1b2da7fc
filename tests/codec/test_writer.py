"""The writer never truncates: an overlong value or a character CP932 lacks is an error naming record and field."""

from __future__ import annotations

import io
import os

import polars as pl
import pytest

from juki import storage
from juki.codec.writer import write_records
from juki.errors import RecordsRejected
from juki.layout import load_layout
from tests.conftest import frame

LAYOUT = load_layout("honnin_kakunin")
HEADER = {"created_on": "20260401", "dantai_code": "042021"}


def rejected(rows) -> pl.DataFrame:
    with pytest.raises(RecordsRejected) as e:
        write_records(io.BytesIO(), LAYOUT, frame(LAYOUT, rows), HEADER)
    assert "山" not in str(e.value)
    return e.value.rejects


def test_value_one_byte_too_long_is_rejected_not_truncated():
    width = LAYOUT.data.field("shimei").width
    rejects = rejected([{"shimei": "山"}, {"shimei": "山" * (width // 2) + "A"}])
    assert rejects.select("record_no", "field", "rule").rows() == [(3, "shimei", "write.too_long")]
    assert f"{width + 1} bytes, the field holds {width}" in rejects["message"][0]


def test_every_bad_record_is_reported_at_once():
    rows = [{"shimei": "山" * 60}, {"juminhyo_code": "１２３"}, {"shimei": "𠮷野"}, {"shimei_gaiji_su": 100}]
    rejects = rejected(rows)
    assert rejects.select("record_no", "field", "rule").rows() == [
        (2, "shimei", "write.too_long"),
        (3, "juminhyo_code", "write.not_allowed"),
        (4, "shimei", "write.not_cp932"),
        (5, "shimei_gaiji_su", "write.number_too_large"),
    ]


def test_every_record_is_exactly_the_record_length():
    buf = io.BytesIO()
    write_records(buf, LAYOUT, frame(LAYOUT, [{"shimei": "ｱ" * 7}, {"shimei": "亜"}, {}]), HEADER)
    records = buf.getvalue().split(b"\r\n")
    assert records[-1] == b""
    assert {len(r) for r in records[:-1]} == {LAYOUT.record_length}


def test_odd_byte_length_value_is_padded_with_full_width_spaces_and_one_half_width(tmp_path):
    f = LAYOUT.data.field("shimei")
    buf = io.BytesIO()
    write_records(buf, LAYOUT, frame(LAYOUT, [{"shimei": "ｱ亜"}]), HEADER)
    field = buf.getvalue().split(b"\r\n")[1][f.offset : f.end]
    assert field == "ｱ亜".encode("cp932") + b"\x81\x40" * 48 + b" "


def test_a_rejected_write_leaves_no_file(tmp_path):
    target = tmp_path / "out.dat"
    with pytest.raises(RecordsRejected), storage.atomic_output(target) as sink:
        write_records(sink, LAYOUT, frame(LAYOUT, [{"shimei": "山" * 60}]), HEADER)
    assert os.listdir(tmp_path) == []


def test_outputs_are_owner_only(tmp_path):
    target = tmp_path / "out.dat"
    with storage.atomic_output(target) as sink:
        write_records(sink, LAYOUT, frame(LAYOUT, [{}]), HEADER)
    assert (target.stat().st_mode & 0o777) == 0o600


def test_characters_a_field_cannot_carry_are_rejected_wherever_they_hide():
    rows = [{"shimei": "山\n田"}, {"shimei": "山\t田"}, {"shimei": "山\uf8f0"}, {"shimei": "\x80"},
            {"sosasha_id": "OP\x7f"}, {"sosasha_id": "ＯＰ"}, {"shimei": "山田"}]
    rejects = rejected(rows)
    assert rejects.select("record_no", "field").rows() == [(2, "shimei"), (3, "shimei"), (4, "shimei"),
                                                           (5, "shimei"), (6, "sosasha_id"), (7, "sosasha_id")]
    assert set(rejects["rule"]) == {"write.not_allowed"}
