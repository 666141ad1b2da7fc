"""Layouts load into checked objects; a broken layout says exactly what is wrong, all at once."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from juki.errors import LayoutError
from juki.layout import available_layouts, layouts_dir, load_layout

SOURCES = {"juki_daicho": ("別添1 (1)", 131), "honnin_kakunin": ("別添1 (2)", 36), "sofusaki": ("別添1 (3)", 61)}


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_reference_layouts_carry_every_betten1_item(name):
    layout = load_layout(name)
    source, count = SOURCES[name]
    assert layout.source == source
    assert [f.item for f in layout.data.fields if f.item] == list(range(1, count + 1))
    for rt in layout.records.values():
        assert sum(f.width for f in rt.fields) == layout.record_length
        assert all(a.end == b.offset for a, b in zip(rt.fields, rt.fields[1:], strict=False))
    assert re.fullmatch(r"sha256:[0-9a-f]{64}", layout.content_hash)


def edited(tmp_path: Path, name: str, *replacements: tuple[str, str]) -> Path:
    text = (layouts_dir() / f"{name}.toml").read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(LayoutError) as e:
        load_layout(path)
    return e.value.problems


def test_width_change_is_reported_as_sum_and_offsets(tmp_path):
    path = edited(tmp_path, "honnin_kakunin", ('offset = 1, width = 11', 'offset = 1, width = 12'))
    found = problems(path)
    assert any("widths sum to 834 bytes, record_length is 833" in p for p in found)
    assert any("offset 12 is not contiguous (previous fields end at 13)" in p for p in found)


def test_duplicate_identifier(tmp_path):
    path = edited(tmp_path, "honnin_kakunin", ('id = "shimei_gaiji_su"', 'id = "shimei"'))
    assert any("identifier 'shimei' is used twice" in p for p in problems(path))


def test_missing_and_misnamed_items(tmp_path):
    path = edited(tmp_path, "honnin_kakunin", ('item = 7, ', ''), ('name = "郵便番号"', 'name = "郵便番号X"'))
    found = problems(path)
    assert any("別添1 item(s) missing: 7" in p for p in found)
    assert any("item 10 is named '郵便番号' in 別添1" in p for p in found)


def test_zero_fill_on_a_string_is_refused(tmp_path):
    path = edited(tmp_path, "honnin_kakunin", ('kind = "digits"', 'kind = "digits", pad = "zero"'))
    assert any("zero-fill is only for kind number" in p for p in problems(path))


def test_unknown_layout_name_lists_the_known_ones():
    with pytest.raises(LayoutError) as e:
        load_layout("honin")
    assert "honnin_kakunin" in str(e.value)


def test_content_hash_follows_bytes_not_notes(tmp_path):
    base = load_layout("honnin_kakunin").content_hash
    note = edited(tmp_path, "honnin_kakunin", ('note = "1 = 男, 2 = 女', 'note = "男女'))
    assert load_layout(note).content_hash == base
    (tmp_path / "t").mkdir()
    term = edited(tmp_path / "t", "honnin_kakunin", ('terminator = "crlf"', 'terminator = "lf"'))
    assert load_layout(term).content_hash != base


def test_every_shipped_layout_loads():
    assert {"juki_daicho", "honnin_kakunin", "sofusaki"} <= set(available_layouts())
    for name in available_layouts():
        load_layout(name)
