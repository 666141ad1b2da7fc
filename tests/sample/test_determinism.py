"""The sample is a pure function of its arguments: benchmarks and golden tests depend on identical bytes."""

from __future__ import annotations

from dataclasses import replace

from juki.sample import generate
from tests.sample.conftest import SPEC


def _files(path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(path.iterdir())}


def test_same_seed_gives_byte_identical_files(city, tmp_path):
    generate(tmp_path, SPEC)
    assert _files(tmp_path) == _files(city.path)


def test_different_seed_gives_different_registers(city, tmp_path):
    generate(tmp_path, replace(SPEC, seed=2, days=1))
    name = city.days[0].file
    assert (tmp_path / name).read_bytes() != (city.path / name).read_bytes()


def test_day0_does_not_depend_on_the_number_of_days(city, tmp_path):
    generate(tmp_path, replace(SPEC, days=1))
    name = city.days[0].file
    assert (tmp_path / name).read_bytes() == (city.path / name).read_bytes()
    assert sorted(p.name for p in tmp_path.glob("*.dat")) == [name]
