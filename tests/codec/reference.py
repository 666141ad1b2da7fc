"""The codec's rules stated plainly, one value at a time, on Python's own cp932 codec: what the compiled kernels
must agree with (tests/codec/test_kernels.py). Slow and obvious on purpose; no part of juki imports it."""

from __future__ import annotations

LEAD = set(range(0x81, 0xA0)) | set(range(0xE0, 0xFD))
NOT_TEXT = set("\x80\uf8f0\uf8f1\uf8f2\uf8f3")
CONTROL_RULE = "codec.control_character"


def _bounds(raw: bytes, pad: str, align: str) -> tuple[int, int]:
    """Trim padding on the bytes: 0x20, and 81 40 pairs where the field pads with full-width spaces."""
    padding = [b == 0x20 for b in raw]
    if pad == "fullwidth":
        for i in range(len(raw) - 1):
            if raw[i] == 0x81 and raw[i + 1] == 0x40:
                padding[i] = padding[i + 1] = True
    kept = [i for i, p in enumerate(padding) if not p]
    if not kept:
        return (0, 0) if align == "left" else (len(raw), len(raw))
    return (0, kept[-1] + 1) if align == "left" else (kept[0], len(raw))


def decode_value(raw: bytes, kind_ascii: bool, integer: bool, pad: str, align: str):
    """(value or None, (rule, position in the field) or None) for one field's bytes."""
    if integer:
        if all(b == 0x20 for b in raw):
            return None, None
        leading = len(raw) - len(raw.lstrip(b" ")) if pad == "space" else 0
        for i, b in enumerate(raw):
            if not (0x30 <= b <= 0x39 or i < leading):
                return None, ("codec.not_a_number", i)
        return int(raw.replace(b" ", b"0")), None
    start, end = _bounds(raw, pad, align)
    for i in range(start, end):
        b = raw[i]
        if kind_ascii and not 0x20 <= b <= 0x7E:
            return None, ("codec.not_ascii" if b > 0x7E else CONTROL_RULE, i)
        if not kind_ascii and (b < 0x20 or b == 0x7F):
            return None, (CONTROL_RULE, i)
    if kind_ascii:
        return raw[start:end].decode("ascii") or None, None
    try:
        text = raw[start:end].decode("cp932")
    except UnicodeDecodeError:
        try:
            text = raw[start:].decode("cp932").rstrip("\u3000 ")
        except UnicodeDecodeError as e:
            pos = start + e.start
            split = pos == len(raw) - 1 and raw[pos] in LEAD
            return None, ("codec.split_character" if split else "codec.not_cp932", pos)
    if set(text) & NOT_TEXT:
        return None, ("codec.not_cp932", 0)
    return text or None, None


def encode_value(value: str | None, width: int, kind_ascii: bool, pad: str, align: str, table=None):
    """(bytes of the value, or None when rejected, and the rule) — before padding."""
    text = value or ""
    text = text.rstrip("\u3000 ") if pad == "fullwidth" else text.rstrip(" ") if align == "left" else text.lstrip(" ")
    if kind_ascii and any(not 0x20 <= ord(c) <= 0x7E for c in text):
        return None, "write.not_allowed"
    if not kind_ascii and any(ord(c) < 0x20 or c in "\x7f\x80\uf8f0\uf8f1\uf8f2\uf8f3" for c in text):
        return None, "write.not_allowed"
    try:
        raw = b"".join((table or {}).get(c) or c.encode("ascii" if kind_ascii else "cp932") for c in text)
    except UnicodeEncodeError:
        return None, "write.not_cp932"
    if len(raw) > width:
        return None, "write.too_long"
    return raw, None
