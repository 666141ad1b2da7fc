"""住民基本台帳ファイル (別添1 (1)): the full extract of the 既存住基システム, the nightly job's input."""

from __future__ import annotations

import pandera.polars as pa
from pandera.api.polars.types import PolarsData

from .domain import (
    fusho_code_agrees,
    kojin_bango_check_digit,
    kojin_bango_length,
    not_before,
    ok,
    real_or_fusho,
    seven_digits,
    shojo_agrees,
    unique_among_active,
    unique_key,
    wareki_matches,
)


class JukiDaicho(pa.DataFrameModel):
    """Domain rules, named by rule identifier. Every field also gets its kind, width and code table from the
    layout (schemas.checks.layout_columns)."""

    kojin_bango: str = pa.Field(nullable=True)
    shikibetsu_bango: str = pa.Field(nullable=False)
    shojo_flag: str = pa.Field(nullable=False)
    jumin_shubetsu: str = pa.Field(nullable=False)
    juminhyo_code: str = pa.Field(nullable=False)
    shimei: str = pa.Field(nullable=False)
    seibetsu: str = pa.Field(nullable=False)
    seinengappi: str = pa.Field(nullable=False)
    seinengappi_wareki: str = pa.Field(nullable=True)
    seinengappi_fusho_code: str = pa.Field(nullable=True)
    yubin_bango: str = pa.Field(nullable=True)
    zen_yubin_bango: str = pa.Field(nullable=True)
    tenshutsu_yubin_bango: str = pa.Field(nullable=True)
    jumin_ido_ymd: str = pa.Field(nullable=True)

    @pa.check("shikibetsu_bango", "juminhyo_code", name="unique")
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
        return ok(data, unique_among_active(data.key, "shojo_flag"))

    @pa.check("shojo_flag", name="shojo.mismatch")
    def _shojo(cls, data: PolarsData):
        return ok(data, shojo_agrees(data.key, "jyohyo_ido_ymd"))

    @pa.check("seinengappi", name="birth_date.not_real")
    def _birth(cls, data: PolarsData):
        return ok(data, real_or_fusho(data.key))

    @pa.check("seinengappi_wareki", name="wareki.mismatch")
    def _wareki(cls, data: PolarsData):
        return ok(data, wareki_matches(data.key, "nengo_code", "seinengappi"))

    @pa.check("seinengappi_fusho_code", name="birth_date.fusho_mismatch")
    def _fusho(cls, data: PolarsData):
        return ok(data, fusho_code_agrees(data.key, "seinengappi", "seinengappi_fusho_moji"))

    @pa.check("yubin_bango", "zen_yubin_bango", "tenshutsu_yubin_bango", name="yubin_bango.length")
    def _yubin(cls, data: PolarsData):
        return ok(data, seven_digits(data.key))

    @pa.check("jumin_ido_ymd", name="ido_ymd.before_birth")
    def _after_birth(cls, data: PolarsData):
        return ok(data, not_before(data.key, "seinengappi"))

    class Config:
        strict = False
        name = "住民基本台帳"


SKIP = {"seinengappi": {"kind.date"}}  # 不詳 dates are legal 生年月日: birth_date.not_real checks them instead
FILE_DATE_FIELDS = ("jumin_ido_ymd", "jyohyo_ido_ymd")
JUMINHYO_CODE_FIELDS = ("juminhyo_code",)
