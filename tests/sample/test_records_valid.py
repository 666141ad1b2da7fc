"""Every record passes the checks juki can run today: check digits, 和暦, code tables, 外字, households."""

from __future__ import annotations

import csv
import re
import tomllib
from importlib.resources import files

import polars as pl
import pytest

from juki.checks.rules import (
    is_valid_expr,
    juminhyo_code_is_valid_expr,
    kojin_bango_is_valid_expr,
    wareki_fusho_to_ymd_expr,
    wareki_to_ymd_expr,
    ymd_fits_expr,
    ymd_is_fusho_expr,
    ymd_is_valid_expr,
)
from juki.checks.rules.checkdigit import DANTAI_CODE

CODES = files("juki.layouts") / "codes"
GAIJI = re.compile("[\ue000-\ue757]")


def _table(name: str) -> list[dict[str, str]]:
    text = (CODES / name).read_text(encoding="utf-8")
    return list(csv.DictReader(line for line in text.splitlines() if not line.startswith("#")))


def _daitai(city) -> dict[str, str]:
    rows = csv.DictReader((city.path / "daitai_moji.csv").read_text(encoding="utf-8").splitlines())
    return {chr(int(r["gaiji"][2:], 16)): r["daitai"] for r in rows}


def _all(city) -> pl.DataFrame:
    return pl.concat(city.frames)


def test_kojin_bango_and_juminhyo_code_have_valid_check_digits(city):
    checks = _all(city).select(kojin_bango_is_valid_expr(pl.col("kojin_bango")).all().alias("k"),
                               juminhyo_code_is_valid_expr(pl.col("juminhyo_code")).all().alias("j"))
    assert checks.row(0) == (True, True)


@pytest.mark.parametrize("column", ["kojin_bango", "juminhyo_code", "shikibetsu_bango"])
def test_identifiers_are_unique_on_every_day(city, column):
    for df in city.frames:
        assert df[column].null_count() == 0 and df[column].n_unique() == df.height


def test_zen_jusho_codes_name_real_other_municipalities(city):
    df = _all(city).filter(pl.col("zen_jusho_code").is_not_null() & (pl.col("ido_jiyu") == "11"))
    codes = {r["code"] for r in _table("dantai-codes.csv")}
    prefix = df["zen_jusho_code"].str.slice(0, 6)
    assert df.height > 0 and set(prefix) <= codes and "042021" not in set(prefix)
    assert df.select(is_valid_expr(pl.col("zen_jusho_code").str.slice(0, 6), DANTAI_CODE).all()).item()


def test_wareki_agrees_with_seinengappi(city):
    df = _all(city)
    known = df.filter(pl.col("seinengappi_fusho_code") == "0")
    back = known.select(wareki_to_ymd_expr(pl.col("nengo_code"), pl.col("seinengappi_wareki"))).to_series()
    assert (back == known["seinengappi"]).all()
    assert known.select(ymd_is_valid_expr(pl.col("seinengappi")).all()).item()


def test_every_fusho_form_appears_and_fits_its_code(city):
    """日不詳 and 月日不詳 of foreign residents (西暦 only), 年月日不詳 (00000000), and old Japanese records with a 不詳
    date in 和暦 (昭和55年月日不詳 = 3 + 550000): each at least once, each fitting its code in 西暦 and 和暦."""
    fusho = _all(city).filter(pl.col("seinengappi_fusho_code") != "0").unique("shikibetsu_bango")
    assert fusho.select(ymd_is_fusho_expr(pl.col("seinengappi")).all()).item()
    assert fusho.select(ymd_fits_expr(pl.col("seinengappi"), pl.col("seinengappi_fusho_code")).all()).item()
    foreign = fusho.filter(pl.col("shimei_kubun") != "1")
    assert set(foreign["seinengappi_fusho_code"]) == {"1", "2", "3"}
    assert foreign["nengo_code"].null_count() == foreign.height == foreign["seinengappi_wareki"].null_count()
    for code, moji, pattern in (("1", "日不詳", r"^\d{6}00$"), ("2", "月日不詳", r"^\d{4}0000$"),
                                ("3", "年月日不詳", r"^00000000$")):
        rows = foreign.filter(pl.col("seinengappi_fusho_code") == code)
        assert (rows["seinengappi_fusho_moji"] == moji).all() and rows["seinengappi"].str.contains(pattern).all()
    old = fusho.filter((pl.col("shimei_kubun") == "1") & pl.col("nengo_code").is_not_null())
    assert set(old["seinengappi_fusho_code"]) == {"1", "2"}
    back = old.select(wareki_fusho_to_ymd_expr(pl.col("nengo_code"), pl.col("seinengappi_wareki"))).to_series()
    assert (back == old["seinengappi"]).all()
    assert old["seinengappi_fusho_moji"].str.contains("^(明治|大正|昭和|平成|令和).+年.*月日不詳$").all()


def test_code_fields_hold_codes_of_their_tables(city):
    index = tomllib.loads((CODES / "index.toml").read_text(encoding="utf-8"))
    df = _all(city)
    checked = 0
    for table in index.values():
        rows = _table(table["file"])
        key = next(iter(rows[0]))  # the first column holds the code (jusho.csv: jusho_code)
        codes = {r[key] for r in rows}
        for ref in table["fields"]:
            layout, column = ref.split(".")
            if layout == "juki_daicho":
                values = set(df[column].drop_nulls())
                assert values <= codes, f"{column}: {sorted(values - codes)[:3]} not in {table['file']}"
                checked += 1
    assert checked >= 15


def test_every_gaiji_is_in_the_citys_daitai_table_and_both_names_and_addresses_have_some(city):
    daitai = _daitai(city)
    df = _all(city)
    text = [f.id for f in city.layout.data.value_fields if f.kind in ("kanji", "kana", "hankana")]
    used = set()
    for column in text:
        for value in df[column].drop_nulls().filter(df[column].drop_nulls().str.contains("[\ue000-\ue757]")):
            used |= set(GAIJI.findall(value))
    assert used and used <= set(daitai)
    assert df["shimei"].str.contains("[\ue000-\ue757]").any()
    assert df["jusho"].str.contains("[\ue000-\ue757]").any()
    share = city.frames[0]["shimei"].str.contains("[\ue000-\ue757]").mean()
    assert 0 < share < 0.03


def test_addresses_come_from_the_citys_address_table(city):
    table = {r["jusho_code"]: r for r in _table("jusho.csv")}
    daitai = _daitai(city)
    df = city.frames[0]
    plain = df["jusho"].str.replace_many(daitai)
    for code, address, yubin in zip(df["jusho_code"], plain, df["yubin_bango"], strict=True):
        assert address.startswith(table[code]["name"]) and yubin == table[code]["yubin_bango"]
    assert df["jusho"].str.contains("^宮城県石巻市.+[０-９]+番").all()
    assert df["katagaki"].drop_nulls().len() > 0


def test_furigana_is_halfwidth_katakana_and_names_are_fullwidth(city):
    df = _all(city)
    assert df["shimei_furigana"].str.contains(r"^[\uff66-\uff9f]+ [\uff66-\uff9f]+$").all()
    assert df["shimei"].str.contains("^[^ -~]+\u3000[^ -~]+$").all()
    foreign = df.filter(pl.col("shimei_kubun") == "2")
    assert foreign["shimei"].str.contains("^[Ａ-Ｚ]+\u3000[Ａ-Ｚ]+$").all()
    assert foreign["katakana_hyoki_shimei"].str.contains("^[ァ-ヴー]+\u3000[ァ-ヴー]+$").all()


def test_households_share_an_address_and_have_one_head(city):
    df = city.frames[0]
    per = df.group_by("setai_bango").agg(
        pl.col("jusho").n_unique().alias("addresses"), (pl.col("zokugara1") == "01").sum().alias("heads"),
        pl.len().alias("size"), (pl.col("setainushi_shimei") == pl.col("shimei").filter(pl.col("zokugara1") == "01")
                                 .first()).all().alias("named"))
    assert (per["addresses"] == 1).all() and (per["heads"] == 1).all() and per["named"].all()
    assert per["size"].min() == 1 and per["size"].max() <= 5
    assert {"02", "04"} <= set(df["zokugara1"])


def test_foreign_residents_have_their_fields(city):
    df = city.frames[0]
    foreign = df.filter(pl.col("shimei_kubun") == "2")
    assert 0 < foreign.height < 0.1 * df.height
    assert (foreign["jumin_shubetsu"] == "20").all()
    for column in ("kokuseki_code", "kokuseki_mei", "ho30_45_kubun", "zairyu_card_to_bango", "gaikokujin_jumin_ymd"):
        assert foreign[column].null_count() == 0, column
    assert foreign["zairyu_card_to_bango"].str.contains("^[A-Z]{2}[0-9]{8}[A-Z]{2}$").all()
    japanese = df.filter(pl.col("shimei_kubun") == "1")
    assert japanese["kokuseki_code"].null_count() == japanese.height


def test_a_few_persons_are_held_for_manual_review(city):
    df = city.frames[0]
    assert 1 <= (df["shori_teishi"] == "1").sum() <= max(1, round(0.01 * df.height))
    assert set(df["shori_teishi"]) == {"0", "1"}
