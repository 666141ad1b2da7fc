"""The bundled sample run through the nightly job once per session; tests that change things copy it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from juki.nightly import run_nightly

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data"
DAYS = ["20260401", "20260402", "20260403"]


def sample_input(day: str) -> str:
    return str(SAMPLE / f"juki_daicho_{day}.dat")


def run_days(workdir: Path, days=DAYS) -> list[dict]:
    return [run_nightly(sample_input(d), d, workdir) for d in days]


@pytest.fixture(scope="session")
def sample_runs(tmp_path_factory) -> tuple[Path, list[dict]]:
    workdir = tmp_path_factory.mktemp("nightly") / "wd"
    return workdir, run_days(workdir)


@pytest.fixture
def fresh_workdir(tmp_path) -> Path:
    return tmp_path / "wd"


def copy_workdir(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst
