"""Make a 'returned' consistency file with four planted differences, to try `juki reconcile` on the sample.

    python docs/plant_differences.py OURS.dat THEIRS.dat

Changes one address, drops one record, adds one record and changes one 個人番号 (to a valid test number), then
writes the result with the same layout (new trailer count and content hash). Prints the keys it touched.
"""

from __future__ import annotations

import sys

import polars as pl

from juki import storage
from juki.layout import load_layout
from juki.reader import read_records
from juki.writer import write_records


def main(ours: str, theirs: str) -> None:
    layout = load_layout("seigo_kakunin")
    df, result = read_records(ours, layout)
    df = df.drop("record_no")
    keys = df["juminhyo_code"].to_list()
    moved, missing, renumbered = keys[10], keys[20], keys[30]
    df = df.with_columns(
        pl.when(pl.col("juminhyo_code") == moved).then(pl.lit("宮城県石巻市穀町１４番１号")).otherwise("jusho")
        .alias("jusho"),
        pl.when(pl.col("juminhyo_code") == renumbered).then(pl.lit("123456789018")).otherwise("kojin_bango")
        .alias("kojin_bango"),
    ).filter(pl.col("juminhyo_code") != missing)
    extra = df.head(1).with_columns(pl.lit("99999999996").alias("juminhyo_code"))
    with storage.atomic_output(theirs) as sink:
        write_records(sink, layout, pl.concat([df, extra]).sort("juminhyo_code"), result.header)
    print(f"planted: address of {moved}, 個人番号 of {renumbered}, removed {missing}, added 99999999996")


if __name__ == "__main__":
    main(*sys.argv[1:3])
