"""Columns → bytes, one whole column at a time, into a 2-D uint8 array of records.

Each record starts as a template (record type code, padding of every field, terminator). Each column is encoded
in bulk: ASCII kinds straight from the Arrow buffers, text kinds by one cp932 call over the values joined with
newlines (0x0A is never a CP932 trail byte, so the newlines find each value's bytes again). A boolean mask then
drops every value's bytes into its field in one numpy assignment. A value longer than its field is an error that
names the record and field; nothing is ever truncated, so a double-byte character is never split.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from juki.codec.charset import NOT_TEXT, encode_ibm, ibm_codes
from juki.codec.masks import prefix_mask
from juki.layout import Field, Layout, RecordType
from juki.rejects import RejectSink

SEP = 0x0A
SPACE = 0x20


def template(layout: Layout, rt: RecordType) -> np.ndarray:
    """One empty record of this type: code, every field's padding, terminator."""
    out = np.full(layout.record_length + len(layout.terminator_bytes), 0x20, dtype=np.uint8)
    for f in rt.fields:
        if f.pad == "fullwidth":
            out[f.offset : f.offset + f.width - f.width % 2] = np.tile([0x81, 0x40], f.width // 2)
        else:
            out[f.offset : f.end] = 0x20  # a null number is written blank, and read back as null
    out[0 : len(rt.code)] = np.frombuffer(rt.code.encode("ascii"), dtype=np.uint8)
    out[layout.record_length :] = np.frombuffer(layout.terminator_bytes, dtype=np.uint8)
    return out


def encode_frame(df: pl.DataFrame, layout: Layout, rt: RecordType, first_record_no: int,
                 sink: RejectSink) -> np.ndarray:
    """Records for every row of ``df``; problems go to ``sink`` (record numbers from ``first_record_no``)."""
    out = np.broadcast_to(template(layout, rt), (df.height, layout.record_length + len(layout.terminator_bytes)))
    out = out.copy()
    if df.height == 0:
        return out
    record_nos = np.arange(first_record_no, first_record_no + df.height)
    texts = [f for f in rt.value_fields if not f.integer]
    # One select for every text column: polars cleans and joins them in parallel. U+0080 and U+F8F0–U+F8F3 are
    # looked for here (they encode to bytes that are also trail bytes); every other character a field cannot
    # carry shows in the encoded bytes (see _suspect).
    joined = df.select(
        *[_clean(f).str.join("\n").alias(f.id) for f in texts],
        *[_clean(f).str.contains_any(list(NOT_TEXT)).any().alias(f"{f.id}:bad") for f in texts if not f.ascii],
    ).row(0, named=True) if texts else {}
    for f in rt.value_fields:
        cells = out[:, f.offset : f.end]
        if f.integer:
            _encode_number(cells, df.get_column(f.id), f, record_nos, sink)
            continue
        encoded = None if joined.get(f"{f.id}:bad") else _encode_text(joined.get(f.id, ""), df, f, layout)
        if encoded is None or _suspect(*encoded, f):
            # Slow path, for the few batches where some value holds what its field cannot carry.
            encoded = _encode_text(_reject_bad_values(df, f, record_nos, sink), df, f, layout, record_nos, sink)
        _place(cells, f, *encoded, record_nos, sink)
    return out


def _suspect(data: np.ndarray, lengths: np.ndarray, f: Field) -> bool:
    """Whether the encoded values may hold a character the field cannot carry: a control byte (never part of a
    CP932 character), 0xFD–0xFF (never a lead or trail byte), or a newline inside a value (lengths of -1)."""
    if (lengths < 0).any():
        return True
    bad = (data < SPACE) | (data == 0x7F)
    if not f.ascii:
        bad |= data >= 0xFD
    return bool(bad.any())


# Characters a field of each kind cannot carry: ASCII kinds take printable ASCII only; text kinds refuse control
# characters and the code points that only come from bytes that are no CP932 character (see charset.py).
_NOT_ALLOWED = {True: r"[^\x20-\x7e]", False: r"[\x00-\x1f\x7f\x80\uf8f0-\uf8f3]"}


def _clean(f: Field) -> pl.Expr:
    """The value as it will be written: trailing padding characters would read back as padding, so drop them."""
    e = pl.col(f.id).cast(pl.String).fill_null("")
    if f.pad == "fullwidth":
        return e.str.strip_chars_end("\u3000 ")
    return e.str.strip_chars_end(" ") if f.align == "left" else e.str.strip_chars_start(" ")


def _reject_bad_values(df: pl.DataFrame, f: Field, record_nos, sink: RejectSink) -> str:
    """Slow path: name each record whose value holds a character the field cannot carry; write it blank."""
    s = df.select(_clean(f)).to_series()
    bad = s.str.contains(_NOT_ALLOWED[f.ascii]).to_numpy()
    for r in np.flatnonzero(bad):
        sink.add(record_nos[r], f.id, f.offset, "write.not_allowed",
                 "value holds a character this field cannot carry" if f.ascii else "value holds a control character")
    return s.scatter(np.flatnonzero(bad), "").str.join("\n").item()


def _encode_number(cells: np.ndarray, column: pl.Series, f: Field, record_nos, sink: RejectSink) -> None:
    w = f.width
    values = column.cast(pl.Int64, strict=False)
    present = values.is_not_null().to_numpy()
    for r in np.flatnonzero(column.is_not_null().to_numpy() & ~present):
        sink.add(record_nos[r], f.id, f.offset, "write.not_a_number", "value is not a whole number")
    v = values.fill_null(0).to_numpy()
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


def _encode_text(text: str, df: pl.DataFrame, f: Field, layout: Layout, record_nos=None,
                 sink: RejectSink | None = None):
    """Encoded bytes of all values concatenated, and each value's byte length (0 for null). None when some value
    cannot be encoded, unless a sink is given to name those records (then they are written blank)."""
    try:
        raw = text.encode("ascii" if f.ascii else "cp932")
    except UnicodeEncodeError:
        if sink is None:
            return None
        raw = _encode_rowwise(text.split("\n"), f, record_nos, sink)
    data = np.frombuffer(raw + b"\n", dtype=np.uint8)
    if layout.ibm_extensions and not f.ascii:
        data = _prefer_ibm(df.select(_clean(f)).to_series(), data)
    seps = np.flatnonzero(data == SEP)
    if len(seps) != df.height:  # a value holds a newline of its own: keep it in the data, for _suspect to see
        return data[:-1], np.full(df.height, -1)
    lengths = np.diff(seps, prepend=-1) - 1
    return data[data != SEP], lengths


def _encode_rowwise(values: list[str], f: Field, record_nos, sink: RejectSink) -> bytes:
    """Slow path, only when some value cannot be encoded for its field: name each such record, write it blank."""
    parts = []
    for r, value in enumerate(values):
        try:
            parts.append(value.encode("ascii" if f.ascii else "cp932"))
        except UnicodeEncodeError as e:
            if f.ascii:
                sink.add(record_nos[r], f.id, f.offset, "write.not_allowed",
                         "value holds a character this field cannot carry")
            else:
                sink.add(record_nos[r], f.id, f.offset, "write.not_cp932",
                         f"character {e.start + 1} of the value has no CP932 code")
            parts.append(b"")
    return b"\n".join(parts)


def _prefer_ibm(s: pl.Series, data: np.ndarray) -> np.ndarray:
    """Rewrite the few values holding an IBM extension kanji with its IBM code (same byte length)."""
    hits = np.flatnonzero(s.str.contains_any(list(ibm_codes())).to_numpy())
    if not len(hits):
        return data
    data = data.copy()
    starts = np.concatenate(([0], np.flatnonzero(data == SEP) + 1))
    for r in hits:
        encoded = encode_ibm(s[int(r)])
        data[starts[r] : starts[r] + len(encoded)] = np.frombuffer(encoded, dtype=np.uint8)
    return data


def _place(cells: np.ndarray, f: Field, data: np.ndarray, lengths: np.ndarray, record_nos,
           sink: RejectSink) -> None:
    """Drop each value's bytes into its field, padding per the layout; overlong values are rejected."""
    n, w = cells.shape
    over = lengths > w
    if over.any():
        for r in np.flatnonzero(over):
            sink.add(record_nos[r], f.id, f.offset, "write.too_long",
                     f"value is {int(lengths[r])} bytes, the field holds {w}")
        keep = np.repeat(~over, lengths)
        data, lengths = data[keep], np.where(over, 0, lengths)
    block = np.ascontiguousarray(cells)  # work on compact memory, copy back once
    if f.pad == "fullwidth":
        _fullwidth_padding(block, lengths)
    mask = prefix_mask(w)[lengths] if f.align == "left" else ~prefix_mask(w)[w - lengths]
    block[mask] = data
    cells[:] = block


def _fullwidth_padding(cells: np.ndarray, lengths: np.ndarray) -> None:
    """Full-width spaces (81 40) from the end of the value; an odd byte left at the end is a half-width space."""
    w = cells.shape[1]
    odd = (lengths % 2 == 1)
    if not odd.any():
        return
    pattern = np.where(np.arange(w) % 2 == 1, 0x81, 0x40).astype(np.uint8)
    cells[odd] = pattern
    leftover = (w - lengths) % 2 == 1
    cells[leftover, w - 1] = 0x20
