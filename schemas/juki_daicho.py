"""住民基本台帳ファイル (別添1 (1)): the full extract of the 既存住基システム, the nightly job's input."""

from __future__ import annotations

import pandera.polars as pa

from .domain import (
    fusho_code_agrees,
    fusho_text_agrees,
    kojin_bango_check_digit,
    kojin_bango_length,
    not_before,
    real_or_fusho,
    rule,
    seven_digits,
    shojo_agrees,
    unique_among_active,
    unique_key,
    wareki_matches,
)


class JukiDaicho(pa.DataFrameModel):
    """Domain rules, named by rule identifier. Every field also gets its kind, width and code table from the
    layout (schemas.checks.layout_columns)."""

    kojin_bango: str
    shikibetsu_bango: str
    shojo_flag: str
    jumin_shubetsu: str
    juminhyo_code: str
    shimei: str
    seibetsu: str
    seinengappi: str
    seinengappi_wareki: str
    seinengappi_fusho_code: str
    yubin_bango: str
    zen_yubin_bango: str
    tenshutsu_yubin_bango: str
    jumin_ido_ymd: str

    _unique = rule("unique", "shikibetsu_bango", "juminhyo_code", holds=unique_key)
    _kojin_length = rule("kojin_bango.length", "kojin_bango", holds=kojin_bango_length)
    _kojin_check_digit = rule("kojin_bango.check_digit", "kojin_bango", holds=kojin_bango_check_digit)
    _kojin_unique = rule("kojin_bango.duplicate_active", "kojin_bango",
                         holds=lambda c: unique_among_active(c, "shojo_flag"))
    _shojo = rule("shojo.mismatch", "shojo_flag", holds=lambda c: shojo_agrees(c, "johyo_ido_ymd"))
    _birth = rule("birth_date.not_real", "seinengappi", holds=real_or_fusho)
    _wareki = rule("wareki.mismatch", "seinengappi_wareki",
                   holds=lambda c: wareki_matches(c, "nengo_code", "seinengappi"))
    _fusho = rule("birth_date.fusho_mismatch", "seinengappi_fusho_code",
                  holds=lambda c: fusho_code_agrees(c, "seinengappi"))
    _fusho_text = rule("birth_date.fusho_text", "seinengappi_fusho_code",
                       holds=lambda c: fusho_text_agrees(c, "seinengappi", "seinengappi_fusho_moji"))
    _yubin = rule("yubin_bango.length", "yubin_bango", "zen_yubin_bango", "tenshutsu_yubin_bango",
                  holds=seven_digits)
    _after_birth = rule("ido_ymd.before_birth", "jumin_ido_ymd", holds=lambda c: not_before(c, "seinengappi"))

    class Config:
        strict = False
        name = "住民基本台帳"


SKIP = {"seinengappi": {"kind.date"}}  # 不詳 dates are legal 生年月日: birth_date.not_real checks them instead
FILE_DATE_FIELDS = ("jumin_ido_ymd", "johyo_ido_ymd")
JUMINHYO_CODE_FIELDS = ("juminhyo_code",)
