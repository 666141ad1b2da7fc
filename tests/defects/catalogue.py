"""The defect corpus as one table: every file under tests/defects/, the one defect it carries, what must fire.

Each layout has a clean base file (``clean.dat``, a few real records of the sample city, see make_defects.py)
and, for every rule that can fire on it, a copy with exactly one defect planted in exactly one record, named
after that defect. A few files are near misses that must stay quiet (``rule=None``): 令和元年5月1日, a 消除者
sharing a 個人番号. make_defects.py builds the files from this table, tests/validation/test_defects.py checks
them against it: nothing else says what a defect file holds.

Where the code today does not report exactly the one expected reject, the entry says why (``bug``): its test is
a strict xfail, so the fix shows up as an XPASS that asks for the note to go.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from juki.rejects import ERROR, WARNING

LAYOUTS = ("juki_daicho", "honnin_kakunin", "sofusaki")
CLEAN = "clean.dat"  # the base file of each layout
MANY = "many-defects.dat"  # every defect of the layout's table at once (for the privacy tests)
CONFIG = "city.toml"  # the sample city's configuration (住民票コード check digit: warnings)
STRICT = "city-strict.toml"  # the same with [juminhyo_code] strict = true
FILE_DATES = {"juki_daicho": "20260403", "honnin_kakunin": "20260402", "sofusaki": "20260403"}  # 作成年月日


# ---------------------------------------------------------------------------------------------- values
# What a planted value is: a literal, or something computed from the base record, so that the table says
# what is wrong ("one digit short") and does not copy residents' values.


@dataclass(frozen=True)
class From:
    """The same field's value in another record (a duplicated key)."""

    record: int


@dataclass(frozen=True)
class Same:
    """The value of another field of the same record."""

    field: str


@dataclass(frozen=True)
class Changed:
    """The record's own value (or that of field ``of``), changed by one of TRANSFORMS."""

    how: str
    of: str | None = None


def _day_before(value: str) -> str:
    d = date(int(value[:4]), int(value[4:6]), int(value[6:])) - timedelta(days=1)
    return d.strftime("%Y%m%d")


def _o_for_zero(value: str) -> str:
    if "0" not in value:
        raise ValueError("no 0 to mistype")
    return value.replace("0", "O", 1)


TRANSFORMS = {
    "wrong_check_digit": lambda v: v[:-1] + str((int(v[-1]) + 1) % 10),
    "one_digit_short": lambda v: v[:-1],
    "o_for_zero": _o_for_zero,  # the letter O typed for the digit 0
    "feb_30": lambda v: v[:4] + "0230",  # same year, a day that does not exist
    "day_before": _day_before,
    "plus_two": lambda v: v + 2,
    "month_may": lambda v: v[:4] + "0500",  # a 不詳 date given a month
}


# ---------------------------------------------------------------------------------------------- plants


@dataclass(frozen=True)
class Edit:
    """Set field values of the record in the DataFrame read from clean.dat, then write it with write_records."""

    values: tuple[tuple[str, object], ...]


@dataclass(frozen=True)
class Bytes:
    """Overwrite bytes of the record's field after writing (what the writer itself would refuse to write)."""

    field: str
    data: bytes
    at: str = "start"  # or "end": the data's last byte is the field's last byte


def edit(**values) -> Edit:
    return Edit(tuple(values.items()))


# ---------------------------------------------------------------------------------------------- the table


@dataclass(frozen=True)
class Defect:
    layout: str
    name: str  # file name under tests/defects/<layout>/
    record: int  # record number in the file (1 is the header) where the defect is planted
    field: str  # the field the rule reports
    rule: str | None  # None: a near miss that must stay quiet
    severity: str | None
    plant: Edit | Bytes
    why: str
    config: str = CONFIG
    records: tuple[int, ...] = ()  # other records the rule names too (a duplicated key names every holder)
    bug: str = ""  # why the code does not do this today (the test is a strict xfail until it does)

    @property
    def id(self) -> str:
        return f"{self.layout}/{self.name}"


def _common(layout: str, r: int, other: int, number: str, ascii_: str) -> list[Defect]:
    """Rules every layout shares, planted in record ``r``: ``other`` is another current record, ``number`` a count
    field and ``ascii_`` an ASCII text field, both free of other rules."""
    return [
        Defect(layout, "juminhyo-code-unique.dat", r, "juminhyo_code", "unique", ERROR,
               edit(juminhyo_code=From(other)), "two records carry the same 住民票コード", records=(other,)),
        Defect(layout, "seibetsu-code-table.dat", r, "seibetsu", "code_table.seibetsu", ERROR,
               edit(seibetsu="3"), "性別 3 is not in the code table"),
        Defect(layout, "juminhyo-code-length.dat", r, "juminhyo_code", "juminhyo_code.length", ERROR,
               edit(juminhyo_code=Changed("one_digit_short")), "住民票コード of 10 digits"),
        Defect(layout, "juminhyo-code-check-digit.dat", r, "juminhyo_code", "juminhyo_code.check_digit", WARNING,
               edit(juminhyo_code=Changed("wrong_check_digit")), "住民票コード check digit off by one (a warning)"),
        Defect(layout, "juminhyo-code-check-digit-strict.dat", r, "juminhyo_code", "juminhyo_code.check_digit",
               ERROR, edit(juminhyo_code=Changed("wrong_check_digit")),
               "the same, validated with city-strict.toml: an error", config=STRICT),
        Defect(layout, "yubin-bango-length.dat", r, "yubin_bango", "yubin_bango.length", ERROR,
               edit(yubin_bango=Changed("one_digit_short")), "郵便番号 of 6 digits"),
        Defect(layout, "kojin-bango-check-digit.dat", r, "kojin_bango", "kojin_bango.check_digit", ERROR,
               edit(kojin_bango=Changed("wrong_check_digit")), "個人番号 check digit off by one"),
        Defect(layout, "kojin-bango-length.dat", r, "kojin_bango", "kojin_bango.length", ERROR,
               edit(kojin_bango=Changed("one_digit_short")), "個人番号 of 11 digits"),
        Defect(layout, "codec-not-a-number.dat", r, number, "codec.not_a_number", ERROR, Bytes(number, b"X"),
               "a letter in a zero-filled count"),
        Defect(layout, "codec-not-ascii.dat", r, ascii_, "codec.not_ascii", ERROR, Bytes(ascii_, b"\xb1"),
               "a half-width katakana byte (B1) in an ASCII field"),
    ]


JUKI_DAICHO = "juki_daicho"
# clean.dat: 2 a 消除者, 3 a child who took Japanese nationality (国籍取得), 4 a child born 2020, 5 a child born 2019,
# 6 a 外国人住民 with a 不詳 birth date (月日不詳), 7 外字 in 氏名
_J = 4
JUKI_DAICHO_DEFECTS = [
    *_common(JUKI_DAICHO, _J, other=3, number="kaisei_bango", ascii_="kokuho_kigo_bango"),
    Defect(JUKI_DAICHO, "shimei-required.dat", _J, "shimei", "required", ERROR, edit(shimei=None), "氏名 blank"),
    Defect(JUKI_DAICHO, "setai-bango-digits.dat", _J, "setai_bango", "kind.digits", ERROR,
           edit(setai_bango=Changed("o_for_zero")), "世帯番号 with the letter O for a 0"),
    Defect(JUKI_DAICHO, "keibi-shusei-flag.dat", _J, "keibi_shusei_flag", "kind.flag", ERROR,
           edit(keibi_shusei_flag="2"), "a flag that is 2"),
    Defect(JUKI_DAICHO, "jumin-todoke-ymd-date.dat", _J, "jumin_todoke_ymd", "kind.date", ERROR,
           edit(jumin_todoke_ymd="20230229"), "住民届出年月日 29 February of a common year"),
    Defect(JUKI_DAICHO, "kojin-bango-duplicate-active.dat", 5, "kojin_bango", "kojin_bango.duplicate_active",
           ERROR, edit(kojin_bango=From(3)), "two current residents share a 個人番号", records=(3,)),
    Defect(JUKI_DAICHO, "kojin-bango-shared-with-shojo.dat", 5, "kojin_bango", None, None,
           edit(kojin_bango=From(2)), "a current resident shares the 個人番号 of a 消除者 (record 2): allowed"),
    Defect(JUKI_DAICHO, "birth-date-not-real.dat", _J, "seinengappi", "birth_date.not_real", ERROR,
           edit(seinengappi=Changed("feb_30"), nengo_code=None, seinengappi_wareki=None),
           "生年月日 30 February (和暦 left blank, which is allowed, so that only the date is wrong)"),
    Defect(JUKI_DAICHO, "birth-date-fusho-mismatch.dat", _J, "seinengappi_fusho_code", "birth_date.fusho_mismatch",
           ERROR, edit(seinengappi_fusho_code="1"), "不詳コード 1 (day unknown) on a full birth date"),
    Defect(JUKI_DAICHO, "wareki-heisei-31-may.dat", 5, "seinengappi_wareki", "wareki.mismatch", ERROR,
           edit(seinengappi="20190501", nengo_code="4", seinengappi_wareki="310501"),
           "born 2019-05-01 written 平成31年5月1日, a day that does not exist (it is 令和元年5月1日)"),
    Defect(JUKI_DAICHO, "wareki-reiwa-gannen.dat", 5, "seinengappi_wareki", None, None,
           edit(seinengappi="20190501", nengo_code="5", seinengappi_wareki="010501"),
           "born 2019-05-01 written 令和元年5月1日: right"),
    # 不詳 dates (docs/DOMAIN.md): each code fits exactly its form, in 西暦 and in 和暦
    Defect(JUKI_DAICHO, "wareki-showa-55-gappi-fusho.dat", _J, "seinengappi_wareki", None, None,
           edit(seinengappi="19800000", nengo_code="3", seinengappi_wareki="550000", seinengappi_fusho_code="2",
                seinengappi_fusho_moji="昭和５５年月日不詳"),
           "昭和55年月日不詳: 19800000, 年号 3 + 日付 550000, code 2"),
    Defect(JUKI_DAICHO, "wareki-showa-64-january-hi-fusho.dat", _J, "seinengappi_wareki", None, None,
           edit(seinengappi="19890100", nengo_code="3", seinengappi_wareki="640100", seinengappi_fusho_code="1",
                seinengappi_fusho_moji="昭和６４年１月日不詳"),
           "昭和64年1月日不詳: January 1989 lies in 昭和 (1-7) and 平成 (8-31), so both eras may write it"),
    Defect(JUKI_DAICHO, "birth-date-nengappi-fusho.dat", _J, "seinengappi", None, None,
           edit(seinengappi="00000000", nengo_code=None, seinengappi_wareki=None, seinengappi_fusho_code="3",
                seinengappi_fusho_moji="年月日不詳"), "年月日不詳: 00000000 with code 3 and no 和暦"),
    Defect(JUKI_DAICHO, "birth-date-fusho-without-text.dat", _J, "seinengappi_fusho_code", "birth_date.fusho_text",
           WARNING, edit(seinengappi="19800000", nengo_code=None, seinengappi_wareki=None, seinengappi_fusho_code="2",
                         seinengappi_fusho_moji=None),
           "月日不詳 (19800000, code 2) with a blank 不詳文字: display text only, so a warning and the record goes on"),
    Defect(JUKI_DAICHO, "birth-date-fusho-code-2-with-month.dat", 6, "seinengappi_fusho_code",
           "birth_date.fusho_mismatch", ERROR, edit(seinengappi=Changed("month_may")),
           "code 2 (月日不詳) on a date whose month is known (YYYY0500)"),
    Defect(JUKI_DAICHO, "wareki-heisei-31-may-hi-fusho.dat", 5, "seinengappi_wareki", "wareki.mismatch", ERROR,
           edit(seinengappi="20190500", nengo_code="4", seinengappi_wareki="310500", seinengappi_fusho_code="1",
                seinengappi_fusho_moji="日不詳"), "平成31年5月 (day unknown): 平成 ended in April, so no such month"),
    Defect(JUKI_DAICHO, "shojo-flag-mismatch.dat", _J, "shojo_flag", "shojo.mismatch", ERROR,
           edit(shojo_flag="1"), "消除フラグ 1 without a 除票異動年月日"),
    Defect(JUKI_DAICHO, "ido-ymd-before-birth.dat", _J, "jumin_ido_ymd", "ido_ymd.before_birth", ERROR,
           edit(jumin_ido_ymd=Changed("day_before", of="seinengappi")), "住民異動年月日 the day before birth"),
    Defect(JUKI_DAICHO, "ido-ymd-after-file-date.dat", _J, "jumin_ido_ymd", "ido_ymd.after_file_date", ERROR,
           edit(jumin_ido_ymd="20260404"), "住民異動年月日 the day after the file's 作成年月日"),
    Defect(JUKI_DAICHO, "codec-not-cp932.dat", _J, "katagaki", "codec.not_cp932", ERROR,
           Bytes("katagaki", b"\x85\x40"), "方書 starts with 85 40, which is no CP932 character"),
    Defect(JUKI_DAICHO, "codec-split-character.dat", _J, "katagaki", "codec.split_character", ERROR,
           Bytes("katagaki", b" \x8b", at="end"), "方書 ends with the first byte of a kanji (8B)"),
    Defect(JUKI_DAICHO, "codec-control-character.dat", _J, "katagaki", "codec.control_character", ERROR,
           Bytes("katagaki", b"\t "), "a tab in 方書"),
]

HONNIN_KAKUNIN = "honnin_kakunin"
# clean.dat: 2 外字 in 氏名, 3 国籍取得 (a child who took Japanese nationality), 4 転入 from another city,
# 5 a 不詳 birth date, 6 外字 in 住所, 7 a 消除 record, 8 born 2026, 9 住民票コードの変更
_H = 4
HONNIN_KAKUNIN_DEFECTS = [
    *_common(HONNIN_KAKUNIN, _H, other=3, number="koshin_jun_bango", ascii_="sosasha_id"),
    Defect(HONNIN_KAKUNIN, "shimei-required.dat", _H, "shimei", "required", ERROR, edit(shimei=None), "氏名 blank"),
    Defect(HONNIN_KAKUNIN, "oaza-code-digits.dat", _H, "oaza_code", "kind.digits", ERROR,
           edit(oaza_code=Changed("o_for_zero")), "大字・字コード with the letter O for a 0"),
    Defect(HONNIN_KAKUNIN, "haita-flag.dat", _H, "haita_flag", "kind.flag", ERROR, edit(haita_flag="2"),
           "a flag that is 2"),
    Defect(HONNIN_KAKUNIN, "todoke-ymd-date.dat", _H, "todoke_ymd", "kind.date", ERROR,
           edit(todoke_ymd="20230229"), "届出の年月日 29 February of a common year"),
    Defect(HONNIN_KAKUNIN, "timestamp-length.dat", _H, "timestamp", "kind.timestamp", ERROR,
           edit(timestamp=Changed("one_digit_short")), "タイムスタンプ of 13 digits"),
    Defect(HONNIN_KAKUNIN, "kojin-bango-duplicate-active.dat", _H, "kojin_bango", "kojin_bango.duplicate_active",
           ERROR, edit(kojin_bango=From(3)), "two current records share a 個人番号", records=(3,)),
    Defect(HONNIN_KAKUNIN, "kojin-bango-shared-with-shojo.dat", _H, "kojin_bango", None, None,
           edit(kojin_bango=From(7)), "a current record shares the 個人番号 of a 消除 record (record 7): allowed"),
    Defect(HONNIN_KAKUNIN, "dantai-code-check-digit.dat", _H, "shichoson_code", "dantai_code.check_digit", ERROR,
           edit(shichoson_code=Changed("wrong_check_digit")), "市町村コード check digit off by one"),
    Defect(HONNIN_KAKUNIN, "dantai-code-unknown.dat", _H, "shichoson_code", "dantai_code.unknown", ERROR,
           edit(shichoson_code="049999"), "市町村コード 049999: a right check digit, but no such municipality"),
    Defect(HONNIN_KAKUNIN, "birth-date-not-real.dat", _H, "seinengappi", "birth_date.not_real", ERROR,
           edit(seinengappi=Changed("feb_30")), "生年月日 30 February"),
    Defect(HONNIN_KAKUNIN, "seion-kana-mismatch.dat", _H, "seion_kana", "seion_kana.mismatch", ERROR,
           edit(seion_kana=Same("furigana")), "清音化かな氏名 copied from the ふりがな instead of derived"),
    Defect(HONNIN_KAKUNIN, "gaiji-su-mismatch.dat", _H, "shimei_gaiji_su", "gaiji_su.mismatch", ERROR,
           edit(shimei_gaiji_su=1), "外字数 1 for a 氏名 without 外字"),
    Defect(HONNIN_KAKUNIN, "gaiji-flag-mismatch.dat", _H, "gaiji_flag", "gaiji_flag.mismatch", ERROR,
           edit(gaiji_flag="1"), "外字フラグ 1 for a record without 外字"),
    Defect(HONNIN_KAKUNIN, "ido-ymd-before-birth.dat", _H, "ido_ymd", "ido_ymd.before_birth", ERROR,
           edit(ido_ymd=Changed("day_before", of="seinengappi")), "異動年月日 the day before birth"),
    Defect(HONNIN_KAKUNIN, "ido-ymd-after-file-date.dat", _H, "ido_ymd", "ido_ymd.after_file_date", ERROR,
           edit(ido_ymd="20260403"), "異動年月日 the day after the file's 作成年月日"),
    Defect(HONNIN_KAKUNIN, "gaiji-su-blank.dat", 2, "shimei_gaiji_su", "gaiji_su.mismatch", ERROR,
           edit(shimei_gaiji_su=None), "外字数 left blank for a 氏名 that holds a 外字"),
    Defect(HONNIN_KAKUNIN, "codec-not-cp932-in-gaiji-shimei.dat", 2, "shimei", "codec.not_cp932", ERROR,
           Bytes("shimei", b"\x85\x40", at="end"), "a 氏名 with a 外字 ends with 85 40, which is no CP932 character"),
    Defect(HONNIN_KAKUNIN, "codec-not-cp932.dat", _H, "furigana", "codec.not_cp932", ERROR,
           Bytes("furigana", b"\x85\x40"), "ふりがな starts with 85 40, which is no CP932 character"),
    Defect(HONNIN_KAKUNIN, "codec-split-character.dat", _H, "furigana", "codec.split_character", ERROR,
           Bytes("furigana", b" \x8b", at="end"), "ふりがな ends with the first byte of a kanji (8B)"),
    Defect(HONNIN_KAKUNIN, "codec-control-character.dat", _H, "furigana", "codec.control_character", ERROR,
           Bytes("furigana", b"\t "), "a tab in the ふりがな"),
]

SOFUSAKI = "sofusaki"
# clean.dat: the 送付先情報 of the nightly runs of 2026-04-02 (records 2-4) and 2026-04-03 (records 5-7)
_S = 3
SOFUSAKI_DEFECTS = [
    *_common(SOFUSAKI, _S, other=2, number="taisho_ninzu", ascii_="sosasha_id"),
    Defect(SOFUSAKI, "seibetsu-required.dat", _S, "seibetsu", "required", ERROR, edit(seibetsu=None), "性別 blank"),
    Defect(SOFUSAKI, "kofu-basho-yubin-bango-digits.dat", _S, "kofu_basho_yubin_bango", "kind.digits", ERROR,
           edit(kofu_basho_yubin_bango=Changed("o_for_zero")), "交付場所郵便番号 with the letter O for a 0"),
    Defect(SOFUSAKI, "gaiji-flag-flag.dat", _S, "gaiji_flag", "kind.flag", ERROR, edit(gaiji_flag="2"),
           "外字フラグ 2"),
    Defect(SOFUSAKI, "shori-ymd-date.dat", _S, "shori_ymd", "kind.date", ERROR, edit(shori_ymd="20260431"),
           "処理年月日 31 April"),
    Defect(SOFUSAKI, "dantai-code-check-digit.dat", _S, "shichoson_code", "dantai_code.check_digit", ERROR,
           edit(shichoson_code=Changed("wrong_check_digit")), "市町村コード check digit off by one"),
    Defect(SOFUSAKI, "dantai-code-unknown.dat", _S, "shichoson_code", "dantai_code.unknown", ERROR,
           edit(shichoson_code="049999"), "市町村コード 049999: a right check digit, but no such municipality"),
    Defect(SOFUSAKI, "birth-date-not-real.dat", _S, "seinengappi", "birth_date.not_real", ERROR,
           edit(seinengappi=Changed("feb_30")), "生年月日 30 February"),
    Defect(SOFUSAKI, "gaiji-su-mismatch.dat", _S, "shimei_gaiji_su", "gaiji_su.mismatch", ERROR,
           edit(shimei_gaiji_su=1), "外字数 1 for a 氏名 without 外字"),
    Defect(SOFUSAKI, "gaiji-flag-mismatch.dat", _S, "gaiji_flag", "gaiji_flag.mismatch", ERROR,
           edit(gaiji_flag="1"), "外字フラグ 1 for a record without 外字"),
    Defect(SOFUSAKI, "komoku-len-mismatch.dat", _S, "shimei_len", "komoku_len.mismatch", ERROR,
           edit(shimei_len=Changed("plus_two")), "氏名 項目長 two bytes too long"),
    Defect(SOFUSAKI, "komoku-len-blank.dat", _S, "shimei_len", "komoku_len.mismatch", ERROR,
           edit(shimei_len=None), "氏名 項目長 left blank"),
    Defect(SOFUSAKI, "taisho-ninzu-mismatch.dat", _S, "taisho_ninzu", "sofusaki.mailing_mismatch", ERROR,
           edit(taisho_ninzu=Changed("plus_two")), "対象となる人数 two more than the records of its mailing"),
    Defect(SOFUSAKI, "gaiji-unmapped.dat", _S, "daitai_shimei", "gaiji.unmapped", ERROR,
           edit(daitai_shimei="\ue000", daitai_shimei_len=2), "a 外字 (U+E000) left in 代替文字氏名"),
    Defect(SOFUSAKI, "codec-not-cp932.dat", _S, "shimei_kana", "codec.not_cp932", ERROR,
           Bytes("shimei_kana", b"\x85\x40"), "氏名 かな starts with 85 40, which is no CP932 character"),
    Defect(SOFUSAKI, "codec-split-character.dat", _S, "shimei_kana", "codec.split_character", ERROR,
           Bytes("shimei_kana", b" \x8b", at="end"), "氏名 かな ends with the first byte of a kanji (8B)"),
    Defect(SOFUSAKI, "codec-control-character.dat", _S, "sosasha_id", "codec.control_character", ERROR,
           Bytes("sosasha_id", b"\t"), "a tab in 操作者ID"),
]

DEFECTS: list[Defect] = [*JUKI_DAICHO_DEFECTS, *HONNIN_KAKUNIN_DEFECTS, *SOFUSAKI_DEFECTS]

def defects_of(layout: str) -> list[Defect]:
    return [d for d in DEFECTS if d.layout == layout]
