"""The night of a data centre: one run per city, planned as data (the dispatcher flow hands each to Prefect).

For each city of the registry, ``plan`` gives the parameters of its nightly run (the registry's path, the city's
団体コード, the business date: locations, codes and dates, nothing else), the idempotency key that makes a second
dispatch of the same night find the first run instead of starting another, the name of the city's concurrency
limit, and the job variables that size the run's infrastructure by the city's size class on the kind of work
pool that runs it (docs/SCALE.md, deploy/kubernetes/):

- process: none (a process worker has no per-run memory setting: give its host room for ``limit`` runs of the
  largest class it serves);
- docker: ``mem_limit`` (prefect-docker's job variable);
- kubernetes: ``memory_request``, ``memory_limit`` and ``cpu_request`` (prefect-kubernetes's variables, which
  deploy/kubernetes/base-job-template.json keeps).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from juki.dates import dashed
from juki.errors import UsageError
from juki.registry import CityEntry, Registry, SizeClass

CITY_DEPLOYMENT = "city-nightly/city-nightly"
LIMIT_PREFIX = "juki-city-"
POOL_TYPES = ("process", "docker", "kubernetes")


def limit_name(dantai_code: str) -> str:
    """The city's global concurrency limit (one slot): one run of a city at a time, wherever it runs."""
    return f"{LIMIT_PREFIX}{dantai_code}"


def idempotency_key(job: str, dantai_code: str, business_date: str) -> str:
    return f"juki-{job}-{dantai_code}-{business_date}"


def job_variables(size: SizeClass, pool_type: str) -> dict:
    """What a run of a city of ``size`` asks of a work pool of ``pool_type``."""
    if pool_type == "docker":
        return {"mem_limit": f"{round(size.memory_gib * 1024)}m"}
    if pool_type == "kubernetes":
        memory = f"{round(size.memory_gib * 1024)}Mi"
        return {"memory_request": memory, "memory_limit": memory, "cpu_request": str(size.cpu)}
    if pool_type == "process":
        return {}
    raise UsageError(f"work pools of type {pool_type!r} are not sized by juki (known: {', '.join(POOL_TYPES)})")


@dataclass(frozen=True)
class CityRun:
    """One city's run of the night, as the dispatcher asks Prefect for it."""

    dantai_code: str
    name: str
    size: str
    parameters: dict = field(hash=False)
    idempotency_key: str
    limit: str
    job_variables: dict = field(hash=False)

    @property
    def flow_run_name(self) -> str:
        return f"{self.dantai_code}-{self.parameters['date']}"


def plan(registry: Registry, business_date: str, pool_type: str, codes: list[str] | None = None,
         job: str = "nightly") -> list[CityRun]:
    """The runs of ``business_date`` (YYYYMMDD) for every city of the registry (or those in ``codes``)."""
    return [_run(c, registry, business_date, pool_type, job) for c in registry.select(codes)]


def _run(city: CityEntry, registry: Registry, business_date: str, pool_type: str, job: str) -> CityRun:
    parameters = {"registry": registry.path, "dantai_code": city.dantai_code, "date": dashed(business_date)}
    return CityRun(city.dantai_code, city.name, city.size, parameters,
                   idempotency_key(job, city.dantai_code, business_date), limit_name(city.dantai_code),
                   job_variables(city.size_class, pool_type))
