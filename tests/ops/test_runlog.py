"""The run log is tamper-evident: `juki audit verify` names an edited, removed or reordered line."""

from __future__ import annotations

import json

import pytest

from juki.jobs import runlog
from tests.conftest import copy_workdir, run_cli


@pytest.fixture
def logged(tmp_path):
    wd = tmp_path / "wd"
    for i in range(5):
        runlog.append(wd, "nightly", "completed", f"2026040{i + 1}", counts={"records": 300 + i})
    return wd, runlog.path_of(wd)


def rewrite(path, lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_an_intact_log_verifies(logged):
    wd, _ = logged
    result = run_cli("audit", "verify", "--workdir", wd)
    assert result.code == 0 and "intact: 5 line(s)" in result.out


def test_an_edited_line_is_named(logged):
    wd, path = logged
    lines = path.read_text().splitlines()
    entry = json.loads(lines[2])
    entry["counts"]["records"] = 999
    lines[2] = json.dumps(entry, ensure_ascii=False, sort_keys=True)
    rewrite(path, lines)
    result = run_cli("audit", "verify", "--workdir", wd)
    assert result.code == 1 and "line 3: edited" in result.out


def test_an_edit_with_a_recomputed_own_hash_is_caught_by_the_next_line(logged):
    wd, path = logged
    lines = path.read_text().splitlines()
    entry = json.loads(lines[1])
    entry["user"] = "someone-else"
    entry["hash"] = runlog._digest(runlog._canonical(entry))
    lines[1] = json.dumps(entry, ensure_ascii=False, sort_keys=True)
    rewrite(path, lines)
    result = run_cli("audit", "verify", "--workdir", wd)
    assert result.code == 1 and "line 3: does not chain" in result.out


def test_a_removed_line_is_named(logged):
    wd, path = logged
    lines = path.read_text().splitlines()
    del lines[1]
    rewrite(path, lines)
    result = run_cli("audit", "verify", "--workdir", wd)
    assert result.code == 1 and "line 2: entry 3 where 2 was expected" in result.out


def test_reordered_lines_are_named(logged):
    wd, path = logged
    lines = path.read_text().splitlines()
    lines[1], lines[3] = lines[3], lines[1]
    rewrite(path, lines)
    result = run_cli("audit", "verify", "--workdir", wd)
    assert result.code == 1 and "line 2: entry 4 where 2 was expected" in result.out


def test_show_prints_each_run_readably(logged):
    wd, _ = logged
    out = run_cli("audit", "show", "--workdir", wd).out
    assert out.count("nightly") == 5 and "records 300" in out


def test_the_head_hash_changes_when_the_end_is_cut(logged):
    wd, path = logged
    before = runlog.head(wd)
    rewrite(path, path.read_text().splitlines()[:-1])
    assert runlog.verify(wd)[1] == []  # a cut end alone is invisible to the chain…
    assert runlog.head(wd) != before  # …which is why verify prints the head hash to note elsewhere


# The log held against the manifests: each committed run must be in it, so a log deleted, emptied or cut at its end
# while committed runs exist is caught, even though the chain of what is left is intact.


@pytest.fixture
def committed(sample_runs, tmp_path):
    wd = copy_workdir(sample_runs[0], tmp_path / "wd")
    assert run_cli("consistency", "--date", "2026-04-02", "--workdir", wd).code == 0
    assert run_cli("rerun", "--job", "nightly", "--date", "2026-04-03", "--reason", "x", "--workdir", wd).code == 0
    return wd, runlog.path_of(wd)


def test_a_log_with_every_committed_run_verifies(committed):
    wd, _ = committed
    result = run_cli("audit", "verify", "--workdir", wd)
    assert result.code == 0 and "intact" in result.out, result.out


def test_a_deleted_log_is_caught_when_committed_runs_exist(committed):
    wd, path = committed
    path.unlink()
    result = run_cli("audit", "verify", "--workdir", wd)
    assert result.code == 1 and "NOT intact" in result.out
    assert "run log is missing" in result.out and "4 committed run(s)" in result.out  # the rerun made the same


def test_an_emptied_log_is_caught(committed):
    wd, path = committed
    path.write_bytes(b"")
    result = run_cli("audit", "verify", "--workdir", wd)
    assert result.code == 1 and "NOT intact" in result.out
    assert "nightly 20260401" in result.out and "consistency 20260402" in result.out


def test_a_log_cut_at_its_end_is_caught(committed):
    wd, path = committed
    lines = path.read_text().splitlines()
    assert runlog.verify(wd)[1] == []
    rewrite(path, lines[:-2])  # the consistency run and the rerun are gone from the log; what is left still chains
    result = run_cli("audit", "verify", "--workdir", wd)
    assert result.code == 1 and "consistency 20260402" in result.out and "not in the run log" in result.out
