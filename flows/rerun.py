"""Prefect flow of an ad hoc rerun: a past business date of a job, with the reason and operator recorded."""

from __future__ import annotations

from prefect import flow

from flows.common import as_task, publish_counts
from juki.dates import business_date_or_default as business_date
from juki.jobs.rerun import rerun as rerun_job


@flow(name="rerun", persist_result=False, log_prints=False)
def rerun(job: str, date: str, reason: str, workdir: str | None = None, force: bool = False) -> dict:
    outcome = rerun_job(job, business_date(date), reason, workdir, force, call=as_task)
    counts = outcome.record.counts()
    publish_counts("rerun-counts", counts)
    return counts
