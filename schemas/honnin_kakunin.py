"""本人確認情報ファイル (別添1 (2)): the identity record on the 市町村CS, sent to the prefecture (住基法第30条の6)."""

from __future__ import annotations

import pandera.polars as pa
from pandera.api.polars.types import PolarsData

from .domain import (
    dantai_check_digit,
    dantai_known,
    gaiji_count_of,
    gaiji_flag_of,
    kojin_bango_check_digit,
    kojin_bango_length,
    not_before,
    ok,
    real_or_fusho,
    seion_of,
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

    juminhyo_code: str = pa.Field(nullable=False)
    shimei: str = pa.Field(nullable=False)
    seinengappi: str = pa.Field(nullable=False)
    seibetsu: str = pa.Field(nullable=False)
    shichoson_code: str = pa.Field(nullable=False)
    kojin_bango: str = pa.Field(nullable=False)
    ido_jiyu: str = pa.Field(nullable=False)
    ido_ymd: str = pa.Field(nullable=False)
    gaiji_flag: str = pa.Field(nullable=False)
    shimei_gaiji_su: int = pa.Field(nullable=True)
    jusho_gaiji_su: int = pa.Field(nullable=True)
    tennyu_mae_jusho_gaiji_su: int = pa.Field(nullable=True)
    seion_kana: str = pa.Field(nullable=True)
    yubin_bango: str = pa.Field(nullable=True)
    tennyu_mae_shichoson_code: str = pa.Field(nullable=True)

    @pa.check(*GAIJI_COUNTS, name="gaiji_su.mismatch")
    def _gaiji_counts(cls, data: PolarsData):
        return ok(data, gaiji_count_of(data.key, GAIJI_COUNTS[data.key]))

    @pa.check("gaiji_flag", name="gaiji_flag.mismatch")
    def _gaiji_flag(cls, data: PolarsData):
        return ok(data, gaiji_flag_of(data.key, tuple(GAIJI_COUNTS.values())))

    @pa.check("seion_kana", name="seion_kana.mismatch")
    def _seion(cls, data: PolarsData):
        return ok(data, seion_of(data.key, "furigana"))

    @pa.check("seinengappi", name="birth_date.not_real")
    def _birth(cls, data: PolarsData):
        return ok(data, real_or_fusho(data.key))

    @pa.check(*DANTAI_CODES, name="dantai_code.check_digit")
    def _dantai_check_digit(cls, data: PolarsData):
        return ok(data, dantai_check_digit(data.key))

    @pa.check(*DANTAI_CODES, name="dantai_code.unknown")
    def _dantai_known(cls, data: PolarsData):
        return ok(data, dantai_known(data.key))

    @pa.check("yubin_bango", name="yubin_bango.length")
    def _yubin(cls, data: PolarsData):
        return ok(data, seven_digits(data.key))

    @pa.check("juminhyo_code", name="unique")
    def _unique(cls, data: PolarsData):
        return ok(data, unique_key(data.key))

    @pa.check("kojin_bango", name="kojin_bango.length")
    def _kojin_length(cls, data: PolarsData):
        return ok(data, kojin_bango_length(data.key))

    @pa.check("kojin_bango", name="kojin_bango.check_digit")
    def _kojin_check_digit(cls, data: PolarsData):
        return ok(data, kojin_bango_check_digit(data.key))

    @pa.check("kojin_bango", name="kojin_bango.duplicate_active")
    def _kojin_unique(cls, data: PolarsData):
        return ok(data, unique_among_active(data.key, "record_jokyo_flag"))

    @pa.check("ido_ymd", name="ido_ymd.before_birth")
    def _after_birth(cls, data: PolarsData):
        return ok(data, not_before(data.key, "seinengappi"))

    class Config:
        strict = False
        name = "本人確認情報"


SKIP = {"seinengappi": {"kind.date"}}  # 不詳 dates are legal 生年月日: birth_date.not_real checks them instead
FILE_DATE_FIELDS = ("ido_ymd",)
JUMINHYO_CODE_FIELDS = ("juminhyo_code", "kyu_juminhyo_code")
