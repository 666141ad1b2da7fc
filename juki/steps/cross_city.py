"""The check only a prefecture or the country can make: one person in two municipalities' files.

A 住民票コード and a 個人番号 are each one person's, nationwide. The same number in two cities' consistency files
is a person mid-move (current in one city, a 消除者 in the other, which keeps the record of who moved out) or an
error (current in both). Findings name a city's own record by its 住民票コード, the number that matched by its
field, and the other city by its 団体コード: never a value of the other city's record.

Works on key frames (``keys``), hash-partitioned by the number so that a part of the country fits one worker.
"""

from __future__ import annotations

import polars as pl

KEY_FIELDS = ("juminhyo_code", "kojin_bango")
CURRENT, REMOVED = "0", "1"  # レコード状況フラグ
RESIDENT_TWICE, MOVING, REMOVED_TWICE = "current_in_both", "mid_move", "removed_in_both"
EXPLAIN = {
    RESIDENT_TWICE: "a current resident of both cities: one of them must remove the person (an error)",
    MOVING: "current in one city, a 消除者 in the other: a person mid-move (normal while the 転入 is new)",
    REMOVED_TWICE: "a 消除者 in both cities: old history on both sides, nothing current",
}
FINDING_COLUMNS = ("field", "juminhyo_code", "here", "other_city", "there", "kind")
KEYS_SCHEMA = {"dantai_code": pl.String, "key": pl.String, "juminhyo_code": pl.String, "flag": pl.String}


def keys(frame: pl.DataFrame, dantai_code: str, field: str, parts: int) -> dict[int, pl.DataFrame]:
    """One city's numbers of ``field`` (blank ones left out), split into ``parts`` by the number."""
    out = frame.select(pl.lit(dantai_code).alias("dantai_code"), pl.col(field).alias("key"), "juminhyo_code",
                       pl.col("record_jokyo_flag").fill_null(CURRENT).alias("flag")).filter(pl.col("key").is_not_null())
    bucket = (pl.col("key").cast(pl.Int64, strict=False) % parts).fill_null(0)
    split = out.with_columns(bucket.alias("_part")).partition_by("_part", as_dict=True, include_key=False)
    return {p: split.get((p,), out.clear()) for p in range(parts)}


def findings(keys_of_all: pl.DataFrame, field: str) -> pl.DataFrame:
    """Every pair (this city's record, another city) sharing a number of ``field``, both directions."""
    if keys_of_all.is_empty():
        return empty()
    frame = keys_of_all.cast(KEYS_SCHEMA)
    shared = frame.filter(pl.col("dantai_code").n_unique().over("key") > 1)
    pairs = shared.join(shared.select("key", pl.col("dantai_code").alias("other_city"),
                                      pl.col("flag").alias("there_flag")), on="key")
    pairs = pairs.filter(pl.col("dantai_code") != pl.col("other_city"))
    state = {CURRENT: "current", REMOVED: "removed"}
    here, there = pl.col("flag") == CURRENT, pl.col("there_flag") == CURRENT
    return pairs.select(
        "dantai_code", pl.lit(field).alias("field"), "juminhyo_code",
        pl.col("flag").replace_strict(state, default="removed").alias("here"), "other_city",
        pl.col("there_flag").replace_strict(state, default="removed").alias("there"),
        pl.when(here & there).then(pl.lit(RESIDENT_TWICE)).when(here | there).then(pl.lit(MOVING))
        .otherwise(pl.lit(REMOVED_TWICE)).alias("kind"),
    ).unique().sort("dantai_code", "field", "juminhyo_code", "other_city")


def empty() -> pl.DataFrame:
    return pl.DataFrame(schema={"dantai_code": pl.String, **{c: pl.String for c in FINDING_COLUMNS}})


def counts(found: pl.DataFrame) -> dict[str, int]:
    got = dict(found.group_by("kind").len().iter_rows()) if found.height else {}
    return {k: int(got.get(k, 0)) for k in (RESIDENT_TWICE, MOVING, REMOVED_TWICE)}
