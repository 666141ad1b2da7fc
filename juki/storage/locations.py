"""Locations as the user writes them: a path, or a URL (file://, sftp://, s3://). What may be printed of one."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit


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


def resolved(location: str | os.PathLike) -> str:
    """A location as a run records it: a path made absolute (links resolved: the file actually read), so that a
    rerun finds it from any working directory; a URL as it is."""
    text = str(location)
    return text if is_url(text) else str(Path(text).resolve())
