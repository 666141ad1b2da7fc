"""Generated cities with real 団体コード (juki sample --cities), made once per session, and their nights run.

Tests that change files copy the folder first (``copy_of``)."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from juki.cli.main import main
from juki.registry import REGISTRY_NAME, Registry, load_registry
from juki.sample import SampleSpec
from juki.sample.cities import generate_cities, spread_codes

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
