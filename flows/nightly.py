"""Prefect flow of the nightly job: wait for the day's file, then the core's steps, each a task; paths and hashes
pass between them, progress goes to the run's log, and the artifact is a table of counts."""

from __future__ import annotations

from prefect import flow

from juki.checks.policy import Policy
from juki.flows.common import as_task, day_of, juki_flow, meter, note, outbox_of, publish_counts, workdir_of
from juki.jobs.inbox import await_input, expected_input
from juki.jobs.inbox import wait_minutes as minutes_to_wait
from juki.jobs.nightly import run_nightly
from juki.jobs.publish import deliver
from juki.reports import write_report


@flow(name="nightly", persist_result=False, log_prints=False)
@juki_flow
def nightly(date: str | None = None, input: str | None = None, workdir: str | None = None,
            config: str | None = None, max_rejects: int = 0, outbox: str | None = None,
            wait_minutes: float | None = None) -> dict:
    """The day's 住民基本台帳ファイル → change notices and 送付先情報.

    date: business date YYYY-MM-DD (default: yesterday in Tokyo). input: the file, which may hold {date}
    (YYYYMMDD); default $JUKI_INBOX/juki_daicho_{date}.dat. workdir, outbox: default $JUKI_WORKDIR, $JUKI_OUTBOX.
    wait_minutes: how long to wait for the file to arrive (default $JUKI_WAIT_MINUTES, else 240)."""
    day = day_of(date)
    workdir = workdir_of(workdir)
    location = expected_input(input, day)
    as_task(await_input, workdir, day, location, minutes_to_wait(wait_minutes), note(), write_report)
    with meter() as progress:
        record = run_nightly(location, day, workdir, config, Policy(max_rejects), call=as_task, progress=progress,
                             report=write_report)
    if outbox := outbox_of(outbox):
        as_task(deliver, workdir, "nightly", day, outbox)
    counts = record.counts()
    publish_counts("nightly-counts", counts)
    return counts
