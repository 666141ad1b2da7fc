"""Read a fixed-width file: stream it in batches, dispatch records by type, reconcile the trailer.

Memory is bounded by the batch (a few MB), not the file: ``scan_records`` yields one DataFrame of data records at a
time; ``read_records`` concatenates them for callers that need the whole file. Structural faults (wrong record
length, truncated last record, unknown record type, header or trailer out of place, trailer count that does not
match) make the input unusable and stop the read with one clear line. Field faults (bytes that are not CP932, a
double-byte character cut by a field boundary…) reject the record and the read goes on, so that a vendor learns
about every bad record at once.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

import numpy as np
import polars as pl
import pyarrow as pa

from juki import storage
from juki.codec.decode import decode_arrays, decode_fields
from juki.errors import InputUnusable, Where
from juki.layout import TERMINATORS, Field, Layout, RecordType
from juki.rejects import RejectSink

BATCH_BYTES = 16 << 20  # measured best for narrow and wide records alike (benchmarks/RESULTS.md)
RECORD_NO = "record_no"


@dataclass
class ReadResult:
    """What a whole read saw: header and trailer values, counts, and the rejects of the codec."""

    header: dict = field(default_factory=dict)
    trailer: dict = field(default_factory=dict)
    terminator: str = "none"
    data_records: int = 0
    bytes_read: int = 0
    rejects: RejectSink = field(default_factory=RejectSink)
    content: hashlib._Hash = field(default_factory=hashlib.sha256)  # of the data records, for a content_hash


def scan_records(handle: BinaryIO, layout: Layout, name: str, columns: list[str] | None = None,
                 result: ReadResult | None = None, batch_bytes: int = BATCH_BYTES,
                 progress: Callable[[ReadResult], None] | None = None) -> Iterator[pl.DataFrame]:
    """Yield the data records of an open file as DataFrames (first column ``record_no``, 1-based in the file)."""
    for batch in scan_batches(handle, layout, name, columns, result, batch_bytes, progress):
        yield pl.DataFrame([pl.Series(c, a) for c, a in zip(batch.schema.names, batch.columns, strict=True)])


def scan_batches(handle: BinaryIO, layout: Layout, name: str, columns: list[str] | None = None,
                 result: ReadResult | None = None, batch_bytes: int = BATCH_BYTES,
                 progress: Callable[[ReadResult], None] | None = None) -> Iterator[pa.RecordBatch]:
    """``scan_records`` as Arrow record batches, as the codec makes them (what Parquet is written from)."""
    result = result if result is not None else ReadResult()
    fields = _select(layout.data, columns, name)
    names = [RECORD_NO, *(f.id for f in fields)]
    hashed = any(f.id == "content_hash" for f in layout.trailer.fields)
    L = layout.record_length
    first = read_exact(handle, L + 2)
    if not first:
        raise InputUnusable("the file is empty (no header record)", Where(file=name))
    if not first.startswith(layout.header.code.encode("ascii")):
        raise InputUnusable(f"the first record must be the header (record type {layout.header.code!r})",
                            Where(file=name, record=1, offset=0))
    if len(first) >= L:  # the header tells what file this is before anything else is trusted
        result.header = _decode_single(np.frombuffer(first[:L], dtype=np.uint8), layout.header, name, 1)
        _check_constants(result.header, layout, name)
    term = detect_terminator(first, L)
    result.terminator = term
    stride = L + len(TERMINATORS[term])
    per_batch = max(1, batch_bytes // stride)
    carry, record_no, eof = np.frombuffer(first, dtype=np.uint8), 1, False
    # Batches are read in place (no copy of what was read) into a few buffers used in turn: fresh ones would
    # cost the kernel a page fault per 4 KiB each time. Each has room for one record more than a batch: if that
    # record is there, the file goes on and it starts the next batch; if not, this batch is the last.
    ring = [np.empty(per_batch * stride + stride, dtype=np.uint8) for _ in range(3)]
    settle = getattr(handle, "settle", lambda: None)  # a reader still hashing a buffer must finish first
    for turn in itertools.count():
        if eof:
            break
        chunk = ring[turn % len(ring)]
        if turn >= len(ring):
            settle()
        chunk[: len(carry)] = carry
        got = len(carry) + fill(handle, memoryview(chunk)[len(carry) :])
        eof = got < len(chunk)
        end = got if eof else per_batch * stride
        carry = chunk[end:got].copy()
        chunk = chunk[:end]
        whole = len(chunk) // stride
        if eof and len(chunk) % stride:
            _check_lines(chunk[: whole * stride], layout, term, name, record_no, result.bytes_read)
            raise InputUnusable(f"the last record is truncated: {len(chunk) % stride} bytes, expected {stride}",
                                Where(file=name, record=record_no + whole, offset=result.bytes_read + whole * stride))
        block = _check_lines(chunk, layout, term, name, record_no, result.bytes_read)
        roles = _roles(block, layout, name, record_no, result.bytes_read, eof)
        if eof:
            result.trailer = _decode_single(block[-1], layout.trailer, name, record_no + whole - 1)
        data_rows = np.flatnonzero(roles == 1)
        if len(data_rows):
            record_nos = data_rows + record_no
            # Header and trailer can only be first and last: the data rows are one run, a view (no copy).
            rows = block[data_rows[0] : data_rows[-1] + 1]
            arrays = decode_arrays(rows[:, :L], fields, record_nos, result.rejects)
            result.data_records += len(data_rows)
            if hashed:
                result.content.update(rows)
            yield pa.RecordBatch.from_arrays([pa.array(record_nos, pa.int64()), *arrays], names)
        record_no += whole
        result.bytes_read += len(chunk)
        if progress:
            progress(result)
    _reconcile(result, layout, name, record_no - 1)


def read_records(location, layout: Layout, columns: list[str] | None = None,
                 progress: Callable[[ReadResult], None] | None = None) -> tuple[pl.DataFrame, ReadResult]:
    """Read a whole file (path or URL) into one DataFrame of its data records."""
    result = ReadResult()
    name = storage.display_name(location)
    with storage.open_input(location) as handle:
        batches = list(scan_records(handle, layout, name, columns, result, progress=progress))
    if not batches:
        empty = {RECORD_NO: pl.Int64} | {f.id: _dtype(f) for f in _select(layout.data, columns, name)}
        return pl.DataFrame(schema=empty), result
    return pl.concat(batches, rechunk=True), result


def _dtype(f: Field):
    return pl.Int64 if f.integer else pl.String


def column_schema(rt: RecordType) -> dict:
    """The DataFrame schema of a record type's value fields: Int64 for numbers, String for the rest."""
    return {f.id: _dtype(f) for f in rt.value_fields}


def _select(rt: RecordType, columns: list[str] | None, name: str) -> tuple[Field, ...]:
    if columns is None:
        return rt.value_fields
    known = {f.id: f for f in rt.value_fields}
    unknown = [c for c in columns if c not in known]
    if unknown:
        raise InputUnusable(f"the layout has no field(s) {', '.join(unknown)}", Where(file=name))
    return tuple(f for f in rt.value_fields if f.id in set(columns))


def fill(handle: BinaryIO, view: memoryview) -> int:
    """Read into ``view`` until it is full or the file ends; the number of bytes read."""
    readinto = getattr(handle, "readinto", None)
    got = 0
    while got < len(view):
        try:
            n = readinto(view[got:]) if readinto else None
        except (NotImplementedError, OSError) as e:
            if not isinstance(e, NotImplementedError) and e.errno is not None:
                raise
            readinto, n = None, None
        if n is None:
            part = handle.read(len(view) - got)
            n = len(part)
            view[got : got + n] = part
        if not n:
            break
        got += n
    return got


def read_exact(handle: BinaryIO, n: int) -> bytes:
    """Read n bytes unless the file ends first (streams may return short reads)."""
    parts, got = [], 0
    while got < n:
        part = handle.read(n - got)
        if not part:
            break
        parts.append(part)
        got += len(part)
    return b"".join(parts)


def detect_terminator(first: bytes, length: int) -> str:
    if first[length : length + 2] == b"\r\n":
        return "crlf"
    if first[length : length + 1] == b"\n":
        return "lf"
    return "none"


def _check_lines(chunk: np.ndarray, layout: Layout, term: str, name: str, first_no: int, base: int) -> np.ndarray:
    """The chunk as one row per record; every record must end with the terminator right after record_length."""
    L, tb = layout.record_length, TERMINATORS[term]
    stride = L + len(tb)
    block = chunk[: len(chunk) // stride * stride].reshape(-1, stride)
    if tb:
        bad = (block[:, L:] != np.frombuffer(tb, dtype=np.uint8)).any(axis=1)
        if bad.any():
            r = int(np.argmax(bad))
            nl = chunk.tobytes().find(b"\n", r * stride)
            actual = "no line end follows" if nl < 0 else f"it is {nl - r * stride + 1 - len(tb)} bytes long"
            raise InputUnusable(f"wrong record length: expected {L} bytes then {term.upper()}, {actual}",
                                Where(file=name, record=first_no + r, offset=base + r * stride + L))
    return block


def _roles(block: np.ndarray, layout: Layout, name: str, first_no: int, base: int, eof: bool) -> np.ndarray:
    """0 header, 1 data, 2 trailer for each row; anything out of place stops the read."""
    roles = np.full(len(block), -1, dtype=np.int8)
    width = len(layout.data.code)
    for value, rt in enumerate((layout.header, layout.data, layout.trailer)):
        code = np.frombuffer(rt.code.encode("ascii"), dtype=np.uint8)
        roles[(block[:, :width] == code).all(axis=1)] = value
    stride = block.shape[1]

    def fail(row: int, reason: str):
        raise InputUnusable(reason, Where(file=name, record=first_no + row, offset=base + row * stride))

    unknown = np.flatnonzero(roles < 0)
    if len(unknown):
        r = int(unknown[0])
        raw = block[r, :width].tobytes().hex(" ").upper()
        fail(r, f"unknown record type (bytes {raw}); expected {_codes(layout)}")
    if first_no == 1 and roles[0] != 0:
        fail(0, f"the first record must be the header (record type {layout.header.code!r})")
    headers = np.flatnonzero(roles == 0)
    if len(headers) > (first_no == 1):
        fail(int(headers[-1]), "a second header record")
    trailers = np.flatnonzero(roles == 2)
    if len(trailers) and (not eof or trailers[0] != len(block) - 1):
        fail(int(trailers[0]), "a trailer record before the end of the file")
    if eof and roles[-1] != 2:
        fail(len(block) - 1, f"the file ends without a trailer record (record type {layout.trailer.code!r})")
    return roles


def _codes(layout: Layout) -> str:
    return ", ".join(f"{rt.code!r} {rt.role}" for rt in layout.records.values())


def _decode_single(row: np.ndarray, rt: RecordType, name: str, record_no: int) -> dict:
    sink = RejectSink()
    frame = decode_fields(row[None, :], rt.value_fields, np.array([record_no]), sink)
    if len(sink):
        rule, field_id, offset = sink.rows[0][3], sink.rows[0][1], sink.rows[0][2]
        raise InputUnusable(f"unreadable {rt.role} record ({rule})",
                            Where(file=name, record=record_no, field=field_id, offset=offset))
    return frame.row(0, named=True)


def _check_constants(header: dict, layout: Layout, name: str) -> None:
    for f in layout.header.value_fields:
        if f.value is not None and header.get(f.id) != f.value:
            raise InputUnusable(f"this is not a {layout.title}: the header's {f.name} is not {f.value!r}",
                                Where(file=name, record=1, field=f.id, offset=f.offset))


def _reconcile(result: ReadResult, layout: Layout, name: str, last_no: int) -> None:
    """The trailer's count (and content hash, where the layout has one) against what the whole file held."""
    stated = result.trailer.get("record_count")
    if stated is not None and stated != result.data_records:
        raise InputUnusable(f"the trailer counts {stated} data records, the file holds {result.data_records}",
                            Where(file=name, record=last_no, field="record_count",
                                  offset=layout.trailer.field("record_count").offset))
    stated_hash = result.trailer.get("content_hash")
    if stated_hash is not None and stated_hash != result.content.hexdigest():
        raise InputUnusable("the trailer's content hash does not match the data records (changed or damaged)",
                            Where(file=name, record=last_no, field="content_hash",
                                  offset=layout.trailer.field("content_hash").offset))
