"""Reconciliation of a consistency file that comes back from the prefecture or J-LIS with ours.

Ours is a snapshot (Parquet) or a consistency file; theirs a consistency file of the same layout. Records pair
on 住民票コード. What comes out names records by that key and fields by their identifiers, never by value:
only ours, only theirs, and for records on both sides the fields that differ.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from juki import storage
from juki.codec.reader import read_records
from juki.errors import InputUnusable, Where
from juki.layout import load_layout
from juki.steps.seigo_kakunin import LAYOUT

KEY = "juminhyo_code"
ONLY_OURS, ONLY_THEIRS, DIFFERS = "only_ours", "only_theirs", "differs"
EXPLAIN = {
    ONLY_OURS: "in our 本人確認情報 but not in theirs: a notice they did not apply, or a person they removed",
    ONLY_THEIRS: "in theirs but not in ours: a person we removed (or never had) that they still keep",
    DIFFERS: "on both sides with different values in the fields listed: a change one side has not applied",
}


@dataclass(frozen=True)
class Reconciliation:
    ours: int
    theirs: int
    discrepancies: pl.DataFrame  # juminhyo_code, kind, fields
    by_field: dict[str, int]

    @property
    def agree(self) -> bool:
        return self.discrepancies.height == 0

    def counts(self) -> dict[str, int]:
        kinds = self.discrepancies["kind"].value_counts()
        got = dict(zip(kinds["kind"].to_list(), kinds["count"].to_list(), strict=True))
        return {k: got.get(k, 0) for k in (ONLY_OURS, ONLY_THEIRS, DIFFERS)}


def load_side(location) -> pl.DataFrame:
    """A snapshot (.parquet) or a consistency file, as the consistency layout's fields; keys checked unique."""
    fields = [f.id for f in load_layout(LAYOUT).data.value_fields]
    name = storage.display_name(location)
    if str(location).endswith(".parquet"):
        with storage.open_input(location) as fh:
            frame = pl.read_parquet(fh)
        missing = [f for f in fields if f not in frame.columns]
        if missing:
            raise InputUnusable(f"not a snapshot: it lacks {', '.join(missing[:3])}", Where(file=name))
        frame = frame.select(fields)
    else:
        frame, _ = read_records(location, load_layout(LAYOUT))
        frame = frame.select(fields)
    nulls, dups = frame[KEY].null_count(), frame[KEY].is_duplicated().sum()
    if nulls or dups:
        raise InputUnusable(f"住民票コード must be unique and present: {nulls} blank, {dups} duplicated",
                            Where(file=name, field=KEY))
    return frame


def reconcile(ours: pl.DataFrame, theirs: pl.DataFrame) -> Reconciliation:
    fields = [c for c in ours.columns if c != KEY]
    both = ours.with_columns(pl.lit(True).alias("_in_ours")).join(
        theirs.with_columns(pl.lit(True).alias("_in_theirs")), on=KEY, how="full", suffix="_t", coalesce=True)
    mine, yours = pl.col("_in_ours").fill_null(False), pl.col("_in_theirs").fill_null(False)
    differs = {f: (pl.col(f).ne_missing(pl.col(f"{f}_t")) & mine & yours) for f in fields}
    flagged = both.with_columns(*(d.alias(f"_d_{f}") for f, d in differs.items()))
    listed = pl.concat_list([pl.when(pl.col(f"_d_{f}")).then(pl.lit(f)) for f in fields]).list.drop_nulls()
    out = flagged.select(
        pl.col(KEY),
        pl.when(~yours).then(pl.lit(ONLY_OURS)).when(~mine).then(pl.lit(ONLY_THEIRS))
        .when(pl.any_horizontal(*(pl.col(f"_d_{f}") for f in fields))).then(pl.lit(DIFFERS)).alias("kind"),
        listed.list.join(",").alias("fields"),
    ).filter(pl.col("kind").is_not_null()).sort("kind", KEY)
    by_field = flagged.select(pl.col(f"_d_{f}").sum().alias(f) for f in fields).row(0, named=True)
    return Reconciliation(ours.height, theirs.height, out, {f: n for f, n in by_field.items() if n})
