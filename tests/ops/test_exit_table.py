"""The README's command table is true: every command of `juki` is in it, and each exit code it lists for a command
is what that command gives in a case made for it; whatever the case, the code is 0, 1 or 2 and never a traceback."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import polars as pl
import pytest

from juki import storage
from juki.cli.main import build_parser
from juki.sample.plant import plant_differences
from tests.conftest import DAYS, SAMPLE, copy_workdir, run_cli, sample_input
from tests.ops.planted import LAYOUT, STRIDE, inbox, plant_bad_kojin_bango

README = Path(__file__).resolve().parents[2] / "README.md"


def documented() -> dict[str, set[int]]:
    table = {}
    for line in README.read_text(encoding="utf-8").splitlines():
        m = re.match(r"\| `juki (\w+)(?: (list|show|verify|check|nightly|reconcile))?[^|]*\|[^|]*\| "
                     r"([0-2](?:, [0-2])*) \|$", line)
        if m:
            table[" ".join(p for p in m.groups()[:2] if p)] = {int(c) for c in m.group(3).split(", ")}
    return table


def commands() -> set[str]:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    names = set()
    for name, p in sub.choices.items():
        nested = [a for a in p._actions if getattr(a, "choices", None) and a.dest.endswith("_command")]
        names |= {f"{name} {n}" for n in nested[0].choices} if nested else {name}
    return names


def test_every_command_is_in_the_table():
    assert set(documented()) == commands()


@pytest.fixture(scope="module")
def world(tmp_path_factory, sample_runs):
    """A workdir with three nights, files to read and files that break."""
    tmp = tmp_path_factory.mktemp("table")
    wd = copy_workdir(sample_runs[0], tmp / "wd")
    box = inbox(tmp, DAYS)
    flawed = box / "flawed.dat"
    shutil.copy(box / f"juki_daicho_{DAYS[0]}.dat", flawed)
    plant_bad_kojin_bango(flawed, 5)
    data = bytearray(flawed.read_bytes())
    birth = 6 * STRIDE + LAYOUT.data.field("seinengappi").offset  # record 7
    data[birth : birth + 8] = b"19991399"
    flawed.write_bytes(bytes(data))
    unreadable = box / "unreadable.dat"
    raw = bytearray((box / f"juki_daicho_{DAYS[0]}.dat").read_bytes())
    raw[STRIDE + LAYOUT.data.field("shimei").offset] = 0xFF
    unreadable.write_bytes(bytes(raw))
    assert run_cli("parse", sample_input(DAYS[0]), "--layout", "juki_daicho", "--out", tmp / "p.parquet",
                   "--workdir", wd).code == 0
    too_long = pl.read_parquet(tmp / "p.parquet").with_columns(pl.lit("山" * 200).alias("shimei"))
    too_long.write_parquet(tmp / "too_long.parquet")
    assert run_cli("consistency", "--date", "2026-04-03", "--workdir", wd).code == 0
    ours = wd / "runs/consistency/20260403/seigo_todofuken_20260403.dat"
    theirs = tmp / "theirs.dat"
    plant_differences(ours, theirs)
    changed = box / "changed.dat"
    shutil.copy(box / f"juki_daicho_{DAYS[2]}.dat", changed)
    return {"tmp": tmp, "wd": wd, "box": box, "flawed": flawed, "unreadable": unreadable, "ours": ours,
            "theirs": theirs}


def broken_snapshot(wd: Path) -> None:
    """A snapshot with a 住所 too long for the consistency layout, its manifest agreeing (as if so written)."""
    run_dir = wd / "runs/nightly/20260402"
    snap = pl.read_parquet(run_dir / "snapshot.parquet")
    snap.with_columns(pl.when(pl.int_range(pl.len()) == 0).then(pl.lit("宮" * 400)).otherwise(pl.col("jusho"))
                      .alias("jusho")).write_parquet(run_dir / "snapshot.parquet")
    record = json.loads((run_dir / "manifest.json").read_text())
    record["snapshot"]["sha256"] = storage.sha256_of(run_dir / "snapshot.parquet")
    (run_dir / "manifest.json").write_text(json.dumps(record))


def cases(w) -> list[tuple[str, int, list]]:
    wd, tmp, box = w["wd"], w["tmp"], w["box"]
    day0 = sample_input(DAYS[0])
    return [
        ("layout list", 0, ["layout", "list"]),
        ("layout list", 2, ["layout", "list", "--bogus"]),
        ("layout show", 0, ["layout", "show", "sofusaki"]),
        ("layout show", 2, ["layout", "show", "no_such_layout"]),
        ("parse", 0, ["parse", day0, "--layout", "juki_daicho", "--out", tmp / "a.parquet"]),
        ("parse", 1, ["parse", w["unreadable"], "--layout", "juki_daicho", "--out", tmp / "b.parquet"]),
        ("parse", 2, ["parse", tmp / "missing.dat", "--layout", "juki_daicho", "--out", tmp / "c.parquet"]),
        ("write", 0, ["write", tmp / "p.parquet", "--layout", "juki_daicho", "--out", tmp / "w.dat"]),
        ("write", 1, ["write", tmp / "too_long.parquet", "--layout", "juki_daicho", "--out", tmp / "x.dat"]),
        ("write", 2, ["write", tmp / "missing.parquet", "--layout", "juki_daicho", "--out", tmp / "y.dat"]),
        ("inspect", 0, ["inspect", day0, "--layout", "juki_daicho", "--record", "8"]),
        ("inspect", 1, ["inspect", w["flawed"], "--layout", "juki_daicho", "--record", "7"]),
        ("inspect", 2, ["inspect", day0, "--layout", "juki_daicho", "--record", "99999"]),
        ("validate", 0, ["validate", day0, "--layout", "juki_daicho", "--rejects", tmp / "v0.csv"]),
        ("validate", 1, ["validate", w["flawed"], "--layout", "juki_daicho"]),
        ("validate", 2, ["validate", tmp / "missing.dat", "--layout", "juki_daicho"]),
        ("nightly", 1, ["nightly", "--input", w["flawed"], "--date", "2026-04-01", "--workdir", tmp / "wd-flawed"]),
        ("nightly", 0, ["nightly", "--input", box / f"juki_daicho_{DAYS[0]}.dat", "--date", "2026-04-01",
                        "--workdir", tmp / "wd-new"]),
        ("nightly", 2, ["nightly", "--input", day0, "--date", "2026/04/01", "--workdir", tmp / "wd-new"]),
        ("consistency", 0, ["consistency", "--date", "2026-04-01", "--workdir", wd]),
        ("consistency", 2, ["consistency", "--date", "2026-03-01", "--workdir", wd]),
        ("reconcile", 0, ["reconcile", "--ours", w["ours"], "--theirs", w["ours"], "--out", tmp / "r0"]),
        ("reconcile", 1, ["reconcile", "--ours", w["ours"], "--theirs", w["theirs"], "--out", tmp / "r1"]),
        ("reconcile", 2, ["reconcile", "--ours", w["ours"], "--theirs", tmp / "missing.dat"]),
        ("rerun", 0, ["rerun", "--job", "nightly", "--date", "2026-04-03", "--reason", "x", "--workdir", wd]),
        ("rerun", 2, ["rerun", "--job", "nightly", "--date", "2026-03-01", "--reason", "x", "--workdir", wd]),
        ("rerun", 1, ["rerun", "--job", "nightly", "--date", "2026-04-01", "--reason", "x", "--force",
                      "--workdir", tmp / "wd-new"], lambda _: plant_bad_kojin_bango(box / "juki_daicho_20260401.dat",
                                                                                     5)),
        ("runs", 0, ["runs", "--workdir", wd]),
        ("runs", 2, ["runs", "--workdir", tmp / "no-such-wd"]),
        ("deliver", 0, ["deliver", "--job", "nightly", "--date", "2026-04-03", "--outbox", tmp / "out",
                        "--workdir", wd]),
        ("deliver", 2, ["deliver", "--job", "nightly", "--date", "2026-03-01", "--outbox", tmp / "out",
                        "--workdir", wd]),
        ("lookup", 0, ["lookup", "--name", "山田", "--birth", "1980-01-01", "--workdir", wd]),
        ("lookup", 2, ["lookup", "--name", "山田", "--workdir", wd]),
        ("extract", 0, ["extract", "--out", tmp / "e.parquet", "--approved-by", "課長", "--approval-ref", "R-1",
                        "--workdir", wd]),
        ("extract", 2, ["extract", "--out", tmp / "e.parquet", "--workdir", wd]),
        ("audit show", 0, ["audit", "show", "--workdir", wd]),
        ("audit show", 2, ["audit", "show", "--workdir", tmp / "no-such-wd"]),
        ("audit verify", 0, ["audit", "verify", "--workdir", wd]),
        ("audit verify", 2, ["audit", "verify", "--workdir", tmp / "no-such-wd"]),
        ("consistency", 1, ["consistency", "--date", "2026-04-02", "--workdir", wd], broken_snapshot),
        ("audit verify", 1, ["audit", "verify", "--workdir", wd], lambda w_: (w_ / "runlog.jsonl").write_bytes(b"")),
        ("purge", 0, ["purge", "--keep", "2", "--yes", "--workdir", wd]),
        ("purge", 2, ["purge", "--keep", "0", "--yes", "--workdir", wd]),
        ("sample", 0, ["sample", "--out", tmp / "city", "--residents", "20", "--days", "1"]),
        ("sample", 2, ["sample", "--out", tmp / "city", "--residents", "0"]),
        ("cities check", 0, ["cities", "check", tmp / "dc" / "cities.toml"], lambda _: run_cli(
            "sample", "--cities", "2", "--residents", "20", "--days", "1", "--out", tmp / "dc")),
        ("cities check", 2, ["cities", "check", tmp / "no-such-cities.toml"]),
    ]


# Commands that need a Prefect server or a registry of cities with runs: their codes are tested where those are
# (tests/deploy, tests/cities); here only that they are in the table.
ELSEWHERE = {"cities nightly", "cities reconcile", "serve", "deploy"}


def test_each_documented_code_is_what_the_command_gives(world):
    table = documented()
    seen: dict[str, set[int]] = {}
    for name, code, args, *setup in cases(world):
        if setup:
            setup[0](world["wd"])
        result = run_cli(*args)
        assert "Traceback" not in result.err
        assert result.code == code, (name, code, result.err[-500:])
        assert code in table[name], (name, code)
        seen.setdefault(name, set()).add(code)
    assert seen == {k: v for k, v in table.items() if k not in ELSEWHERE}  # every code listed was produced
    assert SAMPLE.exists()
