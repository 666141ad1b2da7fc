"""Compiling the codec's kernels with numba, and where their machine code is cached.

The kernels are compiled on their first call (see ``compile_seconds`` in benchmarks/RESULTS.md) and the machine
code is kept on disk so that later processes load it instead. It is never written into the installed package,
which may be read-only (a system site-packages, a container image): the cache lives in ``$NUMBA_CACHE_DIR``
when that is set, else in the user's cache directory (``$XDG_CACHE_HOME/juki/numba``, by default
``~/.cache/juki/numba``). Where neither can be written, nothing is cached and each process compiles again.
"""

from __future__ import annotations

import os
import tempfile
from functools import cache
from pathlib import Path

import numba
from numba.core import config


@cache
def cache_dir() -> Path | None:
    """The directory the compiled kernels are kept in, or None where no directory can be written."""
    chosen = os.environ.get("NUMBA_CACHE_DIR")
    if not chosen:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        chosen = os.path.join(base, "juki", "numba")
    try:
        os.makedirs(chosen, exist_ok=True)
        tempfile.TemporaryFile(dir=chosen).close()
    except OSError:
        return None
    return Path(chosen)


def kernel(fn):
    """``fn`` compiled to machine code that runs without the GIL, cached in ``cache_dir()`` (see above)."""
    where = cache_dir()
    if where is None:
        return numba.njit(nogil=True, cache=False)(fn)
    before = config.CACHE_DIR
    config.CACHE_DIR = str(where)  # read once, when the decorator picks the cache's place
    try:
        return numba.njit(nogil=True, cache=True)(fn)
    finally:
        config.CACHE_DIR = before
