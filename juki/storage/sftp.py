"""SFTP over paramiko, set up from the user's SSH configuration: the host key must already be known; uploads go to
a hidden owner-only ``.part`` that is renamed over the target with OpenSSH's atomic posix-rename."""

from __future__ import annotations

import contextlib
import getpass
import logging
import os
import posixpath
import secrets
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote

from juki.storage.errors import StorageRefused
from juki.storage.local import OWNER_ONLY

CHUNK = 1 << 20


def connect(parts, timeout: float):
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
        timeout=timeout, banner_timeout=timeout, auth_timeout=timeout, channel_timeout=timeout)
    fs.ftp.get_channel().settimeout(timeout)  # a server that stops answering is a dropped connection
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
            raise StorageRefused(f"the host key of {hostname} {state}: refused (check its fingerprint, then add "
                               "it to known_hosts)")

    return KnownHostsOnly()


def put(fs, local: Path, path: str, discard: Callable[[str], None]) -> None:
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
            discard(part)
        raise


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
