"""Fixtures shared by the test suite: frames shaped like a layout, the CLI run in-process, and the bundled sample
run through the nightly job once per session (tests that change things copy it)."""

from __future__ import annotations

import io
import os
import shutil
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pytest

from juki.cli.main import main

# Progress lines depend on how fast the machine is: none in the tests but those that ask for them (they set it).
os.environ["JUKI_PROGRESS_SECONDS"] = "3600"
from juki.jobs.nightly import run_nightly
from juki.jobs.record import NightlyRecord
from juki.layout import Layout


def frame(layout: Layout, rows: list[dict]) -> pl.DataFrame:
    """A DataFrame with every data field of ``layout`` (null where a row does not say)."""
    schema = {f.id: pl.Int64 if f.integer else pl.String for f in layout.data.value_fields}
    return pl.DataFrame([{k: r.get(k) for k in schema} for r in rows], schema=schema, orient="row")


@dataclass
class CliResult:
    code: int
    out: str
    err: str


def run_cli(*args: str) -> CliResult:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            code = main([str(a) for a in args])
        except SystemExit as e:  # argparse: a usage error (2), or --help (0), as the `juki` command exits
            code = e.code if isinstance(e.code, int) else 2
    return CliResult(code, out.getvalue(), err.getvalue())


@pytest.fixture
def cli():
    return run_cli


@pytest.fixture(autouse=True)
def private_workdir(tmp_path, monkeypatch):
    """Commands run without --workdir write their run log here, never into the developer's ./.juki."""
    monkeypatch.setenv("JUKI_WORKDIR", str(tmp_path / "default-workdir"))

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"
DAYS = ["20260401", "20260402", "20260403"]


def sample_changes(day: str) -> int:
    """How many changes the generator made on ``day`` (sample.json, written by ``juki sample``): one 更新通知 each."""
    import json
    registers = json.loads((SAMPLE / "sample.json").read_text(encoding="utf-8"))["registers"]
    return sum(next(r for r in registers if r["file"] == f"juki_daicho_{day}.dat")["events"].values())


def sample_input(day: str) -> str:
    return str(SAMPLE / f"juki_daicho_{day}.dat")


def run_days(workdir: Path, days=DAYS) -> list[NightlyRecord]:
    return [run_nightly(sample_input(d), d, workdir) for d in days]


@pytest.fixture(scope="session")
def sample_runs(tmp_path_factory) -> tuple[Path, list[NightlyRecord]]:
    workdir = tmp_path_factory.mktemp("nightly") / "wd"
    return workdir, run_days(workdir)


@pytest.fixture
def fresh_workdir(tmp_path) -> Path:
    return tmp_path / "wd"


def copy_workdir(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst
