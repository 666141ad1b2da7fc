"""Code tables (性別, 続柄, 異動事由, 年号 …): CSV files under layouts/codes, indexed by index.toml.

Changing a table, or which layout fields it checks, is an edit of those files, never of code. The index names
each table's file, title, source and the ``layout.field`` pairs whose values must be one of its codes.
"""

from __future__ import annotations

import csv
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from juki.errors import LayoutError
from juki.layout import layouts_dir


@dataclass(frozen=True)
class CodeTable:
    name: str
    title: str
    source: str
    rows: tuple[dict, ...]
    fields: tuple[str, ...]  # "layout.field" pairs checked against the table

    @property
    def codes(self) -> list[str]:
        return [r["code"] for r in self.rows]

    def codes_where(self, column: str, value: str) -> list[str]:
        """Codes whose ``column`` is ``value``, e.g. the 異動事由 of kind 消除."""
        return [r["code"] for r in self.rows if r.get(column) == value]

    def code_of(self, name: str) -> str:
        """The code named ``name`` (e.g. 異動事由 "転居"); a missing name is a broken table."""
        for r in self.rows:
            if r["name"] == name:
                return r["code"]
        raise LayoutError(f"code table {self.name}", [f"no code named {name!r}"])


def codes_dir() -> Path:
    return layouts_dir() / "codes"


@cache
def code_tables() -> dict[str, CodeTable]:
    index_path = codes_dir() / "index.toml"
    try:
        index = tomllib.loads(index_path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise LayoutError(str(index_path), [f"cannot read the code table index: {e}"]) from None
    tables, problems = {}, []
    for name, spec in index.items():
        path = codes_dir() / spec.get("file", "")
        try:
            with path.open(encoding="utf-8", newline="") as fh:
                rows = tuple(r for r in csv.DictReader(line for line in fh if not line.startswith("#")))
        except OSError as e:
            problems.append(f"[{name}]: cannot read {path.name}: {e.strerror}")
            continue
        key = spec.get("key", "code")  # the column holding the codes
        if not rows or key not in rows[0]:
            problems.append(f"[{name}]: {path.name} needs a header row with a {key!r} column and at least one code")
            continue
        rows = tuple({**r, "code": r[key]} for r in rows)
        tables[name] = CodeTable(name, spec.get("title", name), spec.get("source", ""), rows,
                                 tuple(spec.get("fields", ())))
    if problems:
        raise LayoutError(str(index_path), problems)
    return tables


def table(name: str) -> CodeTable:
    return code_tables()[name]


def tables_for(layout_name: str) -> dict[str, CodeTable]:
    """Field id → the code table its values must come from, for one layout."""
    out = {}
    for t in code_tables().values():
        for ref in t.fields:
            owner, _, field_id = ref.partition(".")
            if owner == layout_name:
                out[field_id] = t
    return out
