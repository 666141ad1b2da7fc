"""Consistency benchmark: the two 整合性確認 files from a 1,000,000-person snapshot, and the reconciliation of a
1,000,000-record returned file with ours. Target (issue #5): ≤ 5 s each.

    python benchmarks/bench_consistency.py [--records N]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import DATA, run_isolated, save  # noqa: E402
from datasets import honnin_frame  # noqa: E402

WRITE = """
import time
from pathlib import Path
import polars as pl
from juki.jobs import publish as jobs
from juki.steps.seigo_kakunin import population
from juki.layout import load_layout
snap = pl.read_parquet(path)
layout = load_layout("seigo_kakunin")
t0 = time.perf_counter()
records = population(snap)  # what consistency.write_files does, without the snapshot's manifest check
first = jobs.write_output(Path(out), "seigo_todofuken.dat", layout, records,
                          {"created_on": "20260402", "dantai_code": "042021", "atesaki_kubun": "1",
                           "atesaki_code": "040002"})
jobs.copy_output(Path(out), first["file"], "seigo_jlis.dat", layout,
                 {"created_on": "20260402", "dantai_code": "042021", "atesaki_kubun": "2", "atesaki_code": "000000"})
result = {"seconds": time.perf_counter() - t0, "records": records.height}
"""

RECONCILE = """
import time
from juki.steps.reconcile import load_side, reconcile
t0 = time.perf_counter()
r = reconcile(load_side(ours), load_side(theirs))
result = {"seconds": time.perf_counter() - t0, "discrepancies": r.discrepancies.height}
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--records", type=int, default=1_000_000)
    args = ap.parse_args()
    path = honnin_frame(args.records)
    out = DATA / "consistency_out"
    out.mkdir(exist_ok=True)
    written = run_isolated(WRITE, path=str(path), out=str(out))
    rec = run_isolated(RECONCILE, ours=str(path), theirs=str(out / "seigo_jlis.dat"))
    row = {"records": written["records"], "write_both_files_seconds": round(written["seconds"], 2),
           "write_peak_rss_mb": written["peak_rss_mb"], "reconcile_seconds": round(rec["seconds"], 2),
           "reconcile_peak_rss_mb": rec["peak_rss_mb"], "discrepancies": rec["discrepancies"], "target_seconds": 5}
    print(row)
    save("consistency", {"command": "python benchmarks/bench_consistency.py", "results": [row]})


if __name__ == "__main__":
    main()
