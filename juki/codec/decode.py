"""Bytes → columns: a batch of records decoded by the compiled kernel (juki/codec/kernels.py) in one call.

A batch is a 2-D uint8 array, one row per record. The kernel reads it record by record and writes, for every
field, Arrow buffers: UTF-8 bytes and offsets for text (padding trimmed: spaces, and 81 40 pairs for full-width
padding), int64 for numbers, and a validity flag (an empty or blank field is null, and so is a rejected one).
Those buffers become Arrow arrays here without a copy. Text is decoded with tables taken from Python's own cp932
codec (juki/codec/tables.py), so the characters are exactly those ``bytes.decode("cp932")`` gives.

What is rejected, each with the record, field and byte offset of the fault (a rejected field reads as null):
control bytes in text; anything but printable ASCII in ASCII kinds; bytes that are no CP932 character (a lead
byte with no valid trail byte, 0x80, 0xA0, 0xFD–0xFF); a double-byte character split by the field's end; a
number field that holds anything but digits (leading blanks allowed where the layout pads with spaces).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache

import numpy as np
import polars as pl
import pyarrow as pa

from juki.codec import kernels as K
from juki.codec.tables import decode_tables
from juki.layout import Field
from juki.rejects import RejectSink

# The kernel lets go of the GIL: two threads, each decoding about half of the fields' bytes, use both cores.
THREADS = 2
MIN_ROWS_TO_SHARE = 256  # below this, handing work to a second thread costs more than it saves
_POOL = ThreadPoolExecutor(max_workers=THREADS)

_RULES = {
    K.CONTROL: ("codec.control_character", "field holds a control character"),
    K.NOT_ASCII: ("codec.not_ascii", "field holds a byte that is not printable ASCII"),
    K.NOT_CP932: ("codec.not_cp932", "field holds bytes that are not valid CP932"),
    K.NOT_TEXT: ("codec.not_cp932", "field holds bytes that are not valid CP932"),
    K.SPLIT: ("codec.split_character", "field holds the field boundary splits a double-byte character"),
}


@dataclass(frozen=True)
class _Plan:
    """The fields as the kernel reads them: one int64 array per property, text and number slots apart."""

    fields: tuple[Field, ...]
    offset: np.ndarray
    width: np.ndarray
    kind: np.ndarray
    pad: np.ndarray
    align: np.ndarray
    slot: np.ndarray
    room: np.ndarray  # bytes of output per record each text slot may need (UTF-8 of CP932: 3 bytes a byte)
    texts: int
    numbers: int


@cache
def _plan(fields: tuple[Field, ...]) -> _Plan:
    kind = [K.NUMBER if f.integer else K.ASCII_TEXT if f.ascii else K.CP932_TEXT for f in fields]
    slot, texts, numbers, room = [], 0, 0, []
    for f, k in zip(fields, kind, strict=True):
        if k == K.NUMBER:
            slot.append(numbers)
            numbers += 1
        else:
            slot.append(texts)
            texts += 1
            room.append(f.width if k == K.ASCII_TEXT else 3 * f.width)
    pads = {"space": K.PAD_SPACE, "zero": K.PAD_ZERO, "fullwidth": K.PAD_FULLWIDTH}

    def arr(values):
        return np.array(values, dtype=np.int64)

    return _Plan(fields, arr([f.offset for f in fields]), arr([f.width for f in fields]), arr(kind),
                 arr([pads[f.pad] for f in fields]), arr([K.LEFT if f.align == "left" else K.RIGHT for f in fields]),
                 arr(slot), arr(room), texts, numbers)


@cache
def _shares(fields: tuple[Field, ...]) -> tuple[tuple[Field, ...], ...]:
    """The fields in THREADS parts of about equal work (text weighs more than ASCII, ASCII more than numbers)."""
    parts: list[list[Field]] = [[] for _ in range(THREADS)]
    load = [0] * THREADS
    for f in sorted(fields, key=lambda f: -_weight(f)):
        i = load.index(min(load))
        parts[i].append(f)
        load[i] += _weight(f)
    return tuple(tuple(sorted(p, key=lambda f: f.offset)) for p in parts if p)


def _weight(f: Field) -> int:
    return f.width * (1 if f.integer or f.ascii else 2) + 8


def decode_arrays(block: np.ndarray, fields: tuple[Field, ...], record_nos: np.ndarray,
                  sink: RejectSink) -> list[pa.Array]:
    """Decode the given fields of a batch of records (rows of ``block``): one Arrow array per field."""
    buf, stride, n = _flat(block)
    shares = _shares(fields) if n >= MIN_ROWS_TO_SHARE else (fields,)
    if len(shares) == 1:
        parts = [_decode(buf, stride, n, fields)]
    else:
        parts = list(_POOL.map(lambda share: _decode(buf, stride, n, share), shares))
    arrays: dict[str, pa.Array] = {}
    for share, (columns, faults) in zip(shares, parts, strict=True):
        arrays.update(zip((f.id for f in share), columns, strict=True))
        for r, j, pos, code in faults:
            f = share[j]
            rule, message = _RULES.get(code) or ("codec.not_a_number",
                                                 f"expected a number of at most {f.width} digits, or blanks")
            sink.add(record_nos[r], f.id, f.offset + (0 if code == K.NOT_TEXT else pos), rule, message)
    return [arrays[f.id] for f in fields]


def decode_fields(block: np.ndarray, fields: tuple[Field, ...], record_nos: np.ndarray,
                  sink: RejectSink) -> pl.DataFrame:
    """Decode the given fields of a batch of records (rows of ``block``) into a DataFrame."""
    arrays = decode_arrays(block, fields, record_nos, sink)
    return pl.DataFrame([pl.Series(f.id, a) for f, a in zip(fields, arrays, strict=True)])


def _flat(block: np.ndarray) -> tuple[np.ndarray, int, int]:
    """The records as one 1-D buffer (record r at r * stride), without a copy where the rows are evenly spaced."""
    n = block.shape[0]
    if n == 0:
        return np.zeros(0, dtype=np.uint8), 0, 0
    if block.strides[1] != 1 or not block.flags.writeable:
        block = np.array(block, dtype=np.uint8, order="C")  # a copy (a header record, a read-only buffer)
    stride = block.strides[0]
    size = (n - 1) * stride + block.shape[1]
    return np.lib.stride_tricks.as_strided(block, shape=(size,), strides=(1,)), stride, n


def _decode(buf: np.ndarray, stride: int, n: int, fields: tuple[Field, ...]):
    plan = _plan(fields)
    single, lead, double = decode_tables()
    text_base = np.zeros(plan.texts + 1, dtype=np.int64)
    np.cumsum(plan.room * n, out=text_base[1:])
    text = np.empty(int(text_base[-1]), dtype=np.uint8)
    text_offsets = np.zeros((plan.texts, n + 1), dtype=np.int64)
    valid = np.empty((len(fields), n), dtype=np.uint8)
    ints = np.empty((plan.numbers, n), dtype=np.int64)
    errors = np.empty((64 + n // 64, 4), dtype=np.int64)
    while True:
        count = K.decode_rows(buf, stride, n, plan.offset, plan.width, plan.kind, plan.pad, plan.align, plan.slot,
                              single, lead, double, text, text_base, text_offsets, valid, ints, errors)
        if count <= len(errors):
            break
        errors = np.empty((count, 4), dtype=np.int64)  # more faults than room: decode again, all of them kept
    bitmaps = np.packbits(valid, axis=1, bitorder="little")
    nulls = n - valid.sum(axis=1, dtype=np.int64)
    columns = []
    for j in range(len(fields)):
        bitmap = pa.py_buffer(bitmaps[j]) if nulls[j] else None
        s = plan.slot[j]
        if plan.kind[j] == K.NUMBER:
            columns.append(pa.Array.from_buffers(pa.int64(), n, [bitmap, pa.py_buffer(ints[s])], int(nulls[j])))
            continue
        offsets = text_offsets[s]
        data = text[text_base[s] : text_base[s] + offsets[-1]]
        columns.append(pa.Array.from_buffers(pa.large_string(), n, [bitmap, pa.py_buffer(offsets),
                                                                    pa.py_buffer(data)], int(nulls[j])))
    return columns, errors[:count].tolist()
