"""Retention (保管期限切れ情報の削除, docs/DOMAIN.md 評価書 III): what `juki purge` deletes from a workdir.

Kept: the newest ``keep`` runs of each job (their snapshots hold every 消除者, whose 除票 are kept 150 years: the
nightly job drops a 除票 from the snapshot only once its retention has passed), and the run log. Deleted: older
runs of each job (outputs, snapshots, rejects, reports), the manifests of superseded runs older than the oldest
run kept, failed-run folders older than ``failed_days``, and anything a crash left (staging folders, swapped-out
runs). Nothing is deleted without being listed first.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from juki.jobs.workdir import Workdir

JOBS = ("nightly", "consistency")


def plan(workdir, keep: int, failed_days: int) -> list[Path]:
    wd = Workdir(workdir)
    doomed: list[Path] = []
    for job in JOBS:
        base = wd.jobs(job)
        if not base.exists():
            continue
        runs = sorted(p for p in base.iterdir() if p.name.isdigit())
        old = runs[:-keep] if keep > 0 else runs
        doomed += old
        oldest_kept = runs[-keep].name if keep > 0 and len(runs) >= keep else (runs[0].name if runs else "")
        history = base / "history"
        if history.exists():
            doomed += [p for p in sorted(history.glob("*.json")) if p.name.split(".")[0] < oldest_kept]
        doomed += sorted(base.glob(".staging-*")) + sorted(base.glob(".old-*"))
    failed = wd.root / "failed"
    if failed.exists():
        limit = time.time() - failed_days * 86400
        doomed += [p for p in sorted(failed.iterdir()) if p.stat().st_mtime < limit]
    return doomed


def delete(paths: list[Path]) -> int:
    for path in paths:
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
    return len(paths)
