"""本人確認情報ファイル (別添1 (2)): the identity record on the 市町村CS, sent to the prefecture (住基法第30条の6)."""

from __future__ import annotations

import pandera.polars as pa

from . import domain  # noqa: F401 - registers the domain check methods used below


class HonninKakunin(pa.DataFrameModel):
    """Domain rules, field by field. Every field also gets its kind, width and code table from the layout."""

    juminhyo_code: str = pa.Field(nullable=False, unique=True)
    shimei: str = pa.Field(nullable=False)
    shimei_gaiji_su: int = pa.Field(nullable=True, gaiji_count_of="shimei")
    seion_kana: str = pa.Field(nullable=True, seion_kana_of="furigana")
    seinengappi: str = pa.Field(nullable=False, birth_date_real_or_fusho=())
    seibetsu: str = pa.Field(nullable=False)
    shichoson_code: str = pa.Field(nullable=False, dantai_code_check_digit=(), dantai_code_known=())
    yubin_bango: str = pa.Field(nullable=True, yubin_bango_seven_digits=())
    jusho_gaiji_su: int = pa.Field(nullable=True, gaiji_count_of="jusho")
    kojin_bango: str = pa.Field(nullable=False, kojin_bango_twelve_digits=(), kojin_bango_check_digit=(),
                                kojin_bango_unique_among_active={"removed_when": ("record_jokyo_flag", "1")})
    tennyu_mae_shichoson_code: str = pa.Field(nullable=True, dantai_code_check_digit=(), dantai_code_known=())
    tennyu_mae_jusho_gaiji_su: int = pa.Field(nullable=True, gaiji_count_of="tennyu_mae_jusho")
    ido_jiyu: str = pa.Field(nullable=False)
    ido_ymd: str = pa.Field(nullable=False, not_before_birth="seinengappi")
    gaiji_flag: str = pa.Field(nullable=False, gaiji_flag_of={"text_fields": ("shimei", "jusho", "tennyu_mae_jusho")})

    class Config:
        strict = False
        name = "本人確認情報"


# 不詳 dates are legal 生年月日: birth_date_real_or_fusho checks them instead of the generic kind.date.
SKIP = {"seinengappi": {"kind.date"}}
FILE_DATE_FIELDS = ("ido_ymd",)
JUMINHYO_CODE_FIELDS = ("juminhyo_code", "kyu_juminhyo_code")
