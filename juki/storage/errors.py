"""What can go wrong with storage, by type: a refusal that no retry will change (a login refused, a host key
that differs, a full disk) or a connection that dropped and was retried until the policy gave up."""

from __future__ import annotations

from juki.errors import EXIT_UNUSABLE, JukiError


class StorageError(JukiError):
    """A remote location could not be reached, read or written (connection, host key, credentials)."""

    exit_code = EXIT_UNUSABLE


class StorageRefused(StorageError):
    """Terminal: credentials, host key, permissions, space. Retrying cannot help; the line says what to fix."""


class StorageUnavailable(StorageError):
    """Transient: the connection dropped or timed out, and kept doing so through every retry."""
