"""送付先情報 for J-LIS (別添1 (3)): one record per person newly given a 個人番号, grouped into mailings.

Who: a person whose change gave them a first 個人番号, as the diff reads it from their history (diff.NEWLY: a
birth, a first entry from abroad, a 個人番号 change…, and a number the register never held for them), not from the
異動事由 alone: a returnee from abroad keeps the 個人番号 they had and gets no new 通知書.

The 個人番号通知書 go by post to a household: one mailing (送付先管理番号) per household and address, 対象となる人数
its persons in this file, addressed (送付先氏名) to the 世帯主 or, as the city chooses, to each person
(city.toml [sofusaki] addressee). Kanji items travel as 項目長 (CP932 bytes) + value + 外字数. J-LIS cannot print
外字: each is replaced by the city's 代替文字 and the positions of the 代替文字 in the replaced text are recorded
(a 代替文字 may be several characters). A 外字 the table lacks rejects the person, or, where the city says so, is
sent as its placeholder with 代替文字変換結果 2. The city's own items (市町村, 交付場所, カード送付場所) come from
city.toml. docs/DOMAIN.md (送付先情報) gives the sources.
"""

from __future__ import annotations

import polars as pl

from juki.checks.catalogue import rule_for
from juki.checks.rules import (
    count_gaiji_expr,
    cp932_len_expr,
    daitai_positions_expr,
    has_gaiji_expr,
    replace_gaiji_expr,
)
from juki.city import CityConfig
from juki.codec.reader import RECORD_NO, column_schema
from juki.layout import load_layout
from juki.steps.diff import KIND, NEWLY

TEXTS = ("shimei", "jusho")  # the person's items that J-LIS gets with 代替文字
MAILING = "_mailing"


def newly_numbered(changes: pl.DataFrame) -> pl.DataFrame:
    return changes.filter(pl.col(NEWLY).fill_null(False) & (pl.col(KIND) != "removed"))


def mailings(people: pl.DataFrame) -> pl.DataFrame:
    """The people with MAILING, the number of their mailing: one per household (世帯番号) and address, numbered in
    the order of the first notice of each; a person without a 世帯番号 is a mailing alone."""
    household = pl.coalesce(pl.col("setai_bango"), pl.lit("person ") + pl.col("juminhyo_code"))
    keyed = people.sort("koshin_jun_bango").with_columns(
        pl.concat_str([household, pl.col("yubin_bango").fill_null(""), pl.col("jusho").fill_null("")],
                      separator="\x1f").alias("_key"))
    first = keyed.group_by("_key").agg(pl.col("koshin_jun_bango").min().alias("_first"))
    order = first.sort("_first").with_columns(pl.int_range(1, pl.len() + 1).alias(MAILING))
    return keyed.join(order.select("_key", MAILING), on="_key").sort(MAILING, "koshin_jun_bango").drop("_key")


def _text(value: str, name: str, gaiji: bool = True) -> list[pl.Expr]:
    """項目長, value and (if the item has one) 外字数 of a constant text from the city configuration."""
    lit = pl.lit(value)
    out = [cp932_len_expr(lit).alias(f"{name}_len"), lit.alias(name)]
    return out + ([count_gaiji_expr(lit).alias(f"{name}_gaiji_su")] if gaiji else [])


def _item(value: pl.Expr, name: str, gaiji: bool = True) -> list[pl.Expr]:
    out = [cp932_len_expr(value).alias(f"{name}_len"), value.alias(name)]
    return out + ([count_gaiji_expr(value).fill_null(0).alias(f"{name}_gaiji_su")] if gaiji else [])


def build(changes: pl.DataFrame, config: CityConfig, business_date: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The 送付先情報 records, and rejects for persons whose 外字 have no 代替文字 (left out of the file) unless the
    city sends those with a placeholder."""
    policy = config.sofusaki
    mapping = config.daitai_moji
    people = newly_numbered(changes)
    if policy.unmapped_gaiji == "reject":
        left = {c: replace_gaiji_expr(pl.col(c), mapping) for c in TEXTS}
        unmapped = people.filter(pl.any_horizontal(*(has_gaiji_expr(e).fill_null(False) for e in left.values())))
        people = people.join(unmapped.select("juminhyo_code"), on="juminhyo_code", how="anti")
    else:
        unmapped = people.head(0)
    placeholder = policy.placeholder if policy.unmapped_gaiji == "placeholder" else None
    people = mailings(people)
    has = {c: has_gaiji_expr(pl.col(c)).fill_null(False) for c in TEXTS}
    any_gaiji = has["shimei"] | has["jusho"]
    lacking = pl.any_horizontal(*(has_gaiji_expr(replace_gaiji_expr(pl.col(c), mapping)).fill_null(False)
                                  for c in TEXTS))
    addressee = pl.col("shimei") if policy.addressee == "person" else pl.coalesce("setainushi_shimei", "shimei")
    office, kofu, card = config.office, config.kofu_basho, config.card_sofu_basho
    out = people.select(
        (pl.lit(business_date) + pl.col(MAILING).cast(pl.String).str.zfill(7)).alias("sofusaki_kanri_bango"),
        pl.col("yubin_bango").alias("sofusaki_yubin_bango"),
        *_item(pl.col("jusho"), "sofusaki_jusho"), *_item(addressee, "sofusaki_shimei"),
        pl.lit(config.dantai_code).alias("shichoson_code"),
        *_text(config.name, "shichoson_mei", gaiji=False), pl.lit(office.yubin_bango).alias("shichoson_yubin_bango"),
        *_text(office.jusho, "shichoson_jusho"), pl.lit(office.denwa).alias("shichoson_denwa"),
        *_text(kofu.name, "kofu_basho_mei"), pl.lit(kofu.yubin_bango).alias("kofu_basho_yubin_bango"),
        *_text(kofu.jusho, "kofu_basho_jusho"), pl.lit(kofu.denwa).alias("kofu_basho_denwa"),
        *_text(card.name, "card_sofu_basho_mei"), pl.lit(card.yubin_bango).alias("card_sofu_basho_yubin_bango"),
        *_text(card.jusho, "card_sofu_basho_jusho"), pl.lit(card.denwa).alias("card_sofu_basho_denwa"),
        pl.len().over(MAILING).cast(pl.Int64).alias("taisho_ninzu"),
        pl.lit(business_date).alias("shori_ymd"),
        pl.lit(config.operator_id).alias("sosasha_id"), pl.lit(config.terminal_id).alias("sosa_tanmatsu_id"),
        pl.lit("1").alias("insatsu_kubun"),
        pl.col("juminhyo_code"), *_item(pl.col("shimei"), "shimei"),
        *_item(pl.col("furigana"), "shimei_kana", gaiji=False),
        pl.col("yubin_bango"), *_item(pl.col("jusho"), "jusho"),
        pl.col("seinengappi"), pl.col("seibetsu"), pl.col("kojin_bango"),
        pl.col("ho30_45_kubun"), pl.col("zairyu_kikan_manryo_ymd"),
        # 代替文字変換結果 (code table): 0 no 外字, 1 every 外字 has its 代替文字, 2 some stand as the placeholder.
        pl.when(~any_gaiji).then(pl.lit("0")).when(lacking).then(pl.lit("2")).otherwise(pl.lit("1"))
        .alias("daitai_moji_kekka"),
        *(e for c in TEXTS for e in _replaced(c, mapping, placeholder, has[c])),
        *(daitai_positions_expr(pl.col(c), mapping, placeholder).alias(f"daitai_{c}_ichi") for c in TEXTS),
        pl.when(any_gaiji).then(pl.lit("1")).otherwise(pl.lit("0")).alias("gaiji_flag"),
        (has["shimei"].cast(pl.Int8) + 2 * has["jusho"].cast(pl.Int8)).cast(pl.String).alias("gaiji_pattern"),
        pl.col(RECORD_NO),
    )
    out = out.cast(column_schema(load_layout("sofusaki").data))
    return out, rule_for("gaiji.unmapped").rejects(unmapped, "shimei")


def _replaced(name: str, mapping: dict[str, str], placeholder: str | None, has: pl.Expr) -> list[pl.Expr]:
    """代替文字 items only for a value that had 外字; blank otherwise."""
    value = pl.when(has).then(replace_gaiji_expr(pl.col(name), mapping, placeholder))
    return [cp932_len_expr(value).alias(f"daitai_{name}_len"), value.alias(f"daitai_{name}")]
