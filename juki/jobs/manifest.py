"""What a run leaves for people: its record (manifest.json, see record.py) and its reject and manual-review files
(CSV); the report (HTML) is rendered from the same record by juki.reports.

None holds a personal value: counts, hashes, record numbers, rule identifiers, and the 住民票コード only where a
record must be named (manual review). Every file is written atomically and owner-only.
"""

from __future__ import annotations

import getpass
import os
import subprocess
from dataclasses import fields
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TypeVar

import polars as pl

from juki import storage
from juki.dates import now_utc
from juki.jobs.record import ConsistencyRecord, NightlyRecord, Rerun

R = TypeVar("R", NightlyRecord, ConsistencyRecord)


def code_version() -> str:
    try:
        release = version("juki-etl")
    except PackageNotFoundError:
        release = "unknown"
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, timeout=5,
                                cwd=Path(__file__).parent, check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = ""
    return f"{release}+{commit}" if commit else release


def operator() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return str(os.getuid())


def run_params(run) -> dict:
    """A run's parameters as the record keeps them: its data fields, not what it holds in memory."""
    return {f.name: getattr(run, f.name) for f in fields(run) if f.compare and f.name not in ("staging", "rerun")}


def completed(kind: type[R], run, steps: dict, **extra) -> R:
    """The record of a run that completed: what ran, on what, by whom, with which code, and the counts its steps
    returned (``read_input``'s under ``read``)."""
    params = run_params(run)
    if "input" in params:
        params["input"] = storage.display_name(params["input"])
    body = {"business_date": run.business_date, "finished_at": now_utc(), "operator": operator(),
            "code_version": code_version(), "run": params, "rerun": run.rerun}
    for name, values in steps.items():
        body.update(values if name != "read_input" else {"read": values})
    return kind.model_validate(body | extra)


def rerun_info(reason: str, forced: bool, changed: list[str], supersedes: str) -> Rerun:
    return Rerun(reason=reason, operator=operator(), requested_at=now_utc(), forced=forced, changed_inputs=changed,
                 supersedes=supersedes)


def write_rejects(rejects: pl.DataFrame, path) -> dict:
    """The reject (or manual-review) CSV of a run, and its record for the manifest."""
    return {"file": Path(str(path)).name, "sha256": storage.write_csv(rejects, path), "records": rejects.height}
