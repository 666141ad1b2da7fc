"""`juki parse` then `juki write` gives back the very bytes, for every layout: header and trailer included (the
change notices' trailer carries the first and last 更新順番号, which the Parquet file must keep). A property test
per layout, through the commands themselves."""

from __future__ import annotations

import io
import tempfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from juki.codec.writer import write_records
from juki.layout import available_layouts, load_layout
from tests.conftest import frame, run_cli
from tests.strategies import rows_for, value_for

FIXED = {"record_type", "file_kind", "layout_version", "record_count", "content_hash", "created_on"}
LAYOUTS = available_layouts()


def extras(record_type) -> st.SearchStrategy[dict]:
    """Values for the header's or trailer's own fields (those the writer does not fill in itself)."""
    return st.fixed_dictionaries({f.id: value_for(f) for f in record_type.value_fields if f.id not in FIXED})


def created_on() -> st.SearchStrategy[str]:
    return st.dates(date(1990, 1, 1), date(2099, 12, 31)).map(lambda d: d.strftime("%Y%m%d"))


def test_every_layout_is_covered():
    assert sorted(LAYOUTS) == ["honnin_kakunin", "juki_daicho", "koshin_tsuchi", "seigo_kakunin", "sofusaki"]


@pytest.mark.parametrize("name", LAYOUTS)
def test_write_of_parse_through_the_commands_gives_the_same_bytes(name):
    layout = load_layout(name)

    @settings(max_examples=12, deadline=None, suppress_health_check=[
        HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example])
    @given(rows_for(layout, min_size=0, max_size=3), extras(layout.header), created_on(), extras(layout.trailer))
    def check(rows, header, day, trailer):
        buf = io.BytesIO()
        write_records(buf, layout, frame(layout, rows), header | {"created_on": day}, trailer)
        original = buf.getvalue()
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            (tmp / "in.dat").write_bytes(original)
            parsed = run_cli("parse", tmp / "in.dat", "--layout", name, "--out", tmp / "p.parquet",
                             "--workdir", tmp / "wd")
            assert parsed.code == 0, parsed.err
            written = run_cli("write", tmp / "p.parquet", "--layout", name, "--out", tmp / "out.dat",
                              "--workdir", tmp / "wd")
            assert written.code == 0, written.err
            assert (tmp / "out.dat").read_bytes() == original

    check()


def test_a_change_notice_file_keeps_its_trailer_numbers(tmp_path):
    """The case the issue found: 最初の/最後の更新順番号 lost between parse and write."""
    layout = load_layout("koshin_tsuchi")
    buf = io.BytesIO()
    write_records(buf, layout, frame(layout, []), {"created_on": "20260402", "dantai_code": "042021"},
                  {"first_seq": 10, "last_seq": 18})
    (tmp_path / "k.dat").write_bytes(buf.getvalue())
    assert run_cli("parse", tmp_path / "k.dat", "--layout", "koshin_tsuchi", "--out", tmp_path / "k.parquet").code == 0
    assert run_cli("write", tmp_path / "k.parquet", "--layout", "koshin_tsuchi", "--out", tmp_path / "w.dat").code == 0
    assert (tmp_path / "w.dat").read_bytes() == buf.getvalue()
