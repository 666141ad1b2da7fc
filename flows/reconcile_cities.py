"""Prefect flow of the many-city reconciliation (juki/jobs/reconcile_cities.py): one task per city, then one
per part of the cross-city check, then one per city again. Tasks take paths, codes and dates and return counts;
the files with numbers stay in each city's workdir; the artifact is a table of counts per city.

Where the tasks run is the run's infrastructure, not a parameter: on threads of the flow run's own process by
default; on a Dask cluster when ``JUKI_DASK_ADDRESS`` (``tcp://scheduler:8786``) is set in the run's environment
(a work pool's or deployment's job variables ``env``), through ``DaskTaskRunner(address=…)`` of prefect-dask
(``pip install 'juki-etl[dask]'``). Every Dask worker needs ``PREFECT_API_URL`` to point at the same server, or it
starts a temporary server of its own. The results are the same either way (tests/cities/test_reconcile_flow.py).
"""

from __future__ import annotations

import os

from prefect import flow, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.futures import wait
from prefect.states import Failed
from prefect.task_runners import ThreadPoolTaskRunner

from juki.dates import parse_business_date
from juki.flows.cities import registry_of
from juki.flows.common import _guarded, one_line
from juki.jobs import reconcile_cities as rc
from juki.registry import load_registry

DASK_ENV = "JUKI_DASK_ADDRESS"


def task_runner():
    """DaskTaskRunner on the cluster at $JUKI_DASK_ADDRESS, else threads."""
    address = os.environ.get(DASK_ENV)
    if address:
        from prefect_dask import DaskTaskRunner  # noqa: PLC0415 - an optional extra, only where a cluster is

        return DaskTaskRunner(address=address)
    return ThreadPoolTaskRunner(max_workers=2)


def _step(fn, name: str):
    return task(_guarded(fn), name=name, persist_result=False, cache_policy=NO_CACHE, log_prints=False)


prepare = _step(rc.prepare, "prepare")
cross_check = _step(rc.cross_check, "cross-check")
finish = _step(rc.finish, "finish")
discard = _step(rc.discard, "discard")


def _message(state) -> str:
    return (state.message or state.name or "failed").splitlines()[0]


@flow(name="reconcile-cities", persist_result=False, log_prints=False, task_runner=task_runner())
def reconcile_cities(date: str, registry: str | None = None, theirs: str | None = None, parts: int = rc.PARTS,
                     cities: list[str] | None = None):
    """Reconcile the consistency files of ``date`` (YYYY-MM-DD) of the registry's cities (default
    $JUKI_REGISTRY; ``cities``: only these codes). theirs: each city's returned file, {inbox}, {code} and {date}
    filled in (none: only the cross-city check)."""
    try:
        plans = rc.plan(load_registry(registry_of(registry)), parse_business_date(date), cities, theirs, parts)
    except Exception as e:  # noqa: BLE001 - one line as the run's state
        return Failed(message=one_line(e))
    outcome: dict[str, dict] = {}

    def settle(futures, stage):
        wait(futures)
        good = []
        for plan, future in zip(plans_at[stage], futures, strict=True):
            state = future.state
            if state.is_completed():
                good.append(plan)
                outcome[plan.dantai_code] = {"state": "completed", **future.result()}
            else:
                outcome[plan.dantai_code] = {"state": "failed", "message": _message(state)}
                discard.with_options(task_run_name=f"discard-{plan.dantai_code}").submit(plan, _message(state)).wait()
        return good

    plans_at = {"prepare": plans}
    ready = settle([prepare.with_options(task_run_name=f"prepare-{p.dantai_code}").submit(p) for p in plans],
                   "prepare")
    parts_done = [cross_check.with_options(task_run_name=f"cross-check-{i}").submit(i, ready) for i in range(parts)]
    wait(parts_done)
    if not all(f.state.is_completed() for f in parts_done):
        line = next(_message(f.state) for f in parts_done if not f.state.is_completed())
        for p in ready:
            discard.with_options(task_run_name=f"discard-{p.dantai_code}").submit(p, line).wait()
            outcome[p.dantai_code] = {"state": "failed", "message": f"cross-city check: {line}"}
        ready = []
    plans_at["finish"] = ready
    settle([finish.with_options(task_run_name=f"finish-{p.dantai_code}").submit(p) for p in ready], "finish")
    columns = sorted({k for o in outcome.values() for k in o} - {"state", "message"})
    rows = [{"dantai_code": code, "state": outcome[code]["state"], **{k: outcome[code].get(k, "") for k in columns},
             "message": outcome[code].get("message", "")} for code in sorted(outcome)]
    create_table_artifact(key="reconcile-cities", table=rows, description="counts per city only: no personal data")
    failed = [r["dantai_code"] for r in rows if r["state"] != "completed"]
    if failed:
        return Failed(message=f"{len(failed)} of {len(rows)} cities failed: {', '.join(failed)}")
    return {"cities": len(rows)}
