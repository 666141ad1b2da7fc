"""本人確認情報の更新情報 (change notices for the prefecture, 住基法第30条の6), from the diff's accepted changes."""

from __future__ import annotations

import polars as pl

from juki.layout import load_layout
from juki.steps.diff import BITMAP, KIND

LAYOUT = "koshin_tsuchi"


def build(changes: pl.DataFrame) -> pl.DataFrame:
    """One row per change, in 更新順番号 order; a death is a notice whose record is now 消除."""
    fields = [f.id for f in load_layout(LAYOUT).data.value_fields]
    removed = pl.col(KIND) == "removed"
    return changes.sort("koshin_jun_bango").with_columns(
        pl.when(removed).then(pl.lit("1")).otherwise(pl.col("record_jokyo_flag")).alias("record_jokyo_flag"),
        pl.col(BITMAP).alias("henko_komoku"),
    ).select(fields)
