"""What a run leaves for people: manifest (JSON), reject and manual-review files (CSV), a report (HTML).

None holds a personal value: counts, hashes, record numbers, rule identifiers, and the 住民票コード only where a
record must be named (manual review). Every file is written atomically and owner-only.
"""

from __future__ import annotations

import getpass
import json
import os
import subprocess
from dataclasses import fields
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import polars as pl

from juki import storage
from juki.dates import now_utc
from juki.jobs.report import Report, Section


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
    """A run's parameters as the manifest records them: its data fields, not what it holds in memory."""
    return {f.name: getattr(run, f.name) for f in fields(run) if f.compare}


def manifest(job: str, business_date: str, run: dict, steps: dict, **extra) -> dict:
    """The run's record: what ran, on what (locations and hashes), by whom, with which code, and the counts."""
    params = {k: (storage.display_name(v) if k == "input" else v) for k, v in run.items()
              if k not in ("staging", "rerun")}
    body = {"job": job, "business_date": business_date, "status": "completed", "finished_at": now_utc(),
            "operator": operator(), "code_version": code_version(), "run": params, "rerun": run.get("rerun")}
    for name, values in steps.items():
        body.update(values if name != "read_input" else {"read": values})
    return body | extra


def write_manifest(manifest: dict, path: Path) -> None:
    with storage.atomic_output(path) as sink:
        sink.write(json.dumps(manifest, ensure_ascii=False, indent=2, default=str).encode("utf-8") + b"\n")


def read_manifest(path: Path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def write_rejects(rejects: pl.DataFrame, path) -> dict:
    """The reject (or manual-review) CSV of a run, and its record for the manifest."""
    return {"file": Path(str(path)).name, "sha256": storage.write_csv(rejects, path), "records": rejects.height}


def write_held(held: pl.DataFrame, path: Path) -> dict:
    """The manual-review list: which record, which 住民票コード, what change waits, and why it was held."""
    return write_rejects(held, path)


def write_report(manifest: dict, path: Path) -> None:
    changes = manifest.get("changes", {})
    rows = [[kind, n] for kind, n in sorted(changes.items())]
    read = manifest.get("read", {})
    Report(
        title=f"{manifest['job']} {manifest['business_date']}",
        verdict="completed" + (" (baseline: no notices on the first run)" if manifest.get("baseline") else ""),
        ok=True,
        facts=[("input", read.get("input")), ("input sha256", read.get("input_sha256")),
               ("records read", read.get("records")), ("records rejected", read.get("input_rejects")),
               ("snapshot records", manifest.get("snapshot_records")), ("held for manual review", manifest.get("held")),
               ("change notices", manifest.get("notices")), ("送付先情報 records", manifest.get("sofusaki_records")),
               ("更新順番号", "{first}–{last}".format(**manifest.get("sequence", {"first": "", "last": ""}))),
               ("operator", manifest["operator"]), ("code", manifest["code_version"])],
        sections=[Section("Changes by kind", ["kind", "count"], rows),
                  Section("Outputs", ["file", "records", "sha256"],
                          [[o["file"], o["records"], o["sha256"]] for o in manifest.get("outputs", {}).values()])],
    ).write(path)
