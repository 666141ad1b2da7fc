"""Prefect flow of the annual consistency job: the core's steps as tasks, counts as the artifact."""

from __future__ import annotations

from prefect import flow

from juki.flows.common import as_task, day_of, juki_flow, meter, outbox_of, publish_counts, workdir_of
from juki.jobs.consistency import run_consistency
from juki.jobs.publish import deliver
from juki.reports import write_report


@flow(name="consistency", persist_result=False, log_prints=False)
@juki_flow
def consistency(date: str | None = None, workdir: str | None = None, config: str | None = None,
                outbox: str | None = None) -> dict:
    """The 整合性確認 files from the snapshot of ``date`` (YYYY-MM-DD; by default yesterday in Tokyo, the last
    nightly run's date). workdir, outbox: default $JUKI_WORKDIR, $JUKI_OUTBOX."""
    day = day_of(date)
    workdir = workdir_of(workdir)
    with meter() as progress:
        record = run_consistency(day, workdir, config, call=as_task, progress=progress, report=write_report)
    if outbox := outbox_of(outbox):
        as_task(deliver, workdir, "consistency", day, outbox)
    counts = record.counts()
    publish_counts("consistency-counts", counts)
    return counts
