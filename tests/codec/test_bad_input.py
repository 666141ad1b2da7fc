"""Bad input: each fault gives one clear line naming file, record, field and byte offset, never a value.

Structural faults make the input unusable (exit 2); field faults reject the record (exit 1) and the read goes
on. The personal values of the file (name, 個人番号, their bytes) must appear nowhere in what is printed.
"""

from __future__ import annotations

import io

import pytest

from juki.codec.writer import write_records
from juki.layout import load_layout
from tests.conftest import frame, run_cli

LAYOUT = load_layout("honnin_kakunin")
STRIDE = LAYOUT.record_length + 2
NAME, NUMBER = "山田太郎", "123456789018"
SHIMEI = LAYOUT.data.field("shimei")


def good_file() -> bytearray:
    rows = [{"juminhyo_code": f"{i:011d}", "shimei": NAME, "kojin_bango": NUMBER} for i in range(4)]
    buf = io.BytesIO()
    write_records(buf, LAYOUT, frame(LAYOUT, rows), {"created_on": "20260401", "dantai_code": "042021"})
    return bytearray(buf.getvalue())


def record_start(record_no: int) -> int:
    return (record_no - 1) * STRIDE


def parse(tmp_path, data: bytes):
    path = tmp_path / "vendor.dat"
    path.write_bytes(bytes(data))
    return run_cli("parse", path, "--layout", "honnin_kakunin", "--out", tmp_path / "out.parquet")


def assert_no_personal_values(text: str) -> None:
    for secret in (NAME, NUMBER, NAME.encode("cp932").hex(), NAME.encode("cp932").hex(" ").upper()):
        assert secret not in text


def wrong_length(d):
    del d[record_start(3) + 20]


def truncated(d):
    del d[-10:]


def unknown_type(d):
    d[record_start(3)] = ord("X")


def trailer_count(d):
    count = LAYOUT.trailer.field("record_count")
    d[record_start(6) + count.offset : record_start(6) + count.end] = b"000000009"


def no_trailer(d):
    del d[record_start(6):]


def not_a_header(d):
    d[0] = ord("2")


UNUSABLE = [
    (wrong_length, "record 3", "wrong record length"),
    (truncated, "record 6", "truncated"),
    (unknown_type, "record 3", "unknown record type"),
    (trailer_count, "record 6, field record_count", "trailer counts 9"),
    (no_trailer, "record 5", "without a trailer"),
    (not_a_header, "record 1", "must be the header"),
]


@pytest.mark.parametrize(("damage", "where", "what"), UNUSABLE, ids=[u[0].__name__ for u in UNUSABLE])
def test_structural_fault_makes_input_unusable(tmp_path, damage, where, what):
    data = good_file()
    damage(data)
    result = parse(tmp_path, data)
    assert result.code == 2
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert "vendor.dat" in lines[0] and where in lines[0] and what in lines[0] and "byte offset" in lines[0]
    assert "Traceback" not in result.err
    assert_no_personal_values(result.out + result.err)
    assert not (tmp_path / "out.parquet").exists()


def test_bytes_that_are_not_cp932_reject_the_record(tmp_path):
    data = good_file()
    at = record_start(3) + SHIMEI.offset + 2
    data[at : at + 2] = b"\x85\x40"  # row 0x85 has no characters in CP932
    result = parse(tmp_path, data)
    assert result.code == 1
    assert f"record 3, field shimei, byte offset {SHIMEI.offset + 2}" in result.out
    assert "codec.not_cp932" in result.out
    assert_no_personal_values(result.out + result.err)
    rejects = (tmp_path / "out.parquet.rejects.csv").read_text(encoding="utf-8-sig")
    assert "3,shimei,14,codec.not_cp932" in rejects
    assert_no_personal_values(rejects)


def test_field_boundary_splitting_a_double_byte_character(tmp_path):
    data = good_file()
    start = record_start(4) + SHIMEI.offset
    data[start : start + SHIMEI.width] = b"\x81\x40" * 49 + b" \x88"  # a lead byte as the field's last byte
    data[start + SHIMEI.width] = 0x9F  # …whose trail byte is the next field's first
    result = parse(tmp_path, data)
    assert result.code == 1
    assert f"record 4, field shimei, byte offset {SHIMEI.end - 1}" in result.out
    assert "codec.split_character" in result.out
    assert "record 4, field shimei_gaiji_su" in result.out  # the next field is broken too, and says so
    assert_no_personal_values(result.out + result.err)


def test_control_character_in_a_text_field(tmp_path):
    data = good_file()
    data[record_start(2) + SHIMEI.offset + 4] = 0x0A
    result = parse(tmp_path, data)
    assert result.code == 1
    assert "record 2, field shimei" in result.out and "codec.control_character" in result.out


def test_rejected_records_do_not_stop_the_read(tmp_path):
    data = good_file()
    for record in (2, 5):
        data[record_start(record) + SHIMEI.offset] = 0xFF
    result = parse(tmp_path, data)
    assert result.code == 1
    assert "2 record(s) rejected" in result.out
    assert "parsed 4 data records" in result.out


def test_missing_file_is_one_line(tmp_path):
    result = run_cli("parse", tmp_path / "nope.dat", "--layout", "honnin_kakunin", "--out", tmp_path / "o.parquet")
    assert result.code == 2 and result.err.strip().endswith("nope.dat: file not found")


def test_empty_file(tmp_path):
    result = parse(tmp_path, b"")
    assert result.code == 2 and "empty" in result.err


def test_wrong_file_kind_is_refused(tmp_path):
    other = load_layout("sofusaki")
    buf = io.BytesIO()
    write_records(buf, other, frame(other, []), {"created_on": "20260401", "dantai_code": "042021"})
    path = tmp_path / "sofu.dat"
    path.write_bytes(buf.getvalue())
    result = run_cli("parse", path, "--layout", "honnin_kakunin", "--out", tmp_path / "o.parquet")
    assert result.code == 2
    assert "record 1" in result.err and "not a 本人確認情報ファイル" in result.err
