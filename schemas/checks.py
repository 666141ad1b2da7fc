"""Building blocks of the schemas: a pandera check from a polars expression, and the checks every field gets
from its layout (kind, width) and from the code tables.

Every check is named by its rule identifier (see catalogue.py): the rule is what a reject row reports, and
the check's failure values, which pandera collects, are dropped before anything leaves validation.
"""

from __future__ import annotations

from collections.abc import Callable

import pandera.polars as pa
import polars as pl
from pandera.api.polars.types import PolarsData

from juki.checks.rules import cp932_len_expr, ymd_is_valid_expr
from juki.layout import Field, Layout
from juki.layout.codes import tables_for

ExprOf = Callable[[pl.Expr], pl.Expr]


def rule(rule_id: str, ok: Callable[[str], pl.Expr]) -> pa.Check:
    """A check that passes where ``ok(column_name)`` is true. Null means "not applicable" and passes: whether a
    value must be present is the ``required`` rule's business, not every rule's."""

    def check(data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(ok(data.key).fill_null(True).alias(data.key))

    return pa.Check(check, name=rule_id)


def on_column(rule_id: str, ok: ExprOf) -> pa.Check:
    """A rule about one column's own values."""
    return rule(rule_id, lambda key: ok(pl.col(key)))


_PATTERNS = {
    "digits": r"^[0-9]+$",
    "timestamp": r"^[0-9]{14}$",
    "flag": r"^[01]$",
}


def kind_checks(f: Field, skip: set[str]) -> list[pa.Check]:
    """What the field's kind promises, whatever fills the frame (the codec, derive, a hand-made Parquet)."""
    checks = []
    if f.kind in _PATTERNS and f"kind.{f.kind}" not in skip:
        pattern = _PATTERNS[f.kind]
        checks.append(on_column(f"kind.{f.kind}", lambda c: c.str.contains(pattern)))
    if f.kind == "date" and "kind.date" not in skip:
        checks.append(on_column("kind.date", ymd_is_valid_expr))
    if f.integer:
        checks.append(on_column("kind.width", lambda c: c.is_between(0, 10**f.width - 1)))
    elif not f.ascii:
        checks.append(pa.Check(lambda data: _fits_cp932(data, f.width), name="kind.width"))
    else:
        checks.append(on_column("kind.width", lambda c: c.str.len_bytes() <= f.width))
    return checks


def _fits_cp932(data: PolarsData, width: int) -> pl.LazyFrame:
    """CP932 byte length ≤ width. A value of at most width/2 characters always fits (no character takes more
    than two bytes), which settles almost every row at the price of a character count; the exact byte count
    runs only when some row is longer than that."""
    column = data.lazyframe.select(pl.col(data.key)).collect()
    c = pl.col(data.key)
    if column.select((c.str.len_chars() <= width // 2).fill_null(True).all()).item():
        return column.lazy().select(pl.repeat(True, pl.len()).alias(data.key))
    return column.lazy().select((cp932_len_expr(c) <= width).fill_null(True).alias(data.key))


def code_table_check(layout: Layout, field_id: str) -> list[pa.Check]:
    t = tables_for(layout.name).get(field_id)
    if t is None:
        return []
    codes = t.codes
    return [on_column(f"code_table.{t.name}", lambda c: c.is_in(codes))]


def layout_columns(layout: Layout, skips: dict[str, set[str]]) -> dict[str, pa.Column]:
    """A pandera column per data field: dtype, kind and width checks, code table. ``skips`` lets a model replace
    a generic rule for a field (e.g. 生年月日 accepts 不詳 dates, which kind.date refuses)."""
    columns = {}
    for f in layout.data.value_fields:
        checks = kind_checks(f, skips.get(f.id, set())) + code_table_check(layout, f.id)
        columns[f.id] = pa.Column(pl.Int64 if f.integer else pl.String, checks, nullable=not f.required)
    return columns
