"""pandera schemas (polars backend) of every layout: ``schema_for(layout, context)``.

A layout's schema is its DataFrameModel (the domain rules, declared field by field) merged with what the
layout and the code tables say of every field (dtype, kind, width, code table), plus the rules that depend on
the run: the 住民票コード check-digit rule and the 清音化 choices configured by the city, and the file's date.
Installed as ``juki.schemas`` (see pyproject.toml); the repository keeps it at the top so that it is easy to find.

Each model states its rules one line each (``domain.rule``); the expressions are written once, in domain.py.
"""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

from juki.checks.context import Context
from juki.checks.rules import is_valid_expr, seion_kana_expr
from juki.layout import Layout

from . import honnin_kakunin, juki_daicho, sofusaki
from .checks import layout_columns, on_column
from .checks import rule as check

__all__ = ["Context", "MODELS", "schema_for"]

MODELS = {
    "honnin_kakunin": (honnin_kakunin, honnin_kakunin.HonninKakunin),
    "juki_daicho": (juki_daicho, juki_daicho.JukiDaicho),
    "sofusaki": (sofusaki, sofusaki.Sofusaki),
}


def schema_for(layout: Layout, context: Context = Context()) -> pa.DataFrameSchema:  # noqa: B008 - frozen
    columns = layout_columns(layout, getattr(MODELS.get(layout.name, (None,))[0], "SKIP", {}))
    if layout.name not in MODELS:
        return pa.DataFrameSchema(columns, strict=False, name=layout.name)
    module, model = MODELS[layout.name]
    for field_id, declared in model.to_schema().columns.items():
        columns[field_id] = _with(columns[field_id], declared.checks, declared.unique)
    for field_id, checks in _run_checks(module, context).items():
        columns[field_id] = _with(columns[field_id], checks)
    return pa.DataFrameSchema(columns, strict=False, name=model.Config.name)


def _with(column: pa.Column, checks: list[pa.Check], unique: bool | None = None) -> pa.Column:
    """The column with the model's checks first (domain rules report before generic ones). Whether a value is
    required is the layout's say (``required = true`` in its file), never the model's: one place for each fact."""
    return pa.Column(column.dtype, [*checks, *column.checks], nullable=column.nullable,
                     unique=column.unique if unique is None else unique)


def _run_checks(module, context: Context) -> dict[str, list[pa.Check]]:
    out: dict[str, list[pa.Check]] = {}
    rule = context.juminhyo_rule
    for field_id in getattr(module, "JUMINHYO_CODE_FIELDS", ()):
        out.setdefault(field_id, []).extend([
            on_column("juminhyo_code.length", lambda c: c.str.contains(r"^[0-9]{11}$")),
            on_column("juminhyo_code.check_digit",
                      lambda c: pl.when(c.str.contains(r"^[0-9]{11}$")).then(is_valid_expr(c, rule))),
        ])
    for field_id, reading in getattr(module, "SEION_FIELDS", {}).items():
        out.setdefault(field_id, []).append(
            check("seion_kana.mismatch", lambda c, r=reading: pl.col(c) == seion_kana_expr(pl.col(r), context.seion)))
    if context.file_date:
        file_date = context.file_date
        for field_id in getattr(module, "FILE_DATE_FIELDS", ()):
            out.setdefault(field_id, []).append(
                on_column("ido_ymd.after_file_date", lambda c: c <= pl.lit(file_date)))
    return out
