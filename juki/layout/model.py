"""Layouts: the byte maps of the fixed-width files, as frozen objects (juki.layout.file reads and checks them).

The codec only interprets a Layout; everything a city may need to adapt (widths, kinds, padding, record codes)
lives in the layout file.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from importlib import resources
from pathlib import Path

ROLES = ("header", "data", "trailer")
TERMINATORS = {"crlf": b"\r\n", "lf": b"\n", "none": b""}


@dataclass(frozen=True)
class Kind:
    name: str
    ascii: bool  # bytes are ASCII only (no CP932 decoding needed)
    pad: str
    align: str
    integer: bool = False


KINDS = {
    k.name: k
    for k in (
        Kind("digits", True, "space", "left"),
        Kind("number", True, "zero", "right", integer=True),
        Kind("date", True, "space", "left"),
        Kind("timestamp", True, "space", "left"),
        Kind("code", True, "space", "left"),
        Kind("flag", True, "space", "left"),
        Kind("alnum", True, "space", "left"),
        Kind("kanji", False, "fullwidth", "left"),
        Kind("kana", False, "fullwidth", "left"),
        Kind("hankana", False, "space", "left"),
        Kind("filler", True, "space", "left"),
    )
}
PADS = {"space", "zero", "fullwidth"}


@dataclass(frozen=True)
class Field:
    id: str
    name: str
    width: int
    kind: str
    offset: int
    pad: str
    align: str
    item: int | None = None
    note: str | None = None
    value: str | None = None  # a constant: written when no value is given, checked when read
    required: bool = False  # a record without a value here is rejected (the ``required`` rule)

    @property
    def end(self) -> int:
        return self.offset + self.width

    @property
    def is_value(self) -> bool:
        """A field that becomes a DataFrame column (not the record type, not filler)."""
        return self.kind != "filler" and self.id != "record_type"

    @property
    def ascii(self) -> bool:
        return KINDS[self.kind].ascii

    @property
    def integer(self) -> bool:
        return KINDS[self.kind].integer


@dataclass(frozen=True)
class RecordType:
    role: str
    code: str
    fields: tuple[Field, ...]

    @property
    def value_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.is_value)

    def field(self, field_id: str) -> Field:
        for f in self.fields:
            if f.id == field_id:
                return f
        raise KeyError(field_id)

    def field_at(self, offset: int) -> Field:
        for f in self.fields:
            if f.offset <= offset < f.end:
                return f
        raise KeyError(offset)


@dataclass(frozen=True)
class Layout:
    name: str
    title: str
    source: str
    version: str
    encoding: str
    record_length: int
    terminator: str
    ibm_extensions: bool
    records: dict[str, RecordType]
    path: str
    content_hash: str

    @property
    def header(self) -> RecordType:
        return self.records["header"]

    @property
    def data(self) -> RecordType:
        return self.records["data"]

    @property
    def trailer(self) -> RecordType:
        return self.records["trailer"]

    @property
    def terminator_bytes(self) -> bytes:
        return TERMINATORS[self.terminator]

    def role_of(self, code: str) -> str | None:
        for rt in self.records.values():
            if rt.code == code:
                return rt.role
        return None

    def describe(self) -> dict:
        """The resolved layout as plain data: what `juki layout show --json` prints."""
        return {
            "name": self.name,
            "title": self.title,
            "source": self.source,
            "version": self.version,
            "content_hash": self.content_hash,
            "encoding": self.encoding,
            "record_length": self.record_length,
            "terminator": self.terminator,
            "ibm_extensions": self.ibm_extensions,
            "records": {
                role: {"code": rt.code, "fields": [asdict(f) for f in rt.fields]} for role, rt in self.records.items()
            },
        }


def layouts_dir() -> Path:
    return Path(str(resources.files("juki.layouts")))
