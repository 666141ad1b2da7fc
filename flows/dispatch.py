"""The dispatcher: a data centre's night on Prefect's own engine, one flow run per city (scheduled 02:00 Tokyo).

For every city of the registry (juki/jobs/fanout.py plans them) it starts the ``city-nightly`` deployment through
``run_deployment`` on the deployment's work pool: parameters are the registry's path, the 団体コード and the
date; the idempotency key is the city and the date, so dispatching the same night again finds the runs already
made; the job variables size each run by the city's size class for the pool's type; each city's global
concurrency limit is made sure of first. The pool's ``cities`` work queue carries the pool-wide limit (how many
cities run at once across all workers). Then it waits for every run, and leaves a table artifact of counts per
city (``dispatch-nightly``). A city that fails fails alone; the dispatch then ends Failed, naming it, once every
other city has finished. A city run that crashed (its infrastructure failed: a worker lost, a busy server) is
started again, with an idempotency key of its own per attempt. A rerun of one city is one command
(flows/cities.py).
"""

from __future__ import annotations

import json
import time

from prefect import flow, get_run_logger
from prefect.artifacts import create_table_artifact
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    ArtifactFilter,
    ArtifactFilterFlowRunId,
    ArtifactFilterKey,
    FlowRunFilter,
    FlowRunFilterId,
)
from prefect.client.schemas.objects import StateType
from prefect.deployments import run_deployment
from prefect.states import Failed

from juki.flows.cities import registry_of
from juki.flows.common import day_of, one_line
from juki.jobs import fanout
from juki.registry import load_registry

POLL_SECONDS = 5.0
WAIT_MINUTES = 720.0  # a night: after this the dispatch stops waiting and reports the runs still going
COUNTS = ("records", "rejected", "held", "notices", "sofusaki")
RETRIES = 2


@flow(name="dispatch-nightly", persist_result=False, log_prints=False)
def dispatch_nightly(date: str | None = None, registry: str | None = None, cities: list[str] | None = None,
                     deployment: str = fanout.CITY_DEPLOYMENT, wait_minutes: float = WAIT_MINUTES,
                     retries: int = RETRIES):
    """Start the night of every city of the registry (default $JUKI_REGISTRY; ``cities``: only these codes) for
    ``date`` (YYYY-MM-DD; default yesterday in Tokyo), wait for them, and sum them up. A city run that crashed
    (its infrastructure, not juki, failed) is started again up to ``retries`` times."""
    try:
        reg = load_registry(registry_of(registry))
        day = day_of(date)
        with get_client(sync_client=True) as client:
            target = client.read_deployment_by_name(deployment)
            pool = client.read_work_pool(target.work_pool_name)
            runs = fanout.plan(reg, day, pool.type, cities)
            for run in runs:
                client.upsert_global_concurrency_limit_by_name(run.limit, 1)
    except Exception as e:  # noqa: BLE001 - one line as the run's state
        return Failed(message=one_line(e))
    logger = get_run_logger()
    started, rows, attempts = {}, {}, {}
    pending = list(runs)
    for attempt in range(retries + 1):
        for run in pending:
            key = run.idempotency_key + (f"-retry{attempt}" if attempt else "")
            try:
                made = run_deployment(deployment, parameters=run.parameters, idempotency_key=key,
                                      job_variables=run.job_variables or None, flow_run_name=run.flow_run_name,
                                      tags=["juki", f"dantai:{run.dantai_code}"], timeout=0)
                started[run.dantai_code], attempts[run.dantai_code] = made.id, attempt + 1
            except Exception as e:  # noqa: BLE001 - one city not started never stops the others
                rows[run.dantai_code] = {"state": "NOT STARTED", "message": one_line(e)}
        logger.info(f"{len(pending)} cities started for {day}" + (f" (retry {attempt})" if attempt else ""))
        final = _wait(list(started.values()), wait_minutes)
        # CRASHED: the run never got to juki or its infrastructure died (a worker lost, the server busy): safe to
        # run again, since a run commits by one rename or not at all. FAILED is juki's own verdict: not retried.
        pending = [r for r in runs if r.dantai_code in started
                   and getattr(final[started[r.dantai_code]].state, "type", None) == StateType.CRASHED]
        if not pending:
            break
    counts = _counts(list(started.values()))
    for run in runs:
        if run.dantai_code in started:
            rows[run.dantai_code] = {**_row(final[started[run.dantai_code]], counts.get(started[run.dantai_code], {})),
                                     "attempts": attempts[run.dantai_code]}
    table = [{"dantai_code": r.dantai_code, "name": r.name, "size": r.size, **_blank(), **rows[r.dantai_code]}
             for r in runs]
    create_table_artifact(key="dispatch-nightly", table=table, description="counts per city only: no personal data")
    failed = [row["dantai_code"] for row in table if row["state"] != "COMPLETED"]
    logger.info(f"{len(table) - len(failed)} of {len(table)} cities completed" +
                (f"; not completed: {', '.join(failed)}" if failed else ""))
    if failed:
        return Failed(message=f"{len(failed)} of {len(table)} cities did not complete: {', '.join(failed)}")
    return {"cities": len(table)}


def _wait(ids: list, minutes: float) -> dict:
    """The flow runs once all are final, or as they are when the time is up."""
    deadline = time.monotonic() + minutes * 60
    with get_client(sync_client=True) as client:
        while True:
            runs = {r.id: r for r in client.read_flow_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=ids)),
                                                         limit=len(ids) or 1)} if ids else {}
            if all(r.state and r.state.is_final() for r in runs.values()) or time.monotonic() > deadline:
                return runs
            time.sleep(POLL_SECONDS)


def _counts(ids: list) -> dict:
    """Each run's ``nightly-counts`` artifact (a table of item and count) as a dict, by flow run id."""
    if not ids:
        return {}
    with get_client(sync_client=True) as client:
        found = client.read_artifacts(artifact_filter=ArtifactFilter(
            key=ArtifactFilterKey(any_=["nightly-counts"]), flow_run_id=ArtifactFilterFlowRunId(any_=ids)))
    out = {}
    for a in found:
        data = json.loads(a.data) if isinstance(a.data, str) else a.data
        out[a.flow_run_id] = {r["item"]: r["count"] for r in data or []}
    return out


def _row(run, counts: dict) -> dict:
    state = run.state
    seconds = run.total_run_time.total_seconds() if run.total_run_time else 0.0
    return {"state": state.type.value if state else "UNKNOWN", "flow_run": run.name,
            "seconds": round(seconds, 1), **{k: counts.get(k, "") for k in COUNTS},
            "message": "" if state and state.is_completed() else (state.message or "").splitlines()[0] if state else ""}


def _blank() -> dict:
    return {"state": "", "flow_run": "", "attempts": "", "seconds": "", **{k: "" for k in COUNTS}, "message": ""}
