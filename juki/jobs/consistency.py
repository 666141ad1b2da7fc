"""The annual consistency files (整合性確認用本人確認情報, 住基法第14条), for the prefecture and for J-LIS.

Made from the nightly snapshot of a business date, which already holds exactly the seed's population: every
resident and every 消除者 except those removed by death. Sorted by 住民票コード, so the same snapshot always gives
the same bytes; the trailer carries the count and a SHA-256 of the data records.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from juki import storage
from juki.city import load_config
from juki.errors import UsageError, Where
from juki.jobs import manifest as runinfo
from juki.jobs import publish as jobs
from juki.jobs.record import ConsistencyRecord, Rerun
from juki.jobs.workdir import existing
from juki.layout import load_layout
from juki.progress import Progress, silent
from juki.steps import seigo_kakunin as seigo

JOB = "consistency"


@dataclass(frozen=True)
class ConsistencyRun:
    business_date: str
    workdir: str
    staging: str
    snapshot_dir: str
    config: str
    rerun: Rerun | None = None
    progress: Progress = field(default=silent, compare=False, repr=False)
    report: jobs.ReportWriter | None = field(default=None, compare=False, repr=False)


@contextmanager
def consistency_run(business_date: str, workdir=None, config=None, rerun=None, progress: Progress = silent,
                    report: jobs.ReportWriter | None = None) -> Iterator[ConsistencyRun]:
    wd = existing(workdir)  # made from a nightly snapshot: a workdir without one is a mistyped --workdir
    wd.guard(JOB, business_date)
    with wd.lock(JOB):
        wd.recover(JOB)
        nightly = wd.run_dir("nightly", business_date)
        manifests = {m.business_date: m for m in wd.manifests("nightly")}
        if business_date not in manifests:
            raise UsageError(f"no nightly run for {business_date} in the workdir (never run, or purged): the "
                             "consistency files are made from its snapshot", Where(file=str(nightly)))
        config_path = str(config or manifests[business_date].run.config)
        with wd.staging(JOB, business_date) as staging, \
                jobs.failures_recorded(wd, JOB, business_date, rerun, report):
            yield ConsistencyRun(business_date, str(wd.root), str(staging), str(nightly), config_path, rerun,
                                 progress, report)


def write_files(run: ConsistencyRun) -> dict:
    config = load_config(run.config)
    layout = load_layout(seigo.LAYOUT)
    snapshot = Path(run.snapshot_dir) / "snapshot.parquet"
    records = seigo.population(jobs.load_snapshot(Path(run.snapshot_dir)))
    staging, day = Path(run.staging), run.business_date

    first = jobs.write_output(staging, f"seigo_todofuken_{day}.dat", layout, records,
                              seigo.header(day, config, seigo.PREFECTURE), progress=run.progress)
    # The J-LIS file holds the same records: the prefecture's bytes under J-LIS's header.
    second = jobs.copy_output(staging, first["file"], f"seigo_jlis_{day}.dat", layout,
                              seigo.header(day, config, seigo.JLIS))
    outputs = {"todofuken": first, "jlis": second}
    return {"outputs": outputs, "records": records.height,
            "read": {"input": str(snapshot), "input_sha256": storage.sha256_of(snapshot),
                     "config_sha256": storage.sha256_of(run.config)}}


def commit(run: ConsistencyRun, steps: dict) -> ConsistencyRecord:
    record = runinfo.completed(ConsistencyRecord, run, steps)
    return jobs.publish(run.workdir, JOB, run.business_date, Path(run.staging), record, report=run.report)


STEPS = (write_files,)


def run_consistency(business_date: str, workdir=None, config=None, rerun=None, call=jobs.direct,
                    progress: Progress = silent, report: jobs.ReportWriter | None = None) -> ConsistencyRecord:
    with consistency_run(business_date, workdir, config, rerun, progress, report) as run:
        steps = {step.__name__: call(step, run) for step in STEPS}
        return call(commit, run, steps)
