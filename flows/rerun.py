"""Prefect flow of an ad hoc rerun: a past business date of a job, with the reason and operator recorded."""

from __future__ import annotations

from prefect import flow

from juki.flows.common import as_task, day_of, juki_flow, meter, publish_counts, workdir_of
from juki.jobs.rerun import rerun as rerun_job
from juki.reports import write_report


@flow(name="rerun", persist_result=False, log_prints=False)
@juki_flow
def rerun(job: str, date: str, reason: str, workdir: str | None = None, force: bool = False) -> dict:
    """Run ``job`` (nightly or consistency) for the past business ``date`` (YYYY-MM-DD) again, from the inputs
    its manifest recorded; ``reason`` goes into the run's manifest, or into the run log alone when the rerun made
    every file of the run again, byte for byte (``reproduced`` 1 in the counts). workdir: default $JUKI_WORKDIR."""
    with meter() as progress:
        outcome = rerun_job(job, day_of(date), reason, workdir_of(workdir), force, call=as_task, progress=progress,
                            report=write_report)
    counts = outcome.record.counts() | {"reproduced": int(outcome.record.reproduced)}
    publish_counts("rerun-counts", counts)
    return counts
