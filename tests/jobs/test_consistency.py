"""The annual consistency files and their reconciliation, on the bundled sample."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest

from juki.codec.reader import read_records
from juki.jobs.consistency import run_consistency
from juki.layout import load_layout
from juki.layout.codes import table
from juki.sample.plant import NEW_ADDRESS, NEW_NUMBER, plant_differences
from tests.conftest import copy_workdir, run_cli, sample_input


@pytest.fixture(scope="module")
def consistency_run(sample_runs, tmp_path_factory):
    wd = copy_workdir(sample_runs[0], tmp_path_factory.mktemp("consistency") / "wd")
    return wd, run_consistency("20260403", wd)


def expected_population(day: str) -> list[str]:
    """Computed from the raw 住民基本台帳 file, without juki's derive: residents and 消除者, not the dead,
    and not the person held for manual review since before the first run (never in the snapshot)."""
    raw, _ = read_records(sample_input(day), load_layout("juki_daicho"))
    death = table("ido_jiyu").code_of("死亡")
    dead = (pl.col("shojo_flag") == "1") & (pl.col("ido_jiyu") == death)
    keep = raw.filter(~dead & (pl.col("shori_teishi") != "1"))
    return sorted(keep["juminhyo_code"].to_list())


def test_both_files_parse_back_and_hold_exactly_the_population(consistency_run):
    wd, manifest = consistency_run
    layout = load_layout("seigo_kakunin")
    for role, kubun in (("todofuken", "1"), ("jlis", "2")):
        path = Path(manifest.dir) / manifest.outputs[role].file
        records, result = read_records(path, layout)  # checks the trailer's count and content hash
        assert result.header["atesaki_kubun"] == kubun
        codes = records["juminhyo_code"].to_list()
        assert codes == sorted(codes) == expected_population("20260403")


def test_same_snapshot_same_bytes(consistency_run, tmp_path):
    wd, manifest = consistency_run
    again = run_consistency("20260403", copy_workdir(wd, tmp_path / "again"))
    for role in ("todofuken", "jlis"):
        assert again.outputs[role].sha256 == manifest.outputs[role].sha256


def test_reconciliation_finds_exactly_the_planted_differences(consistency_run, tmp_path):
    wd, manifest = consistency_run
    ours = Path(manifest.dir) / manifest.outputs["todofuken"].file
    theirs = tmp_path / "returned.dat"
    planted = plant_differences(ours, theirs)
    result = run_cli("reconcile", "--ours", ours, "--theirs", theirs, "--out", tmp_path / "rec")
    assert result.code == 1
    found = pl.read_csv(tmp_path / "rec" / "discrepancies.csv", schema_overrides={"juminhyo_code": pl.String})
    rows = {(r["juminhyo_code"], r["kind"], r["fields"] or "") for r in found.iter_rows(named=True)}
    assert rows == {(planted["only_ours"], "only_ours", ""), (planted["only_theirs"], "only_theirs", ""),
                    *((k, "differs", f) for k, f in planted["differs"].items())}
    html = (tmp_path / "rec" / "reconcile.html").read_text()
    assert NEW_ADDRESS not in html and NEW_NUMBER not in html
    assert "jusho" in html and "kojin_bango" in html


def test_snapshot_against_our_own_file_agrees(consistency_run, tmp_path):
    wd, manifest = consistency_run
    ours = wd / "runs/nightly/20260403/snapshot.parquet"
    theirs = Path(manifest.dir) / manifest.outputs["jlis"].file
    result = run_cli("reconcile", "--ours", ours, "--theirs", theirs, "--out", tmp_path / "rec")
    assert result.code == 0 and "only_ours 0, only_theirs 0, differs 0" in result.out


def test_a_damaged_returned_file_is_unusable(consistency_run, tmp_path):
    _, manifest = consistency_run
    source = Path(manifest.dir) / manifest.outputs["jlis"].file
    damaged = tmp_path / "damaged.dat"
    shutil.copy(source, damaged)
    data = bytearray(damaged.read_bytes())
    data[load_layout("seigo_kakunin").record_length + 2 + 5] ^= 1  # a digit of the first 住民票コード
    damaged.write_bytes(bytes(data))
    result = run_cli("reconcile", "--ours", source, "--theirs", damaged, "--out", tmp_path / "rec")
    assert result.code == 2 and "content hash does not match" in result.err
