"""The compiled inner loop of the writer (juki/codec/jit.py): UTF-8 columns → fixed-width records.

Record by record, each record starts as the layout's template (record type code, every field's padding,
terminator), then each text value is cleaned (trailing padding characters dropped, as they would read back as
padding), checked, encoded with the table of juki/codec/tables.py (Python's own cp932 encoder, asked once per
character) and dropped into its field. A value is never truncated: one too long for its field, one holding a
character its field cannot carry or one with no CP932 code is written blank and reported in ``errors`` as
(row, field, detail, code); ``detail`` is the character's index for NO_CODE and the byte length for TOO_LONG.
"""

from __future__ import annotations

import numpy as np

from juki.codec.jit import kernel, load, store
from juki.codec.kernels import LEFT, NO_CODE, NOT_ALLOWED, PAD_FULLWIDTH, TOO_LONG, _fault


@kernel
def _allowed(cp, ascii_only):
    """Whether a field may carry the character: printable ASCII for ASCII kinds; for text anything but
    control characters and the code points that only come from bytes that are no CP932 character."""
    if ascii_only:
        return 0x20 <= cp <= 0x7E
    return not (cp < 0x20 or cp == 0x7F or cp == 0x80 or 0xF8F0 <= cp <= 0xF8F3)


@kernel
def encode_rows(out, stride, nrows, template, f_offset, f_width, f_ascii, f_pad, f_align, data, offsets, valid,
                table, scratch, errors):
    """Write ``nrows`` records at out[r * stride]; returns the number of faults (see the module docstring)."""
    faults = 0
    for r in range(nrows):
        row = r * stride
        for i in range(stride):
            store(out, row + i, load(template, i))
        for j in range(f_offset.shape[0]):
            if not valid[j, r]:
                continue
            a, b = offsets[j, r], offsets[j, r + 1]
            w, ascii_only, fullwidth = f_width[j], f_ascii[j] != 0, f_pad[j] == PAD_FULLWIDTH
            # The value as it will be written: trailing padding characters would read back as padding.
            if fullwidth or f_align[j] == LEFT:
                while b > a:
                    if data[b - 1] == 0x20:
                        b -= 1
                    elif fullwidth and b - a >= 3 and data[b - 3] == 0xE3 and data[b - 2] == 0x80 \
                            and data[b - 1] == 0x80:
                        b -= 3
                    else:
                        break
            else:
                while a < b and data[a] == 0x20:
                    a += 1
            n, chars, no_code, refused, i = 0, 0, -1, False, a
            while i < b:  # UTF-8 → code point → CP932 bytes into scratch (counted past the field, not kept)
                c = load(data, i)
                if c < 0x80:
                    cp, i = np.int64(c), i + 1
                elif c < 0xE0:
                    cp, i = np.int64(c & 0x1F) << 6 | (data[i + 1] & 0x3F), i + 2
                elif c < 0xF0:
                    cp = np.int64(c & 0x0F) << 12 | np.int64(data[i + 1] & 0x3F) << 6 | (data[i + 2] & 0x3F)
                    i += 3
                else:
                    cp = np.int64(c & 0x07) << 18 | np.int64(data[i + 1] & 0x3F) << 12 \
                        | np.int64(data[i + 2] & 0x3F) << 6 | (data[i + 3] & 0x3F)
                    i += 4
                if not _allowed(cp, ascii_only):
                    refused = True
                    break
                code = np.uint32(cp | 1 << 16) if ascii_only else (table[cp] if cp < 0x10000 else np.uint32(0))
                if code == 0:
                    if no_code < 0:
                        no_code = chars
                else:
                    size = code >> 16
                    if size == 2 and n + 1 < scratch.shape[0]:
                        scratch[n], scratch[n + 1] = (code >> 8) & 0xFF, code & 0xFF
                    elif size == 1 and n < scratch.shape[0]:
                        scratch[n] = code & 0xFF
                    n += size
                chars += 1
            if refused:
                faults = _fault(errors, faults, r, j, 0, NOT_ALLOWED)
                continue
            if no_code >= 0:
                faults = _fault(errors, faults, r, j, no_code, NO_CODE)
                continue
            if n > w:
                faults = _fault(errors, faults, r, j, n, TOO_LONG)
                continue
            at = row + f_offset[j]
            if fullwidth and n % 2 == 1:  # 81 40 pairs after an odd-length value; a lone byte left is a space
                for k in range(w):
                    out[at + k] = 0x81 if k % 2 == 1 else 0x40
                if (w - n) % 2 == 1:
                    out[at + w - 1] = 0x20
            start = at if f_align[j] == LEFT else at + w - n
            for k in range(n):
                store(out, start + k, load(scratch, k))
    return faults
