"""What every job does the same way: write an output into its staging folder, and publish the run.

A job's outputs are written through the layouts' writer into the staging folder; publishing writes the manifest
and the report, removes the temporary files that held personal data, and renames the folder into place.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import polars as pl

from juki import storage
from juki.codec.writer import write_records, write_with_header
from juki.dates import now_utc
from juki.errors import InputUnusable, JukiError, Where
from juki.jobs import manifest as runinfo
from juki.jobs import runlog
from juki.jobs.workdir import Workdir
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


def publish(workdir: str, job: str, business_date: str, staging: Path, manifest: dict,
            temporary: tuple[str, ...] = ()) -> dict:
    for name in temporary:
        (staging / name).unlink(missing_ok=True)
    runinfo.write_report(manifest, staging / "report.html")
    runinfo.write_manifest(manifest, staging / "manifest.json")
    wd = Workdir(workdir)
    wd.keep_history(job, business_date)
    final = wd.commit(staging, job, business_date)
    log_run(workdir, job, "completed", manifest)
    return manifest | {"dir": str(final)}


def log_run(workdir: str, job: str, outcome: str, manifest: dict) -> None:
    """One run-log line per run: inputs and outputs by location and SHA-256, counts, never values."""
    read = manifest.get("read", {})
    inputs = [{"location": read.get("input"), "sha256": read.get("input_sha256")},
              {"location": manifest.get("run", {}).get("config"), "sha256": read.get("config_sha256")}]
    outputs = [{"file": o["file"], "sha256": o["sha256"], "records": o["records"]}
               for o in manifest.get("outputs", {}).values()]
    if "snapshot" in manifest:
        outputs.append(manifest["snapshot"])
    counts = {k: v for k, v in {**read, **manifest}.items() if isinstance(v, int) and not isinstance(v, bool)}
    counts |= {f"changes.{k}": v for k, v in manifest.get("changes", {}).items()}
    rerun = manifest.get("rerun")
    name = f"rerun {job}" if rerun else job
    runlog.append(workdir, name, outcome, manifest["business_date"], [i for i in inputs if i["location"]],
                  outputs, counts, {"reason": rerun["reason"], "forced": rerun["forced"]} if rerun else None)


def load_snapshot(run_dir: Path) -> pl.DataFrame:
    """A nightly run's snapshot, after checking it is the one its manifest recorded."""
    path = run_dir / "snapshot.parquet"
    manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    if not path.exists() or storage.sha256_of(path) != manifest["snapshot"]["sha256"]:
        raise InputUnusable("the snapshot is missing or does not match its manifest (corrupted?); "
                            "restore it or rerun that date", Where(file=str(path)))
    return pl.read_parquet(path)


@contextmanager
def failures_recorded(wd: Workdir, job: str, business_date: str, rerun: dict | None) -> Iterator[None]:
    """A run that fails leaves a manifest saying so (status, reason, counts only) for `juki runs`."""
    try:
        yield
    except BaseException as e:
        reason = str(e) if isinstance(e, JukiError) else f"{type(e).__name__} (details withheld)"
        failed = wd.failed_dir(job, business_date)
        manifest = {"job": job, "business_date": business_date, "status": "failed", "finished_at": now_utc(),
                    "operator": runinfo.operator(), "code_version": runinfo.code_version(),
                    "error": reason.splitlines()[0], "rerun": rerun}
        runinfo.write_manifest(manifest, failed / "manifest.json")
        log_run(str(wd.root), job, f"failed: {manifest['error']}", manifest)
        raise


def deliver(workdir, job: str, business_date: str, outbox: str) -> dict:
    """Copy a committed run's outputs to an outbox (a folder or URL), each checked against its manifest hash.

    The run stays committed whatever happens here: a failed delivery is simply tried again (`juki deliver`)."""
    run_dir = Workdir(workdir).run_dir(job, business_date)
    manifest = runinfo.read_manifest(run_dir / "manifest.json")
    delivered = []
    for out in manifest.get("outputs", {}).values():
        target = f"{outbox.rstrip('/')}/{out['file']}"
        sha = storage.copy_file(run_dir / out["file"], target)
        if sha != out["sha256"]:
            raise storage.StorageError("the delivered copy differs from the committed output",
                                       Where(file=storage.display_name(target)))
        delivered.append({"location": storage.display_name(target), "sha256": sha, "records": out["records"]})
    record = {"job": job, "business_date": business_date, "delivered_at": now_utc(), "files": delivered}
    runinfo.write_manifest(record, run_dir / "delivery.json")
    runlog.append(workdir, f"deliver {job}", "completed", business_date, outputs=delivered,
                  counts={"files": len(delivered)})
    return record
