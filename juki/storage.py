"""The one module that knows about paths, URLs, smart-open and fsspec.

Everything else receives an open binary handle. Inputs may be local paths or URLs (file://, sftp://, s3://…):
smart-open streams them (and unpacks .gz/.bz2/.zst on the way). Outputs are written atomically: to a temporary
file next to the target, flushed and fsynced, made owner-only, then renamed over the target, so a reader never
sees half a file and a failed run leaves nothing behind. Remote outputs are written locally the same way and then
uploaded under a temporary name and renamed, which SFTP and S3 both make atomic for a single object.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit, urlunsplit

from juki.errors import InputUnusable, Where

OWNER_ONLY = 0o600
_CHUNK = 1 << 20


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
    """Open an input for streaming reads; a missing or unreachable input is an InputUnusable error."""
    name = display_name(location)
    path = local_path(location)
    try:
        if path is not None:
            handle = open(path, "rb")  # noqa: SIM115 - closed below
        else:
            import smart_open

            handle = smart_open.open(str(location), "rb", compression="infer_from_extension")
    except FileNotFoundError:
        raise InputUnusable("file not found", Where(file=name)) from None
    except IsADirectoryError:
        raise InputUnusable("is a directory, not a file", Where(file=name)) from None
    except PermissionError:
        raise InputUnusable("permission denied", Where(file=name)) from None
    except OSError as e:
        reason = f"cannot open ({type(e).__name__}: {e.strerror or 'I/O error'})"
        raise InputUnusable(reason, Where(file=name)) from None
    with handle:
        yield handle


class HashingReader:
    """Wraps an input handle and hashes what is read through it: the input's SHA-256 in the same pass."""

    def __init__(self, raw: BinaryIO):
        self.raw, self._digest = raw, hashlib.sha256()

    def read(self, n: int = -1) -> bytes:
        data = self.raw.read(n)
        self._digest.update(data)
        return data

    @property
    def sha256(self) -> str:
        return "sha256:" + self._digest.hexdigest()


def read_bytes(location: str | os.PathLike) -> bytes:
    with open_input(location) as f:
        return f.read()


def sha256_of(location: str | os.PathLike) -> str:
    digest = hashlib.sha256()
    with open_input(location) as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
    return "sha256:" + digest.hexdigest()


@contextlib.contextmanager
def atomic_output(location: str | os.PathLike) -> Iterator[BinaryIO]:
    """Write to ``location`` all or nothing, owner-only; the handle also hashes what is written (``.sha256``)."""
    path = local_path(location)
    if path is None:
        with _atomic_local(Path(tempfile.mkdtemp(prefix="juki-upload-")) / "out") as handle:
            yield handle
        _upload(handle.final_path, str(location))
        return
    with _atomic_local(path) as handle:
        yield handle


def write_parquet(frame, location) -> str:
    """A DataFrame as Parquet, atomically and owner-only (snapshots and staging files hold personal data)."""
    with atomic_output(location) as sink:
        frame.write_parquet(sink)
    return sink.sha256


class _HashingWriter:
    """A binary file wrapper that keeps a running SHA-256 of the bytes written through it."""

    def __init__(self, raw: BinaryIO, final_path: Path):
        self.raw, self.final_path, self._digest = raw, final_path, hashlib.sha256()

    def write(self, data) -> int:
        self._digest.update(data)
        return self.raw.write(data)

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
    try:
        with os.fdopen(fd, "wb") as raw:
            handle = _HashingWriter(raw, path)
            yield handle
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(tmp, path)
        _fsync_dir(path.parent)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _upload(local: Path, url: str) -> None:
    import fsspec

    fs, remote = fsspec.core.url_to_fs(url)
    tmp = f"{remote}.part"
    try:
        fs.put_file(str(local), tmp)
        fs.mv(tmp, remote)
    finally:
        with contextlib.suppress(OSError):
            local.unlink()
            local.parent.rmdir()
