"""住民基本台帳 → 本人確認情報: the 36 items of 別添1 (2), derived column by column.

Who is in it (seed, 別添1 (2) 対象となる本人の範囲): every resident and every 消除者, except those removed by
death. The dead are returned too, flagged, because the diff must explain why they leave the snapshot; so are
消除者 past the retention period (150 years), who leave it without a notice. Records held for manual review
(処理停止情報) are flagged; the diff keeps their previous version.

Items whose value depends on history (住民となった日 of a person whose last change did not begin a
residence, 旧住民票コード, 住民票コード使用年月日, 更新順番号, 更新禁止フラグ) are left null here and filled by the
diff from the prior snapshot. The 異動年月日 is the source's 住民異動年月日, or its 除票異動年月日 for a 消除, or its
住民届出年月日 for the 異動事由 the code table dates so (a correction or a withdrawal: the day the city acted;
docs/DOMAIN.md).
"""

from __future__ import annotations

import polars as pl

from juki.checks.rules import count_gaiji_expr, has_gaiji_expr, seion_kana_expr
from juki.city import CityConfig
from juki.codec.reader import RECORD_NO, column_schema
from juki.layout import load_layout
from juki.layout.codes import table

# The 住民基本台帳 fields the derivation reads (the nightly job decodes only these).
SOURCE_FIELDS = [
    "kojin_bango", "shikibetsu_bango", "shojo_flag", "jumin_shubetsu", "juminhyo_code", "shimei", "shimei_furigana",
    "seibetsu", "seinengappi", "nengo_code", "seinengappi_wareki", "seinengappi_fusho_code",
    "seinengappi_fusho_moji", "zokugara1", "jusho_code", "jusho", "yubin_bango", "zen_jusho", "zen_jusho_code",
    "jumin_ido_ymd", "jumin_todoke_ymd", "ido_jiyu", "gaikokujin_jumin_ymd", "jutei_ymd", "johyo_ido_ymd",
    "ho30_45_kubun", "zairyu_kikan_manryo_ymd", "shori_teishi", "setai_bango", "setainushi_shimei",
    "tenshutsu_jusho_code", "tenshutsu_jusho",
]
# Carried beside the 36 items: the stable person id that links a 住民票コード change, what 送付先情報 needs (the
# household a mailing goes to, its 世帯主), and the 転出先 that tells a 転出 from a 国外転出.
EXTRA = ["shikibetsu_bango", "ho30_45_kubun", "zairyu_kikan_manryo_ymd", "setai_bango", "setainushi_shimei",
         "tenshutsu_jusho_code", "tenshutsu_jusho"]
HELD, DEAD, EXPIRED = "_held", "_dead", "_expired"


def honnin_columns() -> list[str]:
    return [f.id for f in load_layout("honnin_kakunin").data.value_fields]


def full_width_kana(e: pl.Expr) -> pl.Expr:
    """The legacy system's half-width フリガナ as full-width katakana (NFKC), spaces full-width too."""
    return e.str.normalize("NFKC").str.replace_all(" ", "\u3000", literal=True)


def derive(juki: pl.DataFrame, config: CityConfig, business_date: str) -> pl.DataFrame:
    """One row per person of the 住民基本台帳 file: the 本人確認情報 items, EXTRA, RECORD_NO, HELD and DEAD."""
    ido = table("ido_jiyu")
    begins = ido.codes_where("begins", "1")  # 転入, 出生 …: not 改製, 記載の回復, which keep the first day
    by_todoke = ido.codes_where("dated", "todoke")  # 職権修正, 転出取消 …: dated the day the city acted
    removed = pl.col("shojo_flag") == "1"
    # The reading is computed once, as a column: the 清音化 key is fastest on a plain column (juki/rules/seion.py).
    juki = juki.with_columns(full_width_kana(pl.col("shimei_furigana")).alias("_furigana"))
    furigana = pl.col("_furigana")
    items = [
        pl.col("juminhyo_code"),
        pl.col("shimei"),
        count_gaiji_expr(pl.col("shimei")).alias("shimei_gaiji_su"),
        furigana.alias("furigana"),
        seion_kana_expr(furigana, config.seion).alias("seion_kana"),
        pl.col("seinengappi"),
        pl.col("seibetsu"),
        pl.lit(config.dantai_code).alias("shichoson_code"),
        pl.col("jusho_code").str.slice(6, 7).alias("oaza_code"),
        pl.col("yubin_bango"),
        pl.col("jusho"),
        count_gaiji_expr(pl.col("jusho")).alias("jusho_gaiji_su"),
        pl.col("kojin_bango"),
        pl.coalesce("gaikokujin_jumin_ymd", pl.when(pl.col("ido_jiyu").is_in(begins)).then("jumin_ido_ymd"))
        .alias("jumin_ymd"),
        pl.col("jutei_ymd"),
        pl.col("jumin_todoke_ymd").alias("todoke_ymd"),
        pl.col("zen_jusho_code").str.slice(0, 6).alias("tennyu_mae_shichoson_code"),
        pl.col("zen_jusho").alias("tennyu_mae_jusho"),
        count_gaiji_expr(pl.col("zen_jusho")).alias("tennyu_mae_jusho_gaiji_su"),
        pl.col("zokugara1").alias("zokugara"),
        pl.col("ido_jiyu"),
        pl.when(pl.col("ido_jiyu").is_in(by_todoke)).then(pl.coalesce("jumin_todoke_ymd", "jumin_ido_ymd"))
        .when(removed).then(pl.coalesce("johyo_ido_ymd", "jumin_ido_ymd")).otherwise("jumin_ido_ymd")
        .alias("ido_ymd"),
        pl.lit(None, pl.String).alias("ido_jiyu_shosai"),
        pl.lit(None, pl.String).alias("kyu_juminhyo_code"),
        pl.lit(None, pl.String).alias("juminhyo_code_shiyo_ymd"),
        pl.lit(None, pl.String).alias("irai_kanri_bango"),
        pl.lit(config.operator_id).alias("sosasha_id"),
        pl.lit(config.terminal_id).alias("tanmatsu_sosa_id"),
        pl.lit(None, pl.Int64).alias("koshin_jun_bango"),
        pl.lit(None, pl.Int64).alias("ijoji_koshin_jun_bango"),
        pl.lit(None, pl.String).alias("koshin_kinshi_flag"),
        pl.lit("0").alias("yoteisha_flag"),
        pl.lit("0").alias("haita_flag"),
        pl.when(pl.any_horizontal(*(has_gaiji_expr(pl.col(c)).fill_null(False)
                                    for c in ("shimei", "jusho", "zen_jusho")))).then(pl.lit("1"))
        .otherwise(pl.lit("0")).alias("gaiji_flag"),
        pl.when(removed).then(pl.lit("1")).otherwise(pl.lit("0")).alias("record_jokyo_flag"),
        # The business date, not the clock: the same input gives the same bytes.
        pl.lit(f"{business_date}000000").alias("timestamp"),
    ]
    # 除票 past the retention period (住基法施行令第34条: 150 years) leave the snapshot, without a notice.
    cutoff = f"{int(business_date[:4]) - config.johyo_years:04d}{business_date[4:]}"
    flags = [(pl.col("shori_teishi") == "1").fill_null(False).alias(HELD),
             (removed & (pl.col("ido_jiyu") == ido.code_of("死亡"))).fill_null(False).alias(DEAD),
             (removed & (pl.coalesce("johyo_ido_ymd", "jumin_ido_ymd") < cutoff)).fill_null(False).alias(EXPIRED)]
    out = juki.select(*items, *[pl.col(c) for c in EXTRA], pl.col(RECORD_NO), *flags)
    return out.select(*honnin_columns(), *EXTRA, RECORD_NO, HELD, DEAD, EXPIRED).cast(
        column_schema(load_layout("honnin_kakunin").data))
