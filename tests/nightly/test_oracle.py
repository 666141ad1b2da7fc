"""Correctness oracle: the nightly counts agree with an independent comparison of the two days' raw records.

The oracle does not use juki's derive or diff: it joins the two 住民基本台帳 files on the internal person id
(識別番号) with plain polars and classifies persons by what their raw records say.
"""

from __future__ import annotations

import polars as pl

from juki.codec.reader import read_records
from juki.layout import load_layout
from juki.layout.codes import table
from tests.conftest import DAYS, sample_input


def oracle(before: str, after: str) -> dict:
    layout = load_layout("juki_daicho")
    a, _ = read_records(sample_input(before), layout)
    b, _ = read_records(sample_input(after), layout)
    fields = [f.id for f in layout.data.value_fields]
    death = table("ido_jiyu").code_of("死亡")
    dead = (pl.col("shojo_flag") == "1") & (pl.col("ido_jiyu") == death)
    held = pl.col("shori_teishi") == "1"
    new = b.filter(~dead & ~held).join(a, on="shikibetsu_bango", how="anti")
    # Persons the prior snapshot holds: not dead, not held (a held new person never entered it).
    both = a.filter(~dead & ~held).join(b.filter(~held), on="shikibetsu_bango", suffix="_b")
    differs = pl.any_horizontal(*(pl.col(c).ne_missing(pl.col(f"{c}_b")) for c in fields if c != "shikibetsu_bango"))
    touched = both.filter(differs)
    died = touched.filter((pl.col("shojo_flag_b") == "1") & (pl.col("ido_jiyu_b") == death))
    recoded = touched.filter(pl.col("juminhyo_code") != pl.col("juminhyo_code_b"))
    return {"added": new.height, "removed": died.height, "code_changed": recoded.height,
            "changed": touched.height - died.height - recoded.height}


def test_counts_agree_with_an_independent_join(sample_runs):
    _, runs = sample_runs
    for before, after, manifest in zip(DAYS, DAYS[1:], runs[1:], strict=False):
        expected = {k: v for k, v in oracle(before, after).items() if v}
        assert manifest.changes == expected, (before, after)
