"""The many-city reconciliation without Prefect (`juki cities reconcile`): returned copies, and the cross-city
check on planted numbers, with findings only in each city's own workdir."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import polars as pl
import pytest

from juki.cli.main import main
from juki.steps.cross_city import MOVING, RESIDENT_TWICE
from tests.cities.conftest import DAY, copy_of, out


def csv(path: Path) -> pl.DataFrame:
    return pl.read_csv(path, infer_schema=False)


@pytest.fixture(scope="module")
def reconciled(planted, tmp_path_factory):
    cities, facts = copy_of(planted[0], tmp_path_factory.mktemp("reconcile") / "dc"), planted[1]
    code = main(["cities", "reconcile", "--registry", str(cities.registry_path), "--date", "2026-04-02",
                 "--theirs", "{inbox}/seigo_todofuken_{date}.dat", "--parts", "3"])
    return cities, facts, code


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
