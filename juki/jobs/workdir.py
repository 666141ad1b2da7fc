"""The workdir: one city's state. Run folders (outputs, snapshot, manifest), the lock, the run log.

    WORKDIR/runs/<job>/<YYYYMMDD>/     a completed run: its outputs, its snapshot, manifest.json
    WORKDIR/runs/<job>/.staging-…/     a run in progress (removed if it fails)
    WORKDIR/failed/<job>-<YYYYMMDD>/   the rejects and report of a run the policy stopped (no outputs)
    WORKDIR/locks/<job>.lock           held while a run of the job is going on

A run builds everything in its staging folder and commits by renaming that folder into place: one atomic step,
so a reader sees a whole run or none. A rerun swaps the old folder out first; if a crash falls between the two
renames, the next run puts the old folder back (``recover``). The lock is an OS file lock: it dies with its
process, so a killed run never blocks the next.

The workdir holds residents' data and the audit trail, so it is guarded: every folder juki makes is owner-only
(0700); a workdir (or a folder in it) that group or others may write to is refused; a link found where juki
writes (the lock, the run log, a run's or a failed run's folder, the history) is refused, never followed. A
command that reads a workdir refuses one that does not exist or is not a juki workdir (a mistyped --workdir),
rather than reporting it empty.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

from juki.errors import UsageError, Where
from juki.jobs.record import RunRecord, read_record
from juki.storage import StorageRefused
from juki.storage.local import loose, make_dirs, private_dir, recover_dir, refuse_link, remove, replace_dir

ENV = "JUKI_WORKDIR"
DEFAULT = ".juki"
RUNLOG = "runlog.jsonl"


def resolve(workdir: str | os.PathLike | None) -> Path:
    return Path(workdir or os.environ.get(ENV) or DEFAULT).resolve()


class NotAWorkdir(UsageError):
    """--workdir names no juki workdir: nothing was read, and nothing is written there (not even the run log)."""


def existing(workdir: str | os.PathLike | None) -> Workdir:
    """A workdir to read: it must exist and be juki's (a run folder or a run log in it), and be owner-writable
    only. A mistyped --workdir is named, not taken for an empty workdir."""
    wd = Workdir(workdir)
    hint = "check --workdir (or $JUKI_WORKDIR)"
    if not wd.root.exists():
        raise NotAWorkdir(f"no such workdir; {hint}", Where(file=str(wd.root)))
    if not wd.root.is_dir():
        raise NotAWorkdir(f"is not a folder, so not a workdir; {hint}", Where(file=str(wd.root)))
    if not (wd.root / "runs").is_dir() and not (wd.root / RUNLOG).exists():
        raise NotAWorkdir(f"not a juki workdir (no runs/ and no {RUNLOG} in it); {hint}", Where(file=str(wd.root)))
    wd.check()
    return wd


class Workdir:
    def __init__(self, root: str | os.PathLike | None):
        self.root = resolve(root)

    def check(self) -> None:
        """The workdir must not be writable by group or others (they could swap what a run reads or writes)."""
        if self.root.exists() and loose(self.root.stat().st_mode):
            raise StorageRefused(f"the workdir is writable by group or others; make it owner-only "
                                 f"(chmod go-w {self.root})", Where(file=str(self.root)))

    def dir(self, *parts: str) -> Path:
        """A folder of the workdir to write in: made owner-only if missing, refused if it is a link or loose."""
        make_dirs(self.root)
        return private_dir(self.root, *parts)

    def guard(self, job: str, date: str) -> None:
        """Before a run starts: nothing it will write is a link planted in the workdir, nothing is loose."""
        self.dir()
        for parts in (("locks",), ("runs",), ("runs", job), ("runs", job, "history"), ("failed",),
                      ("failed", f"{job}-{date}")):
            path = self.root.joinpath(*parts)
            if os.path.lexists(path):
                private_dir(path.parent, path.name)
        for path in (self.root / "locks" / f"{job}.lock", self.root / RUNLOG, self.run_dir(job, date)):
            refuse_link(path)

    def jobs(self, job: str) -> Path:
        return self.root / "runs" / job

    def run_dir(self, job: str, date: str) -> Path:
        return self.jobs(job) / date

    def failed_dir(self, job: str, date: str, create: bool = False) -> Path:
        """Where a failed run leaves its rejects and manifest (made, owner-only, when ``create``)."""
        return self.dir("failed", f"{job}-{date}") if create else self.root / "failed" / f"{job}-{date}"

    @contextlib.contextmanager
    def lock(self, job: str) -> Iterator[None]:
        path = self.dir("locks") / f"{job}.lock"
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
        except OSError as e:
            if e.errno == errno.ELOOP:
                refuse_link(path)
            raise
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip() or "another process"
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
        path = self.dir("runs", job) / f".staging-{date}-{uuid.uuid4().hex[:8]}"
        path.mkdir(mode=0o700)
        try:
            yield path
        finally:
            shutil.rmtree(path, ignore_errors=True)

    def commit(self, staging: Path, job: str, date: str) -> Path:
        final = self.run_dir(job, date)
        refuse_link(final)
        replace_dir(staging, final)
        return final

    def keep_history(self, job: str, date: str) -> None:
        """Before a rerun replaces a run, keep its manifest: `juki runs` shows what was superseded."""
        refuse_link(self.run_dir(job, date))
        manifest = self.run_dir(job, date) / "manifest.json"
        if manifest.exists() and not manifest.is_symlink():
            history = self.dir("runs", job, "history")
            n = len(list(history.glob(f"{date}.*.json")))
            target = history / f"{date}.{n + 1}.json"
            refuse_link(target)
            shutil.copy2(manifest, target)

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
            remove(path)

    def manifests(self, job: str) -> list[RunRecord]:
        """Records of the completed runs of a job, oldest business date first."""
        base = self.jobs(job)
        runs = sorted(base.glob("[0-9]" * 8)) if base.exists() else []
        return [read_record(path / "manifest.json") for path in runs if (path / "manifest.json").exists()]

    def latest_before(self, job: str, date: str) -> RunRecord | None:
        runs = [m for m in self.manifests(job) if m.business_date < date]
        return runs[-1] if runs else None
