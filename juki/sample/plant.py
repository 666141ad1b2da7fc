"""Make a 'returned' consistency file with four planted differences, to try `juki reconcile` on the sample.

    python -m juki.sample.plant OURS.dat THEIRS.dat

Changes one address, drops one record, adds one record and changes one 個人番号 (to a valid test number), then
writes the result with the same layout (new trailer count and content hash). Prints the keys it touched.
"""

from __future__ import annotations

import sys

import polars as pl

from juki import storage
from juki.checks.rules import kojin_bango_check_digit
from juki.codec.reader import read_records
from juki.codec.writer import write_records
from juki.layout import load_layout

NEW_ADDRESS = "宮城県石巻市穀町１４番１号"
# A number docs/DOMAIN.md (Identifiers) gives as valid.
NEW_NUMBER = "12345678901" + str(kojin_bango_check_digit("12345678901"))


def plant_differences(ours, theirs) -> dict:
    """Write ``theirs`` from ``ours`` with the four differences; return what was planted, by key."""
    layout = load_layout("seigo_kakunin")
    df, result = read_records(ours, layout)
    df = df.drop("record_no")
    keys = df["juminhyo_code"].to_list()
    moved, missing, renumbered = keys[10], keys[20], keys[30]
    df = df.with_columns(
        pl.when(pl.col("juminhyo_code") == moved).then(pl.lit(NEW_ADDRESS)).otherwise("jusho")
        .alias("jusho"),
        pl.when(pl.col("juminhyo_code") == renumbered).then(pl.lit(NEW_NUMBER)).otherwise("kojin_bango")
        .alias("kojin_bango"),
    ).filter(pl.col("juminhyo_code") != missing)
    extra = df.head(1).with_columns(pl.lit("99999999996").alias("juminhyo_code"))
    with storage.atomic_output(theirs) as sink:
        write_records(sink, layout, pl.concat([df, extra]).sort("juminhyo_code"), result.header)
    return {"differs": {moved: "jusho", renumbered: "kojin_bango"}, "only_ours": missing, "only_theirs": "99999999996"}


if __name__ == "__main__":
    planted = plant_differences(*sys.argv[1:3])
    moved, renumbered = planted["differs"]
    print(f"planted: address of {moved}, 個人番号 of {renumbered}, removed {planted['only_ours']}, "
          f"added {planted['only_theirs']}")
