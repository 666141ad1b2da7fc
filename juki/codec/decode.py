"""Bytes → columns, one whole column of a batch at a time.

A batch is a 2-D uint8 array, one row per record. Each field is a column slice of it. We trim ASCII padding on
the bytes (0x20 is never a CP932 trail byte, so this never cuts a character), gather the remaining bytes of every
row into one buffer with a newline after each value (0x0A is never a trail byte either), decode that buffer with a
single cp932 call, and cut the result back into rows on the newlines, as an Arrow string array. ASCII kinds skip
decoding altogether. Only when a column holds a bad value do we fall back to a per-row loop, to name each bad
record exactly. Full-width padding (81 40) is trimmed after decoding: 0x81 can be a trail byte.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from functools import cache

import numpy as np
import polars as pl
import pyarrow as pa

from juki.codec.charset import LEAD_BYTES
from juki.codec.masks import prefix_mask
from juki.layout import Field
from juki.rejects import RejectSink

SEP = 0x0A
SPACE = 0x20
# numpy's loops and the cp932 decoder's buffers release the GIL for much of the work: two threads, each taking a
# share of the fields, keep both cores busy (a task per field would cost more in handing out than it saves).
THREADS = 2
SHARES = 4 * THREADS  # a few shares per thread even out their unequal costs
_POOL = ThreadPoolExecutor(max_workers=THREADS)


def decode_fields(block: np.ndarray, fields: tuple[Field, ...], record_nos: np.ndarray,
                  sink: RejectSink) -> pl.DataFrame:
    """Decode the given fields of a batch of records (rows of ``block``) into a DataFrame."""

    def one(f: Field) -> pl.Series:
        cells = np.ascontiguousarray(block[:, f.offset : f.end])  # compact: every pass below stays in cache
        if f.integer:
            return _decode_number(cells, f, record_nos, sink)
        return _decode_text(cells, f, record_nos, sink)

    shares = _shares(fields)
    results = _POOL.map(lambda share: [one(f) for f in share], shares) if len(shares) > 1 else [map(one, fields)]
    done = {series.name: series for part in results for series in part}
    return pl.DataFrame([done[f.id] for f in fields])


@cache
def _shares(fields: tuple[Field, ...]) -> tuple[tuple[Field, ...], ...]:
    """The fields split into SHARES parts of about equal bytes (text bytes weigh more: they are decoded)."""
    parts: list[list[Field]] = [[] for _ in range(SHARES)]
    load = [0] * SHARES
    for f in sorted(fields, key=lambda f: -f.width * (1 if f.ascii else 4)):
        i = load.index(min(load))
        parts[i].append(f)
        load[i] += f.width * (1 if f.ascii else 4)
    return tuple(tuple(p) for p in parts if p)


def _content_bounds(cells: np.ndarray, f: Field) -> tuple[np.ndarray, np.ndarray]:
    """Start and end of each row's value once padding is trimmed on the bytes (end == start: empty).

    Full-width padding is trimmed as runs of 81 40 pairs: if a run's first 0x81 was really the trail byte of
    the character before it, that character is left cut in half, decoding fails, and the slow path re-reads
    the row untrimmed. So a wrong guess here is always caught, never silently wrong.
    """
    n, w = cells.shape
    rows = np.arange(n)
    pad = cells == SPACE
    if f.pad == "fullwidth":
        pair = (cells[:, :-1] == 0x81) & (cells[:, 1:] == 0x40)
        pad[:, :-1] |= pair
        pad[:, 1:] |= pair
    nonpad = ~pad
    if f.align == "left":
        end = w - np.argmax(nonpad[:, ::-1], axis=1)
        end[~nonpad[rows, end - 1]] = 0  # argmax found no byte that is not padding
        return np.zeros(n, dtype=np.int64), end.astype(np.int64)
    start = np.argmax(nonpad, axis=1)
    start[~nonpad[rows, start]] = w
    return start.astype(np.int64), np.full(n, w, dtype=np.int64)


def _gather(cells: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """The bytes of every row's value, concatenated in row order."""
    mask = prefix_mask(cells.shape[1])[end]
    if start.any():
        mask &= ~prefix_mask(cells.shape[1])[start]
    return cells[mask]


def _strings(data: np.ndarray, offsets: np.ndarray, valid: np.ndarray) -> pl.Series:
    """An Arrow string array over ``data`` (UTF-8) cut at ``offsets``; invalid or empty rows are null."""
    n = len(offsets) - 1
    keep = valid & (np.diff(offsets) > 0)
    bitmap = None if keep.all() else pa.py_buffer(np.packbits(keep, bitorder="little"))
    arr = pa.Array.from_buffers(pa.large_string(), n, [bitmap, pa.py_buffer(offsets), pa.py_buffer(data)])
    return pl.Series(arr)


def _decode_number(cells: np.ndarray, f: Field, record_nos: np.ndarray, sink: RejectSink) -> pl.Series:
    n, w = cells.shape
    space = cells == SPACE
    blank = space.all(axis=1)
    digit = (cells >= 0x30) & (cells <= 0x39)
    if f.pad == "space":  # right-aligned, space-padded: leading spaces count as zeros
        digit |= space & (np.cumsum(~space, axis=1) == 0)
    bad = ~digit.all(axis=1) & ~blank
    for r in np.flatnonzero(bad):
        pos = int(np.argmax(~digit[r]))
        sink.add(record_nos[r], f.id, f.offset + pos, "codec.not_a_number",
                 f"expected a number of at most {w} digits, or blanks")
    powers = 10 ** np.arange(w - 1, -1, -1, dtype=np.int64)
    values = (np.where(space, 0x30, cells).astype(np.int64) - 0x30) @ powers
    return pl.Series(f.id, values, dtype=pl.Int64).scatter(np.flatnonzero(blank | bad), None)


def _decode_text(cells: np.ndarray, f: Field, record_nos: np.ndarray, sink: RejectSink) -> pl.Series:
    start, end = _content_bounds(cells, f)
    valid = np.ones(len(cells), dtype=bool)
    data, offsets = _gather(cells, start, end), _offsets(end - start)
    # Padding is only 0x20, 0x81 and 0x40, so every other byte of the field is in ``data``: check it there. Control
    # bytes are never part of a CP932 character (trail bytes start at 0x40); printable ASCII is 0x20–0x7E (one
    # wrapping subtraction tests both ends).
    control = (data - np.uint8(SPACE)) > np.uint8(0x5E) if f.ascii else (data < SPACE) | (data == 0x7F)
    if control.any():
        _reject_control(data, offsets, control, start, f, record_nos, sink, valid)
        end = np.where(valid, end, start)  # rejected rows read as null
        data, offsets = _gather(cells, start, end), _offsets(end - start)
    if f.ascii or not (data >= 0x80).any():
        return _strings(data, offsets, valid).alias(f.id)
    utf8 = _decode_cp932(data, offsets, cells, start, f, record_nos, sink, valid)
    ends = np.flatnonzero(utf8 == SEP)
    _reject_not_text(utf8, ends, f, record_nos, sink, valid)
    return _strings(utf8[utf8 != SEP], _offsets(np.diff(ends, prepend=-1) - 1), valid).alias(f.id)


def _offsets(lengths: np.ndarray) -> np.ndarray:
    offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    return offsets


def _reject_control(data, offsets, control, start, f: Field, record_nos, sink: RejectSink, valid) -> None:
    positions = np.flatnonzero(control)
    rows = np.searchsorted(offsets, positions, side="right") - 1
    for r, first in zip(*np.unique(rows, return_index=True), strict=True):
        pos = int(positions[first] - offsets[r] + start[r])
        rule, what = ("codec.not_ascii", "a byte that is not printable ASCII") \
            if f.ascii and data[positions[first]] > 0x7E else ("codec.control_character", "a control character")
        sink.add(record_nos[r], f.id, f.offset + pos, rule, f"field holds {what}")
        valid[r] = False


def _decode_cp932(data, offsets, cells, start, f: Field, record_nos, sink: RejectSink, valid) -> np.ndarray:
    """UTF-8 bytes of every row's value followed by SEP, from one cp932 call; per row only if that call fails."""
    raw = np.insert(data, offsets[1:], SEP).tobytes()  # a newline after each value: never a CP932 trail byte
    try:
        return np.frombuffer(raw.decode("cp932").encode("utf-8"), dtype=np.uint8)
    except UnicodeDecodeError:
        pass
    parts = []
    for r in range(len(cells)):
        try:
            parts.append(data[offsets[r] : offsets[r + 1]].tobytes().decode("cp932"))
            continue
        except UnicodeDecodeError:
            pass
        untrimmed = cells[r, start[r] :].tobytes()  # the padding guess may have cut a character: see above
        try:
            parts.append(untrimmed.decode("cp932").rstrip("\u3000 ") if valid[r] else "")
        except UnicodeDecodeError as e:
            pos = int(start[r]) + e.start
            split = pos == cells.shape[1] - 1 and cells[r, pos] in LEAD_BYTES
            rule, what = (("codec.split_character", "the field boundary splits a double-byte character") if split
                          else ("codec.not_cp932", "bytes that are not valid CP932"))
            sink.add(record_nos[r], f.id, f.offset + pos, rule, f"field holds {what}")
            valid[r] = False
            parts.append("")
    return np.frombuffer(("\n".join(parts) + "\n").encode("utf-8"), dtype=np.uint8)


def _reject_not_text(utf8: np.ndarray, ends: np.ndarray, f: Field, record_nos, sink: RejectSink, valid) -> None:
    """Reject rows holding U+0080 or U+F8F0–U+F8F3 (UTF-8 C2 80, EF A3 B0–B3): bytes no CP932 character has."""
    pad = np.concatenate((utf8, np.zeros(2, dtype=np.uint8)))
    lead = np.flatnonzero((utf8 == 0xC2) | (utf8 == 0xEF))
    hit = lead[((pad[lead] == 0xC2) & (pad[lead + 1] == 0x80))
               | ((pad[lead] == 0xEF) & (pad[lead + 1] == 0xA3) & (pad[lead + 2] >= 0xB0) & (pad[lead + 2] <= 0xB3))]
    for r in np.unique(np.searchsorted(ends, hit)):
        sink.add(record_nos[r], f.id, f.offset, "codec.not_cp932", "field holds bytes that are not valid CP932")
        valid[r] = False
