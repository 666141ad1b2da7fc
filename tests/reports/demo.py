"""One of each report, made the way a city makes them (the `juki` commands, in process): the report tests check
them in chromium, and docs/make_screenshots.py photographs them."""

from __future__ import annotations

import io
from contextlib import redirect_stderr, redirect_stdout
from datetime import date
from pathlib import Path

from juki.cli.main import main
from juki.sample.plant import plant_differences

ROOT = Path(__file__).resolve().parents[2]
DEFECTS = ROOT / "tests" / "defects"
MANY_DEFECTS = DEFECTS / "juki_daicho" / "many-defects.dat"  # dated 2026-04-03, the defects' city
KINDS = ("nightly", "consistency", "failed", "validate", "reconcile")


def juki(*args) -> int:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        return main([str(a) for a in args])


def days_in(city: Path) -> list[str]:
    return sorted(p.name[len("juki_daicho_"):-4] for p in city.glob("juki_daicho_*.dat"))


def build(city: Path, root: Path) -> dict[str, Path]:
    """The nightly job over every day of ``city``, the consistency files of the last day and their
    reconciliation with a copy that differs, a validation and a nightly run stopped by rejected records."""
    wd = root / "wd"
    days = days_in(city)
    for day in days:
        iso = date(int(day[:4]), int(day[4:6]), int(day[6:])).isoformat()
        assert juki("nightly", "--input", city / f"juki_daicho_{day}.dat", "--date", iso, "--workdir", wd) == 0, day
    last = days[-1]
    iso_last = f"{last[:4]}-{last[4:6]}-{last[6:]}"
    assert juki("consistency", "--date", iso_last, "--workdir", wd) == 0
    ours = wd / "runs" / "consistency" / last / f"seigo_todofuken_{last}.dat"
    theirs = root / "returned.dat"
    plant_differences(ours, theirs)
    assert juki("reconcile", "--ours", ours, "--theirs", theirs, "--out", root / "reconcile", "--workdir", wd) == 1
    assert juki("validate", MANY_DEFECTS, "--layout", "juki_daicho", "--config", DEFECTS / "city.toml",
                "--report", root / "validate.html", "--rejects", root / "validate-rejects.csv", "--workdir", wd) == 1
    failed_wd = root / "wd-failed"
    assert juki("nightly", "--input", MANY_DEFECTS, "--date", "2026-04-03", "--config", DEFECTS / "city.toml",
                "--workdir", failed_wd) == 1
    return {"nightly": wd / "runs" / "nightly" / last / "report.html",
            "consistency": wd / "runs" / "consistency" / last / "report.html",
            "failed": failed_wd / "failed" / "nightly-20260403" / "report.html",
            "validate": root / "validate.html",
            "reconcile": root / "reconcile" / "reconcile.html"}


def sample_city(out: Path, days: int = 8) -> Path:
    """A bigger sample than sample_data (more days: a fuller chart), deterministic."""
    assert juki("sample", "--out", out, "--residents", "300", "--days", str(days), "--seed", "1",
                "--start", "2026-04-01") == 0
    return out

