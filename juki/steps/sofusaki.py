"""送付先情報 for J-LIS (別添1 (3)): one record per person newly given a 個人番号.

Who: a birth, a first entry from abroad, a 個人番号 change (DESIGN.md §1; seed II (3)). Kanji items travel as
項目長 (CP932 bytes) + value + 外字数. J-LIS cannot print 外字, so each is replaced by the city's 代替文字 and the
replaced character positions are recorded; a 外字 the city's table lacks is a reject, never a guess. The
city's own items (市町村, 交付場所, カード送付場所) come from city.toml.
"""

from __future__ import annotations

import polars as pl

from juki.checks.catalogue import rule_for
from juki.checks.rules import count_gaiji_expr, cp932_len_expr, gaiji_positions_expr, has_gaiji_expr, replace_gaiji_expr
from juki.city import CityConfig
from juki.codec.reader import RECORD_NO, column_schema
from juki.layout import load_layout
from juki.layout.codes import table
from juki.steps.diff import KIND

NEWLY_NUMBERED = ("出生", "国外からの転入", "個人番号の変更")


def newly_numbered(changes: pl.DataFrame) -> pl.DataFrame:
    ido = table("ido_jiyu")
    codes = [ido.code_of(name) for name in NEWLY_NUMBERED]
    return changes.filter(pl.col("ido_jiyu").is_in(codes) & (pl.col(KIND) != "removed"))


def _text(value: str, name: str, gaiji: bool = True) -> list[pl.Expr]:
    """項目長, value and (if the item has one) 外字数 of a constant text from the city configuration."""
    lit = pl.lit(value)
    out = [cp932_len_expr(lit).alias(f"{name}_len"), lit.alias(name)]
    return out + ([count_gaiji_expr(lit).alias(f"{name}_gaiji_su")] if gaiji else [])


def _item(source: str, name: str, gaiji: bool = True) -> list[pl.Expr]:
    c = pl.col(source)
    out = [cp932_len_expr(c).alias(f"{name}_len"), c.alias(name)]
    return out + ([count_gaiji_expr(c).fill_null(0).alias(f"{name}_gaiji_su")] if gaiji else [])


def build(changes: pl.DataFrame, config: CityConfig, business_date: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The 送付先情報 records, and rejects for persons whose 外字 have no 代替文字 (left out of the file)."""
    people = newly_numbered(changes).sort("koshin_jun_bango")
    mapping = config.daitai_moji
    replaced = {c: replace_gaiji_expr(pl.col(c), mapping) for c in ("shimei", "jusho")}
    unmapped = people.filter(pl.any_horizontal(*(has_gaiji_expr(e).fill_null(False) for e in replaced.values())))
    people = people.join(unmapped.select("juminhyo_code"), on="juminhyo_code", how="anti")
    has = {c: has_gaiji_expr(pl.col(c)).fill_null(False) for c in ("shimei", "jusho")}
    office, kofu, card = config.office, config.kofu_basho, config.card_sofu_basho
    out = people.select(
        (pl.lit(business_date) + pl.int_range(1, pl.len() + 1).cast(pl.String).str.zfill(7)).alias(
            "sofusaki_kanri_bango"),
        pl.col("yubin_bango").alias("sofusaki_yubin_bango"),
        *_item("jusho", "sofusaki_jusho"), *_item("shimei", "sofusaki_shimei"),
        pl.lit(config.dantai_code).alias("shichoson_code"),
        *_text(config.name, "shichoson_mei", gaiji=False), pl.lit(office.yubin_bango).alias("shichoson_yubin_bango"),
        *_text(office.jusho, "shichoson_jusho"), pl.lit(office.denwa).alias("shichoson_denwa"),
        *_text(kofu.name, "kofu_basho_mei"), pl.lit(kofu.yubin_bango).alias("kofu_basho_yubin_bango"),
        *_text(kofu.jusho, "kofu_basho_jusho"), pl.lit(kofu.denwa).alias("kofu_basho_denwa"),
        *_text(card.name, "card_sofu_basho_mei"), pl.lit(card.yubin_bango).alias("card_sofu_basho_yubin_bango"),
        *_text(card.jusho, "card_sofu_basho_jusho"), pl.lit(card.denwa).alias("card_sofu_basho_denwa"),
        pl.len().over("yubin_bango", "jusho").cast(pl.Int64).alias("taisho_ninzu"),
        pl.lit(business_date).alias("shori_ymd"),
        pl.lit(config.operator_id).alias("sosasha_id"), pl.lit(config.terminal_id).alias("sosa_tanmatsu_id"),
        pl.lit("1").alias("insatsu_kubun"),
        pl.col("juminhyo_code"), *_item("shimei", "shimei"), *_item("furigana", "shimei_kana", gaiji=False),
        pl.col("yubin_bango"), *_item("jusho", "jusho"),
        pl.col("seinengappi"), pl.col("seibetsu"), pl.col("kojin_bango"),
        pl.col("ho30_45_kubun"), pl.col("zairyu_kikan_manryo_ymd"),
        pl.when(has["shimei"] | has["jusho"]).then(pl.lit("1")).otherwise(pl.lit("0")).alias("daitai_moji_kekka"),
        *_replaced("shimei", replaced["shimei"], has["shimei"]), *_replaced("jusho", replaced["jusho"], has["jusho"]),
        gaiji_positions_expr(pl.col("shimei")).alias("daitai_shimei_ichi"),
        gaiji_positions_expr(pl.col("jusho")).alias("daitai_jusho_ichi"),
        pl.when(has["shimei"] | has["jusho"]).then(pl.lit("1")).otherwise(pl.lit("0")).alias("gaiji_flag"),
        (has["shimei"].cast(pl.Int8) + 2 * has["jusho"].cast(pl.Int8)).cast(pl.String).alias("gaiji_pattern"),
        pl.col(RECORD_NO),
    )
    out = out.cast(column_schema(load_layout("sofusaki").data))
    return out, rule_for("gaiji.unmapped").rejects(unmapped, "shimei")


def _replaced(name: str, text: pl.Expr, has: pl.Expr) -> list[pl.Expr]:
    """代替文字 items only for a value that had 外字; blank otherwise."""
    value = pl.when(has).then(text)
    return [cp932_len_expr(value).alias(f"daitai_{name}_len"), value.alias(f"daitai_{name}")]
