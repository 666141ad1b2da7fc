"""Safe to run again: reruns are byte-identical, a second run is refused, a failed run leaves nothing."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from juki.errors import InputUnusable, UsageError
from juki.jobs import nightly
from tests.conftest import DAYS, copy_workdir, run_cli, run_days, sample_input

PUBLISHED = ("koshin_20260402.dat", "sofusaki_20260402.dat", "snapshot.parquet", "rejects.csv", "held.csv")


def published(run_dir: Path) -> dict[str, bytes]:
    return {name: (run_dir / name).read_bytes() for name in PUBLISHED if (run_dir / name).exists()}


def test_rerun_of_a_date_is_byte_identical_and_numbers_do_not_advance(tmp_path):
    wd = tmp_path / "wd"
    run_days(wd, DAYS[:2])
    run_dir = wd / "runs" / "nightly" / "20260402"
    before = published(run_dir)
    again = nightly.run_nightly(sample_input("20260402"), "20260402", wd)
    assert published(run_dir) == before and len(before) == 5
    assert (again.sequence.first, again.sequence.last) == (1, 15)
    third = nightly.run_nightly(sample_input("20260403"), "20260403", wd)
    assert third.sequence.first == 16


def test_same_inputs_give_the_same_bytes_in_another_workdir(tmp_path, sample_runs):
    workdir, _ = sample_runs
    other = tmp_path / "other"
    run_days(other)
    for day in DAYS:
        a, b = workdir / "runs" / "nightly" / day, other / "runs" / "nightly" / day
        for name in [p.name for p in a.iterdir() if p.suffix in (".dat", ".parquet", ".csv")]:
            assert (a / name).read_bytes() == (b / name).read_bytes(), (day, name)


def test_older_business_date_is_refused(tmp_path, sample_runs):
    wd = copy_workdir(sample_runs[0], tmp_path / "wd")
    with pytest.raises(UsageError, match="older than the last processed"):
        nightly.run_nightly(sample_input("20260402"), "20260402", wd)


def test_a_second_run_while_one_runs_is_refused(tmp_path):
    wd = tmp_path / "wd"
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time\nfrom juki.jobs.workdir import Workdir\n"
        "with Workdir(sys.argv[1]).lock('nightly'):\n    print('locked', flush=True)\n    time.sleep(30)\n"), str(wd)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        result = run_cli("nightly", "--input", sample_input(DAYS[0]), "--date", "2026-04-01", "--workdir", wd)
        assert result.code == 2
        assert "another nightly run is in progress" in result.err
    finally:
        holder.kill()
        holder.wait()
    time.sleep(0.1)
    assert run_cli("nightly", "--input", sample_input(DAYS[0]), "--date", "2026-04-01", "--workdir", wd).code == 0


@pytest.mark.parametrize("step", ["read_input", "derive_and_diff", "write_outputs", "commit"])
def test_a_failing_step_leaves_no_output_and_the_prior_state_intact(tmp_path, monkeypatch, step):
    wd = tmp_path / "wd"
    run_days(wd, DAYS[:1])
    prior = {p: p.read_bytes() for p in (wd / "runs").rglob("*") if p.is_file()}

    def broken(*args):
        raise OSError("disk full")

    steps = {s.__name__: s for s in nightly.STEPS}
    if step == "commit":
        monkeypatch.setattr(nightly, "commit", broken)
    else:
        monkeypatch.setattr(nightly, "STEPS", tuple(broken if n == step else s for n, s in steps.items()))
    with pytest.raises(OSError):
        nightly.run_nightly(sample_input("20260402"), "20260402", wd)
    after = {p: p.read_bytes() for p in (wd / "runs").rglob("*") if p.is_file()}
    assert after == prior  # nothing new, nothing changed, no staging left behind
    monkeypatch.undo()
    clean = tmp_path / "clean"
    run_days(clean, DAYS[:2])
    nightly.run_nightly(sample_input("20260402"), "20260402", wd)
    assert published(wd / "runs/nightly/20260402") == published(clean / "runs/nightly/20260402")


def test_a_corrupted_prior_snapshot_stops_the_run_naming_it(tmp_path, sample_runs):
    wd = copy_workdir(sample_runs[0], tmp_path / "wd")
    snapshot = wd / "runs/nightly/20260402/snapshot.parquet"
    snapshot.write_bytes(snapshot.read_bytes()[:-100] + b"\0" * 100)
    result = run_cli("nightly", "--input", sample_input("20260403"), "--date", "2026-04-03", "--workdir", wd)
    assert result.code == 2
    assert "snapshot.parquet" in result.err and "does not match its manifest" in result.err
    manifest = json.loads((wd / "runs/nightly/20260403/manifest.json").read_text())
    assert manifest["business_date"] == "20260403"  # the earlier, good run of that date is still there


def test_keys_are_checked_unique_and_present_before_a_diff(sample_runs):
    import polars as pl

    from juki.steps.derive import EXTRA, HELD
    from juki.steps.diff import diff

    workdir, _ = sample_runs
    prior = pl.read_parquet(workdir / "runs/nightly/20260402/snapshot.parquet")
    current = prior.with_columns(*(pl.lit(None, pl.String).alias(c) for c in EXTRA if c not in prior.columns),
                                 pl.int_range(2, pl.len() + 2).alias("record_no"), pl.lit(False).alias(HELD),
                                 pl.lit(False).alias("_dead"), pl.lit(False).alias("_expired"))
    assert diff(prior, current, "20260403", 9).changes.height == 0  # the same persons: nothing to send
    twice = pl.concat([prior, prior.head(1)])
    with pytest.raises(InputUnusable, match="prior snapshot must be present, 11 digits and unique"):
        diff(twice, current, "20260403", 9)
    blank = current.with_columns(pl.when(pl.int_range(pl.len()) == 0).then(None).otherwise("juminhyo_code")
                                 .alias("juminhyo_code"))
    with pytest.raises(InputUnusable, match="today's records"):
        diff(prior, blank, "20260403", 9)
    held = blank.with_columns((pl.int_range(pl.len()) == 0).alias(HELD))
    diff(prior, held, "20260403", 9)  # a held record is never paired, so its blank key stops nothing
