"""Retention (保管期限切れ情報の削除; docs/DOMAIN.md): what `juki purge` deletes from a workdir.

Kept: the newest ``keep`` runs of each job (their snapshots hold every 消除者, whose 除票 are kept 150 years: the
nightly job drops a 除票 from the snapshot only once its retention has passed), the run log, and, for the
nightly job, the run just before the oldest run kept: a rerun of a date compares with the snapshot of the run
before it, so each run kept can be rerun as the same run. (That extra run is kept for its snapshot; it cannot be
rerun itself once its own predecessor is gone: the rerun is refused.) A consistency run's nightly snapshot is not
kept for it: the consistency files stay, but a rerun of one whose snapshot was purged is refused.

Deleted: older runs of each job (outputs, snapshots, rejects, reports), the manifests of superseded runs older
than the oldest run kept, failed-run folders older than ``failed_days``, and anything a crash left (staging
folders, swapped-out runs). Nothing is deleted without being listed first; a link is removed, never followed.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from juki.jobs.workdir import existing
from juki.storage import remove

JOBS = ("nightly", "consistency")


@dataclass
class Plan:
    doomed: list[Path] = field(default_factory=list)
    kept_for_rerun: list[Path] = field(default_factory=list)  # older than the policy keeps, needed by a rerun


def plan(workdir, keep: int, failed_days: int) -> Plan:
    wd = existing(workdir)
    out = Plan()
    for job in JOBS:
        base = wd.jobs(job)
        if not base.is_dir() or base.is_symlink():
            continue
        runs = sorted(p for p in base.iterdir() if p.name.isdigit())
        kept = runs[-keep:] if keep > 0 else []
        old = runs[: len(runs) - len(kept)]
        if job == "nightly" and kept and old:
            out.kept_for_rerun.append(old.pop())  # the snapshot the oldest kept run was compared with
        out.doomed += old
        oldest_kept = min([p.name for p in kept + out.kept_for_rerun if p.parent == base], default="")
        history = base / "history"
        if history.is_dir() and not history.is_symlink():
            out.doomed += [p for p in sorted(history.glob("*.json")) if p.name.split(".")[0] < oldest_kept]
        out.doomed += sorted(base.glob(".staging-*")) + sorted(base.glob(".old-*"))
    failed = wd.root / "failed"
    if failed.is_dir() and not failed.is_symlink():
        limit = time.time() - failed_days * 86400
        out.doomed += [p for p in sorted(failed.iterdir()) if os.lstat(p).st_mtime < limit]
    return out


def delete(paths: list[Path]) -> int:
    for path in paths:
        remove(path)
    return len(paths)
