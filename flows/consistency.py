"""Prefect flow of the annual consistency job: the core's steps as tasks, counts as the artifact."""

from __future__ import annotations

from prefect import flow

from flows.common import as_task, publish_counts
from juki.dates import business_date_or_default as business_date
from juki.jobs.consistency import run_consistency
from juki.jobs.publish import deliver


@flow(name="consistency", persist_result=False, log_prints=False)
def consistency(date: str | None = None, workdir: str | None = None, config: str | None = None,
                outbox: str | None = None) -> dict:
    """The snapshot of ``date`` (YYYY-MM-DD; by default yesterday in Tokyo, the last nightly run's date)."""
    day = business_date(date)
    record = run_consistency(day, workdir, config, call=as_task)
    if outbox:
        as_task(deliver, workdir, "consistency", day, outbox)
    counts = record.counts()
    publish_counts("consistency-counts", counts)
    return counts
