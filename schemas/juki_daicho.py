"""住民基本台帳ファイル (別添1 (1)): the full extract of the 既存住基システム, the nightly job's input."""

from __future__ import annotations

import pandera.polars as pa

from . import domain  # noqa: F401 - registers the domain check methods used below


class JukiDaicho(pa.DataFrameModel):
    """Domain rules, field by field. Every field also gets its kind, width and code table from the layout."""

    kojin_bango: str = pa.Field(nullable=True, kojin_bango_twelve_digits=(), kojin_bango_check_digit=(),
                                kojin_bango_unique_among_active={"removed_when": ("shojo_flag", "1")})
    shikibetsu_bango: str = pa.Field(nullable=False, unique=True)
    shojo_flag: str = pa.Field(nullable=False, shojo_agrees_with="jyohyo_ido_ymd")
    jumin_shubetsu: str = pa.Field(nullable=False)
    juminhyo_code: str = pa.Field(nullable=False, unique=True)
    shimei: str = pa.Field(nullable=False)
    seibetsu: str = pa.Field(nullable=False)
    seinengappi: str = pa.Field(nullable=False, birth_date_real_or_fusho=())
    seinengappi_wareki: str = pa.Field(nullable=True,
                                       wareki_matches={"era_field": "nengo_code", "date_field": "seinengappi"})
    seinengappi_fusho_code: str = pa.Field(
        nullable=True, fusho_code_agrees={"date_field": "seinengappi", "text_field": "seinengappi_fusho_moji"})
    yubin_bango: str = pa.Field(nullable=True, yubin_bango_seven_digits=())
    zen_yubin_bango: str = pa.Field(nullable=True, yubin_bango_seven_digits=())
    tenshutsu_yubin_bango: str = pa.Field(nullable=True, yubin_bango_seven_digits=())
    jumin_ido_ymd: str = pa.Field(nullable=True, not_before_birth="seinengappi")

    class Config:
        strict = False
        name = "住民基本台帳"


SKIP = {"seinengappi": {"kind.date"}}
FILE_DATE_FIELDS = ("jumin_ido_ymd", "jyohyo_ido_ymd")
JUMINHYO_CODE_FIELDS = ("juminhyo_code",)
