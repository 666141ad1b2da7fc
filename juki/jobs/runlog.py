"""The run log: one JSON line per run or command that reads personal data, each chained to the one before.

Every line carries the SHA-256 of the previous line and its own number, so an edited, removed or reordered
line breaks the chain at that line, and `juki audit verify` names it (docs/DOMAIN.md, 評価書 III: 操作ログ that can be
traced after misuse). Lines hold who, what, when, which business date, input/output SHA-256, counts and the approval
reference of a bulk output: never a value from a record. Appends are serialised by a file lock and fsynced.

A chain cannot show that lines were cut from its end, or that the whole log was emptied or deleted. So
``verify`` also holds the log against the run folders: every committed run (and every run a rerun superseded)
has a manifest, and each must have its line in the log (same job, business date and output hashes).
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from juki.dates import now_utc
from juki.jobs import manifest as runinfo
from juki.jobs.record import NightlyRecord, RunRecord
from juki.jobs.workdir import RUNLOG, Workdir
from juki.storage import refuse_link

NAME = RUNLOG
GENESIS = "0" * 64
JOBS = ("nightly", "consistency")


def path_of(workdir) -> Path:
    return Workdir(workdir).root / NAME


def _digest(line: str) -> str:
    return hashlib.sha256(line.encode("utf-8")).hexdigest()


def append(workdir, command: str, outcome: str, business_date: str | None = None, inputs: list | None = None,
           outputs: list | None = None, counts: dict | None = None, approval: dict | None = None) -> dict:
    path = Workdir(workdir).dir() / NAME
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    except OSError as e:
        if e.errno == errno.ELOOP:
            refuse_link(path)
        raise
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        last = _last_line(fd)
        entry = {"n": (json.loads(last)["n"] + 1) if last else 1, "prev": _digest(last) if last else GENESIS,
                 "time": now_utc(), "user": runinfo.operator(), "command": command, "outcome": outcome,
                 "business_date": business_date, "inputs": inputs or [], "outputs": outputs or [],
                 "counts": counts or {}, "approval": approval}
        entry["hash"] = _digest(_canonical(entry))
        os.write(fd, (json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8"))
        os.fsync(fd)
        return entry
    finally:
        os.close(fd)


def _canonical(entry: dict) -> str:
    return json.dumps({k: v for k, v in entry.items() if k != "hash"}, ensure_ascii=False, sort_keys=True)


def _last_line(fd: int) -> str:
    size = os.fstat(fd).st_size
    if size == 0:
        return ""
    chunk = min(size, 1 << 16)
    while True:
        os.lseek(fd, size - chunk, os.SEEK_SET)
        tail = os.read(fd, chunk).decode("utf-8").rstrip("\n")
        if "\n" in tail or chunk == size:
            return tail.rsplit("\n", 1)[-1]
        chunk = min(size, chunk * 4)


@dataclass(frozen=True)
class Problem:
    line: int | None  # None: the log as a whole (a run missing from it)
    what: str


def verify(workdir) -> tuple[int, list[Problem]]:
    """Lines read, and every place the chain breaks (an edited, removed or reordered line), then every committed
    run that has no line in the log (the log deleted, emptied, or cut at its end).

    What the manifests cannot show (lookups and other reads cut from the end) the head hash can: `juki audit
    verify` prints it so that an operator can note it elsewhere and compare it later."""
    path = path_of(workdir)
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    problems = _chain(lines)
    committed = _committed_runs(Workdir(workdir))
    if not path.exists() and committed:
        return 0, [Problem(None, f"the run log is missing, but {sum(committed.values())} committed run(s) exist "
                                 "in the workdir")]
    logged = Counter(_key(e["command"], e.get("business_date"), e.get("outputs", []))
                     for e in _parsed(lines) if e.get("outcome") == "completed")
    for key, n in sorted(committed.items()):
        if logged[key] < n:
            problems.append(Problem(None, f"the committed run {key[0]} {key[1]} is not in the run log "
                                          "(lines cut from its end, or the log replaced?)"))
    return len(lines), problems


def _chain(lines: list[str]) -> list[Problem]:
    problems: list[Problem] = []
    prev, expected_n = GENESIS, 1
    for i, line in enumerate(lines, start=1):
        try:
            entry = json.loads(line)
            n, chained = entry["n"], entry["prev"]
        except (ValueError, KeyError, TypeError):
            problems.append(Problem(i, "not a run-log entry (edited?)"))
            prev, expected_n = _digest(line), expected_n + 1
            continue
        if entry.get("hash") != _digest(_canonical(entry)):
            problems.append(Problem(i, "edited: its content does not match its own hash"))
        elif n != expected_n:
            what = "line(s) removed before it" if n > expected_n else "out of order (reordered or duplicated)"
            problems.append(Problem(i, f"entry {n} where {expected_n} was expected: {what}"))
        elif chained != prev:
            problems.append(Problem(i, "does not chain to the line before (that line or this one was edited)"))
        prev, expected_n = _digest(line), n + 1
    return problems


def _parsed(lines: list[str]) -> list[dict]:
    out = []
    for line in lines:
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict) and "command" in entry:
            out.append(entry)
    return out


def run_outputs(record: RunRecord) -> list[dict]:
    """What a run's log line lists as its outputs: each output file and the snapshot, by name and SHA-256."""
    outputs = [{"file": o.file, "sha256": o.sha256, "records": o.records}
               for o in getattr(record, "outputs", {}).values()]
    if isinstance(record, NightlyRecord):
        outputs.append({"file": record.snapshot.file, "sha256": record.snapshot.sha256})
    return outputs


def _key(command: str, business_date, outputs: list) -> tuple:
    hashes = tuple(sorted(str(o.get("sha256")) for o in outputs if isinstance(o, dict)))
    return command, business_date, hashes


def _committed_runs(wd: Workdir) -> Counter:
    """Every committed run's key, as its log line would give it: current runs and the ones reruns superseded."""
    found: Counter = Counter()
    for job in JOBS:
        for m in [*wd.manifests(job), *wd.history(job)]:
            if m.status == "completed":
                found[_key(f"rerun {job}" if m.rerun else job, m.business_date, run_outputs(m))] += 1
    return found


def entries(workdir) -> list[dict]:
    """The log's entries (a line that is no entry, which verify names, is left out)."""
    path = path_of(workdir)
    return _parsed(path.read_text(encoding="utf-8").splitlines()) if path.exists() else []


def head(workdir) -> str:
    """The hash of the last line: what to note elsewhere to detect a cut or rewritten end."""
    path = path_of(workdir)
    if not path.exists():
        return GENESIS
    lines = path.read_text(encoding="utf-8").splitlines()
    return _digest(lines[-1]) if lines else GENESIS
