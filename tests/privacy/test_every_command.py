"""No personal value through a side door, for every command: stderr, the run log, manifests, reports, reject and
manual-review files. A record may be named only by its 住民票コード, and only in the columns made for that
(the `key` of a reject, the manual-review list, the reconciliation's discrepancies); the run log and stderr hold
none at all. (lookup and inspect print records on stdout: that is what they are for, so their stdout is the
one place values may appear.)"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import polars as pl

from juki.codec.reader import read_records
from juki.layout import load_layout
from tests.conftest import DAYS, SAMPLE, run_cli, sample_input

KEY_COLUMNS = {"key", "juminhyo_code"}


def values_of(day: str) -> tuple[set[str], set[str]]:
    df, _ = read_records(sample_input(day), load_layout("juki_daicho"))
    personal = set()
    for column in ("kojin_bango", "shimei", "shimei_furigana", "jusho", "zen_jusho", "tenshutsu_jusho"):
        personal |= {v for v in df[column].drop_nulls().to_list() if len(v) >= 4}
    return personal, set(df["juminhyo_code"].drop_nulls().to_list())


def hits(text: str, values: set[str]) -> list[str]:
    return sorted(v for v in values if v in text)


def scan_csv(path: Path, personal: set[str], keys: set[str]) -> None:
    frame = pl.read_csv(path, infer_schema=False) if path.stat().st_size > 3 else pl.DataFrame()
    for column in frame.columns:
        text = "\n".join(v for v in frame[column].to_list() if v)
        assert hits(text, personal) == [], (path, column)
        if column not in KEY_COLUMNS:
            assert hits(text, keys) == [], (path, column)


def test_every_command_keeps_values_out_of_logs_and_reports(tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    personal, keys = set(), set()
    for day in DAYS:
        p, k = values_of(day)
        personal |= p
        keys |= k
    wd = tmp_path / "wd"
    some_name = next(v for v in personal if "\u3000" in v)
    snapshot_person = None
    stderr, results = [], []

    def juki(*args, shows_records=False):
        result = run_cli(*args, "--workdir", wd)
        stderr.append(result.err)
        if not shows_records:
            results.append(result.out)
        return result

    for day in DAYS:
        assert juki("nightly", "--input", sample_input(day), "--date", f"{day[:4]}-{day[4:6]}-{day[6:]}").code == 0
    assert juki("consistency", "--date", "2026-04-03").code == 0
    assert juki("rerun", "--job", "nightly", "--date", "2026-04-03", "--reason", "privacy test").code == 0
    assert juki("validate", sample_input(DAYS[0]), "--layout", "juki_daicho", "--report", tmp_path / "v.html").code == 0
    assert juki("parse", sample_input(DAYS[0]), "--layout", "juki_daicho", "--out", tmp_path / "p.parquet").code == 0
    assert juki("inspect", sample_input(DAYS[0]), "--layout", "juki_daicho", "--record", "5", shows_records=True).code \
        == 0
    snap = pl.read_parquet(wd / "runs/nightly/20260403/snapshot.parquet")
    snapshot_person = snap.row(0, named=True)
    assert juki("lookup", "--name", snapshot_person["shimei"], "--birth", "1900-01-01", shows_records=True).code == 0
    assert juki("lookup", "--name", some_name).code == 2  # refused: one criterion
    assert juki("extract", "--out", tmp_path / "x.parquet", "--approved-by", "課長", "--approval-ref", "R-1").code == 0
    ours = wd / "runs/consistency/20260403/seigo_jlis_20260403.dat"
    assert juki("reconcile", "--ours", ours, "--theirs", ours, "--out", tmp_path / "rec").code == 0
    assert juki("runs").code == 0
    assert juki("audit", "show").code == 0
    assert juki("audit", "verify").code == 0
    assert juki("purge", "--keep", "2", "--yes").code == 0

    logs = "\n".join(stderr) + "\n".join(r.getMessage() for r in caplog.records)
    runlog = (wd / "runlog.jsonl").read_text(encoding="utf-8")
    logged = [json.loads(line)["command"] for line in runlog.splitlines()]
    assert logged == ["nightly"] * 3 + ["consistency", "rerun nightly", "validate", "parse", "inspect", "lookup",
                                        "lookup", "extract", "reconcile", "purge"]
    for text in (logs, runlog, "\n".join(results)):
        assert hits(text, personal) == []
        assert hits(text, keys) == []  # not even the key: logs and summaries name records by number only
    for path in [*wd.rglob("*"), *tmp_path.glob("*.html"), *(tmp_path / "rec").glob("*")]:
        if path.suffix in (".json", ".html"):
            text = path.read_text(encoding="utf-8")
            assert hits(text, personal) == [] and hits(text, keys) == [], path
        elif path.suffix == ".csv":
            scan_csv(path, personal, keys)
    assert SAMPLE.exists()
