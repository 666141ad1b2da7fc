"""The compiled kernels' cache lives in the user's cache directory (or $NUMBA_CACHE_DIR), never in the installed
package, and a cache directory that cannot be written only costs a compile: the codec works the same."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import juki

PACKAGE = Path(juki.__file__).parent
DECODE_ONE = ("import numpy as np; from juki.codec.decode import decode_fields; from juki.layout import load_layout; "
              "from juki.rejects import RejectSink; f = load_layout('honnin_kakunin').data.field('shimei'); "
              "r = np.full((1, f.end), 0x20, np.uint8); r[0, f.offset : f.offset + 4] = list('山田'.encode('cp932')); "
              "print(decode_fields(r, (f,), np.array([2]), RejectSink()).row(0))")


def run(env: dict) -> str:
    clean = {k: v for k, v in os.environ.items() if k not in ("NUMBA_CACHE_DIR", "XDG_CACHE_HOME")}
    done = subprocess.run([sys.executable, "-c", DECODE_ONE], env=clean | env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def cached_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.suffix in (".nbi", ".nbc")]


def test_cache_goes_to_the_user_cache_directory_not_the_package(tmp_path):
    before = set(cached_files(PACKAGE))
    run({"XDG_CACHE_HOME": str(tmp_path / "xdg")})
    assert cached_files(tmp_path / "xdg" / "juki" / "numba")
    assert set(cached_files(PACKAGE)) == before == set()


def test_numba_cache_dir_is_respected_and_an_unwritable_one_only_costs_a_compile(tmp_path):
    run({"NUMBA_CACHE_DIR": str(tmp_path / "mine")})
    assert cached_files(tmp_path / "mine")
    blocked = tmp_path / "a-file"
    blocked.write_text("not a directory")
    out = run({"NUMBA_CACHE_DIR": str(blocked / "numba"), "XDG_CACHE_HOME": str(tmp_path / "xdg")})
    assert "山田" in out
    assert not cached_files(tmp_path / "xdg") and not cached_files(PACKAGE)
