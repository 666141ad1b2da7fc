"""Codec benchmark: parse and write 1,000,000 records of 本人確認情報 and of 住民基本台帳.

Targets, on this 2-core machine, after imports: parse ≥ 200 MB/s, write ≥ 150 MB/s, both ≥ 15× a
straightforward per-record Python slice-and-decode and ≥ 15× pandas.read_fwf (which is not even correct for
CP932: it counts characters, not bytes), peak memory ≤ 600 MB for a streamed parse whatever the file size.

    python benchmarks/bench_codec.py [--records N]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import DATA, run_isolated, save  # noqa: E402

MAKE = """
import sys, time
sys.path.insert(0, "benchmarks")
from common import synthetic_frame
from juki.layout import load_layout
from juki.codec.writer import RecordWriter
layout = load_layout(layout_name)
frames = [synthetic_frame(layout, min(chunk, records - start), seed=start) for start in range(0, records, chunk)]
t0 = time.perf_counter()
with open(path, "wb") as fh:
    w = RecordWriter(fh, layout, {"created_on": "20260401", "dantai_code": "042021"})
    for f in frames:
        w.write(f)
    w.close()
seconds = time.perf_counter() - t0
import os
result = {"write_seconds": seconds, "bytes": os.path.getsize(path)}
"""

PARSE = """
import time
from juki.layout import load_layout
from juki.codec.reader import ReadResult, scan_records
layout = load_layout(layout_name)
t0 = time.perf_counter()
res = ReadResult()
with open(path, "rb") as fh:
    rows = sum(b.height for b in scan_records(fh, layout, path, result=res))
seconds = time.perf_counter() - t0
result = {"parse_seconds": seconds, "rows": rows, "rejects": len(res.rejects), "bytes": res.bytes_read}
"""

PER_RECORD = """
import time
import polars as pl
from juki.layout import load_layout
layout = load_layout(layout_name)
fields = [(f.id, f.offset, f.end, f.integer) for f in layout.data.value_fields]
stride = layout.record_length + 2
with open(path, "rb") as fh:
    fh.read(stride)
    blob = fh.read(stride * sample)
t0 = time.perf_counter()
# The straightforward way: for each record, for each field, slice the bytes, decode, strip, convert; then a frame.
columns = {k: [] for k, *_ in fields}
for i in range(0, len(blob), stride):
    rec = blob[i : i + stride]
    for k, a, b, integer in fields:
        text = rec[a:b].decode("cp932").strip(" \u3000")
        columns[k].append((int(text) if integer else text) if text else None)
frame = pl.DataFrame(columns)
seconds = time.perf_counter() - t0
result = {"seconds": seconds, "bytes": len(blob)}
"""

READ_FWF = """
import io, time
import pandas as pd
from juki.layout import load_layout
layout = load_layout(layout_name)
stride = layout.record_length + 2
with open(path, "rb") as fh:
    fh.read(stride)
    blob = fh.read(stride * sample)
specs = [(f.offset, f.end) for f in layout.data.value_fields]  # byte offsets, taken as character offsets
t0 = time.perf_counter()
df = pd.read_fwf(io.BytesIO(blob), colspecs=specs, header=None, encoding="cp932", dtype=str)
seconds = time.perf_counter() - t0
result = {"seconds": seconds, "bytes": len(blob), "rows": len(df)}
"""


def measure(layout_name: str, records: int, sample: int) -> dict:
    DATA.mkdir(exist_ok=True)
    path = str(DATA / f"{layout_name}_{records}.dat")
    made = run_isolated(MAKE, layout_name=layout_name, records=records, chunk=50_000, path=path)
    parsed = run_isolated(PARSE, layout_name=layout_name, path=path)
    baseline = run_isolated(PER_RECORD, layout_name=layout_name, path=path, sample=sample)
    fwf = run_isolated(READ_FWF, layout_name=layout_name, path=path, sample=sample)
    mb = made["bytes"] / 1e6
    parse_rate = parsed["bytes"] / 1e6 / parsed["parse_seconds"]
    write_rate = mb / made["write_seconds"]
    baseline_rate = baseline["bytes"] / 1e6 / baseline["seconds"]
    fwf_rate = fwf["bytes"] / 1e6 / fwf["seconds"]
    Path(path).unlink()
    return {
        "layout": layout_name, "records": records, "file_mb": round(mb, 1),
        "parse_mb_s": round(parse_rate, 1), "parse_seconds": round(parsed["parse_seconds"], 2),
        "parse_peak_rss_mb": parsed["peak_rss_mb"], "parse_rejects": parsed["rejects"],
        "write_mb_s": round(write_rate, 1), "write_seconds": round(made["write_seconds"], 2),
        "per_record_python_mb_s": round(baseline_rate, 1), "parse_vs_per_record": round(parse_rate / baseline_rate, 1),
        "read_fwf_mb_s": round(fwf_rate, 1), "parse_vs_read_fwf": round(parse_rate / fwf_rate, 1),
        "baseline_sample_records": sample,
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--records", type=int, default=1_000_000)
    ap.add_argument("--sample", type=int, default=50_000, help="records for the per-record and read_fwf baselines")
    args = ap.parse_args()
    rows = [measure(name, args.records, args.sample) for name in ("honnin_kakunin", "juki_daicho")]
    for r in rows:
        print(r)
    save("codec", {"command": "python benchmarks/bench_codec.py", "results": rows})


if __name__ == "__main__":
    main()
