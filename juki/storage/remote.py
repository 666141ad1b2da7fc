"""Remote locations (sftp://, s3://): connections, resumable reads, atomic uploads. Part of the storage layer:
only juki.storage uses it, and nothing else in juki imports fsspec, s3fs, paramiko or smart-open.

See juki/storage/__init__.py for how credentials are found (never from a URL).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from juki.errors import JukiError, Where
from juki.storage import sftp
from juki.storage.errors import StorageError, StorageRefused, StorageUnavailable
from juki.storage.locations import display_name

CHUNK = 1 << 20

_REMOTE_READ = 1 << 20  # at most this much per remote read: what a dropped connection can cost
_S3_BLOCK = 8 << 20  # s3fs's read-ahead (one ranged GET)
RETRIES = 3  # reconnections after a dropped connection, before giving up
BACKOFF = (0.2, 0.5, 1.0)  # seconds before each reconnection
TIMEOUT = 30.0  # seconds: connecting, and waiting for a reply on an open connection




class ResumingReader(io.RawIOBase):
    """A remote file read from start to end; a dropped connection is reopened at the byte reached.

    The size is taken when the file is opened: ending short of it is a drop too, and the read stops there.
    """

    def __init__(self, url: str):
        super().__init__()
        self.url, self.name, self.pos = url, urlsplit(url).path, 0  # name: smart-open infers compression
        self._s3 = urlsplit(url).scheme == "s3"
        self._handle, self.size = _retrying(url, "cannot connect", self._open)

    def _open(self, fresh: bool):
        fs, path = _filesystem(self.url, fresh)
        info = fs.info(path)
        if info.get("type") == "directory":
            raise IsADirectoryError(path)
        handle = fs.open(path, "rb", **({"block_size": _S3_BLOCK} if self._s3 else {}))
        return handle, info["size"]

    def readable(self) -> bool:
        return True

    def read(self, n: int | None = -1) -> bytes:
        """Up to n bytes (at most _REMOTE_READ per call, so that a drop loses little); b"" only at the end."""
        if n is None or n < 0:
            return self.readall()
        want = min(n, _REMOTE_READ, self.size - self.pos)
        if want <= 0:
            return b""

        def attempt(fresh: bool) -> bytes:
            if fresh:
                with contextlib.suppress(Exception):
                    self._handle.close()
                self._handle, _ = self._open(fresh)
            if self._s3:
                self._handle.seek(self.pos)
                data = self._handle.read(want)
            else:  # paramiko: the chunk's 32 kB requests all in flight at once, not one round trip each
                data = b"".join(self._handle.readv([(self.pos, want)]))
            if len(data) != want:
                raise EOFError(f"{len(data)} bytes at byte {self.pos}, expected {want}")
            return data

        data = _retrying(self.url, f"connection lost at byte {self.pos:,}", attempt)
        self.pos += len(data)
        return data

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def readall(self) -> bytes:
        parts = []
        while chunk := self.read(CHUNK):
            parts.append(chunk)
        return b"".join(parts)

    def close(self) -> None:
        if not self.closed:
            with contextlib.suppress(Exception):
                self._handle.close()
        super().close()


def _retrying(url: str, failure: str, attempt: Callable[[bool], object]):
    """``attempt(fresh)`` until it works: on a connection error, reconnect (fresh=True) up to RETRIES times."""
    for tries in range(RETRIES + 1):
        try:
            return attempt(tries > 0)
        except JukiError as e:
            if not e.where.file:
                e.where = Where(file=display_name(url))
            raise
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError, PermissionError, FileExistsError):
            raise
        except Exception as e:
            if _refusal(e) is not None:
                raise _explained(e, url) from None
            _forget(url)
            if tries == RETRIES:
                raise StorageUnavailable(f"{failure}; gave up after {RETRIES} retries ({type(e).__name__})",
                                   Where(file=display_name(url))) from None
            time.sleep(BACKOFF[min(tries, len(BACKOFF) - 1)])
    raise AssertionError("unreachable")


def _refusals() -> list[tuple[type[BaseException], str]]:
    """The libraries' errors that no retry will change, most specific first, each with the line that says what
    to fix. Matched by type (isinstance), so a library's subclass is classified like its parent."""
    kinds: list[tuple[type[BaseException], str]] = []
    with contextlib.suppress(ImportError):
        import paramiko

        kinds += [
            (paramiko.BadHostKeyException, "the server's host key differs from the one in known_hosts: refused"),
            (paramiko.PasswordRequiredException, "the SSH key is encrypted: load it into the agent (ssh-add)"),
            (paramiko.AuthenticationException, _LOGIN_REFUSED),
            (paramiko.ssh_exception.IncompatiblePeer, "the SSH server offers no algorithm in common with ours"),
        ]
    with contextlib.suppress(ImportError):
        import botocore.exceptions as bce

        kinds += [
            (bce.NoCredentialsError,
             "no S3 credentials (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE or ~/.aws)"),
            (bce.ConfigParseError, "the AWS configuration (~/.aws) cannot be read"),
        ]
    return kinds


def _transients() -> tuple[type[BaseException], ...]:
    """Errors of a connection that dropped or timed out: worth a reconnection."""
    kinds: list[type[BaseException]] = [OSError, EOFError]
    with contextlib.suppress(ImportError):
        import paramiko

        kinds.append(paramiko.SSHException)
    with contextlib.suppress(ImportError):
        import botocore.exceptions as bce

        kinds += [bce.ConnectionError, bce.HTTPClientError, bce.IncompleteReadError, bce.ResponseStreamingError]
    with contextlib.suppress(ImportError):
        import aiohttp

        kinds.append(aiohttp.ClientError)
    return tuple(kinds)


_LOGIN_REFUSED = "SSH login refused: no accepted key (IdentityFile in the SSH config, ~/.ssh/id_*, or the agent)"
_OS_REASONS: list[tuple[type[BaseException], str]] = [
    (ImportError, "remote locations need the 'remote' extra: pip install 'juki-etl[remote]'"),
    (FileNotFoundError, "not found"),
    (PermissionError, "permission denied"),
    (NotADirectoryError, "a parent is not a directory"),
    (IsADirectoryError, "is a directory, not a file"),
]


def _refusal(error: BaseException) -> str | None:
    """The one line for an error no retry will change, or None for a connection worth retrying."""
    if "No authentication methods" in str(error):  # paramiko says this as a plain SSHException
        return _LOGIN_REFUSED
    for kind, reason in _refusals():
        if isinstance(error, kind):
            return reason
    if isinstance(error, _transients()):
        return None
    return next((reason for kind, reason in _OS_REASONS if isinstance(error, kind)),
                f"remote storage error ({type(error).__name__})")


def _explained(error: BaseException, url: str) -> StorageRefused:
    """A refusal as one line; the library's own text is not shown (it may quote what it choked on)."""
    reason = _refusal(error) or next((r for k, r in _OS_REASONS if isinstance(error, k)),
                                     f"remote storage error ({type(error).__name__})")
    return StorageRefused(reason, Where(file=display_name(url)))


_CONNECTIONS: dict[tuple, object] = {}
_LOCK = threading.Lock()


def target(url: str) -> tuple[str, tuple]:
    """The scheme and connection key of a remote URL; refuses what this module does not support."""
    parts = urlsplit(url)
    where = Where(file=display_name(url))
    if parts.password is not None:
        raise StorageRefused("a password in the URL is not accepted (URLs are logged): use an SSH key or the "
                           "agent for sftp://, the AWS environment or ~/.aws for s3://", where)
    if parts.scheme == "s3":
        env = ("AWS_PROFILE", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")
        return "s3", ("s3", hashlib.sha256(repr([os.environ.get(k) for k in env]).encode()).hexdigest())
    if parts.scheme in ("sftp", "ssh"):
        if not parts.hostname:
            raise StorageError("an sftp:// URL needs a host", where)
        return "sftp", ("sftp", parts.hostname, parts.port, parts.username, os.environ.get("JUKI_SSH_CONFIG"))
    raise StorageError(f"unsupported URL scheme {parts.scheme!r} (use a path, file://, sftp:// or s3://)", where)


def _filesystem(url: str, fresh: bool = False):
    """An fsspec filesystem for the URL's server and the path on it; one connection per server, reused."""
    scheme, key = target(url)
    parts = urlsplit(url)
    with _LOCK:
        fs = None if fresh else _CONNECTIONS.get(key)
        if fs is None:
            _forget_locked(key)
            fs = _CONNECTIONS[key] = _connect_s3() if scheme == "s3" else sftp.connect(parts, TIMEOUT)
    return fs, f"{parts.hostname}{parts.path}" if scheme == "s3" else parts.path  # as fsspec reads URLs: verbatim


def _forget(url: str) -> None:
    """Drop the cached connection of a URL's server (after it failed), closing it."""
    with _LOCK:
        _forget_locked(target(url)[1])


def _forget_locked(key: tuple) -> None:
    fs = _CONNECTIONS.pop(key, None)
    client = getattr(fs, "client", None)  # an SFTP filesystem holds a paramiko SSHClient
    if client is not None:
        with contextlib.suppress(Exception):
            client.close()


def _connect_s3():
    import fsspec

    # s3fs and botocore retry too: kept to one retry each, so that RETRIES above stays the policy a user sees
    fs = fsspec.filesystem("s3", skip_instance_cache=True, config_kwargs={
        "connect_timeout": TIMEOUT, "read_timeout": TIMEOUT, "retries": {"max_attempts": 1, "mode": "standard"}})
    fs.retries = 1
    return fs


def upload(local: Path, url: str) -> None:
    """Publish a finished local file at a remote URL, all or nothing, retrying a dropped connection."""
    scheme, _ = target(url)

    def attempt(fresh: bool) -> None:
        fs, path = _filesystem(url, fresh)
        if scheme == "s3":
            fs.put_file(str(local), path)  # one PUT, or a multipart upload s3fs aborts on failure
        else:
            sftp.put(fs, local, path, lambda part: _discard(url, part))

    try:
        _retrying(url, "upload failed", attempt)
    except OSError as e:  # not found, permission denied… (a dropped connection is a StorageError by now)
        raise StorageRefused(f"cannot write: {_explained(e, url).reason}", Where(file=display_name(url))) from None


def size(url: str) -> int | None:
    """The size of a remote file, None when there is none (yet)."""
    def attempt(fresh: bool) -> int | None:
        fs, path = _filesystem(url, fresh)
        try:
            return int(fs.size(path))
        except FileNotFoundError:
            return None

    return _retrying(url, "cannot look the file up", attempt)


def _discard(url: str, part: str) -> None:
    """Best effort: remove a half-uploaded .part, over a new connection if the old one dropped."""
    for fresh in (False, True):
        with contextlib.suppress(Exception):
            _filesystem(url, fresh)[0].ftp.remove(part)
            return
