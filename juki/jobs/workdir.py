"""The workdir: one city's state. Run folders (outputs, snapshot, manifest), the lock, the run log.

    WORKDIR/runs/<job>/<YYYYMMDD>/     a completed run: its outputs, its snapshot, manifest.json
    WORKDIR/runs/<job>/.staging-…/     a run in progress (removed if it fails)
    WORKDIR/failed/<job>-<YYYYMMDD>/   the rejects and report of a run the policy stopped (no outputs)
    WORKDIR/locks/<job>.lock           held while a run of the job is going on

A run builds everything in its staging folder and commits by renaming that folder into place: one atomic step,
so a reader sees a whole run or none. A rerun swaps the old folder out first; if a crash falls between the two
renames, the next run puts the old folder back (``recover``). The lock is an OS file lock: it dies with its
process, so a killed run never blocks the next.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

from juki.errors import UsageError, Where
from juki.jobs.record import RunRecord, read_record
from juki.storage.local import recover_dir, replace_dir

ENV = "JUKI_WORKDIR"
DEFAULT = ".juki"


def resolve(workdir: str | os.PathLike | None) -> Path:
    return Path(workdir or os.environ.get(ENV) or DEFAULT).resolve()


class Workdir:
    def __init__(self, root: str | os.PathLike | None):
        self.root = resolve(root)

    def jobs(self, job: str) -> Path:
        return self.root / "runs" / job

    def run_dir(self, job: str, date: str) -> Path:
        return self.jobs(job) / date

    def failed_dir(self, job: str, date: str) -> Path:
        return self.root / "failed" / f"{job}-{date}"

    @contextlib.contextmanager
    def lock(self, job: str) -> Iterator[None]:
        path = self.root / "locks" / f"{job}.lock"
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = path.read_text().strip() or "another process"
                raise UsageError(f"another {job} run is in progress ({holder}); try again when it has finished",
                                 Where(file=str(self.root))) from None
            os.ftruncate(fd, 0)
            os.write(fd, f"pid {os.getpid()}".encode())
            yield
        finally:
            os.close(fd)

    @contextlib.contextmanager
    def staging(self, job: str, date: str) -> Iterator[Path]:
        """A fresh folder for a run's work; removed, with every temporary file in it, unless committed."""
        path = self.jobs(job) / f".staging-{date}-{uuid.uuid4().hex[:8]}"
        path.mkdir(parents=True, mode=0o700)
        try:
            yield path
        finally:
            shutil.rmtree(path, ignore_errors=True)

    def commit(self, staging: Path, job: str, date: str) -> Path:
        final = self.run_dir(job, date)
        replace_dir(staging, final)
        return final

    def keep_history(self, job: str, date: str) -> None:
        """Before a rerun replaces a run, keep its manifest: `juki runs` shows what was superseded."""
        manifest = self.run_dir(job, date) / "manifest.json"
        if manifest.exists():
            history = self.jobs(job) / "history"
            history.mkdir(parents=True, exist_ok=True, mode=0o700)
            n = len(list(history.glob(f"{date}.*.json")))
            shutil.copy2(manifest, history / f"{date}.{n + 1}.json")

    def history(self, job: str) -> list[RunRecord]:
        """Records of runs that a rerun superseded."""
        base = self.jobs(job) / "history"
        return [read_record(p) for p in (sorted(base.glob("*.json")) if base.exists() else [])]

    def failed(self, job: str) -> list[RunRecord]:
        """Records of the last failed run of each business date (a later success does not remove them)."""
        base = self.root / "failed"
        return [read_record(p) for p in (sorted(base.glob(f"{job}-*/manifest.json")) if base.exists() else [])]

    def recover(self, job: str) -> None:
        """Undo what a crash left: stale staging folders go; a swapped-out run comes back if its place is empty."""
        base = self.jobs(job)
        if not base.exists():
            return
        for path in sorted(base.glob(".old-*")):
            recover_dir(base, path.name.split("-")[1], path)
        for path in base.glob(".staging-*"):
            shutil.rmtree(path, ignore_errors=True)

    def manifests(self, job: str) -> list[RunRecord]:
        """Records of the completed runs of a job, oldest business date first."""
        base = self.jobs(job)
        runs = sorted(base.glob("[0-9]" * 8)) if base.exists() else []
        return [read_record(path / "manifest.json") for path in runs if (path / "manifest.json").exists()]

    def latest_before(self, job: str, date: str) -> RunRecord | None:
        runs = [m for m in self.manifests(job) if m.business_date < date]
        return runs[-1] if runs else None
