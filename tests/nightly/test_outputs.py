"""`juki nightly` on the bundled sample: notices and 送付先情報 that parse back with their layouts."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from juki.codec.reader import read_records
from juki.layout import load_layout
from juki.layout.codes import table
from tests.conftest import DAYS, run_cli, sample_changes, sample_input


def outputs(manifest: dict, role: str) -> Path:
    return Path(manifest.dir) / manifest.outputs[role].file


def test_baseline_makes_a_snapshot_and_sends_nothing(sample_runs):
    _, (first, *_) = sample_runs
    assert first.baseline is True and first.notices == 0 and first.sofusaki_records == 0
    notices, result = read_records(outputs(first, "koshin_tsuchi"), load_layout("koshin_tsuchi"))
    assert notices.height == 0 and result.trailer["record_count"] == 0
    assert first.snapshot_records == first.read.records - first.held


def test_change_notices_parse_back_in_order_and_number_on(sample_runs):
    _, runs = sample_runs
    expected_first = 1
    for manifest in runs[1:]:
        notices, result = read_records(outputs(manifest, "koshin_tsuchi"), load_layout("koshin_tsuchi"))
        assert len(result.rejects) == 0 and notices.height == manifest.notices > 0
        seq = notices["koshin_jun_bango"].to_list()
        assert seq == list(range(expected_first, expected_first + len(seq)))
        assert notices["ido_ymd"].to_list() == sorted(notices["ido_ymd"].to_list())
        assert (result.trailer["first_seq"], result.trailer["last_seq"]) == (seq[0], seq[-1])
        expected_first = seq[-1] + 1


def test_every_event_kind_of_the_sample_becomes_a_notice_with_its_reason(sample_runs):
    _, runs = sample_runs
    ido = table("ido_jiyu")
    notices, _ = read_records(outputs(runs[1], "koshin_tsuchi"), load_layout("koshin_tsuchi"))
    reasons = set(notices["ido_jiyu"].to_list())
    kinds = ("出生", "死亡", "転入", "国外からの転入", "転出", "転居", "氏名変更",
             "個人番号の変更", "住民票コードの変更")
    for name in kinds:
        assert ido.code_of(name) in reasons, name
    code_change = notices.filter(pl.col("ido_jiyu") == ido.code_of("住民票コードの変更"))
    assert code_change["kyu_juminhyo_code"].is_not_null().all()
    assert (code_change["kyu_juminhyo_code"] != code_change["juminhyo_code"]).all()


def test_sofusaki_holds_the_newly_numbered_and_parses_back(sample_runs):
    _, runs = sample_runs
    ido = table("ido_jiyu")
    for manifest in runs[1:]:
        sofu, result = read_records(outputs(manifest, "sofusaki"), load_layout("sofusaki"))
        notices, _ = read_records(outputs(manifest, "koshin_tsuchi"), load_layout("koshin_tsuchi"))
        newly = notices.filter(pl.col("ido_jiyu").is_in([ido.code_of(n) for n in
                                                         ("出生", "国外からの転入", "個人番号の変更")]))
        assert len(result.rejects) == 0
        assert sorted(sofu["juminhyo_code"].to_list()) == sorted(newly["juminhyo_code"].to_list())
        assert (sofu["shichoson_code"] == "042021").all()


def test_sofusaki_lengths_are_bytes_and_gaiji_are_replaced(tmp_path, sample_runs):
    _, runs = sample_runs
    for manifest in runs[1:]:
        sofu, _ = read_records(outputs(manifest, "sofusaki"), load_layout("sofusaki"))
        for row in sofu.iter_rows(named=True):
            assert row["shimei_len"] == len(row["shimei"].encode("cp932"))
            assert row["jusho_len"] == len(row["jusho"].encode("cp932"))
            for item in ("daitai_shimei", "daitai_jusho"):
                assert not any(0xE000 <= ord(c) <= 0xE757 for c in row[item] or "")


def test_cli_runs_the_sample_and_prints_a_summary(tmp_path):
    wd = tmp_path / "wd"
    first = run_cli("nightly", "--input", sample_input(DAYS[0]), "--date", "2026-04-01", "--workdir", wd)
    second = run_cli("nightly", "--input", sample_input(DAYS[1]), "--date", "2026-04-02", "--workdir", wd)
    assert first.code == 0 and "baseline" in first.out
    assert second.code == 0 and f"change notices {sample_changes(DAYS[1])}" in second.out
    assert "read and validate" in second.err  # progress, stage by stage


def test_outputs_and_snapshots_are_owner_only(sample_runs):
    workdir, _ = sample_runs
    files = [p for p in workdir.rglob("*") if p.is_file() and "locks" not in p.parts]
    assert files
    for path in files:
        assert path.stat().st_mode & 0o077 == 0, path
