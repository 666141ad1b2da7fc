"""The compiled codec against Python's cp932 codec and the plainly stated rules of tests/codec/reference.py:
every single byte, every double byte, every code point of the Basic Multilingual Plane, and random records."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from juki.codec.charset import encode_ibm, ibm_codes
from juki.codec.decode import decode_fields
from juki.codec.encode import encode_frame
from juki.layout import Field, RecordType
from juki.rejects import RejectSink
from tests.codec import reference

SPECS = [  # (kind, width, pad, align): every combination the codec treats differently
    ("number", 5, "zero", "right"), ("number", 4, "space", "right"), ("code", 6, "space", "left"),
    ("code", 5, "space", "right"), ("kanji", 8, "fullwidth", "left"), ("hankana", 7, "space", "left"),
    ("hankana", 6, "space", "right"), ("kanji", 3, "fullwidth", "left"),
]


def fields_of(specs) -> tuple[Field, ...]:
    out, offset = [], 0
    for i, (kind, width, pad, align) in enumerate(specs):
        out.append(Field(f"f{i}", f"f{i}", width, kind, offset, pad, align))
        offset += width
    return tuple(out)


def decode(records: list[bytes], fields) -> tuple[pl.DataFrame, list[tuple]]:
    block = np.frombuffer(b"".join(records), dtype=np.uint8).reshape(len(records), -1).copy()
    sink = RejectSink()
    frame = decode_fields(block, fields, np.arange(1, len(records) + 1), sink)
    return frame, sorted(row[:4] for row in sink.rows)


def expected(records: list[bytes], fields) -> tuple[list[list], list[tuple]]:
    values, faults = [[] for _ in fields], []
    for r, rec in enumerate(records, start=1):
        for j, f in enumerate(fields):
            value, fault = reference.decode_value(rec[f.offset : f.end], f.ascii, f.integer, f.pad, f.align)
            values[j].append(value)
            if fault:
                faults.append((r, f.id, f.offset + fault[1], fault[0]))
    return values, sorted(faults)


def assert_same(records: list[bytes], fields) -> None:
    frame, faults = decode(records, fields)
    values, want = expected(records, fields)
    assert faults == want
    for j, f in enumerate(fields):
        assert frame[f.id].to_list() == values[j], f.id


def test_every_single_byte_decodes_as_python_does():
    records = [bytes((b,)) for b in range(256)]
    for f in fields_of([("hankana", 1, "space", "left")]) + fields_of([("kanji", 1, "fullwidth", "left")]):
        assert_same(records, (f,))
    frame, _ = decode(records, fields_of([("hankana", 1, "space", "left")]))
    for b, value in enumerate(frame["f0"].to_list()):
        if value is not None:
            assert value == bytes((b,)).decode("cp932")


def test_every_double_byte_decodes_as_python_does():
    records = [bytes((lead, trail)) for lead in range(256) for trail in range(256)]
    for f in fields_of([("kanji", 2, "fullwidth", "left")]) + fields_of([("hankana", 2, "space", "right")]):
        assert_same(records, (f,))
    frame, _ = decode(records, fields_of([("kanji", 2, "fullwidth", "left")]))
    decoded = 0
    for raw, value in zip(records, frame["f0"].to_list(), strict=True):
        if value is not None and raw[0] in reference.LEAD:
            assert value == raw.decode("cp932")
            decoded += 1
    assert decoded == 9604 - 1  # every double byte code Python decodes, less 81 40 (the padding itself)


def test_gaiji_decode_to_private_use_and_back():
    f = fields_of([("kanji", 2, "fullwidth", "left")])
    codes = [bytes((lead, trail)) for lead in range(0xF0, 0xFA) for trail in [*range(0x40, 0x7F), *range(0x80, 0xFD)]]
    frame, faults = decode(codes, f)
    assert not faults
    assert [ord(v) for v in frame["f0"].to_list()] == list(range(0xE000, 0xE758))


ALPHABET = [0x20, 0x20, 0x81, 0x40, 0x30, 0x35, 0x39, 0x41, 0x7E, 0x88, 0x9F, 0xE0, 0xFC, 0xFB, 0xF0, 0x80, 0xA0,
            0xFD, 0xFF, 0x0A, 0x00, 0x7F, 0xB1, 0x85, 0xEF, 0xED, 0x5C]
WIDTH = sum(s[1] for s in SPECS)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(st.sampled_from(ALPHABET), min_size=WIDTH, max_size=WIDTH).map(bytes), min_size=1,
                max_size=40))
def test_random_records_decode_as_the_rules_say(records):
    assert_same(records, fields_of(SPECS))


# ---- encode -------------------------------------------------------------------------------------------------

def encode(values: dict[str, list], specs, ibm: bool = False) -> tuple[list[bytes], list[tuple]]:
    fields = (Field("record_type", "t", 1, "code", 0, "space", "left"),
              *(Field(f.id, f.name, f.width, f.kind, f.offset + 1, f.pad, f.align) for f in fields_of(specs)))
    layout = SimpleNamespace(record_length=fields[-1].end, terminator_bytes=b"\r\n", ibm_extensions=ibm)
    rt = RecordType("data", "2", fields)
    schema = {f.id: pl.Int64 if f.integer else pl.String for f in rt.value_fields}
    sink = RejectSink()
    out = encode_frame(pl.DataFrame(values, schema=schema), layout, rt, 1, sink)
    return [bytes(row) for row in out], sorted((r[0], r[1], r[3]) for r in sink.rows)


def test_every_code_point_encodes_as_python_does():
    points = [c for c in range(0x10000) if not 0xD800 <= c < 0xE000]
    spec = [("kanji", 2, "fullwidth", "left")]
    for ibm in (False, True):
        records, faults = encode({"f0": [chr(c) for c in points]}, spec, ibm)
        refused, faulted = {r for r, _, _ in faults}, set(faults)
        table = ibm_codes() if ibm else None
        for r, (c, record) in enumerate(zip(points, records, strict=True), start=1):
            raw, rule = reference.encode_value(chr(c), 2, False, "fullwidth", "left", table)
            if raw is None:
                assert (r, "f0", rule) in faulted
                continue
            assert r not in refused
            assert record[1 : 1 + len(raw)] == raw
            if ibm and raw:
                assert raw == encode_ibm(chr(c))


def test_characters_beyond_the_plane_have_no_code():
    values = ["山" + chr(c) for c in range(0x10000, 0x110000, 4099)]
    _, faults = encode({"f0": values}, [("kanji", 8, "fullwidth", "left")])
    assert faults == [(r, "f0", "write.not_cp932") for r in range(1, len(values) + 1)]


TEXT = st.text(st.sampled_from(list("山田髙﨑ｱﾀﾞ aZ9~\\\u3000\t\n\x7f\x80\uf8f0\ue000\U00020bb7α")), max_size=6)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(*[st.none() | TEXT for _ in SPECS[2:]]), min_size=1, max_size=30))
def test_random_values_encode_as_the_rules_say(rows):
    specs = SPECS[2:]
    values = {f"f{j}": [row[j] for row in rows] for j in range(len(specs))}
    records, faults = encode(values, specs)
    want = []
    for r, row in enumerate(rows, start=1):
        for j, (_kind, width, pad, align), f in zip(range(len(specs)), specs, fields_of(specs), strict=True):
            raw, rule = reference.encode_value(row[j], width, f.ascii, pad, align)
            cell = records[r - 1][1 + f.offset : 1 + f.end]
            if raw is None:
                want.append((r, f.id, rule))
                raw = b""
            placed = raw.ljust(width, b"\0") if align == "left" else raw.rjust(width, b"\0")
            assert all(p in (0, c) for p, c in zip(placed, cell, strict=True))  # the value's bytes, in place
            back, fault = reference.decode_value(cell, f.ascii, False, pad, align)
            assert fault is None and (back or "") == raw.decode("cp932")  # and padding that reads back as such
    assert faults == sorted(want)
