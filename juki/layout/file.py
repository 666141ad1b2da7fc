"""Reading a layout file: building the frozen objects of juki.layout.model and checking every rule a layout must
keep, so that a city editing one learns all that is wrong at once. The content hash covers what changes the
bytes or the DataFrame columns (not titles, names or notes), so outputs can record which layout wrote them.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from functools import cache
from pathlib import Path

from juki.errors import LayoutError
from juki.layout.model import KINDS, PADS, ROLES, TERMINATORS, Field, Kind, Layout, RecordType, layouts_dir

_ID = re.compile(r"^[a-z][a-z0-9_]*$")


def read_layout_file(text: str, path: str, problems: list[str]) -> Layout | None:
    """The layout a TOML text describes, or None; every problem found is appended to ``problems``."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        problems.append(f"not valid TOML: {e}")
        return None
    layout = _build(raw, path, problems)
    if layout is not None:
        _check_betten1(layout, problems)
    return layout


def _build(raw: dict, path: str, problems: list[str]) -> Layout | None:
    for key in ("name", "title", "source", "version", "record_length", "records"):
        if key not in raw:
            problems.append(f"missing top-level key {key!r}")
    if problems:
        return None
    length = raw["record_length"]
    terminator = raw.get("terminator", "crlf")
    if terminator not in TERMINATORS:
        problems.append(f"terminator {terminator!r} must be one of {sorted(TERMINATORS)}")
    if raw.get("encoding", "cp932") != "cp932":
        problems.append("encoding must be cp932 (the only encoding these files use)")
    records = {}
    for role in ROLES:
        if role not in raw["records"]:
            problems.append(f"missing record type [records.{role}]")
            continue
        records[role] = _build_record(role, raw["records"][role], length, problems)
    for extra in set(raw["records"]) - set(ROLES):
        problems.append(f"unknown record type [records.{extra}] (allowed: {', '.join(ROLES)})")
    codes = [rt.code for rt in records.values()]
    if len(set(codes)) != len(codes):
        problems.append(f"record type codes must differ: {codes}")
    if problems:
        return None
    layout = Layout(
        name=raw["name"],
        title=raw["title"],
        source=raw["source"],
        version=str(raw["version"]),
        encoding="cp932",
        record_length=length,
        terminator=terminator,
        ibm_extensions=bool(raw.get("ibm_extensions", False)),
        records=records,
        path=path,
        content_hash="",
    )
    return _with_hash(layout)


def _build_record(role: str, raw: dict, length: int, problems: list[str]) -> RecordType:
    where = f"records.{role}"
    fields: list[Field] = []
    offset = 0
    seen: set[str] = set()
    for i, f in enumerate(raw.get("fields", []), start=1):
        label = f"{where} field {i} ({f.get('id', '?')})"
        missing = [k for k in ("id", "name", "width", "kind") if k not in f]
        if missing:
            problems.append(f"{label}: missing {', '.join(missing)}")
            continue
        kind = KINDS.get(f["kind"])
        if kind is None:
            problems.append(f"{label}: unknown kind {f['kind']!r} (known: {', '.join(KINDS)})")
            continue
        if not _ID.match(f["id"]):
            problems.append(f"{label}: identifier must be ASCII snake_case")
        if f["id"] in seen and f["kind"] != "filler":
            problems.append(f"{label}: identifier {f['id']!r} is used twice")
        seen.add(f["id"])
        width = f["width"]
        if not isinstance(width, int) or width < 1:
            problems.append(f"{label}: width must be a positive whole number of bytes")
            continue
        if "offset" in f and f["offset"] != offset:
            problems.append(f"{label}: offset {f['offset']} is not contiguous (previous fields end at {offset})")
        pad, align = f.get("pad", kind.pad), f.get("align", kind.align)
        _check_padding(label, kind, pad, align, width, problems)
        if not isinstance(f.get("required", False), bool):
            problems.append(f"{label}: required must be true or false")
        fields.append(Field(f["id"], f["name"], width, kind.name, offset, pad, align, f.get("item"), f.get("note"),
                            f.get("value"), f.get("required") is True))
        offset += width
    if offset != length:
        problems.append(f"{where}: field widths sum to {offset} bytes, record_length is {length}")
    if not fields or fields[0].id != "record_type":
        problems.append(f"{where}: the first field must be record_type")
    code = str(raw.get("code", ""))
    if fields and fields[0].id == "record_type" and len(code.encode("ascii", "replace")) != fields[0].width:
        problems.append(f"{where}: code {code!r} must be exactly {fields[0].width} ASCII character(s)")
    return RecordType(role, code, tuple(fields))


def _check_padding(label: str, kind: Kind, pad: str, align: str, width: int, problems: list[str]) -> None:
    if pad not in PADS:
        problems.append(f"{label}: pad must be one of {sorted(PADS)}")
    if align not in ("left", "right"):
        problems.append(f"{label}: align must be left or right")
    if pad == "zero" and not kind.integer:
        problems.append(f"{label}: zero-fill is only for kind number (it would drop leading zeros of a string)")
    if kind.integer and width > 18:
        problems.append(f"{label}: a number field holds at most 18 digits")
    if pad == "fullwidth" and (kind.ascii or align != "left"):
        problems.append(f"{label}: full-width padding needs a CP932 text kind aligned left")


def _with_hash(layout: Layout) -> Layout:
    """Hash what changes the bytes or the columns (not titles, names or notes)."""
    body = {
        "encoding": layout.encoding,
        "record_length": layout.record_length,
        "terminator": layout.terminator,
        "ibm_extensions": layout.ibm_extensions,
        "records": {
            role: [rt.code, [(f.id, f.width, f.kind, f.offset, f.pad, f.align) for f in rt.fields]]
            for role, rt in layout.records.items()
        },
    }
    digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()
    return Layout(**{**layout.__dict__, "content_hash": f"sha256:{digest}"})


@cache
def _betten1() -> dict[str, list[str]]:
    raw = tomllib.loads((layouts_dir() / "betten1.toml").read_text(encoding="utf-8"))
    return {source: spec["items"] for source, spec in raw["files"].items()}


def _check_betten1(layout: Layout, problems: list[str]) -> None:
    """A layout of a 別添1 file must carry every item, once, in order, under 別添1's own name."""
    if layout.source == "output":
        return
    expected = _betten1().get(layout.source)
    if expected is None:
        problems.append(f"source {layout.source!r} is neither 'output' nor a file of 別添1 ({', '.join(_betten1())})")
        return
    got = [f for f in layout.data.fields if f.item is not None]
    numbers = [f.item for f in got]
    missing = sorted(set(range(1, len(expected) + 1)) - set(numbers))
    if missing:
        problems.append(f"records.data: 別添1 item(s) missing: {', '.join(map(str, missing))}")
    if numbers != sorted(set(numbers)):
        problems.append("records.data: 別添1 items must appear once each, in item order")
    for f in got:
        if not 1 <= f.item <= len(expected):
            problems.append(f"records.data field {f.id}: item {f.item} is not in {layout.source}")
        elif f.name != expected[f.item - 1]:
            problems.append(f"records.data field {f.id}: item {f.item} is named {expected[f.item - 1]!r} in 別添1")


def available_layouts() -> list[str]:
    """Names of the layouts shipped with juki (every layout file except the 別添1 reference list)."""
    return sorted(p.stem for p in layouts_dir().glob("*.toml") if p.stem != "betten1")


def load_layout(name_or_path: str | Path) -> Layout:
    """Load a shipped layout by name, or any layout file by path; raises LayoutError listing every problem."""
    path = Path(name_or_path)
    if path.suffix != ".toml":
        path = layouts_dir() / f"{name_or_path}.toml"
        if not path.exists():
            known = ", ".join(available_layouts())
            raise LayoutError(str(name_or_path), [f"no such layout; known layouts: {known}"])
    return _load(str(path.resolve()))


@cache
def _load(path: str) -> Layout:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as e:
        raise LayoutError(path, [f"cannot read layout file: {e}"]) from None
    problems: list[str] = []
    layout = read_layout_file(text, path, problems)
    if problems or layout is None:
        raise LayoutError(path, problems)
    return layout
