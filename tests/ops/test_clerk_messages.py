"""Questions a clerk would ask: counts that agree with each other, a record's rules shown where the record is
inspected, messages in the city's words beside the rule identifiers, and an empty file called empty."""

from __future__ import annotations

import re

import pytest

from juki.checks.catalogue import RULES
from juki.layout import load_layout
from tests.conftest import DAYS, run_cli
from tests.ops.planted import LAYOUT, STRIDE, inbox, plant_bad_kojin_bango

DAY = DAYS[0]


def plant(path, record_no: int, field: str, value: bytes) -> None:
    data = bytearray(path.read_bytes())
    f = LAYOUT.data.field(field)
    start = (record_no - 1) * STRIDE + f.offset
    data[start : start + len(value)] = value
    path.write_bytes(bytes(data))


@pytest.fixture
def flawed(tmp_path):
    """Two records with an error (個人番号 check digit), a third with a warning only (住民票コード check digit)."""
    box = inbox(tmp_path, [DAY])
    source = box / f"juki_daicho_{DAY}.dat"
    plant_bad_kojin_bango(source, 5)
    plant_bad_kojin_bango(source, 9)
    code = LAYOUT.data.field("juminhyo_code")
    data = source.read_bytes()
    start = 11 * STRIDE + code.offset
    old = data[start : start + 11].decode()
    plant(source, 12, "juminhyo_code", (old[:10] + str((int(old[10]) + 1) % 10)).encode())
    return source


def test_validate_counts_agree_from_the_first_line_to_the_last(flawed, tmp_path):
    result = run_cli("validate", flawed, "--layout", "juki_daicho", "--workdir", tmp_path / "wd")
    assert result.code == 1
    first = re.search(r"(\d+) rejected, (\d+) (?:with )?warning", result.out)
    last = re.search(r"(\d+) record\(s\) rejected", result.out)
    assert first and last, result.out
    assert first.group(1) == last.group(1) == "2", result.out
    assert first.group(2) == "1"


def test_inspect_runs_the_records_rules(tmp_path):
    box = inbox(tmp_path, [DAY])
    source = box / f"juki_daicho_{DAY}.dat"
    plant(source, 7, "seinengappi", b"19991399")
    result = run_cli("inspect", source, "--layout", "juki_daicho", "--record", "7", "--workdir", tmp_path / "wd")
    assert result.code == 1
    marks = [line for line in result.out.splitlines() if "!!" in line]
    assert any("birth_date.not_real" in m and "生年月日" in m for m in marks), result.out
    clean = run_cli("inspect", source, "--layout", "juki_daicho", "--record", "8", "--workdir", tmp_path / "wd")
    assert clean.code == 0 and "!!" not in clean.out, clean.out


def test_messages_use_the_citys_words_not_ours(tmp_path, sample_runs):
    refused = run_cli("extract", "--out", tmp_path / "x.parquet", "--workdir", sample_runs[0])
    assert refused.code == 2 and "seed" not in refused.err and "管理責任者" in refused.err
    for rule_id, rule in RULES.items():
        for text in (rule.message, rule.explanation):
            assert not re.search(r"\bseed\b|DESIGN\.md", text), (rule_id, text)


def test_every_rule_id_in_a_summary_stands_beside_words(flawed, tmp_path):
    result = run_cli("validate", flawed, "--layout", "juki_daicho", "--workdir", tmp_path / "wd")
    table = [line for line in result.out.splitlines() if line.startswith("  ") and "check_digit" in line]
    assert table, result.out
    for line in table:
        rule_id = line.split()[0]
        assert RULES[rule_id].message in line, line


def test_a_file_with_only_a_header_and_a_trailer_says_no_data_records(tmp_path):
    box = inbox(tmp_path, [DAY])
    layout = load_layout("juki_daicho")
    data = (box / f"juki_daicho_{DAY}.dat").read_bytes()
    trailer = bytearray(data[-STRIDE:])
    trailer[1:10] = b"000000000"
    empty = box / "empty.dat"
    empty.write_bytes(data[:STRIDE] + bytes(trailer))
    assert layout.record_length + 2 == STRIDE
    result = run_cli("nightly", "--input", empty, "--date", "2026-04-01", "--workdir", tmp_path / "wd")
    assert result.code == 2 and "no data records" in result.err and "columns and types" not in result.err
    checked = run_cli("validate", empty, "--layout", "juki_daicho", "--workdir", tmp_path / "wd")
    assert "no data records" in checked.out
