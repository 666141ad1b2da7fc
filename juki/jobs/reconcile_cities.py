"""A prefecture's or the country's reconciliation: the consistency files of many cities in one job.

Partitioned by 団体コード, in three steps, each a plain function of paths, codes and dates that returns counts
(an orchestrator runs each city's step as its own task, and each part of the cross-city check as another):

1. ``prepare`` (one per city): read the city's own consistency file of the date (else that date's nightly
   snapshot), split its 住民票コード and 個人番号 into ``parts`` key files by number. Everything goes into a
   staging folder in the city's own workdir (``runs/reconcile/.staging-DATE-JOB``): its restricted area.
2. ``cross_check`` (one per part): the same part of every prepared city; each city gets the findings about its
   own records (juki.steps.cross_city) in its own staging folder.
3. ``finish`` (one per city): the findings in one file, ``cross_city.csv``; the returned file (``theirs``, when
   the job names one) against the city's own, ``discrepancies.csv``, as `juki reconcile` compares them; the key
   files removed; the folder published by one rename as ``runs/reconcile/DATE`` with ``reconcile.json``.

Only counts leave a step. The files with numbers stay in each city's area, owner-only; a city whose step fails
fails alone, with its one line.
"""

from __future__ import annotations

import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from pydantic import BaseModel, ConfigDict

from juki import storage
from juki.dates import now_utc
from juki.errors import InputUnusable, UsageError, Where
from juki.jobs import runlog
from juki.jobs.workdir import Workdir
from juki.registry import CityEntry, Registry
from juki.steps import cross_city as cross
from juki.steps.reconcile import load_side, reconcile

JOB = "reconcile"
PARTS = 4  # parts of the cross-city check: more for a country (each part's keys must fit one worker)
THEIRS_DEFAULT = "{inbox}/seigo_todofuken_{date}.dat"  # the copy the prefecture sends back, in the city's inbox


@dataclass(frozen=True)
class CityPlan:
    """One city's share of the job: where its files are (paths and codes only)."""

    dantai_code: str
    workdir: str
    staging: str
    business_date: str  # YYYYMMDD
    parts: int
    theirs: str | None = None

    def part(self, kind: str, field: str, part: int) -> Path:
        return Path(self.staging) / f".{kind}" / f"{field}-{part:03d}.parquet"


class CityReconciliation(BaseModel):
    """What the job found for one city: counts only (``reconcile.json`` in its run folder)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    dantai_code: str
    business_date: str
    finished_at: str
    ours: str
    theirs: str | None = None
    records_ours: int
    records_theirs: int | None = None
    discrepancies: dict[str, int] = {}
    cross_city: dict[str, int] = {}

    def counts(self) -> dict[str, int]:
        return {"records": self.records_ours, **{f"theirs.{k}": v for k, v in self.discrepancies.items()},
                **{f"cross.{k}": v for k, v in self.cross_city.items()}}


def plan(registry: Registry, business_date: str, codes: list[str] | None = None, theirs: str | None = None,
         parts: int = PARTS, job_id: str | None = None) -> list[CityPlan]:
    """The job's cities (all, or ``codes``), each with a staging folder name of its own for this job."""
    if parts < 1:
        raise UsageError("the cross-city check needs at least one part")
    job_id = job_id or uuid.uuid4().hex[:8]
    return [CityPlan(c.dantai_code, str(Workdir(c.workdir).root),
                     str(Workdir(c.workdir).jobs(JOB) / f".staging-{business_date}-{job_id}"), business_date,
                     parts, _theirs(theirs, c, business_date)) for c in registry.select(codes)]


def _theirs(template: str | None, city: CityEntry, business_date: str) -> str | None:
    if not template:
        return None
    return template.format(inbox=city.inbox.rstrip("/"), code=city.dantai_code, date=business_date)


def ours_of(city: CityPlan) -> Path:
    """The city's consistency file of the date, else the snapshot of its nightly run of that date."""
    wd = Workdir(city.workdir)
    seigo = wd.run_dir("consistency", city.business_date) / f"seigo_todofuken_{city.business_date}.dat"
    if seigo.exists():
        return seigo
    snapshot = wd.run_dir("nightly", city.business_date) / "snapshot.parquet"
    if snapshot.exists():
        return snapshot
    raise UsageError(f"city {city.dantai_code} has no consistency file nor nightly run for {city.business_date}",
                     Where(file=str(wd.root)))


def prepare(city: CityPlan) -> dict:
    """Step 1: the city's numbers, split into parts, in its own staging folder."""
    Workdir(city.workdir).recover(JOB)  # staging folders an earlier job left behind
    ours = load_side(ours_of(city))
    Path(city.staging).mkdir(parents=True, exist_ok=True, mode=0o700)
    for field in cross.KEY_FIELDS:
        for part, frame in cross.keys(ours, city.dantai_code, field, city.parts).items():
            storage.write_parquet(frame, city.part("keys", field, part))
    return {"records": ours.height}


def cross_check(part: int, cities: list[CityPlan]) -> dict:
    """Step 2: one part of every prepared city; each city's findings go to its own staging folder."""
    found = []
    for field in cross.KEY_FIELDS:
        frames = [pl.read_parquet(c.part("keys", field, part)) for c in cities]
        found.append(cross.findings(pl.concat(frames) if frames else pl.DataFrame(), field))
    found = pl.concat(found)
    for c in cities:
        mine = found.filter(pl.col("dantai_code") == c.dantai_code).drop("dantai_code")
        storage.write_parquet(mine, c.part("cross", "found", part))
    return cross.counts(found)


def finish(city: CityPlan) -> dict:
    """Step 3: cross_city.csv, discrepancies.csv (when there is a returned file), published by one rename."""
    staging, wd = Path(city.staging), Workdir(city.workdir)
    parts = [city.part("cross", "found", p) for p in range(city.parts)]
    missing = [p.name for p in parts if not p.exists()]
    if missing:
        raise InputUnusable(f"the cross-city check did not finish for city {city.dantai_code} "
                            f"({len(missing)} part(s) missing)", Where(file=str(staging)))
    found = pl.concat([pl.read_parquet(p) for p in parts]).sort("field", "juminhyo_code", "other_city")
    storage.write_csv(found, staging / "cross_city.csv")
    ours_path = ours_of(city)
    records = sum(pl.scan_parquet(city.part("keys", "juminhyo_code", p)).select(pl.len()).collect().item()
                  for p in range(city.parts))
    record = {"ours": str(ours_path), "records_ours": records, "cross_city": cross.counts(found)}
    if city.theirs:
        result = reconcile(load_side(ours_path), load_side(city.theirs))
        storage.write_csv(result.discrepancies, staging / "discrepancies.csv")
        record |= {"theirs": storage.display_name(city.theirs), "records_theirs": result.theirs,
                   "discrepancies": result.counts()}
    for kind in ("keys", "cross"):
        shutil.rmtree(staging / f".{kind}", ignore_errors=True)
    done = CityReconciliation(dantai_code=city.dantai_code, business_date=city.business_date,
                              finished_at=now_utc(), **record)
    with storage.atomic_output(staging / "reconcile.json") as sink:
        sink.write(done.model_dump_json(indent=2, exclude_none=True).encode("utf-8") + b"\n")
    wd.commit(staging, JOB, city.business_date)
    runlog.append(city.workdir, "reconcile cities", "completed", city.business_date,
                  inputs=[{"location": record["ours"]}] + ([{"location": record["theirs"]}] if city.theirs else []),
                  outputs=[{"file": "cross_city.csv"}] + ([{"file": "discrepancies.csv"}] if city.theirs else []),
                  counts=done.counts())
    return done.counts()


def discard(city: CityPlan, reason: str) -> None:
    """A city that failed: its staging folder (key files with numbers) goes; its run log says why."""
    shutil.rmtree(city.staging, ignore_errors=True)
    runlog.append(city.workdir, "reconcile cities", f"failed: {reason}", city.business_date)


def result_of(city: CityPlan) -> CityReconciliation:
    """The published result of a city (after ``finish``)."""
    path = Workdir(city.workdir).run_dir(JOB, city.business_date) / "reconcile.json"
    return CityReconciliation.model_validate_json(path.read_text(encoding="utf-8"))
