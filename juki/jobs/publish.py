"""What every job does the same way: write an output into its staging folder, and publish the run.

A job's outputs are written through the layouts' writer into the staging folder; publishing writes the manifest
and the report, removes the temporary files that held personal data, and renames the folder into place.
"""

from __future__ import annotations

import filecmp
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import polars as pl

from juki import storage
from juki.codec.writer import write_records, write_with_header
from juki.dates import now_utc
from juki.errors import InputUnusable, JukiError, UsageError, Where
from juki.jobs import manifest as runinfo
from juki.jobs import runlog
from juki.jobs.record import DeliveryRecord, FailedRecord, NightlyRecord, Rerun, RunRecord, read_record, write_record
from juki.jobs.workdir import Workdir, existing
from juki.layout import Layout
from juki.progress import Progress, silent


def direct(fn, *args):
    """How the CLI runs a step: just call it (an orchestrator passes its own, see flows/common.py)."""
    return fn(*args)


def write_output(staging: Path, name: str, layout: Layout, frame: pl.DataFrame, header: dict,
                 trailer: dict | None = None, progress: Progress = silent) -> dict:
    with storage.atomic_output(staging / name) as sink:
        count = write_records(sink, layout, frame, header, trailer, name=name,
                              progress=lambda n: progress(f"write {name}", n, frame.height))
    return {"file": name, "sha256": sink.sha256, "records": count, "layout": layout.name,
            "layout_hash": layout.content_hash}


def copy_output(staging: Path, source: str, name: str, layout: Layout, header: dict) -> dict:
    """An output with the same records as ``source`` (in the same staging folder) under another header."""
    with storage.atomic_output(staging / name) as sink:
        count = write_with_header(staging / source, sink, layout, header)
    return {"file": name, "sha256": sink.sha256, "records": count, "layout": layout.name,
            "layout_hash": layout.content_hash}


ReportWriter = Callable[[RunRecord, Path], None]  # record, where its report goes (juki.reports.write_report)


RECORD_FILES = ("manifest.json", "report.html")  # what publishing writes about a run, beside its outputs
REPRODUCED = "completed: the committed run made again, byte for byte; it stands"  # a rerun's outcome in the run log


def publish(workdir: str, job: str, business_date: str, staging: Path, record: RunRecord,
            temporary: tuple[str, ...] = (), report: ReportWriter | None = None) -> RunRecord:
    """Record (and, given a writer, report), temporary files gone, then the one rename that makes the run visible.
    The report is a view of the record: the core leaves its making to the caller (the CLI, the flows).

    A rerun that made every file of the committed run again, byte for byte, changes nothing in the run folder: the
    committed run, its manifest and its report stand (so a rerun is byte-identical, all files included), and the
    run log records the rerun, when, by whom and why. A rerun that made anything differently replaces the run,
    whose manifest goes to the job's history."""
    for name in temporary:
        (staging / name).unlink(missing_ok=True)
    wd = Workdir(workdir)
    final = wd.run_dir(job, business_date)
    if record.rerun is not None and _made_again(staging, final):
        _logged(workdir, job, REPRODUCED, record, final)
        return record.model_copy(update={"dir": str(final), "reproduced": True})
    if report is not None:
        report(record, staging / "report.html")
    write_record(record, staging / "manifest.json")
    wd.keep_history(job, business_date)
    final = wd.commit(staging, job, business_date)
    _logged(workdir, job, "completed", record, final)
    return record.model_copy(update={"dir": str(final)})


def _made_again(staging: Path, committed: Path) -> bool:
    """Every file of the committed run (but its record and report) is in staging with the same bytes, and no
    other file is. A link or a run without a manifest is never taken for the committed run."""
    if committed.is_symlink() or not (committed / "manifest.json").is_file():
        return False
    made = sorted(p.name for p in staging.iterdir())
    kept = sorted(p.name for p in committed.iterdir() if p.name not in RECORD_FILES)
    return made == kept and all(
        not (committed / name).is_symlink() and (staging / name).is_file()
        and filecmp.cmp(staging / name, committed / name, shallow=False) for name in made)


def _logged(workdir: str, job: str, outcome: str, record: RunRecord, final: Path) -> None:
    try:
        log_run(workdir, job, outcome, record)
    except (OSError, JukiError) as e:
        raise RunLogFailed(f"the {job} run of {record.business_date} is committed (outputs in {final}), but its line "
                           f"could not be added to the run log ({_why(e)}); fix that, then `juki audit verify` "
                           "names the run the log lacks", Where(file=str(runlog.path_of(workdir)))) from None


class RunLogFailed(JukiError):
    """The run is published; only its run-log line is missing. Not a failed run: its outputs are there."""


def _why(e: BaseException) -> str:
    return e.reason if isinstance(e, JukiError) else f"{type(e).__name__}: {getattr(e, 'strerror', None) or e}"


def log_run(workdir: str, job: str, outcome: str, record: RunRecord) -> None:
    """One run-log line per run: inputs and outputs by location and SHA-256, counts, never values."""
    inputs = []
    if not isinstance(record, FailedRecord):
        inputs = [{"location": record.read.input, "sha256": record.read.input_sha256},
                  {"location": record.run.config, "sha256": record.read.config_sha256}]
    outputs = runlog.run_outputs(record)
    rerun = record.rerun
    name = f"rerun {job}" if rerun else job
    runlog.append(workdir, name, outcome, record.business_date, inputs, outputs, record.counts(),
                  {"reason": rerun.reason, "forced": rerun.forced} if rerun else None)


def load_snapshot(run_dir: Path) -> pl.DataFrame:
    """A nightly run's snapshot, after checking it is the one its manifest recorded."""
    path = run_dir / "snapshot.parquet"
    record = read_record(run_dir / "manifest.json")
    if not isinstance(record, NightlyRecord) or not path.exists() or storage.sha256_of(path) != record.snapshot.sha256:
        raise InputUnusable("the snapshot is missing or does not match its manifest (corrupted?); "
                            "restore it or rerun that date", Where(file=str(path)))
    return pl.read_parquet(path)


@contextmanager
def failures_recorded(wd: Workdir, job: str, business_date: str, rerun: Rerun | None,
                      report: ReportWriter | None = None) -> Iterator[None]:
    """A run that fails leaves a manifest saying so (status, reason, counts only) for `juki runs`, and with a
    writer its report, beside the rejects that stopped it if it was the policy."""
    try:
        yield
    except RunLogFailed:
        raise  # committed: not a failure of the run
    except BaseException as e:
        reason = str(e) if isinstance(e, JukiError) else f"{type(e).__name__} (details withheld)"
        kind = e.kind if isinstance(e, JukiError) else "internal"
        record = FailedRecord(job=job, business_date=business_date, finished_at=now_utc(), kind=kind,
                              operator=runinfo.operator(), code_version=runinfo.code_version(),
                              error=reason.splitlines()[0], rerun=rerun)
        try:
            failed = wd.failed_dir(job, business_date, create=True)
            write_record(record, failed / "manifest.json")
            if report is not None:
                with suppress(Exception):  # the failure's own line matters more than its page
                    report(record, failed / "report.html")
            log_run(str(wd.root), job, f"failed: {record.error}", record)
        except (OSError, JukiError) as also:
            if isinstance(e, JukiError):  # the run's own reason first; then that its record failed too
                raise _also(e, also) from None
            raise
        raise


def _also(e: JukiError, also: BaseException) -> JukiError:
    err = JukiError(f"{e.reason}; the failed run could not be recorded either ({_why(also)})", e.where)
    err.exit_code = e.exit_code
    return err


def deliver(workdir, job: str, business_date: str, outbox: str) -> DeliveryRecord:
    """Copy a committed run's outputs to an outbox (a folder or URL), each checked against its manifest hash.

    The run stays committed whatever happens here: a failed delivery is simply tried again (`juki deliver`)."""
    wd = existing(workdir)
    run_dir = wd.run_dir(job, business_date)
    if not (run_dir / "manifest.json").is_file():
        raise UsageError(f"no completed {job} run for {business_date} to deliver (see `juki runs`)",
                         Where(file=str(wd.root)))
    storage.refuse_link(run_dir)
    record = read_record(run_dir / "manifest.json")
    delivered = []
    for out in getattr(record, "outputs", {}).values():
        target = f"{outbox.rstrip('/')}/{out.file}"
        sha = storage.copy_file(run_dir / out.file, target)
        if sha != out.sha256:
            raise storage.StorageError("the delivered copy differs from the committed output",
                                       Where(file=storage.display_name(target)))
        delivered.append({"location": storage.display_name(target), "sha256": sha, "records": out.records})
    delivery = DeliveryRecord(job=job, business_date=business_date, delivered_at=now_utc(), files=delivered)
    write_record(delivery, run_dir / "delivery.json")
    runlog.append(workdir, f"deliver {job}", "completed", business_date, outputs=delivered,
                  counts={"files": len(delivered)})
    return delivery
