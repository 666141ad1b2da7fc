"""Persons → whole 住民基本台帳 records, for the day-0 city and for every person an event adds later.

`build_persons` is the single place that turns a batch of persons (numpy arrays and gathered name strings)
into DataFrame rows with every field of the layout, so a baby born on day 2 is shaped exactly like a day-0
resident. Household fields (世帯番号, 住所, 世帯主, 本籍) come in as a frame so that the caller decides whether a
person joins an existing household (出生: copied from the 世帯主's row) or founds one (転入).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from juki.layout import Layout
from juki.sample.foreign import foreign_fields
from juki.sample.ids import IdIssuer
from juki.sample.tables import Tables
from juki.sample.text import codes, flags, fullwidth_digits, wareki, ymd, ymd_int

HOUSEHOLD_COLS = ("setai_bango", "jusho_code", "jusho", "katagaki", "kana_katagaki", "yubin_bango",
                  "setainushi_shimei", "setainushi_shimei_furigana", "honseki", "honseki_jusho_code",
                  "honseki_yubin_bango", "hittosha_shimei")
FUSHO_MOJI = {1: "日不詳", 2: "月日不詳"}
_APARTMENTS = (("コーポ", "ｺｰﾎﾟ"), ("ハイツ", "ﾊｲﾂ"), ("メゾン", "ﾒｿﾞﾝ"), ("サンハイム", "ｻﾝﾊｲﾑ"))
_APARTMENT_WORDS = (("日和", "ﾋﾖﾘ"), ("中里", "ﾅｶｻﾞﾄ"), ("さくら", "ｻｸﾗ"), ("あけぼの", "ｱｹﾎﾞﾉ"),
                    ("みなと", "ﾐﾅﾄ"), ("旭", "ｱｻﾋ"), ("錦", "ﾆｼｷ"), ("緑", "ﾐﾄﾞﾘ"))
# Other municipalities' 町字 are not in our tables: 前住所 and 転出先 use these common town names.
_TOWNS = ("本町", "中央", "栄町", "緑町", "旭町", "幸町", "新町", "大町", "東町", "西町")


@dataclass
class Persons:
    """A batch of persons; every array has one entry per person."""

    sei: pl.Series
    sei_h: pl.Series  # half-width reading
    mei: pl.Series
    mei_h: pl.Series
    hyoki: pl.Series  # full-width カタカナ表記 of a foreign resident's name, null for Japanese
    sex: np.ndarray  # 1 男 / 2 女
    birth: np.ndarray  # datetime64[D]; for 不詳 dates the known part matters only
    fusho: np.ndarray  # 不詳 code: 0 known, 1 日不詳, 2 月日不詳
    kokuseki: np.ndarray  # "" for Japanese residents
    zokugara: np.ndarray  # 続柄 code as an integer (4 = "04" 子)
    kisai_juni: np.ndarray
    jumin: np.ndarray  # the day the person became a resident of the city
    ido: np.ndarray  # 住民異動年月日 (the last change)
    todoke: np.ndarray
    jutei: np.ndarray
    ido_jiyu: np.ndarray  # 異動事由 code as an integer


def addresses(t: Tables, rng: np.random.Generator, k: int, gaiji: float = 0.0, at_least: int = 0) -> pl.DataFrame:
    """k addresses in the city: 住所コード, 住所 (町字 + 番地), 郵便番号, and a 方書 for about one in six.

    ``gaiji``: the share of addresses whose 町字 is written with its 外字 variant where it has one; ``at_least``
    addresses get one in any case (the small sample city must show the case).
    """
    town = rng.integers(0, t.jusho.height, size=k)
    capable = np.flatnonzero(t.jusho["name_gaiji"].is_not_null().to_numpy())
    forced = rng.choice(k, size=min(at_least, k), replace=False) if k else np.empty(0, np.int64)
    town[forced] = capable[rng.integers(0, len(capable), size=len(forced))]
    a, b = rng.integers(1, 41, size=k), rng.integers(1, 31, size=k)
    flat = rng.random(k) < 0.17
    apt_p, apt_w = rng.integers(0, len(_APARTMENTS), k), rng.integers(0, len(_APARTMENT_WORDS), k)
    room = rng.integers(1, 4, k) * 100 + rng.integers(1, 9, k)
    rows = t.jusho[town]
    use_gaiji = rng.random(k) < gaiji
    use_gaiji[forced] = True
    use_gaiji &= rows["name_gaiji"].is_not_null().to_numpy()
    frame = pl.DataFrame({
        "jusho_code": rows["jusho_code"], "yubin_bango": rows["yubin_bango"],
        "town": pl.select(pl.when(pl.lit(pl.Series(use_gaiji))).then(rows["name_gaiji"]).otherwise(rows["name"]))
        .to_series(),
        "bango": rows["bango_style"], "a": a.astype(np.int64), "b": b.astype(np.int64), "flat": flat,
        "apt": pl.Series([p for p, _ in _APARTMENTS]).gather(apt_p) + pl.Series([w for w, _ in _APARTMENT_WORDS])
        .gather(apt_w), "apt_h": pl.Series([p for _, p in _APARTMENTS]).gather(apt_p)
        + pl.Series([w for _, w in _APARTMENT_WORDS]).gather(apt_w), "room": room.astype(np.int64)})
    a_s, b_s = pl.col("a").cast(pl.String), pl.col("b").cast(pl.String)
    banchi = pl.when(pl.col("bango")).then(pl.concat_str(a_s, pl.lit("番"), b_s, pl.lit("号"))) \
        .otherwise(pl.concat_str(a_s, pl.lit("番地"), b_s))
    room_s = pl.col("room").cast(pl.String)
    return frame.select(
        "jusho_code",
        (pl.col("town") + fullwidth_digits(banchi)).alias("jusho"),
        pl.when("flat").then(pl.concat_str("apt", pl.lit("\u3000"), fullwidth_digits(room_s), pl.lit("号室")))
        .alias("katagaki"),
        pl.when("flat").then(pl.concat_str("apt_h", pl.lit(" "), room_s, pl.lit("ｺﾞｳｼﾂ"))).alias("kana_katagaki"),
        "yubin_bango",
    )


def other_city_addresses(t: Tables, rng: np.random.Generator, k: int) -> pl.DataFrame:
    """k addresses in other municipalities: 住所コード (their real 団体コード + a 町字 number) and 住所."""
    city = t.other_cities[rng.integers(0, t.other_cities.height, size=k)]
    town = rng.integers(0, len(_TOWNS), size=k)
    a, b = rng.integers(1, 41, size=k), rng.integers(1, 31, size=k)
    banchi = pl.Series(a).cast(pl.String) + "番地" + pl.Series(b).cast(pl.String)
    return pl.DataFrame({
        "jusho_code": city["code"] + pl.Series(town + 1).cast(pl.String).str.zfill(4) + "000",
        "jusho": city["name"] + pl.Series(_TOWNS).gather(town) + pl.select(fullwidth_digits(pl.lit(banchi)))
        .to_series(),
    })


def age_years(birth: np.ndarray, today: np.datetime64) -> np.ndarray:
    return (ymd_int(np.array([today]))[0] - ymd_int(birth)) // 10000


def build_persons(layout: Layout, t: Tables, ids: IdIssuer, rng: np.random.Generator, hh: pl.DataFrame,
                  p: Persons, today: np.datetime64) -> pl.DataFrame:
    """Whole records for the persons `p` living in households `hh` (one row per person, HOUSEHOLD_COLS)."""
    n = len(p.sex)
    foreign = p.kokuseki != ""
    age = age_years(p.birth, today)
    born = ymd(p.birth)
    year, month = born.str.slice(0, 4), born.str.slice(0, 6)
    fusho = pl.Series(p.fusho)
    seinengappi = pl.select(pl.when(pl.lit(fusho) == 2).then(year + "0000").when(pl.lit(fusho) == 1)
                            .then(month + "00").otherwise(born)).to_series()
    nengo, wareki_ymd = wareki(p.birth)
    known = pl.Series(p.fusho == 0)
    shimei = p.sei + "\u3000" + p.mei
    kana = p.sei_h + " " + p.mei_h
    ff = foreign_fields(t, rng, p.kokuseki, p.jumin, today)
    japanese_hh = hh.select(pl.when(pl.lit(pl.Series(~foreign))).then(pl.col(c)).alias(c)
                            for c in ("honseki", "honseki_jusho_code", "honseki_yubin_bango", "hittosha_shimei"))

    def coin(share: float, where: np.ndarray | bool = True) -> pl.Series:
        return flags((rng.random(n) < share) & where)

    cols = {
        "kojin_bango": ids.kojin_bango(rng, n), "shikibetsu_bango": ids.shikibetsu_bango(n),
        "kojin_rireki_bango": pl.Series(np.ones(n, np.int64)), "shojo_flag": "0",
        "kaisei_bango": pl.Series(np.zeros(n, np.int64)),
        "jumin_shubetsu": codes(np.where(foreign, 20, 10), 2), "juminhyo_code": ids.juminhyo_code(rng, n),
        "shimei_kubun": codes(np.where(foreign, 2, 1), 1), "shimei": shimei, "shimei_furigana": kana,
        "juzen_tsushomei_umu_flag": "0", "katakana_hyoki_shimei": p.hyoki, "atena_shimei": shimei,
        "atena_shimei_furigana": kana, "seibetsu": codes(p.sex, 1), "seinengappi": seinengappi,
        "nengo_code": pl.select(pl.when(known).then(nengo)).to_series(),
        "seinengappi_wareki": pl.select(pl.when(known).then(wareki_ymd)).to_series(),
        "seinengappi_fusho_code": codes(p.fusho, 1),
        "seinengappi_fusho_moji": pl.Series([FUSHO_MOJI.get(f) for f in range(3)], dtype=pl.String)
        .gather(p.fusho.astype(np.int64)),
        "zokugara1": codes(p.zokugara, 2), "kisai_juni": pl.Series(p.kisai_juni.astype(np.int64)),
        "kyojuchi_hosei_code": "0", "ido_todoke_ymd": ymd(p.todoke),
        "jumin_ido_ymd": ymd(p.ido), "jumin_todoke_ymd": ymd(p.todoke), "ido_jiyu": codes(p.ido_jiyu, 2),
        "jumin_ymd_fusho_flag": "0", "jutei_ymd": ymd(p.jutei), "jutei_ymd_fusho_flag": "0",
        "jumin_denakunatta_ymd_fusho_flag": "0", "keibi_shusei_flag": "0",
        "shomeisho_hakko_rireki_joho": coin(0.3), "ido_rireki_joho": "0", "jukicard_hakko_jokyo": "0",
        "shori_teishi": "0", "inkan_toroku_shikaku_joho": coin(0.4, age >= 15),
        "kokuho_shikaku_joho": coin(0.25), "koki_korei_shikaku_joho": flags(age >= 75),
        "kaigo_shikaku_joho": flags(age >= 65),
        "senkyonin_meibo_toroku_joho": flags((age >= 18) & ~foreign),
        "kojin_bango_card_jokyo": coin(0.78),
        **ff,
    }
    frame = pl.concat([hh.select(HOUSEHOLD_COLS[:8]), japanese_hh], how="horizontal")
    frame = frame.with_columns(v.alias(k) if isinstance(v, pl.Series) else pl.lit(v).alias(k)
                               for k, v in cols.items())
    return conform(layout, frame)


def conform(layout: Layout, frame: pl.DataFrame) -> pl.DataFrame:
    """The frame with exactly the layout's data columns in layout order (missing ones blank), typed for the writer."""
    have = set(frame.columns)
    return frame.select(
        (pl.col(f.id) if f.id in have else pl.lit(None)).cast(pl.Int64 if f.integer else pl.String).alias(f.id)
        for f in layout.data.value_fields)
