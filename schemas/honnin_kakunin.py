"""本人確認情報ファイル (別添1 (2)): the identity record on the 市町村CS, sent to the prefecture (住基法第30条の6)."""

from __future__ import annotations

import pandera.polars as pa

from .domain import (
    dantai_check_digit,
    dantai_known,
    gaiji_count_of,
    gaiji_flag_of,
    kojin_bango_check_digit,
    kojin_bango_length,
    not_before,
    real_or_fusho,
    rule,
    seven_digits,
    unique_among_active,
    unique_key,
)

GAIJI_COUNTS = {"shimei_gaiji_su": "shimei", "jusho_gaiji_su": "jusho",
                "tennyu_mae_jusho_gaiji_su": "tennyu_mae_jusho"}
DANTAI_CODES = ("shichoson_code", "tennyu_mae_shichoson_code")


class HonninKakunin(pa.DataFrameModel):
    """Domain rules, named by rule identifier. Every field also gets its kind, width and code table from the
    layout (schemas.checks.layout_columns)."""

    juminhyo_code: str
    shimei: str
    seinengappi: str
    seibetsu: str
    shichoson_code: str
    kojin_bango: str
    ido_jiyu: str
    ido_ymd: str
    gaiji_flag: str
    shimei_gaiji_su: int
    jusho_gaiji_su: int
    tennyu_mae_jusho_gaiji_su: int
    seion_kana: str
    yubin_bango: str
    tennyu_mae_shichoson_code: str

    _gaiji_counts = rule("gaiji_su.mismatch", *GAIJI_COUNTS, holds=lambda c: gaiji_count_of(c, GAIJI_COUNTS[c]))
    _gaiji_flag = rule("gaiji_flag.mismatch", "gaiji_flag",
                       holds=lambda c: gaiji_flag_of(c, tuple(GAIJI_COUNTS.values())))
    _birth = rule("birth_date.not_real", "seinengappi", holds=real_or_fusho)
    _dantai_check_digit = rule("dantai_code.check_digit", *DANTAI_CODES, holds=dantai_check_digit)
    _dantai_known = rule("dantai_code.unknown", *DANTAI_CODES, holds=dantai_known)
    _yubin = rule("yubin_bango.length", "yubin_bango", holds=seven_digits)
    _unique = rule("unique", "juminhyo_code", holds=unique_key)
    _kojin_length = rule("kojin_bango.length", "kojin_bango", holds=kojin_bango_length)
    _kojin_check_digit = rule("kojin_bango.check_digit", "kojin_bango", holds=kojin_bango_check_digit)
    _kojin_unique = rule("kojin_bango.duplicate_active", "kojin_bango",
                         holds=lambda c: unique_among_active(c, "record_jokyo_flag"))
    _after_birth = rule("ido_ymd.before_birth", "ido_ymd", holds=lambda c: not_before(c, "seinengappi"))

    class Config:
        strict = False
        name = "本人確認情報"


SKIP = {"seinengappi": {"kind.date"}}  # 不詳 dates are legal 生年月日: birth_date.not_real checks them instead
FILE_DATE_FIELDS = ("ido_ymd",)
JUMINHYO_CODE_FIELDS = ("juminhyo_code", "kyu_juminhyo_code")
SEION_FIELDS = {"seion_kana": "furigana"}  # key ← reading, by the city's 清音化 rules (Context.seion)
