"""kill -9 of the nightly process at each stage: after that, the prior snapshot is intact, no partial output
is visible, and a rerun produces the same bytes as a run that was never disturbed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from juki.jobs.nightly import run_nightly
from tests.conftest import DAYS, run_days, sample_input

# The child runs the real job and stops dead (SIGKILL from the test) at the named point.
CHILD = textwrap.dedent("""
    import sys, time
    from juki.jobs import publish as jobs
    from juki.jobs import nightly
    from juki.jobs import workdir
    where, wd, day, source = sys.argv[1:5]

    def pause():
        print("reached", flush=True)
        time.sleep(120)

    def call(fn, *args):
        result = fn(*args)
        if getattr(fn, "__name__", "") == where:
            pause()
        return result

    if where == "mid_output":
        original = jobs.write_output
        def write_output(staging, name, *rest, **options):
            if name.startswith("sofusaki"):
                from juki import storage
                with storage.atomic_output(staging / name) as sink:
                    sink.write(b"1SOFU partial")
                    pause()
            return original(staging, name, *rest, **options)
        jobs.write_output = write_output
    if where == "mid_commit":
        def commit(self, staging, job, date):
            import os
            final = self.run_dir(job, date)
            os.rename(final, final.with_name(f".old-{date}-killed"))
            pause()
        workdir.Workdir.commit = commit
    nightly.run_nightly(source, day, wd, call=call)
""")

STAGES = ["read_input", "derive_and_diff", "write_outputs", "mid_output", "mid_commit"]


def files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted((root / "runs").rglob("*"))
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts)}


def kill_at(where: str, wd: Path, day: str) -> None:
    child = subprocess.Popen([sys.executable, "-c", CHILD, where, str(wd), day, sample_input(day)],
                             stdout=subprocess.PIPE, text=True, start_new_session=True)
    try:
        assert child.stdout.readline().strip() == "reached", f"the child never reached {where}"
        os.killpg(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL


@pytest.fixture(scope="module")
def undisturbed(tmp_path_factory) -> Path:
    wd = tmp_path_factory.mktemp("undisturbed") / "wd"
    run_days(wd, DAYS[:2])
    return wd


@pytest.mark.parametrize("where", STAGES)
def test_kill_9_loses_nothing_and_the_rerun_matches(tmp_path, undisturbed, where):
    wd = tmp_path / "wd"
    run_days(wd, DAYS[:1])
    if where == "mid_commit":  # a rerun of day 1 being published when the process dies
        run_nightly(sample_input(DAYS[1]), DAYS[1], wd)
    before = files(wd)
    kill_at(where, wd, DAYS[1])
    visible = files(wd)
    if where == "mid_commit":
        assert "runs/nightly/20260402/manifest.json" not in visible  # swapped out when the process died…
    else:
        assert visible == before  # nothing new is visible, nothing old changed
    assert all(k in visible for k in before if "20260401" in k)  # the prior run and snapshot are intact
    run_nightly(sample_input(DAYS[1]), DAYS[1], wd)  # …and the next run recovers, then reruns
    after = files(wd)
    expected = files(undisturbed)
    for name in expected:
        if name.endswith((".dat", ".parquet", ".csv")):
            assert after[name] == expected[name], name
    leftovers = [p.name for p in (wd / "runs/nightly").iterdir() if p.name.startswith(".")]
    assert leftovers == []
