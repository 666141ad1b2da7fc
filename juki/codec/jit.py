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
from llvmlite import ir
from numba.core import config, types
from numba.extending import intrinsic


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


# Element access without numba's negative-index wraparound (a compare and a select on every access, which also
# keeps LLVM from merging neighbouring loads). Callers guarantee 0 <= i < len, as for any unchecked index.
def _index(context, builder, ty, value):
    """An index as a machine-word integer (zero-extended when unsigned: a byte value 0x80–0xFF stays positive)."""
    return context.cast(builder, value, ty, types.intp)


@intrinsic
def load(typingctx, arr, i):
    """arr[i] for a 1-D array and an index known to be in range."""

    def codegen(context, builder, sig, args):
        data = context.make_array(sig.args[0])(context, builder, args[0]).data
        return builder.load(builder.gep(data, [_index(context, builder, sig.args[1], args[1])]))

    return arr.dtype(arr, i), codegen


@intrinsic
def store(typingctx, arr, i, value):
    """arr[i] = value, for a 1-D array and an index known to be in range."""

    def codegen(context, builder, sig, args):
        data = context.make_array(sig.args[0])(context, builder, args[0]).data
        v = context.cast(builder, args[2], sig.args[2], sig.args[0].dtype)
        builder.store(v, builder.gep(data, [_index(context, builder, sig.args[1], args[1])]))
        return context.get_dummy_value()

    return types.none(arr, i, value), codegen


@intrinsic
def load_word(typingctx, arr, i):
    """The eight bytes of a uint8 array at [i, i + 8) as one little-endian uint64 (an unaligned load)."""

    def codegen(context, builder, sig, args):
        data = context.make_array(sig.args[0])(context, builder, args[0]).data
        at = builder.gep(data, [_index(context, builder, sig.args[1], args[1])])
        word = builder.bitcast(at, ir.IntType(64).as_pointer())
        return builder.load(word, align=1)

    return types.uint64(arr, i), codegen
