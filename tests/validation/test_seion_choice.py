"""The 清音化 key of 本人確認情報 is checked by the city's own rules (city.toml [seion]), not one fixed rule."""

from __future__ import annotations

import polars as pl

from juki.checks.context import Context
from juki.checks.rules import default_seion_rules, seion_kana
from juki.codec.reader import read_records
from juki.layout import load_layout
from juki.schemas.validate import validate_frame
from tests.validation.conftest import DEFECTS_DIR


def test_the_key_is_checked_by_the_citys_rules():
    layout = load_layout("honnin_kakunin")
    df, _ = read_records(DEFECTS_DIR / "honnin_kakunin" / "clean.dat", layout)
    keeps_choon = default_seion_rules().choose({"choon": False})
    # One resident whose reading has a long-vowel mark, keyed the way this city keys it: ー kept.
    df = df.with_columns(pl.when(pl.int_range(pl.len()) == 0).then(pl.lit("ヤマダ　タロー")).otherwise("furigana")
                         .alias("furigana"))
    df = df.with_columns(pl.col("furigana").map_elements(lambda f: seion_kana(f, keeps_choon), pl.String)
                         .alias("seion_kana"))
    mine = validate_frame(df.drop("record_no"), layout, Context("20260402", seion=keeps_choon))
    assert mine.filter(pl.col("rule") == "seion_kana.mismatch").height == 0
    default = validate_frame(df.drop("record_no"), layout, Context("20260402"))
    assert default.filter(pl.col("rule") == "seion_kana.mismatch").height == 1
