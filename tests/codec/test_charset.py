"""CP932 policy: 外字 survive; IBM extension kanji are written as Python does unless the layout prefers IBM codes."""

from __future__ import annotations

import dataclasses
import io

from juki.codec.charset import ibm_codes
from juki.codec.reader import scan_records
from juki.codec.writer import write_records
from juki.layout import load_layout
from tests.conftest import frame

HEADER = {"created_on": "20260401", "dantai_code": "042021"}


def written(layout, name: str) -> bytes:
    buf = io.BytesIO()
    write_records(buf, layout, frame(layout, [{"shimei": name}]), HEADER)
    return buf.getvalue()


def test_both_codes_of_taka_read_as_the_same_character():
    assert b"\xfb\xfc".decode("cp932") == b"\xee\xe0".decode("cp932") == "髙"


def test_default_policy_writes_the_nec_selected_code():
    data = written(load_layout("honnin_kakunin"), "髙橋")
    assert b"\xee\xe0" in data and b"\xfb\xfc" not in data


def test_ibm_policy_writes_ibm_extension_codes_and_round_trips():
    layout = dataclasses.replace(load_layout("honnin_kakunin"), ibm_extensions=True)
    data = written(layout, "髙橋﨑")
    assert b"\xfb\xfc" in data and b"\xee\xe0" not in data
    back = next(scan_records(io.BytesIO(data), layout, "t"))
    assert back["shimei"][0] == "髙橋﨑"
    buf = io.BytesIO()
    write_records(buf, layout, back.drop("record_no"), HEADER)
    assert buf.getvalue() == data


def test_ibm_table_covers_the_ibm_kanji_that_python_rewrites():
    table = ibm_codes()
    assert table["髙"] == b"\xfb\xfc"
    assert all(0xFA <= code[0] <= 0xFC for code in table.values())
    assert all(ch.encode("cp932")[0] in (0xED, 0xEE) for ch in table)
    assert len(table) > 300


def test_gaiji_area_maps_to_private_use():
    assert b"\xf0\x40".decode("cp932") == "\ue000"
    assert b"\xf9\xfc".decode("cp932") == "\ue757"
    assert "\ue123".encode("cp932").decode("cp932") == "\ue123"
