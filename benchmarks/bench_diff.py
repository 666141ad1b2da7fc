"""Diff benchmark: 1,000,000 against 1,000,000 本人確認情報 with 1 % changed, 0.1 % added and 0.1 % removed by
death. Target (issue #4): ≤ 1 s and ≥ 4× DataComPy's polars compare, run on the same data in the same run.
DataComPy pins an older polars, so it runs in its own virtualenv (benchmarks/.data/datacompy-venv), never as a
dependency of juki; its version and its dependencies' are pinned in benchmarks/datacompy.txt.

    python benchmarks/bench_diff.py [--records N]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import DATA, run_isolated, save  # noqa: E402
from datasets import honnin_frame  # noqa: E402

OURS = """
import time
import polars as pl
from juki.steps.diff import diff
prior, current = pl.read_parquet(prior_path), pl.read_parquet(current_path)
t0 = time.perf_counter()
d = diff(prior, current, "20260402", 0)
seconds = time.perf_counter() - t0
counts = d.changes.group_by("change_kind").len().rows()
result = {"seconds": seconds, "changes": dict(counts), "snapshot": d.snapshot.height}
"""

THEIRS = """
import json, resource, sys, time
import polars as pl
import datacompy
prior, current = pl.read_parquet(sys.argv[1]), pl.read_parquet(sys.argv[2])
t0 = time.perf_counter()
cmp = datacompy.PolarsCompare(prior, current, join_columns="juminhyo_code")
changed = cmp.all_mismatch().height
only = cmp.df1_unq_rows.height + cmp.df2_unq_rows.height
seconds = time.perf_counter() - t0
print(json.dumps({"seconds": seconds, "changed": changed, "only": only, "datacompy": datacompy.__version__,
                  "polars": pl.__version__}))
"""


def inputs(records: int) -> tuple[Path, Path]:
    prior_path, current_path = DATA / f"diff_prior_{records}.parquet", DATA / f"diff_current_{records}.parquet"
    if current_path.exists():
        return prior_path, current_path
    snap = pl.read_parquet(honnin_frame(records)).drop("record_no")
    rng = np.random.default_rng(1)
    n = snap.height
    changed, dead = rng.random(n) < 0.01, rng.random(n) < 0.001
    current = snap.with_columns(
        pl.when(pl.Series(changed)).then(pl.col("jusho") + pl.lit("１")).otherwise("jusho").alias("jusho"),
        pl.when(pl.Series(dead)).then(pl.lit("22")).when(pl.Series(changed)).then(pl.lit("31"))
        .otherwise("ido_jiyu").alias("ido_jiyu"),
        pl.when(pl.Series(changed | dead)).then(pl.lit("20260402")).otherwise("ido_ymd").alias("ido_ymd"),
        pl.when(pl.Series(dead)).then(pl.lit("1")).otherwise("record_jokyo_flag").alias("record_jokyo_flag"),
        pl.lit(None, pl.String).alias("ho30_45_kubun"), pl.lit(None, pl.String).alias("zairyu_kikan_manryo_ymd"),
        # the 転出先 (derive's EXTRA, not kept in the snapshot): within Japan, so the dead are 死亡, not 国外転出
        pl.lit(None, pl.String).alias("tenshutsu_jusho_code"), pl.lit(None, pl.String).alias("tenshutsu_jusho"),
        pl.arange(2, n + 2, eager=True).alias("record_no"), pl.lit(False).alias("_held"),
        pl.Series("_dead", dead), pl.lit(False).alias("_expired"),
    )
    added = current.head(n // 1000).with_columns(
        (pl.lit("9") + pl.col("juminhyo_code").str.slice(1)).alias("juminhyo_code"),
        (pl.lit("X") + pl.col("shikibetsu_bango").str.slice(1)).alias("shikibetsu_bango"),
        pl.lit("13").alias("ido_jiyu"), pl.lit("20260402").alias("ido_ymd"), pl.lit(None, pl.String).alias(
            "tennyu_mae_jusho"), pl.lit(False).alias("_dead"))
    snap.write_parquet(prior_path)
    pl.concat([current, added]).write_parquet(current_path)
    return prior_path, current_path


def datacompy_python() -> str:
    """The Python of DataComPy's own virtualenv, installed from the pins of benchmarks/datacompy.txt (again
    whenever that file changes), so the script reproduces the committed figure."""
    venv, pins = DATA / "datacompy-venv", Path(__file__).resolve().parent / "datacompy.txt"
    py, stamp = venv / "bin" / "python", venv / "pins.txt"
    if not py.exists() or not stamp.exists() or stamp.read_text() != pins.read_text():
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
        subprocess.run([str(py), "-m", "pip", "install", "-q", "-r", str(pins), "-c", str(pins)], check=True)
        stamp.write_text(pins.read_text())
    return str(py)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--records", type=int, default=1_000_000)
    args = ap.parse_args()
    prior, current = inputs(args.records)
    ours = run_isolated(OURS, prior_path=str(prior), current_path=str(current))
    # The same comparison for DataComPy: the two snapshots as they are (it does not know about deaths or links).
    theirs_current = DATA / f"diff_current_plain_{args.records}.parquet"
    pl.read_parquet(current).filter(~pl.col("_dead")).select(pl.read_parquet(prior).columns) \
        .write_parquet(theirs_current)
    out = subprocess.run([datacompy_python(), "-c", THEIRS, str(prior), str(theirs_current)], capture_output=True,
                         text=True, check=True)
    theirs = __import__("json").loads(out.stdout.strip().splitlines()[-1])
    row = {"records": args.records, "seconds": round(ours["seconds"], 3), "changes": ours["changes"],
           "peak_rss_mb": ours["peak_rss_mb"], "datacompy_seconds": round(theirs["seconds"], 3),
           "datacompy_version": theirs["datacompy"], "datacompy_polars": theirs["polars"],
           "speedup_vs_datacompy": round(theirs["seconds"] / ours["seconds"], 1), "target_seconds": 1.0,
           "target_speedup": 4}
    print(row)
    save("diff", {"command": "python benchmarks/bench_diff.py", "results": [row]})


if __name__ == "__main__":
    main()
