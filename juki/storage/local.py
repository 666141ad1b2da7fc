"""The one place that touches local files for juki: atomic owner-only writes, the rename that publishes a folder,
fsync of a directory. (After dlt's FileStorage: one object owns every move, so each is done one way.)

An atomic write goes to a temporary file beside the target, is flushed and fsynced, made owner-only, then
renamed over the target: a reader never sees half a file and a failure leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from juki.errors import Where
from juki.storage.errors import StorageRefused

OWNER_ONLY = 0o600
OWNER_ONLY_DIR = 0o700


class _HashingWriter:
    """A binary file wrapper that keeps a running SHA-256 of the bytes written through it."""

    def __init__(self, raw: BinaryIO, final_path: Path):
        self.raw, self.final_path, self._digest = raw, final_path, hashlib.sha256()
        self.failure: OSError | None = None  # kept: a library writing through us may wrap it in its own error

    def write(self, data) -> int:
        self._digest.update(data)
        try:
            return self.raw.write(data)
        except OSError as e:
            self.failure = e
            raise

    @property
    def sha256(self) -> str:
        return "sha256:" + self._digest.hexdigest()

    def __getattr__(self, name):
        return getattr(self.raw, name)


@contextlib.contextmanager
def atomic_write(path: Path) -> Iterator[_HashingWriter]:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.fchmod(fd, OWNER_ONLY)
    handle = None
    try:
        with os.fdopen(fd, "wb") as raw:
            handle = _HashingWriter(raw, path)
            yield handle
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(tmp, path)
        fsync_dir(path.parent)
    except BaseException as e:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        failure = getattr(handle, "failure", None) or (e if isinstance(e, OSError) else None)
        if failure is not None and failure.errno in (errno.ENOSPC, errno.EDQUOT):
            raise StorageRefused("no space left on the device; nothing was written there",
                               Where(file=str(path))) from None
        raise


def fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def replace_dir(staging: Path, final: Path) -> None:
    """Put a finished folder at ``final`` by one rename, the previous one (if any) swapped out and then removed.

    A crash between the two renames leaves ``.old-*`` beside ``final``: ``recover_dir`` puts it back."""
    old = final.with_name(f".old-{final.name}-{uuid.uuid4().hex[:8]}")
    if final.exists():
        os.rename(final, old)
    os.rename(staging, final)
    fsync_dir(final.parent)
    shutil.rmtree(old, ignore_errors=True)


def recover_dir(base: Path, name: str, old: Path) -> None:
    """A swapped-out folder comes back if its place is empty; otherwise it was replaced and goes."""
    if not (base / name).exists():
        os.rename(old, base / name)
    else:
        shutil.rmtree(old, ignore_errors=True)
