"""The run record: what a run did, typed and versioned, one kind per job.

Every run leaves one ``manifest.json``: the parameters it ran with (locations and policy, never values), the
inputs by location and SHA-256, the outputs by file, SHA-256 and record count, and the counts people read. The
same object is written as JSON, rendered as the run's report and read back by reruns, `juki runs` and the
flows. Reading back checks it: a manifest of another version or kind, or one that was edited into something else,
is refused with one line saying which field does not fit, never half-understood.

``SCHEMA`` versions the format. A change that old manifests cannot satisfy raises it, and ``read_record``
says so by name instead of guessing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, TypeAdapter, ValidationError

from juki import storage
from juki.errors import InputUnusable, Where

SCHEMA = 1


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FileRecord(_Record):
    """One file a run wrote (or read), by name, hash and count."""

    file: str
    sha256: str
    records: int | None = None
    layout: str | None = None
    layout_hash: str | None = None


class Rerun(_Record):
    """Why a past date was run again, by whom, and what changed since."""

    reason: str
    operator: str
    requested_at: str
    forced: bool
    changed_inputs: list[str] = []
    supersedes: str | None = None


class Sources(_Record):
    """What the run read: its input and the city configuration, by location and SHA-256."""

    input: str
    input_sha256: str
    config_sha256: str


class Inputs(Sources):
    """… and, for a file read record by record, its layout and counts."""

    layout_hash: str | None = None
    records: int
    input_rejects: int = 0


class Sequence(_Record):
    """The 更新順番号 the run's change notices took (first is None when it sent none)."""

    first: int | None = None
    last: int


class NightlyParams(_Record):
    input: str
    business_date: str
    workdir: str
    config: str
    prior_dir: str | None = None
    last_seq: int
    max_rejects: int | None = 0
    max_percent: float | None = None


class ConsistencyParams(_Record):
    business_date: str
    workdir: str
    snapshot_dir: str
    config: str


class _Run(_Record):
    schema_version: Literal[1] = SCHEMA
    business_date: str
    finished_at: str
    operator: str
    code_version: str
    rerun: Rerun | None = None
    dir: str | None = Field(default=None, exclude=True)  # where it was read from (not written)
    # a rerun that made every file of the committed run again, byte for byte: that run stands as it was (not written)
    reproduced: bool = Field(default=False, exclude=True)


class NightlyRecord(_Run):
    job: Literal["nightly"] = "nightly"
    status: Literal["completed"] = "completed"
    run: NightlyParams
    read: Inputs
    baseline: bool
    snapshot_records: int
    changes: dict[str, int]
    held: int
    outputs: dict[str, FileRecord]
    sequence: Sequence
    sofusaki_records: int
    notices: int
    notices_by_ido_jiyu: dict[str, int] = {}  # 異動事由 code → change notices (the reports' chart over the nights)
    snapshot: FileRecord
    files: dict[str, FileRecord]

    def counts(self) -> dict[str, int]:
        return {"records": self.read.records, "rejected": self.read.input_rejects, "held": self.held,
                "notices": self.notices, "sofusaki": self.sofusaki_records,
                **{f"changes.{k}": v for k, v in self.changes.items()}}


class ConsistencyRecord(_Run):
    job: Literal["consistency"] = "consistency"
    status: Literal["completed"] = "completed"
    run: ConsistencyParams
    read: Sources
    records: int
    outputs: dict[str, FileRecord]

    def counts(self) -> dict[str, int]:
        return {"records": self.records}


class FailedRecord(_Run):
    """A run that failed: the one line that says why, and nothing else of its work."""

    job: Literal["nightly", "consistency"]
    status: Literal["failed"] = "failed"
    error: str
    # what happened, in one word (JukiError.kind): the report's headline and what to do follow from it
    kind: Literal["late", "rejected", "usage", "unusable", "internal"] = "unusable"

    def counts(self) -> dict[str, int]:
        return {}


class DeliveryRecord(_Record):
    """A committed run's outputs copied to an outbox (``delivery.json`` beside the manifest)."""

    job: str
    business_date: str
    delivered_at: str
    files: list[dict]


RunRecord = NightlyRecord | ConsistencyRecord | FailedRecord


def _kind(value) -> str | None:
    get = value.get if isinstance(value, dict) else lambda k: getattr(value, k, None)
    return "failed" if get("status") == "failed" else get("job")


_ANY = TypeAdapter(Annotated[Annotated[NightlyRecord, Tag("nightly")] | Annotated[ConsistencyRecord, Tag("consistency")]
                             | Annotated[FailedRecord, Tag("failed")], Discriminator(_kind)])


def write_record(record: _Record, path: Path) -> None:
    """JSON, two-space indented, keys in the model's order, owner-only and atomic."""
    with storage.atomic_output(path) as sink:
        sink.write(record.model_dump_json(indent=2, exclude_none=True).encode("utf-8") + b"\n")


def read_record(path: Path) -> RunRecord:
    """A manifest read back and checked; one that does not fit is refused with the field that does not."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise InputUnusable(f"cannot read the run's manifest ({e.strerror or type(e).__name__})",
                            Where(file=str(path))) from None
    try:
        record = _ANY.validate_json(text)
    except ValidationError as e:
        raise InputUnusable(_misfit(e), Where(file=str(path))) from None
    return record.model_copy(update={"dir": str(path.parent)})


def _misfit(error: ValidationError) -> str:
    first = error.errors(include_input=False)[0]
    loc = [p for p in first["loc"] if p not in ("nightly", "consistency", "failed")][:3]  # not the union's tag
    where = ".".join(str(p) for p in loc) or "(the whole file)"
    if loc and loc[0] == "schema_version":
        return (f"this manifest is of another format version than juki's (v{SCHEMA}): "
                "read it with the juki release that wrote it")
    return (f"not a juki v{SCHEMA} run record: field {where}: {first['msg'].lower()} "
            f"({error.error_count()} problem(s)); was it edited or written by another program?")
