"""The run record: typed, one kind per job, read back as it was written, refused with one line when it does not
fit, and rendered to the report of its own kind."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from juki.errors import InputUnusable
from juki.jobs.consistency import run_consistency
from juki.jobs.record import ConsistencyRecord, NightlyRecord, read_record
from juki.reports import write_report
from tests.conftest import copy_workdir, run_cli


@pytest.fixture(scope="module")
def runs(sample_runs, tmp_path_factory):
    wd = copy_workdir(sample_runs[0], tmp_path_factory.mktemp("record") / "wd")
    return wd, sample_runs[1], run_consistency("20260403", wd)


def test_a_record_reads_back_as_the_run_returned_it(runs):
    wd, nightly, consistency = runs
    for returned in (nightly[1], consistency):
        back = read_record(Path(returned.dir) / "manifest.json")
        assert type(back) is type(returned)
        assert back.model_dump() == returned.model_dump()
    assert isinstance(read_record(wd / "runs/nightly/20260402/manifest.json"), NightlyRecord)
    assert isinstance(read_record(wd / "runs/consistency/20260403/manifest.json"), ConsistencyRecord)


@pytest.mark.parametrize(("edit", "said"), [
    (lambda m: m | {"notices": "many"}, "field notices"),
    (lambda m: {k: v for k, v in m.items() if k != "read"}, "field read"),
    (lambda m: m | {"job": "payroll"}, "not a juki v1 run record"),
    (lambda m: m | {"surprise": 1}, "field surprise"),
    (lambda m: m | {"schema_version": 2}, "another format version"),
])
def test_a_manifest_that_does_not_fit_is_refused_in_one_line(runs, tmp_path, edit, said):
    wd, _, _ = runs
    edited = copy_workdir(wd, tmp_path / "wd")
    path = edited / "runs/nightly/20260402/manifest.json"
    path.write_text(json.dumps(edit(json.loads(path.read_text()))))
    with pytest.raises(InputUnusable, match=said):
        read_record(path)
    shown = run_cli("runs", "--workdir", edited)
    assert shown.code == 2 and said in shown.err and len(shown.err.strip().splitlines()) == 1
    assert "Traceback" not in shown.err


def test_each_job_has_a_report_of_its_own_kind(runs, tmp_path):
    """Rendered from the record by juki.reports (what the CLI and the flows hand the jobs)."""
    _, nightly, consistency = runs
    write_report(nightly[1], tmp_path / "night" / "report.html")
    write_report(consistency, tmp_path / "annual" / "report.html")
    night = (tmp_path / "night" / "report.html").read_text()
    annual = (tmp_path / "annual" / "report.html").read_text()
    assert "異動通知" in night and "更新順番号" in night
    assert "異動通知" not in annual and "更新順番号" not in annual
    assert f'<td class="n">{consistency.records:,}</td>' in annual
