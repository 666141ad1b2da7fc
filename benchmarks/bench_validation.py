"""Validation benchmark: 1,000,000 本人確認情報 records, every rule on. Target (issue #3): ≤ 1 s.

The records are the snapshot of a synthetic city (`juki sample` + the nightly job), replicated to 1,000,000
rows with fresh 住民票コード and 個人番号 so that keys stay unique and check digits stay valid.

    python benchmarks/bench_validation.py [--records N]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import DATA, run_isolated, save  # noqa: E402
from datasets import honnin_frame  # noqa: E402

VALIDATE = """
import time
import polars as pl
from juki.layout import load_layout
from juki.checks.context import Context
from juki.schemas.validate import validate_frame
df = pl.read_parquet(path)
layout = load_layout("honnin_kakunin")
if damaged:  # 1 % of the records break a rule each: a 個人番号 off by one (check digit), a blank 氏名, a bad date
    k = pl.int_range(pl.len()) % 300
    df = df.with_columns(
        pl.when(k == 7).then(pl.col("kojin_bango").str.slice(0, 11) + "0").otherwise("kojin_bango")
        .alias("kojin_bango"),
        pl.when(k == 107).then(None).otherwise("shimei").alias("shimei"),
        pl.when(k == 207).then(pl.lit("20261399")).otherwise("seinengappi").alias("seinengappi"))
validate_frame(df.head(1000), layout, Context("20260402"))  # warm up: pandera builds and caches the schema
t0 = time.perf_counter()
rejects = validate_frame(df, layout, Context("20260402"))
seconds = time.perf_counter() - t0
result = {"seconds": seconds, "records": df.height, "rejects": rejects.height, "damaged": damaged,
          "checks": sum(len(c.checks) + c.unique + (not c.nullable) for c in
                        __import__("juki.schemas", fromlist=["schema_for"]).schema_for(layout, Context("20260402"))
                        .columns.values())}
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--records", type=int, default=1_000_000)
    args = ap.parse_args()
    path = honnin_frame(args.records)
    rows = []
    for damaged in (False, True):  # clean data, then the same with rejects
        r = run_isolated(VALIDATE, path=str(path), damaged=damaged)
        rows.append({"records": r["records"], "damaged": damaged, "seconds": round(r["seconds"], 3),
                     "rejects": r["rejects"], "checks": r["checks"], "peak_rss_mb": r["peak_rss_mb"],
                     "target_seconds": 0.5})
        print(rows[-1])
    save("validation", {"command": "python benchmarks/bench_validation.py", "results": rows})
    assert DATA.exists()


if __name__ == "__main__":
    main()
