"""Errors that reach a user: one line each, naming file, record, field and byte offset, never a value.

A resident's name or number must not leak through an exception message, so errors carry *where* something is
wrong (record number, field identifier, byte offset) and *what rule* it broke, and nothing read from the record.
The CLI maps each class to an exit code: 0 ok, 1 records rejected, 2 input unusable.
"""

from __future__ import annotations

from dataclasses import dataclass

EXIT_OK = 0
EXIT_REJECTED = 1
EXIT_UNUSABLE = 2


@dataclass(frozen=True)
class Where:
    """Location of a problem in a file: every part optional, printed in a fixed order."""

    file: str | None = None
    record: int | None = None
    field: str | None = None
    offset: int | None = None

    def __str__(self) -> str:
        parts = []
        if self.record is not None:
            parts.append(f"record {self.record}")
        if self.field is not None:
            parts.append(f"field {self.field}")
        if self.offset is not None:
            parts.append(f"byte offset {self.offset}")
        text = ", ".join(parts)
        if self.file:
            return f"{self.file}: {text}" if text else self.file
        return text


class JukiError(Exception):
    """Base class: a problem explained to the operator; the CLI prints ``str(error)`` and exits with ``exit_code``."""

    exit_code = EXIT_UNUSABLE
    kind = "unusable"  # what a failed run's record says happened (FailedRecord.kind): one word per subclass

    def __init__(self, reason: str, where: Where | None = None):
        self.reason = reason
        self.where = where or Where()
        super().__init__(self.reason)

    def __str__(self) -> str:
        loc = str(self.where)
        return f"{loc}: {self.reason}" if loc else self.reason

    def __reduce__(self):
        """A pickled copy (what an orchestrator such as Prefect stores of a failed run) keeps the class, the
        reason and where: never what an error carries for the code that caught it (a frame of rejects)."""
        return _restore, (type(self), self.reason, self.where, self.exit_code)


def _restore(cls, reason: str, where: Where, exit_code: int) -> JukiError:
    error = cls.__new__(cls)
    JukiError.__init__(error, reason, where)
    if exit_code != cls.exit_code:
        error.exit_code = exit_code
    return error


class InputUnusable(JukiError):
    """The file cannot be read as the layout says (structure broken): nothing is accepted from it."""

    exit_code = EXIT_UNUSABLE


class LayoutError(JukiError):
    """A layout or code table file is wrong; lists every problem found, one per line."""

    exit_code = EXIT_UNUSABLE

    def __init__(self, source: str, problems: list[str]):
        self.problems = problems
        text = problems[0] if len(problems) == 1 else f"{len(problems)} problem(s):\n  " + "\n  ".join(problems)
        super().__init__(text, Where(file=source))


class RecordsRejected(JukiError):
    """Some records break a rule; the details are reject rows (record, field, rule), never values."""

    exit_code = EXIT_REJECTED
    kind = "rejected"

    def __init__(self, reason: str, rejects=None, where: Where | None = None):
        self.rejects = rejects
        super().__init__(reason, where)


class UsageError(JukiError):
    """The command was called wrongly (missing approval, bad date…)."""

    exit_code = EXIT_UNUSABLE
    kind = "usage"
