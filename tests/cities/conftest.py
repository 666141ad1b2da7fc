"""Generated cities with real 団体コード (juki sample --cities), made once per session, and their nights run.

Tests that change files copy the folder first (``copy_of``)."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from juki import storage
from juki.cli.main import main
from juki.codec.reader import read_records
from juki.codec.writer import write_records
from juki.jobs.consistency import run_consistency
from juki.layout import load_layout
from juki.registry import REGISTRY_NAME, Registry, load_registry
from juki.sample import SampleSpec
from juki.sample.cities import generate_cities, spread_codes
from juki.sample.plant import plant_differences

SPEC = SampleSpec(residents=150, days=2, seed=7, start=date(2026, 4, 1))
DAYS = ("2026-04-01", "2026-04-02")
N = 4


@dataclass
class Cities:
    root: Path
    registry: Registry

    @property
    def registry_path(self) -> Path:
        return self.root / REGISTRY_NAME


def copy_of(cities: Cities, dst: Path) -> Cities:
    """The generated cities (with any runs) under ``dst``: the registry's relative paths follow."""
    shutil.copytree(cities.root, dst)
    return Cities(dst, load_registry(dst / REGISTRY_NAME))


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


def plant(cities_run: Cities, dst: Path) -> tuple[Cities, dict]:
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

    def change(frame):
        code = pl.col("juminhyo_code")
        return frame.with_columns(
            pl.when(code == b1).then(pl.lit(current["juminhyo_code"])).otherwise(code).alias("juminhyo_code"),
            pl.when(code == b2).then(pl.lit(removed["kojin_bango"])).otherwise("kojin_bango").alias("kojin_bango"))

    rewrite(seigo(cities, b), change)
    for c in cities.registry.cities:
        theirs = Path(c.inbox) / SEIGO
        if c.dantai_code == a:
            plant_differences(seigo(cities, a), theirs)
        else:
            shutil.copy(seigo(cities, c.dantai_code), theirs)
    return cities, {"a": a, "b": b, "a_current": current["juminhyo_code"], "a_removed": removed["juminhyo_code"],
                    "b_moved_in": b2}


def out(cities: Cities, code: str) -> Path:
    return Path(cities.registry.city(code).workdir) / "runs" / "reconcile" / DAY


@pytest.fixture(scope="session")
def cities(tmp_path_factory) -> Cities:
    root = tmp_path_factory.mktemp("cities") / "dc"
    registry, _ = generate_cities(root, SPEC, spread_codes(N))
    return Cities(root, registry)


@pytest.fixture(scope="session")
def cities_run(cities, tmp_path_factory) -> Cities:
    """The same cities after `juki cities nightly` for both days."""
    done = copy_of(cities, tmp_path_factory.mktemp("cities-run") / "dc")
    for day in DAYS:
        assert main(["cities", "nightly", "--registry", str(done.registry_path), "--date", day]) == 0
    return done


@pytest.fixture(scope="session")
def planted(cities_run, tmp_path_factory) -> tuple[Cities, dict]:
    """Consistency files with planted cross-city numbers and returned copies (see ``plant``): copy before use."""
    return plant(cities_run, tmp_path_factory.mktemp("planted") / "dc")
