"""Prefect flow of the nightly job: the core's steps, each a task; paths and hashes pass between them."""

from __future__ import annotations

from prefect import flow

from flows.common import as_task, publish_counts
from juki.checks.policy import Policy
from juki.dates import business_date_or_default as business_date
from juki.jobs.nightly import run_nightly
from juki.jobs.publish import deliver


@flow(name="nightly", persist_result=False, log_prints=False)
def nightly(input: str, date: str | None = None, workdir: str | None = None, config: str | None = None,
            max_rejects: int = 0, outbox: str | None = None) -> dict:
    """``input`` may hold ``{date}`` (YYYYMMDD), filled with the business date: yesterday in Tokyo by default."""
    day = business_date(date)
    record = run_nightly(input.format(date=day), day, workdir, config, Policy(max_rejects), call=as_task)
    if outbox:
        as_task(deliver, workdir, "nightly", day, outbox)
    counts = record.counts()
    publish_counts("nightly-counts", counts)
    return counts
