"""送付先情報ファイル (別添1 (3)): sent to J-LIS to print the 個人番号通知書 and 交付申請書."""

from __future__ import annotations

import pandera.polars as pa

from .domain import (
    byte_length_of,
    dantai_check_digit,
    dantai_known,
    gaiji_count_of,
    gaiji_flag_of,
    kojin_bango_check_digit,
    kojin_bango_length,
    no_gaiji,
    one_mailing,
    real_or_fusho,
    rule,
    seven_digits,
    unique_key,
)

# Kanji items travel as 項目長 (bytes) + value + 外字数: (length field, value field, 外字数 field or None).
LENGTH_PREFIXED = [
    ("sofusaki_jusho_len", "sofusaki_jusho", "sofusaki_jusho_gaiji_su"),
    ("sofusaki_shimei_len", "sofusaki_shimei", "sofusaki_shimei_gaiji_su"),
    ("shichoson_mei_len", "shichoson_mei", None),
    ("shichoson_jusho_len", "shichoson_jusho", "shichoson_jusho_gaiji_su"),
    ("kofu_basho_mei_len", "kofu_basho_mei", "kofu_basho_mei_gaiji_su"),
    ("kofu_basho_jusho_len", "kofu_basho_jusho", "kofu_basho_jusho_gaiji_su"),
    ("card_sofu_basho_mei_len", "card_sofu_basho_mei", "card_sofu_basho_mei_gaiji_su"),
    ("card_sofu_basho_jusho_len", "card_sofu_basho_jusho", "card_sofu_basho_jusho_gaiji_su"),
    ("shimei_len", "shimei", "shimei_gaiji_su"),
    ("shimei_kana_len", "shimei_kana", None),
    ("jusho_len", "jusho", "jusho_gaiji_su"),
    ("daitai_shimei_len", "daitai_shimei", None),
    ("daitai_jusho_len", "daitai_jusho", None),
]


LENGTHS = {length: value for length, value, _ in LENGTH_PREFIXED}
# What the records of one mailing (送付先管理番号) have in common: where and to whom it goes.
MAILING_SHARED = ("sofusaki_yubin_bango", "sofusaki_jusho", "sofusaki_shimei")
GAIJI_COUNTS = {gaiji: value for _, value, gaiji in LENGTH_PREFIXED if gaiji}


class Sofusaki(pa.DataFrameModel):
    """Domain rules, named by rule identifier. Every field also gets its kind, width and code table from the
    layout (schemas.checks.layout_columns)."""

    sofusaki_kanri_bango: str
    shichoson_code: str
    juminhyo_code: str
    shimei: str
    seinengappi: str
    seibetsu: str
    kojin_bango: str
    gaiji_flag: str
    yubin_bango: str
    sofusaki_yubin_bango: str
    daitai_shimei: str
    daitai_jusho: str
    # 項目長 and 外字数 of the length-prefixed items
    sofusaki_jusho_len: int
    sofusaki_jusho_gaiji_su: int
    sofusaki_shimei_len: int
    sofusaki_shimei_gaiji_su: int
    shichoson_mei_len: int
    shichoson_jusho_len: int
    shichoson_jusho_gaiji_su: int
    kofu_basho_mei_len: int
    kofu_basho_mei_gaiji_su: int
    kofu_basho_jusho_len: int
    kofu_basho_jusho_gaiji_su: int
    card_sofu_basho_mei_len: int
    card_sofu_basho_mei_gaiji_su: int
    card_sofu_basho_jusho_len: int
    card_sofu_basho_jusho_gaiji_su: int
    shimei_len: int
    shimei_gaiji_su: int
    shimei_kana_len: int
    jusho_len: int
    jusho_gaiji_su: int
    daitai_shimei_len: int
    daitai_jusho_len: int
    taisho_ninzu: int

    _lengths = rule("komoku_len.mismatch", *LENGTHS, holds=lambda c: byte_length_of(c, LENGTHS[c]))
    _gaiji_counts = rule("gaiji_su.mismatch", *GAIJI_COUNTS, holds=lambda c: gaiji_count_of(c, GAIJI_COUNTS[c]))
    _gaiji_flag = rule("gaiji_flag.mismatch", "gaiji_flag", holds=lambda c: gaiji_flag_of(c, ("shimei", "jusho")))
    _replaced = rule("gaiji.unmapped", "daitai_shimei", "daitai_jusho", holds=no_gaiji)
    _dantai_check_digit = rule("dantai_code.check_digit", "shichoson_code", holds=dantai_check_digit)
    _dantai_known = rule("dantai_code.unknown", "shichoson_code", holds=dantai_known)
    _birth = rule("birth_date.not_real", "seinengappi", holds=real_or_fusho)
    _unique = rule("unique", "juminhyo_code", holds=unique_key)  # a 送付先管理番号 is shared by its mailing
    _mailing = rule("sofusaki.mailing_mismatch", "taisho_ninzu",
                    holds=lambda c: one_mailing(c, "sofusaki_kanri_bango", MAILING_SHARED))
    _kojin_length = rule("kojin_bango.length", "kojin_bango", holds=kojin_bango_length)
    _kojin_check_digit = rule("kojin_bango.check_digit", "kojin_bango", holds=kojin_bango_check_digit)
    _yubin = rule("yubin_bango.length", "yubin_bango", "sofusaki_yubin_bango", holds=seven_digits)

    class Config:
        strict = False
        name = "送付先情報"


SKIP = {"seinengappi": {"kind.date"}}  # 不詳 dates are legal 生年月日: birth_date.not_real checks them instead
FILE_DATE_FIELDS = ()
JUMINHYO_CODE_FIELDS = ("juminhyo_code",)
