"""The CP932 ⇄ UTF-8 tables the compiled kernels read, built from Python's own cp932 codec.

Nothing here knows a character: every entry is what ``bytes.decode("cp932")`` or ``str.encode("cp932")`` gives,
asked once per process (a few milliseconds), so the kernels map exactly as Python does by construction
(tests/codec/test_tables.py checks every single byte, every double byte and every code point against it).

- ``SINGLE[b]``: what byte ``b`` is on its own (one of the classes below) and, packed, its UTF-8 bytes.
- ``DOUBLE[LEAD[b0] * 256 + b1]``: the UTF-8 of the double byte b0 b1, packed, or 0 where it is no character.
- ``ENCODE[code point]`` for the Basic Multilingual Plane: ``(n << 16) | code``, the CP932 code of n bytes, or 0.
  Nothing above U+FFFF has a CP932 code. ``ENCODE_IBM`` writes the IBM extension kanji with their IBM codes.
Packed UTF-8 is ``b0 | b1 << 8 | b2 << 16 | n << 24`` for n bytes.
"""

from __future__ import annotations

import contextlib
from functools import cache

import numpy as np

from juki.codec.charset import ibm_codes

# Classes of a single byte (SINGLE >> 28). CONTROL bytes are never decoded: the kernels reject them first.
ASCII, KANA, NOT_TEXT, LEAD_BYTE, CONTROL = 0, 1, 2, 3, 4
# Bytes Python's cp932 decodes that are no character of these files (see charset.py): decoded, then rejected.
NOT_TEXT_BYTES = (0x80, 0xA0, 0xFD, 0xFE, 0xFF)


def pack_utf8(points: np.ndarray) -> np.ndarray:
    """Packed UTF-8 (see the module docstring) of each code point of the Basic Multilingual Plane."""
    cp = np.asarray(points, dtype=np.uint32)
    one = cp | (1 << 24)
    two = (0xC0 | cp >> 6) | (0x80 | cp & 0x3F) << 8 | (2 << 24)
    three = (0xE0 | cp >> 12) | (0x80 | cp >> 6 & 0x3F) << 8 | (0x80 | cp & 0x3F) << 16 | (3 << 24)
    return np.where(cp < 0x80, one, np.where(cp < 0x800, two, three)).astype(np.uint32)


@cache
def decode_tables() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """SINGLE (uint32, 256), LEAD (int32, 256: row of DOUBLE or -1), DOUBLE (uint32, leads × 256)."""
    single = np.zeros(256, dtype=np.uint32)
    lead = np.full(256, -1, dtype=np.int32)
    for b in range(256):
        try:
            ch = bytes((b,)).decode("cp932")
        except UnicodeDecodeError:  # incomplete: a lead byte
            lead[b] = int((lead >= 0).sum())
            single[b] = LEAD_BYTE << 28
            continue
        kind = CONTROL if b < 0x20 or b == 0x7F else NOT_TEXT if b in NOT_TEXT_BYTES else ASCII if b < 0x80 else KANA
        single[b] = (kind << 28) | int(pack_utf8([ord(ch)])[0])
    leads = np.flatnonzero(lead >= 0)
    index, points = [], []
    trails = [b1 for b1 in range(256) if b1 != 0x0A]
    for b0 in leads:
        # One call per lead byte: every trail byte after it, each pair followed by a newline (never a trail
        # byte; the pair ending in 0A is asked on its own). A pair that is no character starts with U+FFFD.
        text = b"".join(bytes((b0, b1, 0x0A)) for b1 in trails).decode("cp932", errors="replace")
        pairs = list(zip(trails, text.split("\n"), strict=False))
        with contextlib.suppress(UnicodeDecodeError):
            pairs.append((0x0A, bytes((b0, 0x0A)).decode("cp932")))
        for b1, ch in pairs:
            if len(ch) == 1 and ch != "\ufffd":
                index.append(lead[b0] * 256 + b1)
                points.append(ord(ch))
    double = np.zeros(len(leads) * 256, dtype=np.uint32)
    double[index] = pack_utf8(points)
    return single, lead, double


@cache
def encode_tables() -> tuple[np.ndarray, np.ndarray]:
    """ENCODE and ENCODE_IBM (uint32, 65,536 entries each)."""
    points = [c for c in range(1, 0x10000) if not 0xD800 <= c < 0xE000]
    text = "\x00".join(map(chr, points))
    # One encode call for the whole plane, each character followed by U+0000 (byte 00: never part of a double
    # byte code). A character with no code comes out as "?" with errors="replace" and as "&#…;" with
    # "xmlcharrefreplace": where the two differ there is no code (U+003F itself is "?" both times).
    replaced = text.encode("cp932", errors="replace").split(b"\x00")
    referenced = text.encode("cp932", errors="xmlcharrefreplace").split(b"\x00")
    table = np.zeros(0x10000, dtype=np.uint32)
    table[0] = 1 << 16  # U+0000 is byte 00
    for c, code, other in zip(points, replaced, referenced, strict=True):
        if code == other:
            table[c] = (len(code) << 16) | int.from_bytes(code, "big")
    ibm = table.copy()
    for ch, code in ibm_codes().items():
        ibm[ord(ch)] = (len(code) << 16) | int.from_bytes(code, "big")
    return table, ibm
