"""The disk fills up while the nightly job writes (an injected ENOSPC, after a given number of bytes, at the one
place every file of a run is written through): one clear line, the prior state intact, no partial output, and a
rerun once there is room gives the same bytes as an undisturbed run."""

from __future__ import annotations

import errno

import pytest

from juki import storage
from tests.conftest import DAYS, run_cli, run_days, sample_input

OUTPUTS = ("koshin_20260402.dat", "sofusaki_20260402.dat", "snapshot.parquet", "rejects.csv", "held.csv")


def visible(wd):
    return {str(p.relative_to(wd)): p.read_bytes() for p in sorted((wd / "runs").rglob("*"))
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(wd).parts)}


STAGES = [(10_000, "read and validate"), (60_000, "derive 本人確認情報"), (120_000, "write change notices")]


@pytest.mark.parametrize(("room", "stage"), STAGES, ids=["reading", "diffing", "writing-outputs"])
def test_a_full_disk_stops_the_run_cleanly(tmp_path, monkeypatch, room, stage):
    wd = tmp_path / "wd"
    run_days(wd, DAYS[:1])
    before = visible(wd)
    written = {"bytes": 0}
    original = storage._HashingWriter.write

    def filling(self, data):
        written["bytes"] += len(data)
        if written["bytes"] > room:
            raise OSError(errno.ENOSPC, "No space left on device")
        return original(self, data)

    monkeypatch.setattr(storage._HashingWriter, "write", filling)
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
