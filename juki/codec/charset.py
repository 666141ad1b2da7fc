"""CP932 facts the codec relies on, in one place.

- 外字 (user-defined characters): CP932 F040–F9FC ↔ U+E000–U+E757. Python's cp932 codec round-trips them.
- Some characters have two CP932 codes. Python decodes both and encodes one: for the IBM extension kanji
  (FA40–FC4B) it writes the NEC-selected twin (ED40–EEFC), e.g. 髙 FBFC → EEE0. That is our default. A city
  whose files use the IBM codes sets ``ibm_extensions = true`` in the layout, and we write FA40–FC4B instead.
- Python's cp932 also decodes single bytes that are no character in these files (0x80, 0xA0, 0xFD–0xFF become
  U+0080, U+F8F0–U+F8F3); the codec rejects those, like control characters.
"""

from __future__ import annotations

from functools import cache

GAIJI_FIRST, GAIJI_LAST = 0xE000, 0xE757
LEAD_BYTES = frozenset(range(0x81, 0xA0)) | frozenset(range(0xE0, 0xFD))
# Characters that only come from bytes that are not text: see the module docstring.
NOT_TEXT = "\x80\uf8f0\uf8f1\uf8f2\uf8f3"


@cache
def ibm_codes() -> dict[str, bytes]:
    """Character → IBM extension code, for the characters Python writes as their NEC-selected twin."""
    table: dict[str, bytes] = {}
    for lead in range(0xFA, 0xFD):
        for trail in list(range(0x40, 0x7F)) + list(range(0x80, 0xFD)):
            code = bytes((lead, trail))
            try:
                ch = code.decode("cp932")
            except UnicodeDecodeError:
                continue
            written = ch.encode("cp932")
            if written != code and 0xED <= written[0] <= 0xEE:
                table[ch] = code
    return table


def encode_ibm(text: str) -> bytes:
    """Encode one value preferring IBM extension codes (used only for the few values that contain one)."""
    table = ibm_codes()
    return b"".join(table.get(ch) or ch.encode("cp932") for ch in text)
