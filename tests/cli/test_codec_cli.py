"""The `juki` codec commands end to end: layout list/show, parse, write, inspect."""

from __future__ import annotations

import io
import json

from juki.codec.writer import write_records
from juki.layout import load_layout
from tests.conftest import frame, run_cli

LAYOUT = load_layout("honnin_kakunin")


def sample_file(tmp_path):
    rows = [{"juminhyo_code": f"{i:011d}", "shimei": "佐藤\ue001花子", "shimei_gaiji_su": 1} for i in range(3)]
    buf = io.BytesIO()
    write_records(buf, LAYOUT, frame(LAYOUT, rows), {"created_on": "20260401", "dantai_code": "042021"})
    path = tmp_path / "in.dat"
    path.write_bytes(buf.getvalue())
    return path


def test_layout_list_names_every_layout_and_its_source():
    result = run_cli("layout", "list", "--json")
    rows = {r["name"]: r for r in json.loads(result.out)}
    assert rows["honnin_kakunin"]["title"] == "本人確認情報ファイル"
    assert rows["honnin_kakunin"]["source"] == "別添1 (2)"


def test_layout_show_json_is_the_resolved_layout():
    result = run_cli("layout", "show", "honnin_kakunin", "--json")
    assert result.code == 0
    shown = json.loads(result.out)
    assert (shown["encoding"], shown["record_length"], shown["terminator"]) == ("cp932", 833, "crlf")
    data = shown["records"]["data"]["fields"]
    first = data[1]
    assert (first["item"], first["name"], first["id"], first["offset"], first["width"], first["kind"], first["pad"]) \
        == (1, "住民票コード", "juminhyo_code", 1, 11, "digits", "space")
    assert [f["item"] for f in data if f["item"]] == list(range(1, 37))
    assert set(shown["records"]) == {"header", "data", "trailer"}


def test_layout_show_text_has_a_row_per_field():
    out = run_cli("layout", "show", "honnin_kakunin").out
    assert "住民票コード" in out and "juminhyo_code" in out and "[trailer]" in out


def test_parse_then_write_gives_the_same_bytes(tmp_path):
    src = sample_file(tmp_path)
    assert run_cli("parse", src, "--layout", "honnin_kakunin", "--out", tmp_path / "p.parquet").code == 0
    assert run_cli("write", tmp_path / "p.parquet", "--layout", "honnin_kakunin", "--out", tmp_path / "w.dat").code == 0
    assert (tmp_path / "w.dat").read_bytes() == src.read_bytes()


def test_inspect_shows_offsets_bytes_and_problems(tmp_path):
    src = sample_file(tmp_path)
    data = bytearray(src.read_bytes())
    stride = LAYOUT.record_length + 2
    shimei = LAYOUT.data.field("shimei")
    data[2 * stride + shimei.offset] = 0xFF
    src.write_bytes(bytes(data))
    result = run_cli("inspect", src, "--layout", "honnin_kakunin", "--record", "3")
    assert result.code == 1
    assert "record 3: data record" in result.out
    assert "juminhyo_code" in result.out and "00000000001" in result.out
    assert "!! field holds bytes that are not valid CP932" in result.out
    other = run_cli("inspect", src, "--layout", "honnin_kakunin", "--record", "2")
    assert "⟨E001⟩" in other.out  # 外字 shown by code point
    assert other.code == 1 and "!! a required value is missing [required]" in other.out  # the record's rules too
    assert run_cli("inspect", src, "--layout", "honnin_kakunin", "--record", "9").code == 2
