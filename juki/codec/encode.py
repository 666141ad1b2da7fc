"""Columns → bytes, a batch at a time, into a 2-D uint8 array of records.

Text columns go to the compiled kernel of juki/codec/encode_kernel.py as their Arrow buffers (UTF-8 bytes,
offsets, validity): it writes every record from the layout's template (record type code, padding of every field,
terminator) and encodes each value with Python's own cp932 mapping (juki/codec/tables.py). Number columns are
written here with numpy. A value that cannot be written as it is (longer than its field, a character its field
cannot carry, a character with no CP932 code, a number that is no whole number or too large) is written blank
and reported with its record and field: nothing is ever truncated, so a double-byte character is never split.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from functools import cache

import numpy as np
import polars as pl
import pyarrow as pa

from juki.codec import kernels as K
from juki.codec.encode_kernel import encode_rows
from juki.codec.tables import encode_tables
from juki.layout import Field, Layout, RecordType
from juki.rejects import RejectSink

SPACE = 0x20
# Two threads, each writing half of a batch's records, use both cores (the kernel lets go of the GIL).
MIN_ROWS_TO_SHARE = 256
_POOL = ThreadPoolExecutor(max_workers=2)


def template(layout: Layout, rt: RecordType) -> np.ndarray:
    """One empty record of this type: code, every field's padding, terminator."""
    return _template(rt, layout.record_length, layout.terminator_bytes).copy()


@cache
def _template(rt: RecordType, record_length: int, terminator: bytes) -> np.ndarray:
    out = np.full(record_length + len(terminator), 0x20, dtype=np.uint8)
    for f in rt.fields:
        if f.pad == "fullwidth":
            out[f.offset : f.offset + f.width - f.width % 2] = np.tile([0x81, 0x40], f.width // 2)
        else:
            out[f.offset : f.end] = 0x20  # a null number is written blank, and read back as null
    out[0 : len(rt.code)] = np.frombuffer(rt.code.encode("ascii"), dtype=np.uint8)
    out[record_length:] = np.frombuffer(terminator, dtype=np.uint8)
    return out


@cache
def _plan(rt: RecordType):
    texts = tuple(f for f in rt.value_fields if not f.integer)
    pads = {"space": K.PAD_SPACE, "zero": K.PAD_ZERO, "fullwidth": K.PAD_FULLWIDTH}

    def arr(values):
        return np.array(values, dtype=np.int64)

    spec = (arr([f.offset for f in texts]), arr([f.width for f in texts]), arr([f.ascii for f in texts]),
            arr([pads[f.pad] for f in texts]), arr([K.LEFT if f.align == "left" else K.RIGHT for f in texts]))
    return texts, spec


def encode_frame(df: pl.DataFrame | pa.RecordBatch, layout: Layout, rt: RecordType, first_record_no: int,
                 sink: RejectSink) -> np.ndarray:
    """Records for every row of ``df`` (a DataFrame, or Arrow record batch as read from Parquet); problems go to
    ``sink`` (record numbers from ``first_record_no``)."""
    texts, spec = _plan(rt)
    empty = _template(rt, layout.record_length, layout.terminator_bytes)
    stride = len(empty)
    n = rows(df)
    out = np.empty((n, stride), dtype=np.uint8)
    if n == 0:
        return out
    data, offsets, valid = _text_buffers(df, texts)
    table = encode_tables()[1 if layout.ibm_extensions else 0]

    def part(rows: range) -> list:
        """Encode rows [rows.start, rows.stop): the kernel lets go of the GIL, so parts run side by side."""
        errors, scratch = np.empty((64 + len(rows) // 64, 4), dtype=np.int64), np.empty(room, dtype=np.uint8)
        flat = out[rows.start : rows.stop].reshape(-1)
        sub = (data, offsets[:, rows.start :], valid[:, rows.start :])
        while True:
            count = encode_rows(flat, stride, len(rows), empty, *spec, *sub, table, scratch, errors)
            if count <= len(errors):
                return [(r + rows.start, j, d, c) for r, j, d, c in errors[:count].tolist()]
            errors = np.empty((count, 4), dtype=np.int64)  # more faults than room: again, all of them kept

    room = max((f.width for f in texts), default=0) + 2
    half = n // 2 if n >= MIN_ROWS_TO_SHARE else n
    parts = [range(0, half), range(half, n)] if half < n else [range(n)]
    faults = [x for done in (_POOL.map(part, parts) if len(parts) > 1 else map(part, parts)) for x in done]
    for r, j, detail, code in faults:
        f = texts[j]
        sink.add(first_record_no + r, f.id, f.offset, *_reject(f, code, detail))
    record_nos = np.arange(first_record_no, first_record_no + n)
    for f in rt.value_fields:
        if f.integer:
            column = df.get_column(f.id) if isinstance(df, pl.DataFrame) else pl.Series(f.id, df.column(f.id))
            _encode_number(out[:, f.offset : f.end], column, f, record_nos, sink)
    return out


def _reject(f: Field, code: int, detail: int) -> tuple[str, str]:
    if code == K.NOT_ALLOWED:
        return "write.not_allowed", ("value holds a character this field cannot carry" if f.ascii
                                     else "value holds a control character")
    if code == K.NO_CODE:
        return "write.not_cp932", f"character {detail + 1} of the value has no CP932 code"
    return "write.too_long", f"value is {detail} bytes, the field holds {f.width}"


def rows(df: pl.DataFrame | pa.RecordBatch) -> int:
    return df.height if isinstance(df, pl.DataFrame) else df.num_rows


def _text_buffers(df: pl.DataFrame | pa.RecordBatch, texts: tuple[Field, ...]):
    """Every text column's UTF-8 bytes in one buffer, each column's offsets into it, and validity."""
    n = rows(df)
    offsets = np.empty((len(texts), n + 1), dtype=np.int64)
    valid = np.empty((len(texts), n), dtype=np.uint8)
    parts, base = [], 0
    for j, f in enumerate(texts):
        arr = _utf8(df, f.id)
        bitmap, offs, raw = arr.buffers()
        o = np.frombuffer(offs, dtype=np.int64 if pa.types.is_large_string(arr.type) else np.int32)
        o = o[arr.offset : arr.offset + n + 1]
        first, last = int(o[0]), int(o[-1])
        offsets[j] = o
        offsets[j] += base - first
        parts.append(np.frombuffer(raw, dtype=np.uint8)[first:last] if last > first else np.zeros(0, np.uint8))
        base += last - first
        if bitmap is None or arr.null_count == 0:
            valid[j] = 1
        else:
            bits = np.unpackbits(np.frombuffer(bitmap, dtype=np.uint8), bitorder="little")
            valid[j] = bits[arr.offset : arr.offset + n]
    data = np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint8)
    return data, offsets, valid


def _utf8(df: pl.DataFrame | pa.RecordBatch, name: str) -> pa.Array:
    """A column as an Arrow string or large_string array (values of other types as their text)."""
    if isinstance(df, pl.DataFrame):
        col = df.get_column(name)
        return (col if col.dtype == pl.String else col.cast(pl.String)).to_arrow(compat_level=pl.CompatLevel.oldest())
    arr = df.column(name)
    if not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
        arr = pl.Series(name, arr).cast(pl.String).to_arrow(compat_level=pl.CompatLevel.oldest())
    return arr


def _numbers(column: pl.Series, f: Field, record_nos, sink: RejectSink) -> tuple[np.ndarray, np.ndarray]:
    """The values as int64 and whether each is present; a value that is no whole number is rejected."""
    if column.dtype == pl.Int64 and not column.has_nulls():
        return column.to_numpy(), np.ones(len(column), dtype=bool)
    values = column.cast(pl.Int64, strict=False)
    present = values.is_not_null().to_numpy()
    for r in np.flatnonzero(column.is_not_null().to_numpy() & ~present):
        sink.add(record_nos[r], f.id, f.offset, "write.not_a_number", "value is not a whole number")
    return values.fill_null(0).to_numpy(), present


def _encode_number(cells: np.ndarray, column: pl.Series, f: Field, record_nos, sink: RejectSink) -> None:
    w = f.width
    v, present = _numbers(column, f, record_nos, sink)
    bad = present & ((v < 0) | (v >= 10**w))
    for r in np.flatnonzero(bad):
        sink.add(record_nos[r], f.id, f.offset, "write.number_too_large", f"value does not fit in {w} digits")
    ok = present & ~bad
    powers = 10 ** np.arange(w - 1, -1, -1, dtype=np.int64)
    digits = (v[ok, None] // powers) % 10 + 0x30
    if f.pad == "zero" or f.align == "left":
        cells[ok] = digits.astype(np.uint8)
        return
    # Space-padded right-aligned numbers: blank out leading zeros but keep the last digit.
    lead = (digits == 0x30) & (np.cumsum(digits != 0x30, axis=1) == 0)
    lead[:, -1] = False
    cells[ok] = np.where(lead, 0x20, digits).astype(np.uint8)
