"""What Prefect keeps of a failing run: the real nightly flow in a process of its own, with a PREFECT_HOME of its
own, fails on planted rejects (one of them names a person by 住民票コード); then every file under PREFECT_HOME is
read, base64 payloads unpacked, and searched for the residents' keys and values. Nothing may be there, no
pickled frame either, and what Prefect writes is owner-only."""

from __future__ import annotations

import base64
import binascii
import os
import re
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

from juki.codec.reader import read_records
from juki.layout import load_layout
from tests.ops.planted import inbox, plant_bad_kojin_bango, plant_vanished

PROJECT = Path(__file__).resolve().parents[2]
CHILD = textwrap.dedent("""
    import sys
    from flows.nightly import nightly
    box, wd = sys.argv[1:3]
    nightly(date="2026-04-01", input=box + "/juki_daicho_{date}.dat", workdir=wd)
    try:
        nightly(date="2026-04-02", input=box + "/juki_daicho_{date}.dat", workdir=wd, max_rejects=1)
    except Exception as e:
        print("FAILED", type(e).__name__, e, flush=True)
    else:
        print("COMPLETED", flush=True)
""")


def payloads(raw: bytes) -> list[bytes]:
    """The file's bytes, and whatever its base64 runs decode to (Prefect stores pickles as base64)."""
    out = [raw]
    for run in re.findall(rb"[A-Za-z0-9+/=\r\n]{40,}", raw):
        try:
            out.append(base64.b64decode(re.sub(rb"\s", b"", run) + b"==", validate=False))
        except (binascii.Error, ValueError):
            continue
    return out


def test_prefect_keeps_no_key_no_value_and_no_frame_of_a_failing_run(tmp_path):
    box = inbox(tmp_path)
    day1 = box / "juki_daicho_20260402.dat"
    planted = plant_bad_kojin_bango(day1, 5)
    vanished = plant_vanished(day1, 30)
    df, _ = read_records(day1, load_layout("juki_daicho"))
    values = {v for c in ("kojin_bango", "shimei", "jusho") for v in df[c].drop_nulls().to_list() if len(v) >= 4}
    needles = {v.encode("utf-8") for v in values} | {v.encode("cp932", "ignore") for v in values if not v.isascii()}
    needles |= {planted["juminhyo_code"].encode(), planted["kojin_bango"].encode(), vanished.encode()}
    home = tmp_path / "prefect-home"
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path), "PREFECT_HOME": str(home),
           "PYTHONPATH": str(PROJECT), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
           "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "300", "JUKI_WORKDIR": str(tmp_path / "wd")}
    child = subprocess.run([sys.executable, "-c", CHILD, str(box), str(tmp_path / "wd")], cwd=PROJECT, env=env,
                           capture_output=True, text=True, timeout=600)
    outcome = [line for line in child.stdout.splitlines() if line.startswith(("FAILED", "COMPLETED"))]
    assert outcome and outcome[0].startswith("FAILED"), child.stdout + child.stderr[-3000:]
    assert "input records rejected" in outcome[0]  # the flow's failed state carries the one-line reason
    assert "ido.unexplained" in outcome[0] and "kojin_bango.check_digit" in outcome[0]  # rule ids and counts…
    assert vanished not in outcome[0]  # …never a key
    files = [p for p in home.rglob("*") if p.is_file()]
    assert any(p.name.startswith("prefect.db") for p in files)
    found = []
    for path in files:
        for blob in payloads(path.read_bytes()):
            found += [(path.name, n.decode("utf-8", "replace")) for n in needles if n in blob]
            if b"polars.dataframe" in blob or b"DataFrame" in blob and b"polars" in blob:
                found.append((path.name, "a pickled polars DataFrame"))
    assert found == []
    loose = [f"{p.relative_to(home)} {stat.filemode(p.stat().st_mode)}" for p in [home, *home.rglob("*")]
             if p.stat().st_mode & 0o077]
    assert loose == []
