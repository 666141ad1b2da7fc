"""Shared pieces of the benchmarks: synthetic frames, timing in a fresh process, results on disk.

Every measurement runs in its own Python process (spawned, never forked: polars is unsafe under fork) and times
only the work, after imports; the process's peak RSS is its memory figure. Results are JSON under results/ and
a Markdown table in RESULTS.md, both committed.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import polars as pl

HERE = Path(__file__).resolve().parent
DATA = HERE / ".data"
RESULTS = HERE / "results"
KANJI = np.array(list("山田太郎鈴木花子佐藤高橋渡辺伊藤中村小林加藤吉田山本"
                      "石巻市穀町宮城県蛇田渡波稲井桃生河北北上雄勝牡鹿"))
KANA = np.array(list("アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン"))
HANKANA = np.array([chr(c) for c in range(0xFF71, 0xFF9E)])


def machine() -> dict:
    """What the figures were measured on: CPU model and count, memory, versions, and the load when saved."""
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else ""
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    import numba
    import pyarrow

    return {"python": platform.python_version(), "cpus": os.cpu_count(), "machine": platform.machine(),
            "cpu_model": model, "memory_gib": round(memory, 1), "polars": pl.__version__,
            "pyarrow": pyarrow.__version__, "numba": numba.__version__, "load_average": load_average()}


def load_average() -> float:
    """The 1-minute load average: the machine is shared, so each figure says how busy it was."""
    return round(os.getloadavg()[0], 2)


def _strings(rng: np.random.Generator, alphabet: np.ndarray, n: int, lo: int, hi: int) -> pl.Series:
    """n random strings of lo..hi characters, built as one UTF-32 array (no Python loop per string)."""
    codes = np.array([ord(c) for c in alphabet], dtype=np.uint32)[rng.integers(0, len(alphabet), (n, hi))]
    lengths = rng.integers(lo, hi + 1, n)
    codes[np.arange(hi) >= lengths[:, None]] = 0  # NUL ends a numpy unicode string
    return pl.Series(np.ascontiguousarray(codes).view(f"<U{hi}").ravel())


def synthetic_frame(layout, n: int, seed: int = 0, fill: float = 0.6) -> pl.DataFrame:
    """A frame of the layout's data fields with realistic shapes: names and addresses of a few to tens of
    characters, digits that fill their field, and about ``1 - fill`` of the optional fields empty."""
    rng = np.random.default_rng(seed)
    cols = {}
    for f in layout.data.value_fields:
        present = rng.random(n) < fill
        if f.integer:
            values = rng.integers(0, 10 ** min(f.width, 6), n)
            cols[f.id] = pl.Series(f.id, values).set(pl.Series(~present), None)
            continue
        if f.kind in ("kanji",):
            s = _strings(rng, KANJI, n, 2, max(2, min(f.width // 2, 24)))
        elif f.kind == "kana":
            s = _strings(rng, KANA, n, 3, max(3, min(f.width // 2, 16)))
        elif f.kind == "hankana":
            s = _strings(rng, HANKANA, n, 3, max(3, min(f.width, 20)))
        else:
            digits = rng.integers(0, 10, (n, f.width)).astype(np.uint8) + ord("0")
            s = pl.Series(digits.view(f"S{f.width}").ravel()).cast(pl.String)
        cols[f.id] = s.alias(f.id).set(pl.Series(~present), None)
    return pl.DataFrame(cols)


def run_isolated(code: str, **params) -> dict:
    """Run ``code`` in a fresh interpreter; it must set ``result`` (a dict). Adds the process's peak RSS in MB."""
    script = textwrap.dedent(
        """
        import json, resource, sys
        params = json.loads(sys.argv[1])
        globals().update(params)
        {code}
        result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
        print(json.dumps(result))
        """
    ).format(code=textwrap.indent(textwrap.dedent(code), "").strip())
    out = subprocess.run([sys.executable, "-c", script, json.dumps(params)], capture_output=True, text=True,
                         cwd=HERE.parent)
    if out.returncode:
        raise RuntimeError(f"benchmark step failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def save(name: str, payload: dict) -> Path:
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=HERE, capture_output=True, text=True)
    stamp = {"commit": commit.stdout.strip() or None, "measured_at": time.strftime("%Y-%m-%d %H:%M %Z")}
    path.write_text(json.dumps({"machine": machine(), **stamp, **payload}, ensure_ascii=False, indent=2) + "\n")
    return path
