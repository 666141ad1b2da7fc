"""Ad hoc reruns of a past business date, from the inputs its manifest recorded, and the run history.

A rerun refuses, naming the file, when an input changed since the run (its SHA-256 no longer matches) unless
forced. The reason, the operator and the outcome go into the new run's manifest; the superseded run's
manifest is kept in the job's history.
"""

from __future__ import annotations

from juki import storage
from juki.checks.policy import Policy
from juki.dates import now_utc
from juki.errors import JukiError, UsageError, Where
from juki.jobs import consistency, nightly
from juki.jobs import manifest as runinfo
from juki.jobs import publish as jobs
from juki.jobs.workdir import Workdir
from juki.progress import Progress, silent

JOBS = ("nightly", "consistency")


def rerun(job: str, business_date: str, reason: str, workdir=None, force: bool = False, call=jobs.direct,
          progress: Progress = silent) -> dict:
    if job not in JOBS:
        raise UsageError(f"--job must be one of {', '.join(JOBS)}")
    if not reason.strip():
        raise UsageError("--reason must say why the date is run again (it goes into the run's manifest)")
    wd = Workdir(workdir)
    previous = {m["business_date"]: m for m in wd.manifests(job)}.get(business_date)
    if previous is None:
        raise UsageError(f"no completed {job} run for {business_date} to rerun", Where(file=str(wd.root)))
    changed = _changed_inputs(previous)
    if changed and not force:
        raise UsageError(f"{changed[0]} changed since the run of {business_date} (SHA-256 differs); "
                         "rerun with --force to use it as it is now", Where(file=changed[0]))
    info = {"reason": reason, "operator": runinfo.operator(), "requested_at": now_utc(), "forced": force,
            "changed_inputs": changed, "supersedes": previous["finished_at"]}
    params = previous["run"]
    if job == "nightly":
        policy = Policy(params.get("max_rejects", 0), params.get("max_percent"))
        result = nightly.run_nightly(params["input"], business_date, workdir, params["config"], policy, info, call,
                                     progress)
    else:
        result = consistency.run_consistency(business_date, workdir, params["config"], info, call, progress)
    later = [m["business_date"] for m in wd.manifests(job) if m["business_date"] > business_date]
    return result | {"later_runs": later}


def _changed_inputs(manifest: dict) -> list[str]:
    read = manifest.get("read", {})
    pairs = [(read.get("input"), read.get("input_sha256")), (manifest["run"].get("config"), read.get("config_sha256"))]
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
    """Every run: completed (current), superseded by a rerun, failed; oldest first."""
    wd = Workdir(workdir)
    rows = []
    for name in [job] if job else list(JOBS):
        for m in wd.manifests(name):
            rows.append(_row(m, "completed"))
        for m in wd.history(name):
            rows.append(_row(m, "superseded"))
        for m in wd.failed(name):
            rows.append(_row(m, "failed"))
    rows = [r for r in rows if not since or r["business_date"] >= since]
    return sorted(rows, key=lambda r: (r["business_date"], r["job"], r["finished_at"] or ""))


def _row(m: dict, status: str) -> dict:
    read = m.get("read", {})
    counts = {"records": read.get("records", m.get("records")), "notices": m.get("notices"),
              "sofusaki": m.get("sofusaki_records"), "rejected": read.get("input_rejects")}
    return {"job": m["job"], "business_date": m["business_date"], "status": status,
            "finished_at": m.get("finished_at"), "rerun": (m.get("rerun") or {}).get("reason"),
            "error": m.get("error"), **{k: v for k, v in counts.items() if v is not None}}
