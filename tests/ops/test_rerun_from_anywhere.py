"""A run records where its input and configuration are, resolved: a rerun works from any working directory, even
when the night was run with relative paths; an input that is gone is said to be gone, not "changed"."""

from __future__ import annotations

import json
import shutil

import pytest

from tests.conftest import run_cli
from tests.ops.planted import inbox


def outputs(run_dir) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in run_dir.iterdir() if p.suffix in (".dat", ".parquet", ".csv", ".html")}


@pytest.fixture
def relative_night(tmp_path, monkeypatch):
    """Two nights run from the inbox's parent folder, with a relative --input, --config and --workdir."""
    box = inbox(tmp_path)
    monkeypatch.chdir(tmp_path)
    for day in ("2026-04-01", "2026-04-02"):
        name = f"inbox/juki_daicho_{day.replace('-', '')}.dat"
        result = run_cli("nightly", "--input", name, "--date", day, "--config", "inbox/city.toml", "--workdir", "wd")
        assert result.code == 0, result.err
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    return box, tmp_path / "wd"


def test_the_record_holds_resolved_locations(relative_night):
    box, wd = relative_night
    record = json.loads((wd / "runs/nightly/20260402/manifest.json").read_text())
    assert record["run"]["input"] == str(box / "juki_daicho_20260402.dat")
    assert record["read"]["input"] == str(box / "juki_daicho_20260402.dat")
    assert record["run"]["config"] == str(box / "city.toml")


@pytest.mark.parametrize("force", [[], ["--force"]], ids=["plain", "forced"])
def test_a_rerun_from_another_folder_is_the_same_run(relative_night, force):
    _, wd = relative_night
    run_dir = wd / "runs/nightly/20260402"
    before = outputs(run_dir)
    result = run_cli("rerun", "--job", "nightly", "--date", "2026-04-02", "--reason", "from elsewhere", *force,
                     "--workdir", wd)
    assert result.code == 0, result.err
    assert "changed since" not in result.out + result.err and "forced although" not in result.out
    assert outputs(run_dir) == before


def test_a_rerun_whose_input_is_gone_says_it_is_gone(relative_night, tmp_path):
    box, wd = relative_night
    shutil.move(box / "juki_daicho_20260402.dat", tmp_path / "moved.dat")
    result = run_cli("rerun", "--job", "nightly", "--date", "2026-04-02", "--reason", "x", "--force",
                     "--workdir", wd)
    assert result.code == 2
    line = [x for x in result.err.splitlines() if x.startswith("juki:")]
    assert len(line) == 1 and "juki_daicho_20260402.dat" in line[0] and "no longer there" in line[0], result.err
