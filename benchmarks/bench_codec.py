"""Codec benchmark on the product's own data: a 住民基本台帳 file from `juki sample` (1,000,000 residents, 4 GB).

Targets (issue #12), this 2-core machine, page cache warm: codec decode (bytes → columns, all 131 fields)
≥ 800 MB/s and encode (columns → bytes) ≥ 500 MB/s in-process; `juki parse FILE --out X.parquet` whole process
(start-up included) ≥ 400 MB/s and ≥ 10× a per-record Python loop and pandas.read_fwf run in the same run;
`juki write` whole process ≥ 300 MB/s; peak memory ≤ 600 MB. Every figure is taken ``--runs`` times (3) and all
runs are kept; `juki write` must give back the input byte for byte. ``--before REV`` runs the same CLI commands
on the code of an earlier commit (extracted with git archive), one after the other, for a before/after.

    python benchmarks/bench_codec.py [--residents N] [--runs 3] [--before REV]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import DATA, HERE, load_average, run_isolated, save  # noqa: E402
from datasets import city, day_file  # noqa: E402

DECODE = """
import time
from juki.layout import load_layout
from juki.codec.reader import ReadResult, scan_batches
layout = load_layout("juki_daicho")
res = ReadResult()
t0 = time.perf_counter()
with open(path, "rb") as fh:
    rows = sum(b.num_rows for b in scan_batches(fh, layout, path, result=res))
result = {"seconds": time.perf_counter() - t0, "rows": rows, "bytes": res.bytes_read, "rejects": len(res.rejects)}
"""

ENCODE = """
import time
import polars as pl
import pyarrow.parquet as pq
from juki.codec.encode import encode_frame
from juki.layout import load_layout
from juki.rejects import RejectSink
layout = load_layout("juki_daicho")
frames = [pl.from_arrow(b) for b in pq.ParquetFile(parquet).iter_batches(batch_size=8192)]
sink, size = RejectSink(), 0
t0 = time.perf_counter()
for f in frames:
    size += encode_frame(f, layout, layout.data, 2, sink).nbytes
result = {"seconds": time.perf_counter() - t0, "bytes": size, "rejects": len(sink)}
"""

PER_RECORD = """
import time
import polars as pl
from juki.layout import load_layout
layout = load_layout("juki_daicho")
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
        text = rec[a:b].decode("cp932").strip(" \\u3000")
        columns[k].append((int(text) if integer else text) if text else None)
frame = pl.DataFrame(columns)
result = {"seconds": time.perf_counter() - t0, "bytes": len(blob)}
"""

READ_FWF = """
import io, time
import pandas as pd
from juki.layout import load_layout
layout = load_layout("juki_daicho")
stride = layout.record_length + 2
with open(path, "rb") as fh:
    fh.read(stride)
    blob = fh.read(stride * sample)
specs = [(f.offset, f.end) for f in layout.data.value_fields]  # byte offsets, taken as character offsets
t0 = time.perf_counter()
df = pd.read_fwf(io.BytesIO(blob), colspecs=specs, header=None, encoding="cp932", dtype=str)
result = {"seconds": time.perf_counter() - t0, "bytes": len(blob), "rows": len(df)}
"""


def cli(args: list[str], tree: Path | None = None) -> dict:
    """One whole `juki` process: wall seconds (start-up included), its peak RSS and CPU seconds."""
    command = [sys.executable, "-m", "juki.cli.main"]
    if tree is not None:  # an earlier commit's code, ahead of the installed (editable) one
        command = [sys.executable, "-c", "import sys; sys.meta_path[:] = [f for f in sys.meta_path if 'editable' "
                   f"not in repr(f)]; sys.path.insert(0, {str(tree)!r}); sys.argv[0] = 'juki'; "
                   "from juki.cli.main import main; sys.exit(main())"]
    t0 = time.perf_counter()
    proc = subprocess.Popen([*command, *args], cwd=HERE.parent, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    err = proc.stderr.read().decode(errors="replace")
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"juki {' '.join(args)} failed:\n{err[-2000:]}")
    return {"seconds": seconds, "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
            "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2)}


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 24):
            digest.update(chunk)
    return digest.hexdigest()


def warm(path: Path) -> None:
    with open(path, "rb") as fh:
        while fh.read(1 << 26):
            pass


def tree_of(rev: str) -> Path:
    """The code of an earlier commit, extracted once under benchmarks/.data."""
    sha = subprocess.run(["git", "rev-parse", "--short", rev], cwd=HERE, check=True, capture_output=True,
                         text=True).stdout.strip()
    out = DATA / f"tree-{sha}"
    if not (out / "juki").exists():
        out.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "archive", sha, "juki", "schemas", "layouts"], cwd=HERE.parent, check=True,
                                 capture_output=True)
        subprocess.run(["tar", "-x", "-C", str(out)], input=archive.stdout, check=True)
        for part in ("schemas", "layouts"):  # installed as juki.schemas and juki.layouts
            if not (out / "juki" / part).exists():
                (out / "juki" / part).symlink_to(out / part)
    return out


def cli_runs(source: Path, runs: int, tree: Path | None = None) -> dict:
    mb = source.stat().st_size / 1e6
    parquet, back = DATA / "bench_codec.parquet", DATA / "bench_codec_back.dat"
    parse, write = [], []
    for _ in range(runs):
        warm(source)
        parse.append(cli(["parse", str(source), "--layout", "juki_daicho", "--out", str(parquet),
                          "--workdir", str(DATA / "wd_codec")], tree) | {"load": load_average()})
        write.append(cli(["write", str(parquet), "--layout", "juki_daicho", "--out", str(back),
                          "--workdir", str(DATA / "wd_codec")], tree) | {"load": load_average()})
    for r in parse + write:
        r["mb_s"] = round(mb / r["seconds"], 1)
        r["seconds"] = round(r["seconds"], 2)
    identical = sha256(back) == sha256(source)
    back.unlink()
    return {"parse": parse, "write": write, "write_gives_back_the_input": identical}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--residents", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--sample", type=int, default=20_000, help="records for the per-record and read_fwf baselines")
    ap.add_argument("--before", help="also run the CLI figures on this earlier commit (e.g. a base revision)")
    ap.add_argument("--before-runs", type=int, default=1)
    args = ap.parse_args()
    source = day_file(city(args.residents, days=2, change_rate=0.01), 0)
    mb = source.stat().st_size / 1e6
    row: dict = {"layout": "juki_daicho", "residents": args.residents, "file_mb": round(mb, 1),
                 "source": "juki sample", "runs": args.runs}
    row["cli"] = cli_runs(source, args.runs)
    parquet = str(DATA / "bench_codec.parquet")
    decode, encode, loop, fwf = [], [], [], []
    for _ in range(args.runs):
        warm(source)
        d = run_isolated(DECODE, path=str(source))
        decode.append({"mb_s": round(d["bytes"] / 1e6 / d["seconds"], 1), "seconds": round(d["seconds"], 2),
                       "peak_rss_mb": d["peak_rss_mb"], "rejects": d["rejects"], "load": load_average()})
        e = run_isolated(ENCODE, parquet=parquet)
        encode.append({"mb_s": round(e["bytes"] / 1e6 / e["seconds"], 1), "seconds": round(e["seconds"], 2),
                       "rejects": e["rejects"], "load": load_average()})
        for code, into in ((PER_RECORD, loop), (READ_FWF, fwf)):
            b = run_isolated(code, path=str(source), sample=args.sample)
            into.append({"mb_s": round(b["bytes"] / 1e6 / b["seconds"], 1), "load": load_average()})
    row |= {"decode": decode, "encode": encode, "per_record_python": loop, "read_fwf": fwf,
            "baseline_sample_records": args.sample}
    compile_run = run_isolated(COMPILE, cache=str(DATA / "numba-cold"))
    row["first_call_compile_seconds"] = round(compile_run["cold"], 2)
    row["first_call_cached_seconds"] = round(compile_run["warm"], 2)
    if args.before:
        row["before"] = {"rev": args.before, "cli": cli_runs(source, args.before_runs, tree_of(args.before))}
    print(row)
    save("codec", {"command": "python benchmarks/bench_codec.py", "results": [row]})


COMPILE = """
import os, shutil, subprocess, sys, time
shutil.rmtree(cache, ignore_errors=True)
code = ("import time, numpy as np; from juki.codec.decode import decode_fields; from juki.codec.encode import "
        "encode_frame; from juki.layout import load_layout; from juki.rejects import RejectSink; "
        "import polars as pl; l = load_layout('juki_daicho'); t = time.perf_counter(); "
        "df = decode_fields(np.full((1, l.record_length), 0x20, np.uint8), l.data.value_fields, np.array([2]), "
        "RejectSink()); encode_frame(df, l, l.data, 2, RejectSink()); print(time.perf_counter() - t)")
env = dict(os.environ, NUMBA_CACHE_DIR=cache)
times = [float(subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                              check=True).stdout) for _ in range(2)]
result = {"cold": times[0], "warm": times[1]}
"""


if __name__ == "__main__":
    main()
