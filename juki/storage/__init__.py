"""The storage layer: the one place that knows about paths, URLs, smart-open, fsspec, s3fs and paramiko
(remote locations in juki/storage/remote.py).

Everything else receives an open binary handle. Inputs may be local paths or URLs (file://, sftp://, s3://):
fsspec opens the remote bytes and smart-open streams them (unpacking .gz/.bz2/.zst on the way). A remote read
that loses its connection is reopened at the byte it had reached, a few times with a short pause, then stops
with one line naming the location (``StorageError``).

Outputs are written atomically: to a temporary file next to the target, flushed and fsynced, made owner-only,
then renamed over the target, so a reader never sees half a file and a failed run leaves nothing behind. A
remote output is written locally the same way, then uploaded: over SFTP to a hidden ``.NAME.XXXX.part`` that is
made owner-only before any byte is written and then renamed over the target with OpenSSH's atomic
posix-rename; to S3 with one PUT (or a multipart upload), which S3 publishes whole or not at all.

Credentials never come from a URL (one with a password is refused: URLs land in manifests and the run log):
- SFTP: the user's SSH setup. ``$JUKI_SSH_CONFIG`` or ``~/.ssh/config`` gives HostName, Port, User,
  IdentityFile, IdentitiesOnly and UserKnownHostsFile; keys come from there, ``~/.ssh/id_*`` and the agent.
  The server's key must already be in known_hosts (``UserKnownHostsFile``, else ``~/.ssh/known_hosts``, and
  ``/etc/ssh/ssh_known_hosts``): an unknown or changed host key is refused, never added. (smart-open's and
  fsspec's own SFTP defaults accept any unknown host key, which is why the connection is made here.)
- S3: botocore's usual chain: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE and ~/.aws, and
  AWS_ENDPOINT_URL_S3 (or AWS_ENDPOINT_URL) for an S3-compatible server.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import BinaryIO

from juki.errors import InputUnusable, Where
from juki.storage import remote
from juki.storage.errors import StorageError, StorageRefused, StorageUnavailable
from juki.storage.local import (
    OWNER_ONLY,
    OWNER_ONLY_DIR,
    atomic_write,
    fsync_dir,
    make_dirs,
    open_regular,
    private_dir,
    refuse_link,
    remove,
    replace_dir,
)
from juki.storage.locations import display_name, is_url, local_path, resolved

CHUNK = 1 << 20


@contextlib.contextmanager
def open_input(location: str | os.PathLike) -> Iterator[BinaryIO]:
    """Open an input for streaming reads: a missing one is InputUnusable, an unreachable server a StorageError."""
    name = display_name(location)
    path = local_path(location)
    if path is not None:
        raw = open_regular(path, name, InputUnusable)
    else:
        try:
            raw = remote.ResumingReader(str(location))
        except FileNotFoundError:
            raise InputUnusable("file not found", Where(file=name)) from None
        except PermissionError:
            raise InputUnusable("permission denied", Where(file=name)) from None
        except OSError as e:
            reason = f"cannot open ({type(e).__name__}: {e.strerror or 'I/O error'})"
            raise InputUnusable(reason, Where(file=name)) from None
    with raw:
        if path is not None:
            yield raw
            return
        import smart_open.compression

        with smart_open.compression.compression_wrapper(raw, "rb", filename=raw.name) as handle:
            yield handle


def check_input(location: str | os.PathLike) -> None:
    """Refuse now, before a job takes its lock, a local input that is missing or not a regular file."""
    path = local_path(location)
    if path is not None:
        open_regular(path, display_name(location), InputUnusable).close()


class HashingReader:
    """Wraps an input handle and hashes what is read through it: the input's SHA-256 in the same pass.

    The hashing runs on a thread of its own, in order, while the caller decodes what it read (hashlib lets go
    of the GIL on large buffers): on two cores the hash of a big input costs almost nothing."""

    def __init__(self, raw: BinaryIO):
        self.raw, self._digest = raw, hashlib.sha256()
        self._pool = ThreadPoolExecutor(max_workers=1)
        self._last = None

    def read(self, n: int = -1) -> bytes:
        data = self.raw.read(n)
        self._last = self._pool.submit(self._digest.update, data)
        return data

    def readinto(self, view) -> int:
        """Read into the caller's buffer, which it must not change before ``settle`` returns."""
        n = self.raw.readinto(view)
        if n:
            self._last = self._pool.submit(self._digest.update, view[:n])
        return n

    def settle(self) -> None:
        """Wait until everything read so far is hashed: then the caller may reuse its buffers."""
        if self._last is not None:
            self._last.result()

    @property
    def sha256(self) -> str:
        if self._last is not None:
            self._last.result()
        self._pool.shutdown()
        return "sha256:" + self._digest.hexdigest()


def size_of(location: str | os.PathLike) -> int | None:
    """The size in bytes of an input, or None when there is nothing there (yet): how a job sees that the day's
    file has arrived, and how big a bar to draw while reading it. An unreachable server is a StorageError."""
    path = local_path(location)
    if path is None:
        return remote.size(str(location))
    try:
        return path.stat().st_size if path.is_file() else None
    except OSError:
        return None


def read_bytes(location: str | os.PathLike) -> bytes:
    with open_input(location) as f:
        return f.read()


def sha256_of(location: str | os.PathLike) -> str:
    """The SHA-256 of what ``open_input`` reads (a remote input is streamed, not copied)."""
    digest = hashlib.sha256()
    with open_input(location) as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return "sha256:" + digest.hexdigest()


@contextlib.contextmanager
def atomic_output(location: str | os.PathLike) -> Iterator[BinaryIO]:
    """Write to ``location`` all or nothing, owner-only; the handle also hashes what is written (``.sha256``)."""
    path = local_path(location)
    if path is not None:
        with atomic_write(path) as handle:
            yield handle
        return
    remote.target(str(location))  # a bad URL fails before anything is written
    scratch = Path(tempfile.mkdtemp(prefix="juki-upload-"))  # 0700: the local copy holds personal data too
    try:
        with atomic_write(scratch / "out") as handle:
            yield handle
        remote.upload(handle.final_path, str(location))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def copy_file(source: str | os.PathLike, location: str | os.PathLike) -> str:
    """Copy a finished file (path or URL) to ``location`` (path or URL), atomically and owner-only: how a job
    delivers an output to an outbox elsewhere. Returns the SHA-256 of the bytes written."""
    with open_input(source) as src, atomic_output(location) as sink:
        while chunk := src.read(CHUNK):
            sink.write(chunk)
    return sink.sha256


def write_ipc(frame, location) -> str:
    """A DataFrame as Arrow IPC (uncompressed: fast, for files that live only while a run does), atomically."""
    with atomic_output(location) as sink:
        frame.write_ipc(sink, compression="uncompressed")
    return sink.sha256


def write_csv(frame, location) -> str:
    """A DataFrame as CSV for people (UTF-8 with a BOM, so that Excel opens it right), atomically, owner-only."""
    with atomic_output(location) as sink:
        sink.write(b"\xef\xbb\xbf")
        frame.write_csv(sink)
    return sink.sha256


def write_parquet(frame, location) -> str:
    """A DataFrame as Parquet, atomically and owner-only (snapshots and staging files hold personal data)."""
    with atomic_output(location) as sink:
        frame.write_parquet(sink)
    return sink.sha256




__all__ = ["CHUNK", "OWNER_ONLY", "OWNER_ONLY_DIR", "HashingReader", "StorageError", "StorageRefused",
           "StorageUnavailable", "atomic_output", "atomic_write", "check_input", "copy_file", "display_name",
           "fsync_dir", "is_url", "local_path", "make_dirs", "open_input", "private_dir", "read_bytes", "refuse_link",
           "remove", "replace_dir", "resolved", "sha256_of", "size_of", "write_csv", "write_ipc", "write_parquet"]
