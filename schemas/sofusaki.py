"""送付先情報ファイル (別添1 (3)): sent to J-LIS to print the 個人番号通知書 and 交付申請書."""

from __future__ import annotations

import pandera.polars as pa

from . import domain  # noqa: F401 - registers the domain check methods used below

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


class Sofusaki(pa.DataFrameModel):
    """Domain rules, field by field. Every field also gets its kind, width and code table from the layout; the
    項目長 and 外字数 of LENGTH_PREFIXED are attached by schemas.schema_for."""

    sofusaki_kanri_bango: str = pa.Field(nullable=False, unique=True)
    shichoson_code: str = pa.Field(nullable=False, dantai_code_check_digit=(), dantai_code_known=())
    juminhyo_code: str = pa.Field(nullable=False, unique=True)
    shimei: str = pa.Field(nullable=False)
    seinengappi: str = pa.Field(nullable=False, birth_date_real_or_fusho=())
    seibetsu: str = pa.Field(nullable=False)
    kojin_bango: str = pa.Field(nullable=False, kojin_bango_twelve_digits=(), kojin_bango_check_digit=())
    yubin_bango: str = pa.Field(nullable=True, yubin_bango_seven_digits=())
    sofusaki_yubin_bango: str = pa.Field(nullable=True, yubin_bango_seven_digits=())
    daitai_shimei: str = pa.Field(nullable=True, no_gaiji=())
    daitai_jusho: str = pa.Field(nullable=True, no_gaiji=())
    gaiji_flag: str = pa.Field(nullable=False, gaiji_flag_of={"text_fields": ("shimei", "jusho")})

    class Config:
        strict = False
        name = "送付先情報"


def extra_checks() -> dict[str, list[pa.Check]]:
    """項目長 = byte length and 外字数 = number of 外字, for every length-prefixed item."""
    out: dict[str, list[pa.Check]] = {}
    for length, value, gaiji in LENGTH_PREFIXED:
        out[length] = [pa.Check.byte_length_of(text_field=value)]
        if gaiji:
            out[gaiji] = [pa.Check.gaiji_count_of(text_field=value)]
    return out


SKIP = {"seinengappi": {"kind.date"}}
FILE_DATE_FIELDS = ()
JUMINHYO_CODE_FIELDS = ("juminhyo_code",)
