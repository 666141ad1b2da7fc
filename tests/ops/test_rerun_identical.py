"""Every file a run writes is byte-identical when the night is run again, and again after a kill -9 in the middle
of a rerun: outputs, snapshot, held.csv, rejects.csv, report.html and the manifest, every byte. (A rerun that made
the run again leaves the run's record and report as they were; the run log says when, by whom and why it was
made.)"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from juki.checks.policy import Policy
from juki.jobs.nightly import run_nightly
from juki.jobs.rerun import rerun
from tests.ops.planted import inbox, plant_bad_kojin_bango, plant_held

DAY0, DAY1 = "20260401", "20260402"


def run_folder(run_dir: Path) -> dict[str, bytes]:
    return {str(p.relative_to(run_dir)): p.read_bytes() for p in sorted(run_dir.rglob("*")) if p.is_file()}


@pytest.fixture
def busy_night(tmp_path):
    """Day 1 with many records held (処理停止 on every record that changed) and three rejected, within policy."""
    box = inbox(tmp_path)
    day1 = box / f"juki_daicho_{DAY1}.dat"
    assert plant_held(box / f"juki_daicho_{DAY0}.dat", day1) >= 8
    for record_no in (5, 40, 80):
        plant_bad_kojin_bango(day1, record_no)
    wd = tmp_path / "wd"
    run_nightly(str(box / f"juki_daicho_{DAY0}.dat"), DAY0, wd)
    run_nightly(str(day1), DAY1, wd, policy=Policy(max_rejects=10))
    run_dir = wd / "runs/nightly" / DAY1
    first = run_folder(run_dir)
    assert first["held.csv"].count(b"\n") > 10 and first["rejects.csv"].count(b"\n") > 3
    return wd, run_dir, first


def test_a_night_run_again_writes_every_file_byte_for_byte(busy_night):
    wd, run_dir, first = busy_night
    for i in range(3):
        assert rerun("nightly", DAY1, f"check {i}", wd).record.reproduced
        again = run_folder(run_dir)
        assert sorted(again) == sorted(first)
        assert [name for name in first if again[name] != first[name]] == []
    reruns = [json.loads(line) for line in (wd / "runlog.jsonl").read_text().splitlines()][-3:]
    assert [(r["command"], r["approval"]["reason"]) for r in reruns] == [("rerun nightly", f"check {i}")
                                                                         for i in range(3)]  # each on record
    assert not (wd / "runs/nightly/history").exists()  # nothing was superseded


CHILD = textwrap.dedent("""
    import sys, time
    from juki.jobs.rerun import rerun
    wd, day = sys.argv[1:3]

    def call(fn, *args):
        result = fn(*args)
        if getattr(fn, "__name__", "") == "write_outputs":
            print("reached", flush=True)
            time.sleep(120)
        return result

    rerun("nightly", day, "killed", wd, call=call)
""")


def test_a_rerun_killed_midway_then_run_again_writes_the_same_files(busy_night):
    wd, run_dir, first = busy_night
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(wd), DAY1], stdout=subprocess.PIPE, text=True,
                             start_new_session=True)
    try:
        assert child.stdout.readline().strip() == "reached"
        os.killpg(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=30)
    assert run_folder(run_dir) == first  # the kill left the committed run as it was
    rerun("nightly", DAY1, "after the kill", wd)
    again = run_folder(run_dir)
    assert [name for name in first if again.get(name) != first[name]] == []
    assert [p.name for p in run_dir.parent.iterdir() if p.name.startswith(".")] == []
