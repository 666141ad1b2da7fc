"""The run log is tamper-evident: `juki audit verify` names an edited, removed or reordered line."""

from __future__ import annotations

import json

import pytest

from juki.jobs import runlog
from tests.conftest import run_cli


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
