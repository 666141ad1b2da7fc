"""The codec's inner loops, compiled (juki/codec/jit.py): record bytes → column buffers, and back.

They walk a batch record by record, each record field by field, with the tables of juki/codec/tables.py, and
write Arrow-shaped buffers (UTF-8 bytes and offsets, validity, int64) that decode.py wraps without copying. They
run without the GIL. A fault is written to ``errors`` as (row, field, byte position in the field, code) and the
value is null; decode.py and encode.py turn these into rejects. The rules each kernel applies are those the
codec has always applied (tests/codec/test_kernels.py checks them against a plain Python statement of them).
"""

from __future__ import annotations

import numpy as np

from juki.codec.jit import kernel, load, load_word, store

# Field kinds, paddings and alignments as the kernels see them.
NUMBER, ASCII_TEXT, CP932_TEXT = 0, 1, 2
PAD_SPACE, PAD_ZERO, PAD_FULLWIDTH = 0, 1, 2
LEFT, RIGHT = 0, 1
# Fault codes.
CONTROL, NOT_ASCII, NOT_CP932, SPLIT, NOT_TEXT, NOT_A_NUMBER = 1, 2, 3, 4, 5, 6
NOT_ALLOWED, NO_CODE, TOO_LONG = 7, 8, 9

_LEAD, _NOT_TEXT = 3, 2  # classes of a single byte in tables.SINGLE
_IDEOGRAPHIC_SPACE = 0xE3 | 0x80 << 8 | 0x80 << 16 | 3 << 24  # packed UTF-8 of U+3000 (E3 80 80)


_SPACES = np.uint64(0x2020202020202020)  # eight bytes of padding, as one little-endian word
_PAIRS = np.uint64(0x4081408140814081)  # 81 40 81 40 81 40 81 40


@kernel
def _fault(errors, count, row, field, pos, code):
    if count < errors.shape[0]:
        errors[count, 0], errors[count, 1], errors[count, 2], errors[count, 3] = row, field, pos, code
    return count + 1


@kernel
def _put(out, q, packed):
    """Write the 1–3 UTF-8 bytes of ``packed`` at out[q]; the new end."""
    n = (packed >> 24) & 0xF
    store(out, q, packed & 0xFF)
    if n > 1:
        store(out, q + 1, (packed >> 8) & 0xFF)
    if n > 2:
        store(out, q + 2, (packed >> 16) & 0xFF)
    return q + n


@kernel
def _cp932(buf, at, a, b, single, lead, double, out, q, strip):
    """Decode buf[at + a : at + b] to UTF-8 at out[q]. Returns (end of output, first fault position or -1,
    whether a byte that is no character of these files was seen). With ``strip``, trailing spaces and
    ideographic spaces are left out (the end returned is after the last other character)."""
    i, keep, not_text = a, q, False
    while i < b:
        c = load(buf, at + i)
        s = load(single, c)
        cls = s >> 28
        if cls == _LEAD:
            if i + 1 >= b:
                return keep, i, not_text
            d = load(double, load(lead, c) * 256 + load(buf, at + i + 1))
            if d == 0:
                return keep, i, not_text
            q = _put(out, q, d)
            i += 2
            if not strip or d != _IDEOGRAPHIC_SPACE:
                keep = q
            continue
        if cls == _NOT_TEXT:
            not_text = True
        q = _put(out, q, s)
        i += 1
        if not strip or c != 0x20:
            keep = q
    return keep, -1, not_text


@kernel
def decode_rows(buf, stride, nrows, f_offset, f_width, f_kind, f_pad, f_align, f_slot, single, lead, double,
                text, text_base, text_offsets, valid, ints, errors):
    """Decode ``nrows`` records (record r at buf[r * stride]) field by field; returns the number of faults."""
    faults = 0
    for r in range(nrows):
        for j in range(f_offset.shape[0]):
            at, w, kind, slot = r * stride + f_offset[j], f_width[j], f_kind[j], f_slot[j]
            if kind == NUMBER:
                seen, first_bad, value = False, -1, np.int64(0)
                for i in range(w):
                    c = load(buf, at + i)
                    if c == 0x20:
                        if (seen or f_pad[j] != PAD_SPACE) and first_bad < 0:
                            first_bad = i
                        value = value * 10
                        continue
                    seen = True
                    if 0x30 <= c <= 0x39:
                        value = value * 10 + (c - 0x30)
                    elif first_bad < 0:
                        first_bad = i
                ints[slot, r] = value
                if not seen:
                    valid[j, r] = 0
                elif first_bad >= 0:
                    valid[j, r] = 0
                    faults = _fault(errors, faults, r, j, first_bad, NOT_A_NUMBER)
                else:
                    valid[j, r] = 1
                continue
            # Text: trim padding on the bytes (0x20, and 81 40 pairs for full-width padding).
            fullwidth = f_pad[j] == PAD_FULLWIDTH
            start, end = 0, w
            if f_align[j] == LEFT:
                while end > 0:
                    if end >= 8:  # most of a field is padding: skip it eight bytes at a time
                        x = load_word(buf, at + end - 8)
                        if x == _SPACES or (fullwidth and x == _PAIRS):
                            end -= 8
                            continue
                    c = load(buf, at + end - 1)
                    if c == 0x20:
                        end -= 1
                    elif fullwidth and c == 0x40 and end >= 2 and load(buf, at + end - 2) == 0x81:
                        end -= 2
                    else:
                        break
            else:
                while start < w:
                    if start + 8 <= w and load_word(buf, at + start) == _SPACES:
                        start += 8
                        continue
                    c = load(buf, at + start)
                    if c == 0x20:
                        start += 1
                    elif fullwidth and c == 0x81 and start + 1 < w and load(buf, at + start + 1) == 0x40:
                        start += 2
                    else:
                        break
            q0 = text_base[slot] + text_offsets[slot, r]
            q, code, pos = q0, 0, -1
            if kind == ASCII_TEXT:  # copied as they are: printable ASCII only
                for i in range(start, end):
                    c = load(buf, at + i)
                    if c < 0x20 or c > 0x7E:
                        code, pos = (NOT_ASCII if c > 0x7E else CONTROL), i
                        break
                    store(text, q, c)
                    q += 1
            else:
                for i in range(start, end):  # control bytes are never part of a CP932 character
                    c = load(buf, at + i)
                    if c < 0x20 or c == 0x7F:
                        code, pos = CONTROL, i
                        break
                if code == 0:
                    q, pos, not_text = _cp932(buf, at, start, end, single, lead, double, text, q0, False)
                    if pos >= 0:  # maybe the trim cut a character whose trail byte looked like padding
                        q, pos, not_text = _cp932(buf, at, start, w, single, lead, double, text, q0, True)
                    if pos >= 0:
                        split = pos == w - 1 and single[buf[at + pos]] >> 28 == _LEAD
                        code = SPLIT if split else NOT_CP932
                    elif not_text:
                        code, pos = NOT_TEXT, 0
            if code:
                faults = _fault(errors, faults, r, j, pos, code)
                q = q0
            valid[j, r] = 1 if q > q0 else 0
            text_offsets[slot, r + 1] = q - text_base[slot]
    return faults
