"""Prefect flow of one city's night in a data centre: the city found in the registry by its 団体コード, its
nightly job run under the city's global concurrency limit, exactly as `juki nightly` runs it.

Started by the dispatcher (flows/dispatch.py) once per city and night, or by hand to rerun one city:

    prefect deployment run city-nightly/city-nightly -p dantai_code=042021 -p date=2026-04-02

Parameters are the registry's path, the code and the date; the city's paths come from the registry when the run
starts. The limit (``juki-city-<code>``, one slot) makes a second run of the same city wait for the first
wherever the two run, which the workdir's file lock cannot promise on shared storage; the lock still guards the
workdir against anything that bypasses Prefect.
"""

from __future__ import annotations

import os

from prefect import flow
from prefect.client.orchestration import get_client
from prefect.concurrency.sync import concurrency
from prefect.states import Failed

from juki.dates import dashed
from juki.errors import UsageError
from juki.flows.common import day_of, one_line
from juki.flows.nightly import nightly
from juki.jobs.fanout import limit_name
from juki.registry import load_registry

REGISTRY_ENV = "JUKI_REGISTRY"
LIMIT_WAIT_MINUTES = 240.0


def registry_of(registry: str | None) -> str:
    found = registry or os.environ.get(REGISTRY_ENV)
    if not found:
        raise UsageError(f"no registry of cities: pass the registry parameter or set {REGISTRY_ENV} in the "
                         "worker's environment (or the deployment's job variables env)")
    return found


def ensure_limit(name: str) -> None:
    """The city's global concurrency limit, one slot, created if it is not there yet."""
    with get_client(sync_client=True) as client:
        client.upsert_global_concurrency_limit_by_name(name, 1)


@flow(name="city-nightly", persist_result=False, log_prints=False)
def city_nightly(dantai_code: str, date: str | None = None, registry: str | None = None, max_rejects: int = 0,
                 wait_minutes: float | None = None, limit_wait_minutes: float = LIMIT_WAIT_MINUTES):
    """The nightly job of the city ``dantai_code`` of the registry (default $JUKI_REGISTRY), for ``date``
    (YYYY-MM-DD; default yesterday in Tokyo). wait_minutes: how long to wait for the day's file (as the nightly
    flow: default $JUKI_WAIT_MINUTES, else 240)."""
    try:
        city = load_registry(registry_of(registry)).city(dantai_code)
        day = day_of(date)
        ensure_limit(limit_name(dantai_code))
        with concurrency(limit_name(dantai_code), occupy=1, strict=True, timeout_seconds=limit_wait_minutes * 60):
            # the nightly flow's own body, in this run: it ends a failure as a Failed state with its one line
            outcome = nightly.fn(date=dashed(day), input=city.input_for(day), workdir=city.workdir,
                                 config=city.config_path, max_rejects=max_rejects, outbox=city.outbox,
                                 wait_minutes=wait_minutes)
    except Exception as e:  # noqa: BLE001 - the run's state says what went wrong, in one line
        return Failed(message=one_line(e))
    return outcome
