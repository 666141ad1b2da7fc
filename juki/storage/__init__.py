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
import errno
import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit, urlunsplit

from juki.errors import EXIT_UNUSABLE, InputUnusable, JukiError, Where

OWNER_ONLY = 0o600
CHUNK = 1 << 20


class StorageError(JukiError):
    """A remote location could not be reached, read or written (connection, host key, credentials)."""

    exit_code = EXIT_UNUSABLE


def is_url(location: str | os.PathLike) -> bool:
    scheme = urlsplit(str(location)).scheme
    return len(scheme) > 1  # one letter is a Windows drive


def display_name(location: str | os.PathLike) -> str:
    """The location as it may be printed: a URL loses any user name and password."""
    text = str(location)
    if not is_url(text):
        return text
    parts = urlsplit(text)
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def local_path(location: str | os.PathLike) -> Path | None:
    """A local filesystem path for a plain path or a file:// URL, None for remote URLs."""
    text = str(location)
    if not is_url(text):
        return Path(text)
    if urlsplit(text).scheme == "file":
        return Path(urlsplit(text).path)
    return None


@contextlib.contextmanager
def open_input(location: str | os.PathLike) -> Iterator[BinaryIO]:
    """Open an input for streaming reads: a missing one is InputUnusable, an unreachable server a StorageError."""
    name = display_name(location)
    path = local_path(location)
    try:
        raw = open(path, "rb") if path is not None else remote.ResumingReader(str(location))  # noqa: SIM115 - below
    except FileNotFoundError:
        raise InputUnusable("file not found", Where(file=name)) from None
    except IsADirectoryError:
        raise InputUnusable("is a directory, not a file", Where(file=name)) from None
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
        with _atomic_local(path) as handle:
            yield handle
        return
    remote.target(str(location))  # a bad URL fails before anything is written
    scratch = Path(tempfile.mkdtemp(prefix="juki-upload-"))  # 0700: the local copy holds personal data too
    try:
        with _atomic_local(scratch / "out") as handle:
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


def write_parquet(frame, location) -> str:
    """A DataFrame as Parquet, atomically and owner-only (snapshots and staging files hold personal data)."""
    with atomic_output(location) as sink:
        frame.write_parquet(sink)
    return sink.sha256


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
def _atomic_local(path: Path) -> Iterator[_HashingWriter]:
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
            raise StorageError("no space left on the device; nothing was written there",
                               Where(file=str(path))) from None
        raise


def fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)




from juki.storage import remote  # noqa: E402 - after the names remote.py imports from here
