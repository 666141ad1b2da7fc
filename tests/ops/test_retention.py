"""Retention against reruns: purge keeps, for every nightly run it keeps, the run before it (whose snapshot a rerun
compares with), and a rerun whose prior snapshot is gone anyway is refused: never silently a baseline."""

from __future__ import annotations

import json
import shutil

from tests.conftest import run_cli


def files(run_dir) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in run_dir.iterdir() if p.suffix in (".dat", ".parquet", ".csv", ".html")}


def rerun(wd, day: str):
    return run_cli("rerun", "--job", "nightly", "--date", day, "--reason", "after purge", "--workdir", wd)


def test_purge_keeps_the_run_that_the_oldest_kept_run_needs(wd):
    listed = run_cli("purge", "--keep", "1", "--workdir", wd)  # no terminal, no --yes: it lists, then refuses
    assert "runs/nightly/20260401" in listed.out and "runs/nightly/20260402" not in listed.out
    assert "20260402" in listed.out and "kept" in listed.out  # says why the older run stays
    assert run_cli("purge", "--keep", "1", "--yes", "--workdir", wd).code == 0
    assert sorted(p.name for p in (wd / "runs/nightly").iterdir() if p.name.isdigit()) == ["20260402", "20260403"]


def test_a_rerun_after_purge_is_the_same_run_again(wd):
    run_dir = wd / "runs/nightly/20260403"
    before = files(run_dir)
    notices = json.loads((run_dir / "manifest.json").read_text())["notices"]
    assert notices > 0
    assert run_cli("purge", "--keep", "1", "--yes", "--workdir", wd).code == 0
    result = rerun(wd, "2026-04-03")
    assert result.code == 0, result.err
    assert "baseline" not in result.out
    manifest = json.loads((run_dir / "manifest.json").read_text())
    assert manifest["baseline"] is False and manifest["notices"] == notices
    after = files(run_dir)  # (the CLI's rerun adds the clerk's report.html, which the core's run leaves to its caller)
    assert {name: after.get(name) for name in before} == before


def test_a_rerun_whose_prior_run_is_gone_is_refused_and_changes_nothing(wd):
    shutil.rmtree(wd / "runs/nightly/20260402")  # gone by hand, or by an older purge
    run_dir = wd / "runs/nightly/20260403"
    before = files(run_dir)
    result = rerun(wd, "2026-04-03")
    assert result.code == 2
    lines = [line for line in result.err.splitlines() if line.startswith("juki:")]
    assert len(lines) == 1 and "20260402" in lines[0] and "no longer in the workdir" in lines[0], result.err
    assert files(run_dir) == before
    assert json.loads((run_dir / "manifest.json").read_text()).get("rerun") is None


def test_a_rerun_of_the_first_run_stays_a_baseline(wd):
    result = rerun(wd, "2026-04-01")
    assert result.code == 0 and "baseline" in result.out


def test_a_consistency_rerun_whose_nightly_snapshot_was_purged_is_refused(wd):
    assert run_cli("consistency", "--date", "2026-04-01", "--workdir", wd).code == 0
    assert run_cli("purge", "--keep", "1", "--yes", "--workdir", wd).code == 0
    result = run_cli("rerun", "--job", "consistency", "--date", "2026-04-01", "--reason", "resend", "--workdir", wd)
    assert result.code == 2 and "nightly run for 20260401" in result.err
    assert (wd / "runs/consistency/20260401/manifest.json").exists()
