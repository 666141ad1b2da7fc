"""The register's rarer 異動, applied after a day's common events: 国外転出, 職権消除, 転出取消, 記載の回復, 帰化,
国籍取得, 国籍喪失, 職権修正 (docs/DOMAIN.md, 異動事由).

Their rates are realistic, that is low (a 帰化 is a few in a million residents a year); each still happens at least
once a day when someone fits, so that the small sample city and the benchmarks carry every kind. A 転出取消 or a
記載の回復 needs a person removed on an earlier day, so it first happens on the second following day. Who an event
touches is chosen so that nobody else's record changes with it: a 世帯主 with others in the household neither
leaves nor changes nationality (that would change the 世帯主氏名 of the others).

A correction or a withdrawal keeps the 住民異動年月日 of the person's last real 異動 and records the day the city
acted in the 住民届出年月日, as the reference layout reads those items.
"""

from __future__ import annotations

import polars as pl

from juki.sample.text import wareki, ymd

# Share of the living population per kind per day (national figures are smaller still; see docs/DOMAIN.md).
RARE_RATES = {"24": 0.00001, "23": 0.000003, "51": 0.000002, "17": 0.000001, "38": 0.0000002, "39": 0.00000003,
              "40": 0.00000002, "33": 0.000005}
RARE_KINDS = {"24": "国外転出", "23": "職権消除", "51": "転出取消", "17": "記載の回復", "38": "帰化", "39": "国籍取得",
              "40": "国籍喪失", "33": "職権修正"}
NEED_HISTORY = ("51", "17")  # happen only to someone removed on an earlier day
ABROAD = ("アメリカ合衆国", "大韓民国", "中華人民共和国", "ベトナム社会主義共和国", "オーストラリア連邦")
FOREIGN_FIELDS = ("kokuseki_code", "kokuseki_mei", "ho30_45_kubun", "ho30_45_kubun_meisho", "zairyu_shikaku_code",
                  "zairyu_shikaku_meisho", "zairyu_card_to_bango", "zairyu_card_to_bango_kubun",
                  "zairyu_kikan_code_ymd", "zairyu_kikan_manryo_ymd", "gaikokujin_jumin_ymd", "katakana_hyoki_shimei")
TENSHUTSU_FIELDS = ("tenshutsu_jusho_code", "tenshutsu_jusho", "tenshutsu_katagaki", "tenshutsu_kana_katagaki",
                    "tenshutsu_yubin_bango", "tenshutsu_kubun", "tenshutsu_yotei_todoke_ymd", "tenshutsu_yotei_ymd",
                    "johyo_ido_ymd", "johyo_todoke_ymd")


def _none(names) -> dict[str, pl.Series | str | None]:
    return dict.fromkeys(names)


def _alone_or_member() -> pl.Expr:
    """Living persons whose change touches no one else: not the 世帯主 of a household with others in it."""
    alive = (pl.col("shojo_flag") == "0").sum().over("setai_bango")
    return (pl.col("shojo_flag") == "0") & ((pl.col("zokugara1") != "01") | (alive == 1))


def kokugai_tenshutsu(day, k: int) -> None:
    """24 国外転出: 消除, 転出先 abroad (no 住所コード)."""
    idx = day.pick(day.mask(_alone_or_member()), k)
    shubetsu = day.df.get_column("jumin_shubetsu").gather(idx).str.replace(r"0$", "1")
    dest = pl.Series(ABROAD).gather(day.rng.integers(0, len(ABROAD), len(idx)))
    day.update(idx, "24", {"shojo_flag": "1", "jumin_shubetsu": shubetsu, "johyo_ido_ymd": day.ymd,
                           "johyo_todoke_ymd": day.ymd, "tenshutsu_jusho": dest, "tenshutsu_kubun": "1",
                           "tenshutsu_yotei_todoke_ymd": day.ymd, "tenshutsu_yotei_ymd": day.ymd})


def shokken_shojo(day, k: int) -> None:
    """23 職権消除: removed by the city (e.g. after a 実態調査 found nobody there)."""
    idx = day.pick(day.mask(_alone_or_member()), k)
    shubetsu = day.df.get_column("jumin_shubetsu").gather(idx).str.replace(r"0$", "1")
    day.update(idx, "23", {"shojo_flag": "1", "jumin_shubetsu": shubetsu, "johyo_ido_ymd": day.ymd,
                           "johyo_todoke_ymd": day.ymd})


def restore(day, code: str, undone: tuple[str, ...], k: int) -> None:
    """51 転出取消 (a 転出予定 withdrawn) / 17 記載の回復 (a wrong 職権消除 undone): the person back on the register
    with the record they had, the 住民異動年月日 of their last real 異動 (their 住定年月日 here)."""
    removed = (pl.col("shojo_flag") == "1") & pl.col("ido_jiyu").is_in(list(undone))
    if code == "51":
        removed = removed & (pl.col("tenshutsu_kubun") == "1")
    idx = day.pick(day.mask(removed), k)
    rows = day.df[idx]
    shubetsu = rows.get_column("jumin_shubetsu").str.replace(r"1$", "0")
    day.update(idx, code, {"shojo_flag": "0", "jumin_shubetsu": shubetsu, "jumin_ido_ymd": rows["jutei_ymd"],
                           **_none(TENSHUTSU_FIELDS)})


def kika(day, code: str, k: int) -> None:
    """38 帰化 / 39 国籍取得: a 外国人住民 becomes a 日本人住民 with a Japanese name; 住民票コード and 個人番号 stay."""
    # 帰化 asks for an adult (国籍法第5条); 国籍取得 by 届出 is mostly a child's (第3条), else anyone. A known birth
    # date: the 戸籍 made on 帰化 records one.
    foreign = _alone_or_member() & (pl.col("jumin_shubetsu") == "20") & (pl.col("seinengappi_fusho_code") == "0")
    adult = pl.col("seinengappi").str.slice(0, 4).cast(pl.Int64) <= int(day.ymd[:4]) - 18
    eligible = day.mask(foreign & (adult if code == "38" else ~adult))
    if code == "39" and not (eligible & ~day.taken).any():
        eligible = day.mask(foreign)
    idx = day.pick(eligible, k)
    n = len(idx)
    sei, mei = day.t.sei, day.t.mei["1"]
    s = day.rng.choice(len(sei), size=n, p=sei.weight)
    m = day.rng.choice(len(mei), size=n, p=mei.weight)
    shimei = sei.name.gather(s) + "\u3000" + mei.name.gather(m)
    kana = sei.kana_h.gather(s) + " " + mei.kana_h.gather(m)
    heads = day.df.get_column("zokugara1").gather(idx) == "01"
    own = {c: pl.select(pl.when(pl.lit(heads)).then(new).otherwise(day.df.get_column(c).gather(idx))).to_series()
           for c, new in (("setainushi_shimei", shimei), ("setainushi_shimei_furigana", kana))}
    home = day.df.select("jusho").to_series().gather(idx)
    day.update(idx, code, {"jumin_shubetsu": "10", "shimei_kubun": "1", "shimei": shimei, "shimei_furigana": kana,
                           "atena_shimei": shimei, "atena_shimei_furigana": kana, "honseki": home,
                           "hittosha_shimei": shimei, **own, **_none(FOREIGN_FIELDS)})


def kokuseki_soshitsu(day, k: int) -> None:
    """40 国籍喪失: a 日本人住民 becomes a 外国人住民, 区分 6 国籍喪失による経過滞在者 (no 在留カード yet)."""
    idx = day.pick(day.mask(_alone_or_member() & (pl.col("jumin_shubetsu") == "10")), k)
    names = {r["code"]: r["name"] for r in day.t.kokuseki}
    kokuseki = pl.Series(sorted(names)).gather(day.rng.integers(0, len(names), len(idx)))
    day.update(idx, "40", {"jumin_shubetsu": "20", "shimei_kubun": "3", "kokuseki_code": kokuseki,
                           "kokuseki_mei": kokuseki.replace_strict(names), "ho30_45_kubun": "6",
                           "ho30_45_kubun_meisho": day.t.ho30_45["6"], "gaikokujin_jumin_ymd": day.ymd,
                           "honseki": None, "honseki_jusho_code": None, "honseki_yubin_bango": None,
                           "hittosha_shimei": None})


def shokken_shusei(day, k: int) -> None:
    """33 職権修正: a wrong 生年月日 corrected (a few days earlier, 和暦 along), dated the day of the correction."""
    known = (pl.col("shojo_flag") == "0") & (pl.col("seinengappi_fusho_code") == "0")
    idx = day.pick(day.mask(known), k)
    rows = day.df[idx]
    born = rows["seinengappi"].str.strptime(pl.Date, "%Y%m%d").to_numpy().astype("datetime64[D]")
    fixed = born - day.rng.integers(1, 10, len(idx)).astype("timedelta64[D]")
    nengo, wareki_ymd = wareki(fixed)
    had = rows["nengo_code"].is_not_null()
    day.update(idx, "33", {"seinengappi": ymd(fixed), "jumin_ido_ymd": rows["jumin_ido_ymd"],
                           "nengo_code": pl.select(pl.when(pl.lit(had)).then(nengo)).to_series(),
                           "seinengappi_wareki": pl.select(pl.when(pl.lit(had)).then(wareki_ymd)).to_series()})


def apply_rare(day, want: dict[str, int]) -> None:
    kokugai_tenshutsu(day, want["24"])
    shokken_shojo(day, want["23"])
    restore(day, "51", ("21", "24"), want["51"])
    restore(day, "17", ("23",), want["17"])
    kika(day, "38", want["38"])
    kika(day, "39", want["39"])
    kokuseki_soshitsu(day, want["40"])
    shokken_shusei(day, want["33"])
