"""Run every benchmark, then write RESULTS.md from results/*.json.

    python benchmarks/run.py            # all (about 15 minutes and 20 GB of scratch data in benchmarks/.data)
    python benchmarks/run.py --report   # only rewrite RESULTS.md from the committed JSON
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHES = ["bench_codec.py", "bench_validation.py", "bench_nightly.py", "bench_diff.py", "bench_consistency.py"]


def load(name: str) -> dict:
    path = HERE / "results" / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else {}


def ok(value, target, higher_is_better: bool) -> str:
    met = value >= target if higher_is_better else value <= target
    return "met" if met else "**missed**"


def report() -> str:
    out = ["# Benchmark results", "",
           "Measured on the development machine (2 cores, 24 GiB), each figure in a fresh process after imports;",
           "regenerate with `make bench` (or `python benchmarks/run.py`). Raw figures: `results/*.json`.", ""]
    codec = load("codec")
    if codec:
        m = codec["machine"]
        out += [f"Python {m['python']}, polars {m['polars']}, {m['cpus']} CPUs.", "", "## Codec", "",
                "| layout | records | file MB | parse MB/s | write MB/s | parse peak RSS MB | ×per-record Python | "
                "×pandas.read_fwf |", "|---|---|---|---|---|---|---|---|"]
        for r in codec["results"]:
            out.append(f"| {r['layout']} | {r['records']:,} | {r['file_mb']:,} | {r['parse_mb_s']} "
                       f"({ok(r['parse_mb_s'], 200, True)}) | {r['write_mb_s']} ({ok(r['write_mb_s'], 150, True)}) | "
                       f"{r['parse_peak_rss_mb']} ({ok(r['parse_peak_rss_mb'], 600, False)}) | "
                       f"{r['parse_vs_per_record']} ({ok(r['parse_vs_per_record'], 15, True)}) | "
                       f"{r['parse_vs_read_fwf']} ({ok(r['parse_vs_read_fwf'], 15, True)}) |")
        out += ["", "Targets: parse ≥ 200 MB/s, write ≥ 150 MB/s, ≥ 15× both baselines, peak ≤ 600 MB. "
                "`read_fwf` is not even correct here (it counts characters, not bytes).", "",
                "The 15× ratios are missed: on this machine the straightforward per-record loop (slice, decode, "
                "strip, convert, then one DataFrame) runs at 33–42 MB/s and read_fwf at 44–55 MB/s, so 15× "
                "would mean 500–800 MB/s. What bounds us: Python's cp932 decoder itself (about 470 MB/s on kanji, "
                "one call per text column per batch, holding the GIL), and, for the 131-field 住民基本台帳 record, "
                "a fixed cost per field per batch. Parse is 5–8× and write comparable against these baselines.", ""]
    val = load("validation")
    if val:
        r = val["results"][0]
        out += ["## Validation", "", f"{r['records']:,} 本人確認情報 records, {r['checks']} checks: "
                f"**{r['seconds']} s** ({ok(r['seconds'], 1.0, False)}; target ≤ 1 s), peak {r['peak_rss_mb']} MB.", ""]
    night = load("nightly")
    if night:
        out += ["## Nightly job", "", "| residents | file MB | whole job s | stages s | peak MB | "
                "Prefect flow s | Prefect overhead s |", "|---|---|---|---|---|---|---|"]
        for r in night["results"]:
            target = 2 if r["residents"] <= 150_000 else 10
            stages = ", ".join(f"{k} {v}" for k, v in r["stages"].items())
            out.append(f"| {r['residents']:,} | {r['file_mb']:,} | {r['seconds']} ({ok(r['seconds'], target, False)}, "
                       f"≤ {target}) | {stages} | {r['peak_rss_mb']} | {r['flow_seconds']} | "
                       f"{r['prefect_overhead_seconds']} |")
        out += ["", "The input is read once before the run (it is in the page cache, as a file just written by the "
                "既存住基 system would be). Over repeated runs the 1,000,000 case took 8.8–9.5 s; once, right after "
                "other large files had pushed it out of the page cache, 13.9 s. Prefect's overhead is the flow run "
                "against a temporary local server minus the same job run directly.", ""]
    diff = load("diff")
    if diff:
        r = diff["results"][0]
        out += ["## Diff alone", "", f"{r['records']:,} against {r['records']:,}: **{r['seconds']} s** "
                f"({ok(r['seconds'], 1.0, False)}; ≤ 1 s); DataComPy {r['datacompy_version']} (polars "
                f"{r['datacompy_polars']}, own venv) {r['datacompy_seconds']} s: **{r['speedup_vs_datacompy']}×** "
                f"({ok(r['speedup_vs_datacompy'], 4, True)}; ≥ 4×).", ""]
    cons = load("consistency")
    if cons:
        r = cons["results"][0]
        out += ["## Consistency files and reconciliation", "",
                f"{r['records']:,} records: both files written in **{r['write_both_files_seconds']} s** "
                f"({ok(r['write_both_files_seconds'], 5, False)}), reconciliation in **{r['reconcile_seconds']} s** "
                f"({ok(r['reconcile_seconds'], 5, False)}); target ≤ 5 s each.", ""]
    return "\n".join(out) + "\n"


def main() -> None:
    if "--report" not in sys.argv:
        for bench in BENCHES:
            subprocess.run([sys.executable, str(HERE / bench)], check=True)
    (HERE / "RESULTS.md").write_text(report(), encoding="utf-8")
    print((HERE / "RESULTS.md").read_text())


if __name__ == "__main__":
    main()
