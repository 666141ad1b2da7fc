"""The disk fills up while the nightly job writes (ENOSPC from the file object, part way into a given file of the
run, whoever writes it: our codec, polars' Parquet or Arrow writer): one clear line, the prior state intact, no
partial output, and a rerun once there is room gives the same bytes as an undisturbed run."""

from __future__ import annotations

import errno
import os

import pytest

from juki import storage
from tests.conftest import DAYS, run_cli, run_days, sample_input

OUTPUTS = ("koshin_20260402.dat", "sofusaki_20260402.dat", "snapshot.parquet", "rejects.csv", "held.csv")


def visible(wd):
    return {str(p.relative_to(wd)): p.read_bytes() for p in sorted((wd / "runs").rglob("*"))
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(wd).parts)}


STAGES = [("source.arrow", "read and validate"), ("snapshot.parquet", "derive 本人確認情報"),
          ("sofusaki_20260402.dat", "write change notices")]


@pytest.mark.parametrize(("victim", "stage"), STAGES, ids=["reading", "diffing", "writing-outputs"])
def test_a_full_disk_stops_the_run_cleanly(tmp_path, monkeypatch, victim, stage):
    wd = tmp_path / "wd"
    run_days(wd, DAYS[:1])
    before = visible(wd)
    real_fdopen = os.fdopen

    class Filling:
        """The file object of the victim: its writes fail with ENOSPC once 1,000 bytes are in."""

        def __init__(self, raw):
            self.raw, self.written = raw, 0

        def write(self, data):
            self.written += len(data)
            if self.written > 1000:
                raise OSError(errno.ENOSPC, "No space left on device")
            return self.raw.write(data)

        def __getattr__(self, name):
            return getattr(self.raw, name)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return self.raw.__exit__(*exc)

    def fdopen(fd, *args, **kwargs):
        handle = real_fdopen(fd, *args, **kwargs)
        name = os.path.basename(os.readlink(f"/proc/self/fd/{fd}"))
        return Filling(handle) if name.startswith(f".{victim}.") else handle

    monkeypatch.setattr(storage.local.os, "fdopen", fdopen)
    result = run_cli("nightly", "--input", sample_input(DAYS[1]), "--date", "2026-04-02", "--workdir", wd)
    assert result.code == 2
    assert result.err.strip().splitlines()[-1].endswith("no space left on the device; nothing was written there")
    assert "Traceback" not in result.err
    started = [line for line in result.err.splitlines() if line.endswith("…") and "done" not in line]
    assert stage in started[-1]  # the disk filled up during this stage
    assert visible(wd) == before
    assert not [p for p in (wd / "runs/nightly").iterdir() if p.name.startswith(".")]  # temp files removed
    monkeypatch.undo()
    assert run_cli("nightly", "--input", sample_input(DAYS[1]), "--date", "2026-04-02", "--workdir", wd).code == 0
    clean = tmp_path / "clean"
    run_days(clean, DAYS[:2])
    day = "runs/nightly/20260402"
    for name in OUTPUTS:
        assert (wd / day / name).read_bytes() == (clean / day / name).read_bytes(), name
