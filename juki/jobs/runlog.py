"""The run log: one JSON line per run or command that reads personal data, each chained to the one before.

Every line carries the SHA-256 of the previous line and its own number, so an edited, removed or reordered
line breaks the chain at that line, and `juki audit verify` names it (docs/DOMAIN.md, 評価書 III: 操作ログ that can be
traced after misuse). Lines hold who, what, when, which business date, input/output SHA-256, counts and the approval
reference of a bulk output: never a value from a record. Appends are serialised by a file lock and fsynced.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from juki.dates import now_utc
from juki.jobs import manifest as runinfo
from juki.jobs.workdir import Workdir

NAME = "runlog.jsonl"
GENESIS = "0" * 64


def path_of(workdir) -> Path:
    return Workdir(workdir).root / NAME


def _digest(line: str) -> str:
    return hashlib.sha256(line.encode("utf-8")).hexdigest()


def append(workdir, command: str, outcome: str, business_date: str | None = None, inputs: list | None = None,
           outputs: list | None = None, counts: dict | None = None, approval: dict | None = None) -> dict:
    path = path_of(workdir)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
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
    line: int
    what: str


def verify(workdir) -> tuple[int, list[Problem]]:
    """Lines read, and every place the chain breaks (an edited, removed or reordered line).

    A chain proves the order and integrity of what it holds; it cannot prove that nothing was cut from its end
    by someone who also rewrote the hashes. `juki audit verify` prints the head hash so that an operator can
    note it elsewhere (the approval record, a Prefect artifact) and compare it later."""
    path = path_of(workdir)
    if not path.exists():
        return 0, []
    problems: list[Problem] = []
    prev, expected_n = GENESIS, 1
    lines = path.read_text(encoding="utf-8").splitlines()
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
    return len(lines), problems


def entries(workdir) -> list[dict]:
    path = path_of(workdir)
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def head(workdir) -> str:
    """The hash of the last line: what to note elsewhere to detect a cut or rewritten end."""
    path = path_of(workdir)
    if not path.exists():
        return GENESIS
    lines = path.read_text(encoding="utf-8").splitlines()
    return _digest(lines[-1]) if lines else GENESIS
