"""Ad hoc reruns of a past business date, from the inputs its manifest recorded, and the run history.

A rerun refuses, naming the file, when an input changed since the run (its SHA-256 no longer matches) unless
forced. It never silently becomes a different kind of run: a nightly rerun compares with the same prior run as
the original did, and is refused (whatever --force says) when that run is no longer in the workdir, rather than
made into a baseline or compared with an older snapshot. A rerun that makes every file of the run again, byte for
byte, leaves the run folder as it was and goes into the run log (when, who, why). One that makes anything
differently replaces the run: the reason, the operator and the outcome go into the new run's manifest, and the
superseded run's manifest is kept in the job's history.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from juki import storage
from juki.checks.policy import Policy
from juki.errors import JukiError, UsageError, Where
from juki.jobs import consistency, nightly, runlog
from juki.jobs import manifest as runinfo
from juki.jobs import publish as jobs
from juki.jobs.record import ConsistencyRecord, NightlyRecord, RunRecord
from juki.jobs.workdir import Workdir, existing
from juki.progress import Progress, silent

JOBS = ("nightly", "consistency")


@dataclass(frozen=True)
class RerunOutcome:
    """The new run's record, and the later dates whose runs built on the one replaced (to consider rerunning)."""

    record: NightlyRecord | ConsistencyRecord
    later_runs: list[str]


def rerun(job: str, business_date: str, reason: str, workdir=None, force: bool = False,
          call=jobs.direct, progress: Progress = silent, report: jobs.ReportWriter | None = None) -> RerunOutcome:
    if job not in JOBS:
        raise UsageError(f"--job must be one of {', '.join(JOBS)}")
    if not reason.strip():
        raise UsageError("--reason must say why the date is run again (it goes into the run's manifest)")
    wd = existing(workdir)
    previous = {m.business_date: m for m in wd.manifests(job)}.get(business_date)
    if previous is None:
        raise UsageError(f"no completed {job} run for {business_date} to rerun", Where(file=str(wd.root)))
    if job == "nightly":
        _same_prior(wd, previous, business_date)
    elif business_date not in {m.business_date for m in wd.manifests("nightly")}:
        raise UsageError(f"no nightly run for {business_date} in the workdir any more (purged?): the consistency "
                         "files were made from its snapshot, and a rerun needs it", Where(file=str(wd.root)))
    gone = [name for name in _locations(previous) if not _exists(name)]
    if gone:
        raise UsageError(f"{gone[0]} is no longer there (moved or deleted since the run of {business_date}); put "
                         "it back where the run read it to rerun the date", Where(file=gone[0]))
    changed = _changed_inputs(previous)
    if changed and not force:
        raise UsageError(f"{changed[0]} changed since the run of {business_date} (SHA-256 differs); "
                         "rerun with --force to use it as it is now", Where(file=changed[0]))
    info = runinfo.rerun_info(reason, force, changed, previous.finished_at)
    params = previous.run
    if isinstance(previous, NightlyRecord):
        policy = Policy(params.max_rejects, params.max_percent)
        result = nightly.run_nightly(params.input, business_date, workdir, params.config, policy, info, call,
                                     progress, report)
    else:
        result = consistency.run_consistency(business_date, workdir, params.config, info, call, progress, report)
    later = [m.business_date for m in wd.manifests(job) if m.business_date > business_date]
    return RerunOutcome(result, later)


def _same_prior(wd: Workdir, previous: NightlyRecord, business_date: str) -> None:
    """The prior run the original compared with must still be there (and be the one a rerun would take)."""
    recorded = previous.run.prior_dir
    was = Path(recorded).name if recorded else None
    now = wd.latest_before("nightly", business_date)
    now = now.business_date if now else None
    if was == now:
        return
    if was is None:
        raise UsageError(f"the run of {business_date} was a baseline, but a run of {now} now comes before it; a rerun "
                         "would not be a baseline again", Where(file=str(wd.root)))
    raise UsageError(f"the run of {business_date} was compared with the snapshot of {was}, which is no longer in the "
                     f"workdir (purged or removed); restore runs/nightly/{was} to rerun {business_date}: without it "
                     f"the rerun would be a different run ({'a baseline' if now is None else f'against {now}'})",
                     Where(file=str(wd.root)))


def _locations(record: NightlyRecord | ConsistencyRecord) -> list[str]:
    return [loc for loc in (record.read.input, record.run.config) if loc and not storage.is_url(loc)]


def _exists(location: str) -> bool:
    path = storage.local_path(location)
    return path is None or path.exists()


def _changed_inputs(record: NightlyRecord | ConsistencyRecord) -> list[str]:
    pairs = [(record.read.input, record.read.input_sha256), (record.run.config, record.read.config_sha256)]
    changed = []
    for location, recorded in pairs:
        if not location or not recorded:
            continue
        try:
            now = storage.sha256_of(location)
        except JukiError:  # a vanished input is a changed input
            now = None
        if now != recorded:
            changed.append(storage.display_name(location))
    return changed


def history(workdir=None, job: str | None = None, since: str | None = None) -> list[dict]:
    """Every run, as rows for `juki runs`: completed (current), superseded by a rerun, reproduced (a rerun that
    made the run again byte for byte: only the run log has it), failed; oldest first."""
    wd = existing(workdir)
    rows = []
    for name in [job] if job else list(JOBS):
        rows += [_row(m, "completed") for m in wd.manifests(name)]
        rows += [_row(m, "superseded") for m in wd.history(name)]
        rows += [_row(m, "failed") for m in wd.failed(name)]
    rows += [_reproduced(e) for e in runlog.entries(wd.root) if e.get("outcome") == jobs.REPRODUCED
             and e.get("command", "").removeprefix("rerun ") in ([job] if job else JOBS)]
    rows = [r for r in rows if not since or r["business_date"] >= since]
    return sorted(rows, key=lambda r: (r["business_date"], r["job"], r["finished_at"] or ""))


SHOWN = ("records", "notices", "sofusaki", "rejected")  # the counts `juki runs` shows


def _shown(counts: dict) -> dict:
    return {k: counts[k] for k in SHOWN if counts.get(k) is not None}


def _reproduced(entry: dict) -> dict:
    """A rerun that made the run again, from its run-log line (it has no manifest)."""
    return {"job": entry["command"].removeprefix("rerun "), "business_date": entry["business_date"],
            "status": "reproduced", "finished_at": entry["time"], "rerun": (entry.get("approval") or {}).get("reason"),
            "error": None, **_shown(entry.get("counts") or {})}


def _row(m: RunRecord, status: str) -> dict:
    return {"job": m.job, "business_date": m.business_date, "status": status, "finished_at": m.finished_at,
            "rerun": m.rerun.reason if m.rerun else None, "error": getattr(m, "error", None), **_shown(m.counts())}
