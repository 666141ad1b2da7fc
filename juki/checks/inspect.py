"""One record, field by field: how IT staff find out what is wrong with a file a vendor sent.

Reads only the record asked for (seeking where the storage allows it) and decodes each field on its own, so a
broken field never hides the others. This view shows the record's values: it is for the operator's screen, and
the command is recorded in the run log like every other read of personal data.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from juki import storage
from juki.codec.decode import decode_fields
from juki.codec.reader import detect_terminator, read_exact
from juki.errors import InputUnusable, Where
from juki.layout import TERMINATORS, Layout
from juki.rejects import RejectSink


@dataclass
class FieldView:
    id: str
    name: str
    item: int | None
    offset: int
    width: int
    kind: str
    raw: bytes
    value: object = None
    problems: list[str] = field(default_factory=list)


@dataclass
class RecordView:
    record_no: int
    role: str
    terminator: str
    fields: list[FieldView]
    file_date: str | None = None  # the header's 作成年月日, for the rules that compare with it


def inspect_record(location, layout: Layout, record_no: int) -> RecordView:
    name = storage.display_name(location)
    if record_no < 1:
        raise InputUnusable("record numbers start at 1 (the header)", Where(file=name))
    with storage.open_input(location) as handle:
        first = read_exact(handle, layout.record_length + 2)
        term = detect_terminator(first, layout.record_length)
        stride = layout.record_length + len(TERMINATORS[term])
        raw = _record_bytes(handle, first, stride, record_no)
    file_date = _file_date(first, layout)
    if len(raw) < layout.record_length:
        raise InputUnusable(f"no such record: the file ends before it ({len(raw)} bytes left)",
                            Where(file=name, record=record_no))
    raw = raw[: layout.record_length]
    role = layout.role_of(raw[: len(layout.data.code)].decode("ascii", "replace"))
    rt = layout.records[role] if role else layout.data
    row = np.frombuffer(raw, dtype=np.uint8)[None, :]
    views = []
    for f in rt.fields:
        view = FieldView(f.id, f.name, f.item, f.offset, f.width, f.kind, raw[f.offset : f.end])
        if f.is_value:
            sink = RejectSink()
            view.value = decode_fields(row, (f,), np.array([record_no]), sink).item()
            view.problems = [r[5] for r in sink.rows]
        if f.value is not None and view.value != f.value:
            view.problems.append(f"expected {f.value!r}")
        views.append(view)
    if role is None:
        codes = ", ".join(repr(r.code) for r in layout.records.values())
        views[0].problems.append(f"unknown record type; expected {codes} (fields shown as a data record)")
    return RecordView(record_no, role or "unknown", term, views, file_date)


def _file_date(first: bytes, layout: Layout) -> str | None:
    """The header's 作成年月日, if the file starts with a header that has one."""
    field_ = next((f for f in layout.header.fields if f.id == "created_on"), None)
    if field_ is None or not first.startswith(layout.header.code.encode("ascii")):
        return None
    text = first[field_.offset : field_.end].decode("ascii", "replace").strip()
    return text if text.isdigit() else None


def _record_bytes(handle, first: bytes, stride: int, record_no: int) -> bytes:
    start = (record_no - 1) * stride
    if start + stride <= len(first):
        return first[start : start + stride]
    try:
        handle.seek(start)
    except (OSError, ValueError, AttributeError):
        # A stream that cannot seek: read our way there.
        skip = start - len(first)
        while skip > 0:
            chunk = handle.read(min(skip, 1 << 20))
            if not chunk:
                return b""
            skip -= len(chunk)
    return read_exact(handle, stride)
