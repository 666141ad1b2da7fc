"""Remote locations (sftp://, s3://): connections, resumable reads, atomic uploads. Part of the storage layer:
only juki.storage uses it, and nothing else in juki imports fsspec, s3fs, paramiko or smart-open.

See juki/storage/__init__.py for how credentials are found (never from a URL).
"""

from __future__ import annotations

import contextlib
import getpass
import hashlib
import io
import logging
import os
import posixpath
import secrets
import threading
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, urlsplit

from juki.errors import JukiError, Where
from juki.storage import CHUNK, OWNER_ONLY, StorageError, display_name

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
            if not _transient(e):
                raise _explained(e, url) from None
            _forget(url)
            if tries == RETRIES:
                raise StorageError(f"{failure}; gave up after {RETRIES} retries ({type(e).__name__})",
                                   Where(file=display_name(url))) from None
            time.sleep(BACKOFF[min(tries, len(BACKOFF) - 1)])
    raise AssertionError("unreachable")


_REFUSALS = ("AuthenticationException", "BadHostKeyException", "PasswordRequiredException", "NoCredentialsError",
             "ConfigParseError", "IncompatiblePeer")


def _transient(error: Exception) -> bool:
    """A connection that dropped or timed out (worth a retry), not a refused login or a missing library."""
    if any(c.__name__ in _REFUSALS for c in type(error).__mro__) or "No authentication methods" in str(error):
        return False
    transient: list[type[BaseException]] = [OSError, EOFError]
    with contextlib.suppress(ImportError):
        import paramiko

        transient.append(paramiko.SSHException)
    with contextlib.suppress(ImportError):
        import botocore.exceptions as bce

        transient += [bce.ConnectionError, bce.HTTPClientError, bce.IncompleteReadError, bce.ResponseStreamingError]
    with contextlib.suppress(ImportError):
        import aiohttp

        transient.append(aiohttp.ClientError)
    return isinstance(error, tuple(transient))


def _explained(error: Exception, url: str) -> JukiError:
    """A refusal as one line; the library's own text is not shown (it may quote what it choked on)."""
    kind = next((c.__name__ for c in type(error).__mro__ if c.__name__ in _REASONS), type(error).__name__)
    reason = _REASONS.get(kind, f"remote storage error ({kind})")
    if "No authentication methods" in str(error):
        reason = _REASONS["AuthenticationException"]
    return StorageError(reason, Where(file=display_name(url)))


_EXTRA = "remote locations need the 'remote' extra: pip install 'juki-etl[remote]'"
_REASONS = {
    "AuthenticationException": "SSH login refused: no accepted key (IdentityFile in the SSH config, ~/.ssh/id_*, "
                               "or the agent)",
    "PasswordRequiredException": "the SSH key is encrypted: load it into the agent (ssh-add)",
    "BadHostKeyException": "the server's host key differs from the one in known_hosts: refused",
    "NoCredentialsError": "no S3 credentials (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE or ~/.aws)",
    "ImportError": _EXTRA,
    "FileNotFoundError": "not found",
    "PermissionError": "permission denied",
    "NotADirectoryError": "a parent is not a directory",
    "IsADirectoryError": "is a directory, not a file",
}


_CONNECTIONS: dict[tuple, object] = {}
_LOCK = threading.Lock()


def target(url: str) -> tuple[str, tuple]:
    """The scheme and connection key of a remote URL; refuses what this module does not support."""
    parts = urlsplit(url)
    where = Where(file=display_name(url))
    if parts.password is not None:
        raise StorageError("a password in the URL is not accepted (URLs are logged): use an SSH key or the "
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
            fs = _CONNECTIONS[key] = _connect_s3() if scheme == "s3" else _connect_sftp(parts)
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


def _connect_sftp(parts):
    """An SFTP filesystem over paramiko, set up from the SSH config; the host key must be known."""
    import fsspec
    import paramiko

    if logging.getLogger("paramiko").level == logging.NOTSET:  # its transport thread logs tracebacks on a drop:
        logging.getLogger("paramiko").setLevel(logging.CRITICAL)  # the error above says it in one line instead
    path = Path(os.environ.get("JUKI_SSH_CONFIG") or "~/.ssh/config").expanduser()
    config = paramiko.SSHConfig.from_path(str(path)) if path.exists() else paramiko.SSHConfig()
    cfg = config.lookup(parts.hostname)
    host, port = cfg.get("hostname", parts.hostname), parts.port or int(cfg.get("port", 22))
    user = unquote(parts.username) if parts.username else cfg.get("user") or getpass.getuser()
    only = cfg.get("identitiesonly", "no") == "yes"
    user_known = cfg.get("userknownhostsfile", "~/.ssh/known_hosts ~/.ssh/known_hosts2").split()
    known = [os.path.expanduser(p) for p in [*user_known, "/etc/ssh/ssh_known_hosts"]]
    fs = fsspec.filesystem(
        "sftp", host=host, port=port, username=user, skip_instance_cache=True,
        key_filename=[os.path.expanduser(p) for p in cfg.get("identityfile", [])] or None,
        look_for_keys=not only, allow_agent=not only, host_key_policy=_known_hosts_only(known),
        timeout=TIMEOUT, banner_timeout=TIMEOUT, auth_timeout=TIMEOUT, channel_timeout=TIMEOUT)
    fs.ftp.get_channel().settimeout(TIMEOUT)  # a server that stops answering is a dropped connection
    return fs


def _known_hosts_only(files: list[str]):
    """A paramiko host-key policy that accepts a server only with the key known_hosts holds for it."""
    import paramiko

    class KnownHostsOnly(paramiko.MissingHostKeyPolicy):
        def __init__(self):
            self.keys = paramiko.HostKeys()
            for name in files:
                with contextlib.suppress(OSError):
                    self.keys.load(name)

        def missing_host_key(self, client, hostname, key):
            known = self.keys.lookup(hostname) or {}
            if known.get(key.get_name()) == key:
                return
            state = "differs from the one in known_hosts" if known else "is not in known_hosts"
            raise StorageError(f"the host key of {hostname} {state}: refused (check its fingerprint, then add "
                               "it to known_hosts)")

    return KnownHostsOnly()


def upload(local: Path, url: str) -> None:
    """Publish a finished local file at a remote URL, all or nothing, retrying a dropped connection."""
    scheme, _ = target(url)

    def attempt(fresh: bool) -> None:
        fs, path = _filesystem(url, fresh)
        if scheme == "s3":
            fs.put_file(str(local), path)  # one PUT, or a multipart upload s3fs aborts on failure
        else:
            _put_sftp(fs, local, path, url)

    try:
        _retrying(url, "upload failed", attempt)
    except OSError as e:  # not found, permission denied… (a dropped connection is a StorageError by now)
        raise StorageError(f"cannot write: {_explained(e, url).reason}", Where(file=display_name(url))) from None


def _put_sftp(fs, local: Path, path: str, url: str) -> None:
    """Upload to a hidden owner-only .part beside the target, check its size, then rename it over the target."""
    sftp = fs.ftp
    parent, name = posixpath.split(path)
    _makedirs(sftp, parent)
    part, created = posixpath.join(parent, f".{name}.{secrets.token_hex(4)}.part"), False
    try:
        with sftp.open(part, "wx") as out:
            created = True
            out.chmod(OWNER_ONLY)  # before any byte is written: the server's umask may be looser
            out.set_pipelined(True)
            with open(local, "rb") as src:
                while chunk := src.read(CHUNK):
                    out.write(chunk)
        if sftp.stat(part).st_size != local.stat().st_size:
            raise EOFError("the uploaded file is shorter than the local one")
        sftp.posix_rename(part, path)  # atomic, and replaces an existing target
    except BaseException:
        if created:
            _discard(url, part)
        raise


def _discard(url: str, part: str) -> None:
    """Best effort: remove a half-uploaded .part, over a new connection if the old one dropped."""
    for fresh in (False, True):
        with contextlib.suppress(Exception):
            _filesystem(url, fresh)[0].ftp.remove(part)
            return


def _makedirs(sftp, directory: str) -> None:
    missing = []
    while directory not in ("", "/"):
        try:
            sftp.stat(directory)
            break
        except FileNotFoundError:
            missing.append(directory)
            directory = posixpath.dirname(directory)
    for d in reversed(missing):
        sftp.mkdir(d, 0o700)
