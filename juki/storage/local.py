"""The one place that touches local files for juki: atomic owner-only writes, the rename that publishes a folder,
fsync of a directory, folders made owner-only without following a link, inputs opened only when they are regular
files. (After dlt's FileStorage: one object owns every move, so each is done one way.)

An atomic write goes to a temporary file beside the target, is flushed and fsynced, made owner-only, then
renamed over the target: a reader never sees half a file and a failure leaves nothing behind. Every folder juki
makes is owner-only (0700). An input is opened without blocking and checked to be a regular file before a byte is
read: a FIFO or a device would hang the reader (and a job holding its lock) forever.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import os
import shutil
import stat
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


def make_dirs(path: Path) -> Path:
    """``path`` and any missing parent, each made owner-only (existing folders are left as they are)."""
    missing = []
    here = Path(path)
    while not here.exists() and here != here.parent:
        missing.append(here)
        here = here.parent
    for folder in reversed(missing):
        with contextlib.suppress(FileExistsError):
            os.mkdir(folder, OWNER_ONLY_DIR)
    return Path(path)


def loose(mode: int) -> bool:
    """A folder others may write to (group or world writable): anyone there could swap what juki reads."""
    return bool(mode & (stat.S_IWGRP | stat.S_IWOTH))


def private_dir(root: Path, *parts: str) -> Path:
    """``root/parts…``, each part a real folder (made 0700 if missing), never a link: a link planted there would
    send juki's writes elsewhere. ``root`` itself must exist; none of them may be writable by others."""
    here = Path(root)
    for part in ("", *parts):
        here = here / part if part else here
        try:
            info = os.lstat(here)
        except FileNotFoundError:
            os.mkdir(here, OWNER_ONLY_DIR)
            info = os.lstat(here)
        if stat.S_ISLNK(info.st_mode):
            raise StorageRefused("is a symbolic link, which juki never follows inside a workdir; remove it "
                                 "(and check what it points to)", Where(file=str(here)))
        if not stat.S_ISDIR(info.st_mode):
            raise StorageRefused("is not a folder; juki needs a folder here", Where(file=str(here)))
        if loose(info.st_mode):
            raise StorageRefused(f"is writable by group or others; make it owner-only (chmod go-w {here})",
                                 Where(file=str(here)))
    return here


def refuse_link(path: Path) -> None:
    """A file juki writes in a workdir must not be a link to somewhere else."""
    if os.path.islink(path):
        raise StorageRefused("is a symbolic link, which juki never follows inside a workdir; remove it "
                             "(and check what it points to)", Where(file=str(path)))


def open_regular(path: Path, name: str, error) -> BinaryIO:
    """Open a local input for reading only if it is a regular file: a FIFO, socket or device is refused at once
    (opened without blocking, checked on the open descriptor, so it cannot be swapped in between)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        raise error("file not found", Where(file=name)) from None
    except PermissionError:
        raise error("permission denied", Where(file=name)) from None
    except OSError as e:
        raise error(f"cannot open ({type(e).__name__}: {e.strerror or 'I/O error'})", Where(file=name)) from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        what = "is a directory, not a file" if stat.S_ISDIR(mode) else \
            "is not a regular file (a FIFO, socket or device); give the file itself"
        raise error(what, Where(file=name))
    fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) & ~os.O_NONBLOCK)
    return os.fdopen(fd, "rb")


@contextlib.contextmanager
def atomic_write(path: Path) -> Iterator[_HashingWriter]:
    make_dirs(path.parent)
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
    if os.path.lexists(final):
        os.rename(final, old)
    os.rename(staging, final)
    fsync_dir(final.parent)
    remove(old)


def recover_dir(base: Path, name: str, old: Path) -> None:
    """A swapped-out folder comes back if its place is empty; otherwise it was replaced and goes."""
    if not os.path.lexists(base / name) and not os.path.islink(old):
        os.rename(old, base / name)
    else:
        remove(old)


def remove(path: Path) -> None:
    """Delete a file or a folder tree; a link is removed itself, never what it points to."""
    if os.path.islink(path) or (os.path.lexists(path) and not os.path.isdir(path)):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
    elif os.path.isdir(path):
        shutil.rmtree(path, ignore_errors=True)
