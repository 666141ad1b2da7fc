"""The many-city reconciliation without Prefect (`juki cities reconcile`): returned copies, and the cross-city
check on planted numbers, with findings only in each city's own workdir."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import polars as pl
import pytest

from juki import storage
from juki.cli.main import main
from juki.codec.reader import read_records
from juki.codec.writer import write_records
from juki.jobs.consistency import run_consistency
from juki.layout import load_layout
from juki.sample.plant import plant_differences
from juki.steps.cross_city import MOVING, RESIDENT_TWICE
from tests.cities.conftest import Cities, copy_of

DAY = "20260402"
SEIGO = f"seigo_todofuken_{DAY}.dat"


def seigo(cities: Cities, code: str) -> Path:
    return Path(cities.registry.city(code).workdir) / "runs" / "consistency" / DAY / SEIGO


def rewrite(path: Path, change) -> None:
    layout = load_layout("seigo_kakunin")
    frame, result = read_records(path, layout)
    frame = change(frame.drop("record_no")).sort("juminhyo_code")
    with storage.atomic_output(path) as sink:
        write_records(sink, layout, frame, result.header)


def planted(cities_run: Cities, dst: Path) -> tuple[Cities, dict]:
    """Consistency files for every city; in city B, one record takes a current resident's 住民票コード of city
    A and another a removed person's 個人番号 of A; A's returned copy has plant.py's four differences; every
    other city's returned copy is its own file."""
    cities = copy_of(cities_run, dst)
    a, b = cities.registry.codes[:2]
    for c in cities.registry.cities:
        run_consistency(DAY, c.workdir)
    ours_a, _ = read_records(seigo(cities, a), load_layout("seigo_kakunin"))
    current = ours_a.filter(pl.col("record_jokyo_flag") == "0").row(0, named=True)
    removed = ours_a.filter((pl.col("record_jokyo_flag") == "1") & pl.col("kojin_bango").is_not_null()).row(
        0, named=True)
    ours_b, _ = read_records(seigo(cities, b), load_layout("seigo_kakunin"))
    b_current = ours_b.filter(pl.col("record_jokyo_flag") == "0")["juminhyo_code"].to_list()
    b1, b2 = b_current[0], b_current[1]

    def plant(frame):
        code = pl.col("juminhyo_code")
        return frame.with_columns(
            pl.when(code == b1).then(pl.lit(current["juminhyo_code"])).otherwise(code).alias("juminhyo_code"),
            pl.when(code == b2).then(pl.lit(removed["kojin_bango"])).otherwise("kojin_bango").alias("kojin_bango"))

    rewrite(seigo(cities, b), plant)
    for c in cities.registry.cities:
        theirs = Path(c.inbox) / SEIGO
        if c.dantai_code == a:
            plant_differences(seigo(cities, a), theirs)
        else:
            shutil.copy(seigo(cities, c.dantai_code), theirs)
    return cities, {"a": a, "b": b, "a_current": current["juminhyo_code"], "a_removed": removed["juminhyo_code"],
                    "b_moved_in": b2}


@pytest.fixture(scope="module")
def reconciled(cities_run, tmp_path_factory):
    cities, facts = planted(cities_run, tmp_path_factory.mktemp("reconcile") / "dc")
    code = main(["cities", "reconcile", "--registry", str(cities.registry_path), "--date", "2026-04-02",
                 "--theirs", "{inbox}/seigo_todofuken_{date}.dat", "--parts", "3"])
    return cities, facts, code


def out(cities: Cities, code: str) -> Path:
    return Path(cities.registry.city(code).workdir) / "runs" / "reconcile" / DAY


def csv(path: Path) -> pl.DataFrame:
    return pl.read_csv(path, infer_schema=False)


def test_the_exit_code_says_something_was_found(reconciled):
    assert reconciled[2] == 1


def test_cross_city_findings_name_own_records_and_the_other_city(reconciled):
    cities, f, _ = reconciled
    a, b = f["a"], f["b"]
    found_a = csv(out(cities, a) / "cross_city.csv")
    assert found_a.rows() == sorted([
        ("juminhyo_code", f["a_current"], "current", b, "current", RESIDENT_TWICE),
        ("kojin_bango", f["a_removed"], "removed", b, "current", MOVING),
    ])
    found_b = csv(out(cities, b) / "cross_city.csv")
    assert found_b.rows() == sorted([
        ("juminhyo_code", f["a_current"], "current", a, "current", RESIDENT_TWICE),
        ("kojin_bango", f["b_moved_in"], "current", a, "removed", MOVING),
    ])
    for c in cities.registry.codes[2:]:
        assert csv(out(cities, c) / "cross_city.csv").height == 0
        assert csv(out(cities, c) / "cross_city.csv").columns == list(found_a.columns)


def test_each_returned_copy_is_reconciled_in_its_own_city(reconciled):
    cities, f, _ = reconciled
    kinds = csv(out(cities, f["a"]) / "discrepancies.csv")["kind"].value_counts().sort("kind").rows()
    assert kinds == [("differs", 2), ("only_ours", 1), ("only_theirs", 1)]
    for c in cities.registry.codes[1:]:
        assert csv(out(cities, c) / "discrepancies.csv").height == 0


def test_only_counts_in_the_record_and_no_key_file_left(reconciled):
    cities, f, _ = reconciled
    for c in cities.registry.cities:
        folder = out(cities, c.dantai_code)
        assert sorted(p.name for p in folder.iterdir()) == ["cross_city.csv", "discrepancies.csv", "reconcile.json"]
        assert not list((folder.parent).glob(".staging-*"))
        assert all(p.stat().st_mode & 0o077 == 0 for p in folder.iterdir())
        record = json.loads((folder / "reconcile.json").read_text())
        assert record["dantai_code"] == c.dantai_code and record["records_ours"] > 0
    rec_a = json.loads((out(cities, f["a"]) / "reconcile.json").read_text())
    assert rec_a["discrepancies"] == {"only_ours": 1, "only_theirs": 1, "differs": 2}
    assert rec_a["cross_city"] == {RESIDENT_TWICE: 1, MOVING: 1, "removed_in_both": 0}


def test_a_city_that_cannot_be_read_fails_alone(cities_run, tmp_path, cli):
    cities = copy_of(cities_run, tmp_path / "dc")
    broken = cities.registry.codes[1]
    shutil.rmtree(Path(cities.registry.city(broken).workdir) / "runs" / "nightly" / DAY)
    done = cli("cities", "reconcile", "--registry", cities.registry_path, "--date", "2026-04-02")
    assert done.code == 2
    assert done.err == (f"{broken}: failed: {cities.registry.city(broken).workdir}: city {broken} has no "
                        f"consistency file nor nightly run for {DAY}\n")
    for c in cities.registry.codes:
        assert (out(cities, c) / "cross_city.csv").exists() == (c != broken)
    assert not list((out(cities, broken).parent).glob(".staging-*"))
