"""Benchmark data sets, made once and cached under benchmarks/.data (not committed).

Cities come from `juki sample` (the generator the project ships), snapshots from the nightly job itself; a
1,000,000-row 本人確認情報 frame is the snapshot of a smaller city replicated with fresh keys.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import polars as pl
from common import DATA

JUKI = [sys.executable, "-m", "juki.cli.main"]


def city(residents: int, days: int = 2, change_rate: float = 0.01, seed: int = 7) -> Path:
    out = DATA / f"city_{residents}_{days}_{change_rate}"
    if not (out / "sample.json").exists():
        subprocess.run([*JUKI, "sample", "--out", str(out), "--residents", str(residents), "--days", str(days),
                        "--seed", str(seed), "--change-rate", str(change_rate)], check=True)
    return out


def day_file(city_dir: Path, day: int) -> Path:
    return sorted(city_dir.glob("juki_daicho_*.dat"))[day]


def honnin_frame(records: int) -> Path:
    """A 本人確認情報 snapshot of ``records`` rows (Parquet), from a 100,000-person city's nightly snapshot."""
    path = DATA / f"honnin_{records}.parquet"
    if path.exists():
        return path
    from juki.checks.rules import JUMINHYO_CODE_DEFAULT, KOJIN_BANGO, check_digit
    from juki.jobs.nightly import run_nightly

    base_city = city(100_000, days=1)
    wd = DATA / "wd_honnin"
    first = day_file(base_city, 0)
    run_nightly(str(first), first.stem.split("_")[-1], wd)
    snap = pl.read_parquet(next((wd / "runs/nightly").glob("2*/snapshot.parquet")))
    reps = -(-records // snap.height)
    big = pl.concat([snap] * reps).head(records)
    ids = np.arange(records, dtype=np.int64) + 10_000_000
    jumin = [f"{i:010d}" for i in ids]
    kojin = [f"{i + 30_000_000_000:011d}" for i in ids]
    big = big.with_columns(
        pl.Series("juminhyo_code", [s + str(check_digit(s, JUMINHYO_CODE_DEFAULT)) for s in jumin]),
        pl.Series("kojin_bango", [s + str(check_digit(s, KOJIN_BANGO)) for s in kojin]),
        pl.arange(2, records + 2, eager=True).alias("record_no"),
    )
    big.write_parquet(path)
    return path
