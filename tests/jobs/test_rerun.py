"""Ad hoc reruns: byte-identical when nothing changed, refused when an input changed, recorded either way."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from juki.errors import InputUnusable, UsageError
from juki.jobs.nightly import run_nightly
from juki.jobs.rerun import history, rerun
from tests.conftest import SAMPLE, run_cli, sample_input


def outputs(run_dir: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in run_dir.iterdir() if p.suffix in (".dat", ".parquet", ".csv")}


@pytest.fixture
def two_days(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in ("juki_daicho_20260401.dat", "juki_daicho_20260402.dat", "city.toml", "daitai_moji.csv"):
        shutil.copy(SAMPLE / name, inbox / name)
    wd = tmp_path / "wd"
    for day in ("20260401", "20260402"):
        run_nightly(str(inbox / f"juki_daicho_{day}.dat"), day, wd)
    return inbox, wd


def test_rerun_of_an_unchanged_date_is_byte_identical_and_recorded(two_days):
    inbox, wd = two_days
    run_dir = wd / "runs/nightly/20260401"
    before = outputs(run_dir)
    manifest = (run_dir / "manifest.json").read_bytes()
    result = run_cli("rerun", "--job", "nightly", "--date", "2026-04-01", "--reason", "check after restore",
                     "--workdir", wd)
    assert result.code == 0, result.err
    assert outputs(run_dir) == before
    assert (run_dir / "manifest.json").read_bytes() == manifest  # made again: the run stands as it was
    assert "made every file of the run again" in result.out and "later runs" not in result.err
    rows = {(r["business_date"], r["status"]): r for r in history(wd, "nightly")}
    assert ("20260401", "completed") in rows and ("20260401", "superseded") not in rows
    assert rows["20260401", "reproduced"]["rerun"] == "check after restore"  # the run log has the rerun


def test_rerun_after_the_input_changed_is_refused_naming_it(two_days):
    inbox, wd = two_days
    changed = inbox / "juki_daicho_20260402.dat"
    data = changed.read_bytes()
    changed.write_bytes(data)  # rewritten, same bytes: still the same input
    assert rerun("nightly", "20260402", "same file", wd).record.rerun.changed_inputs == []
    changed.write_bytes(data.replace(b"\r\n", b"\n", 1))  # now really changed
    with pytest.raises(UsageError, match="juki_daicho_20260402.dat changed since the run"):
        rerun("nightly", "20260402", "vendor resent", wd)
    result = run_cli("rerun", "--job", "nightly", "--date", "2026-04-02", "--reason", "x", "--workdir", wd)
    assert result.code == 2 and "juki_daicho_20260402.dat" in result.err


def test_forced_rerun_records_what_changed(two_days):
    inbox, wd = two_days
    config = inbox / "city.toml"
    config.write_text(config.read_text() + "\n# edited\n")
    result = rerun("nightly", "20260402", "config fixed", wd, force=True).record
    assert result.rerun.forced is True
    assert result.rerun.changed_inputs == [str(config.resolve())]


def test_consistency_rerun_and_runs_listing(two_days, tmp_path):
    _, wd = two_days
    assert run_cli("consistency", "--date", "2026-04-02", "--workdir", wd).code == 0
    first = outputs(wd / "runs/consistency/20260402")
    assert run_cli("rerun", "--job", "consistency", "--date", "2026-04-02", "--reason", "resend",
                   "--workdir", wd).code == 0
    assert outputs(wd / "runs/consistency/20260402") == first
    listing = run_cli("runs", "--workdir", wd, "--job", "consistency")
    assert "reproduced" in listing.out and "rerun: resend" in listing.out
    as_json = json.loads(run_cli("runs", "--workdir", wd, "--json", "--since", "2026-04-02").out)
    assert {r["business_date"] for r in as_json} == {"20260402"}


def test_rerun_of_a_date_never_run_is_refused(two_days):
    _, wd = two_days
    result = run_cli("rerun", "--job", "nightly", "--date", "2026-03-31", "--reason", "x", "--workdir", wd)
    assert result.code == 2 and "no completed nightly run for 20260331" in result.err


def test_a_failed_run_is_listed_with_its_reason(two_days):
    inbox, wd = two_days
    with pytest.raises(InputUnusable):
        run_nightly(str(inbox / "juki_daicho_20260402.dat"), "20260403", wd)
    failed = [r for r in history(wd) if r["status"] == "failed"]
    assert failed and failed[0]["business_date"] == "20260403" and "dated 20260402" in failed[0]["error"]
    assert sample_input("20260401")  # the bundled sample is untouched by these tests


def test_outputs_are_delivered_to_an_outbox_and_checked(two_days, tmp_path):
    inbox, wd = two_days
    outbox = tmp_path / "outbox"
    result = run_cli("deliver", "--job", "nightly", "--date", "2026-04-02", "--outbox", outbox, "--workdir", wd)
    assert result.code == 0 and "delivered 2 file(s)" in result.out
    run_dir = wd / "runs/nightly/20260402"
    for name in ("koshin_20260402.dat", "sofusaki_20260402.dat"):
        assert (outbox / name).read_bytes() == (run_dir / name).read_bytes()
        assert (outbox / name).stat().st_mode & 0o077 == 0
    delivery = json.loads((run_dir / "delivery.json").read_text())
    assert len(delivery["files"]) == 2
    from juki.jobs import runlog

    assert runlog.entries(wd)[-1]["command"] == "deliver nightly"
