"""The workdir and the inputs as an attack surface: a FIFO is refused before the lock is taken, a link planted in
the workdir is never followed, a workdir others may write to is refused, and what juki creates is owner-only."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DAYS, copy_workdir, run_cli, run_days, sample_input
from tests.ops.planted import inbox, plant_bad_kojin_bango


@pytest.fixture(scope="module")
def two_nights(tmp_path_factory):
    wd = tmp_path_factory.mktemp("safety") / "wd"
    run_days(wd, DAYS[:2])
    return wd


@pytest.fixture
def wd(two_nights, tmp_path):
    return copy_workdir(two_nights, tmp_path / "wd")


def juki(*args, timeout=120) -> subprocess.CompletedProcess:
    """The real command in a process of its own: a hang shows as a timeout, not as a test that never ends."""
    exe = Path(sys.executable).with_name("juki")
    return subprocess.run([str(exe), *map(str, args)], capture_output=True, text=True, timeout=timeout)


def refusal(result) -> str:
    err = result.err if hasattr(result, "err") else result.stderr
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.startswith("juki:")]
    assert len(lines) == 1, err
    return lines[0]


def test_a_fifo_input_is_refused_before_the_lock_is_taken(tmp_path):
    box = inbox(tmp_path, [])  # the city's configuration beside it, as for a real input
    fifo = box / "juki_daicho_20260401.dat"
    os.mkfifo(fifo)
    wd = tmp_path / "wd"
    result = juki("nightly", "--input", fifo, "--date", "2026-04-01", "--workdir", wd, timeout=60)
    assert result.returncode == 2
    assert "not a regular file" in refusal(result)
    assert not (wd / "locks").exists() and not (wd / "runs").exists()  # no lock taken, no staging folder left


@pytest.mark.parametrize("command", [["parse", "--layout", "juki_daicho", "--out", "x.parquet"],
                                     ["validate", "--layout", "juki_daicho"],
                                     ["inspect", "--layout", "juki_daicho", "--record", "2"]],
                         ids=lambda c: c[0])
def test_a_fifo_is_refused_by_every_reader(tmp_path, command):
    fifo = tmp_path / "in.dat"
    os.mkfifo(fifo)
    result = juki(command[0], fifo, *command[1:], "--workdir", tmp_path / "wd", timeout=60)
    assert result.returncode == 2 and "not a regular file" in refusal(result)


def plant_link(wd: Path, inside: str, victim: Path) -> None:
    link = wd / inside
    if link.is_dir() and not link.is_symlink():
        for p in sorted(link.rglob("*"), reverse=True):
            p.rmdir() if p.is_dir() else p.unlink()
        link.rmdir()
    else:
        link.unlink(missing_ok=True)
    link.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    link.symlink_to(victim)


def snapshot_of(victim: Path) -> dict:
    if victim.is_dir():
        return {str(p.relative_to(victim)): p.read_bytes() for p in victim.rglob("*") if p.is_file()}
    return {"": victim.read_bytes()}


LINKS = {
    "locks/nightly.lock": "file",
    "runlog.jsonl": "file",
    "failed/nightly-20260403": "dir",
    "runs/nightly/history": "dir",
    "runs/nightly": "dir",
    "locks": "dir",
}


@pytest.mark.parametrize("inside", list(LINKS))
def test_a_link_planted_in_the_workdir_is_never_followed(wd, tmp_path, inside):
    victim = tmp_path / "victim"
    if LINKS[inside] == "dir":
        victim.mkdir()
        (victim / "precious.txt").write_text("do not touch")
    else:
        victim.write_text("do not touch\n")
    plant_link(wd, inside, victim)
    before = snapshot_of(victim)
    box = inbox(tmp_path, DAYS)
    if inside.startswith("failed/"):  # the run must fail to write there
        plant_bad_kojin_bango(box / "juki_daicho_20260403.dat", 5)
    if inside.endswith("history"):  # a rerun keeps the superseded manifest there
        result = run_cli("rerun", "--job", "nightly", "--date", "2026-04-02", "--reason", "x", "--workdir", wd)
    else:
        result = run_cli("nightly", "--input", box / "juki_daicho_20260403.dat", "--date", "2026-04-03",
                         "--workdir", wd)
    assert result.code == 2, result.err
    line = refusal(result)
    assert "symbolic link" in line and inside.split("/")[0] in line
    assert snapshot_of(victim) == before


def test_an_audit_append_does_not_follow_a_linked_run_log(wd, tmp_path):
    victim = tmp_path / "victim.log"
    victim.write_text("do not touch\n")
    plant_link(wd, "runlog.jsonl", victim)
    result = run_cli("validate", sample_input(DAYS[0]), "--layout", "juki_daicho", "--workdir", wd)
    assert result.code == 2 and "symbolic link" in refusal(result)
    assert victim.read_text() == "do not touch\n"


@pytest.mark.parametrize("mode", [0o777, 0o775, 0o757, 0o1777])
@pytest.mark.parametrize("command", [["nightly", "--input", sample_input(DAYS[2]), "--date", "2026-04-03"],
                                     ["runs"], ["audit", "verify"]], ids=lambda c: c[0])
def test_a_workdir_others_may_write_to_is_refused(wd, mode, command):
    wd.chmod(mode)
    result = run_cli(*command, "--workdir", wd)
    assert result.code == 2
    line = refusal(result)
    assert "writable by" in line and "chmod" in line
    assert not (wd / "runs/nightly/20260403").exists()


def test_every_folder_and_file_juki_creates_is_owner_only(tmp_path):
    base = tmp_path / "new"
    wd = base / "city" / "wd"  # none of it exists yet
    box = inbox(tmp_path, DAYS)
    for day in DAYS[:2]:
        assert run_cli("nightly", "--input", box / f"juki_daicho_{day}.dat", "--date",
                       f"{day[:4]}-{day[4:6]}-{day[6:]}", "--workdir", wd).code == 0
    plant_bad_kojin_bango(box / "juki_daicho_20260403.dat", 5)
    assert run_cli("nightly", "--input", box / "juki_daicho_20260403.dat", "--date", "2026-04-03",
                   "--workdir", wd).code == 1  # a failed run: failed/ is made
    config = box / "city.toml"  # a changed 端末ID: the rerun makes other headers, and replaces the run (history/)
    config.write_text(config.read_text(encoding="utf-8").replace('"BATCH01"', '"BATCH02"'), encoding="utf-8")
    assert run_cli("rerun", "--job", "nightly", "--date", "2026-04-02", "--reason", "x", "--force",
                   "--workdir", wd).code == 0
    assert run_cli("deliver", "--job", "nightly", "--date", "2026-04-02", "--outbox", base / "outbox",
                   "--workdir", wd).code == 0
    assert run_cli("consistency", "--date", "2026-04-02", "--workdir", wd).code == 0
    made = [base, *base.rglob("*")]
    assert any(p.name == "history" for p in made) and any(p.name == "failed" for p in made)
    loose = [f"{p.relative_to(tmp_path)} {stat.filemode(p.stat().st_mode)}" for p in made
             if p.stat().st_mode & 0o077]
    assert loose == []
