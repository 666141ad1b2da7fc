"""No personal data through side doors: the real flow under Prefect's test harness, then a scan of Prefect's
database, the logs, the artifacts and the exception texts for every 個人番号, 氏名 and 住所 of the input."""

from __future__ import annotations

import logging
from pathlib import Path

import polars as pl
import prefect.settings
import pytest
from prefect.testing.utilities import prefect_test_harness

from juki.codec.reader import read_records
from juki.flows.nightly import nightly
from juki.jobs import nightly as core
from juki.layout import load_layout
from tests.conftest import DAYS, SAMPLE, sample_changes


def personal_values() -> set[str]:
    values: set[str] = set()
    for day in DAYS:
        df, _ = read_records(SAMPLE / f"juki_daicho_{day}.dat", load_layout("juki_daicho"))
        for column in ("kojin_bango", "shimei", "jusho", "zen_jusho"):
            values |= set(df[column].drop_nulls().to_list())
    return {v for v in values if len(v) >= 4}


def scan(blob: bytes, values: set[str]) -> list[str]:
    return sorted(v for v in values if v.encode("utf-8") in blob or v.encode("cp932", "ignore") in blob)


def test_flow_leaves_no_personal_value_in_prefect_logs_or_artifacts(tmp_path, caplog, capsys, monkeypatch):
    values = personal_values()
    assert len(values) > 500
    caplog.set_level(logging.DEBUG)
    with prefect_test_harness(server_startup_timeout=120):  # a loaded 2-core CI machine needs more than 30 s
        db_url = prefect.settings.PREFECT_SERVER_DATABASE_CONNECTION_URL.value()
        workdir = str(tmp_path / "wd")
        pattern = str(SAMPLE / "juki_daicho_{date}.dat")
        nightly(date="2026-04-01", input=pattern, workdir=workdir)
        counts = nightly(date="2026-04-02", input=pattern, workdir=workdir)
        assert counts["notices"] == sample_changes("20260402")
        # A step that fails with a library error quoting a value: Prefect must get its type name only.
        victim = next(iter(values))

        def leaky(run):
            raise ValueError(f"could not parse {victim!r}")

        monkeypatch.setattr(core, "STEPS", (core.read_input, leaky))
        with pytest.raises(Exception) as failure:
            nightly(date="2026-04-03", input=pattern, workdir=workdir)
        assert victim not in str(failure.value)
        db_dir = Path(db_url.split("///", 1)[1]).parent
        blobs = b"".join(p.read_bytes() for p in db_dir.iterdir() if p.is_file())
    assert b"nightly-counts" in blobs  # the artifact is there, and it is counts only
    assert scan(f"x{victim}y".encode(), values) == [victim]  # the scan does find a value that is there
    captured = capsys.readouterr()
    text = (captured.out + captured.err + "\n".join(r.getMessage() for r in caplog.records)).encode("utf-8")
    assert scan(blobs, values) == []
    assert scan(text, values) == []


def test_the_run_folder_shows_people_only_in_the_outputs(sample_runs):
    """Manifest, report, rejects and the manual-review list carry counts, hashes and keys, never values."""
    workdir, _ = sample_runs
    values = personal_values()
    for path in workdir.rglob("*"):
        if path.suffix in (".json", ".html", ".csv"):
            assert scan(path.read_bytes(), values) == [], path
    held = pl.read_csv(workdir / "runs/nightly/20260402/held.csv")
    assert held.columns == ["record_no", "juminhyo_code", "change_kind", "reason"]
