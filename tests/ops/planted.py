"""Inputs with something planted in them, for the operations tests: a copy of the sample city's files in an
inbox, a record whose 個人番号 check digit is wrong, records flagged 処理停止 among those that change."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl

from juki.layout import load_layout
from tests.conftest import SAMPLE

LAYOUT = load_layout("juki_daicho")
STRIDE = LAYOUT.record_length + 2  # the sample's records end in CRLF


def inbox(tmp_path: Path, days=("20260401", "20260402")) -> Path:
    box = tmp_path / "inbox"
    box.mkdir(parents=True, exist_ok=True)
    for name in [f"juki_daicho_{d}.dat" for d in days] + ["city.toml", "daitai_moji.csv"]:
        shutil.copy(SAMPLE / name, box / name)
    return box


def field_bytes(data: bytes | bytearray, record_no: int, field: str) -> bytes:
    f = LAYOUT.data.field(field)
    start = (record_no - 1) * STRIDE + f.offset
    return bytes(data[start : start + f.width])


def plant_bad_kojin_bango(path: Path, record_no: int) -> dict:
    """Change the check digit of record ``record_no``'s 個人番号; returns the record's key and the bad value."""
    data = bytearray(path.read_bytes())
    f = LAYOUT.data.field("kojin_bango")
    start = (record_no - 1) * STRIDE + f.offset
    number = data[start : start + 12].decode("ascii")
    assert number.isdigit(), "pick a record that has a 個人番号"
    bad = number[:11] + str((int(number[11]) + 1) % 10)
    data[start : start + 12] = bad.encode("ascii")
    path.write_bytes(bytes(data))
    return {"juminhyo_code": field_bytes(data, record_no, "juminhyo_code").decode("ascii"), "kojin_bango": bad,
            "shimei": field_bytes(data, record_no, "shimei").decode("cp932").rstrip(" \u3000")}


def plant_held(previous: Path, path: Path) -> int:
    """Flag 処理停止 on every record of ``path`` that differs from ``previous``: they are held, many at once."""
    old = previous.read_bytes()
    known = {old[i : i + STRIDE] for i in range(0, len(old), STRIDE)}
    data = bytearray(path.read_bytes())
    offset = LAYOUT.data.field("shori_teishi").offset
    flagged = 0
    for i in range(1, len(data) // STRIDE - 1):
        if bytes(data[i * STRIDE : (i + 1) * STRIDE]) not in known:
            data[i * STRIDE + offset] = ord("1")
            flagged += 1
    path.write_bytes(bytes(data))
    return flagged


def plant_vanished(path: Path, record_no: int) -> str:
    """Take record ``record_no`` out of the file (the trailer's count follows): a person gone without a 異動,
    which the diff rejects naming the 住民票コード. Returns that key."""
    data = bytearray(path.read_bytes())
    key = field_bytes(data, record_no, "juminhyo_code").decode("ascii")
    del data[(record_no - 1) * STRIDE : record_no * STRIDE]
    count = LAYOUT.trailer.field("record_count")
    trailer = len(data) - STRIDE
    old = int(data[trailer + count.offset : trailer + count.end])
    data[trailer + count.offset : trailer + count.end] = str(old - 1).zfill(count.width).encode("ascii")
    path.write_bytes(bytes(data))
    return key


def person(wd: Path) -> dict:
    """A current resident of the workdir's last snapshot (the sample's 2026-04-03), as a lookup would ask for them."""
    snap = pl.read_parquet(wd / "runs/nightly/20260403/snapshot.parquet")
    return snap.filter(pl.col("record_jokyo_flag") == "0").row(3, named=True)
