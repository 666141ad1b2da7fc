"""Domain rules as polars expressions over named columns, for the models' ``@pa.check`` methods.

Each function says when a value is right, given the name of its column and of the columns it depends on; the
model names the check by its rule identifier, which is what a reject reports. The rules themselves live in
juki.checks.rules (with scalar twins); here they are only applied to the right columns. Null is "not applicable" and
passes (``ok``): whether a value must be there is the layout's ``required = true``.

(pandera's register_check_method would let models write these as Field keywords, but it imports pandas: the
polars backend does not need pandas, and neither does juki.)
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import pandera.polars as pa
import polars as pl
from pandera.api.polars.types import PolarsData

from juki.checks.rules import (
    count_gaiji_expr,
    cp932_len_expr,
    dantai_code_is_valid_expr,
    date_to_wareki_expr,
    has_gaiji_expr,
    kojin_bango_is_valid_expr,
    wareki_fusho_to_ymd_expr,
    ymd_fits_expr,
    ymd_is_fusho_expr,
    ymd_is_valid_expr,
)
from juki.layout.codes import codes_dir, table


def ok(data: PolarsData, expr: pl.Expr) -> pl.LazyFrame:
    """What a pandera check returns: one boolean per row, null counted as a pass."""
    return data.lazyframe.select(expr.fill_null(True).alias(data.key))


def rule(rule_id: str, *fields: str, holds: Callable[[str], pl.Expr]):
    """A model's check, in one line: ``holds(column)`` is true where the column's value keeps rule ``rule_id``.

    Each call makes a fresh check method, so models may share rules without inheriting them (with pandera 0.35 a
    check inherited by a second model loses its name, and the name is the rule a reject reports)."""

    @pa.check(*fields, name=rule_id)
    def check(cls, data: PolarsData) -> pl.LazyFrame:
        return ok(data, holds(data.key))

    return check


def kojin_bango_length(c: str) -> pl.Expr:
    return pl.col(c).str.contains(r"^[0-9]{12}$")


def kojin_bango_check_digit(c: str) -> pl.Expr:
    """Only of a well-formed number: a wrong length is kojin_bango.length's to report, once."""
    return pl.when(kojin_bango_length(c)).then(kojin_bango_is_valid_expr(pl.col(c)))


def _duplicated(value: pl.Expr) -> pl.Expr:
    """True where a non-null identifier occurs more than once, compared as an Int64 key: a digit string is its
    number (identifiers are fixed-width, checked by the length rules, so leading zeros lose nothing), which is
    three times faster than comparing strings; anything else (already broken) gets a negative 63-bit hash, which
    no number can equal."""
    number = value.cast(pl.Int64, strict=False)
    key = pl.when(number.is_not_null()).then(number).otherwise(-(value.hash() // 2).cast(pl.Int64) - 1)
    return key.is_duplicated() & value.is_not_null()


def unique_key(c: str) -> pl.Expr:
    return ~_duplicated(pl.col(c))


def unique_among_active(c: str, flag: str, removed: str = "1") -> pl.Expr:
    """Unique among records that are not 消除 (a 消除者's record may share the number)."""
    active = pl.col(flag).fill_null("") != removed
    return ~(_duplicated(pl.when(active).then(pl.col(c))) & active)


def dantai_check_digit(c: str) -> pl.Expr:
    return dantai_code_is_valid_expr(pl.col(c))


def dantai_known(c: str) -> pl.Expr:
    """Only of a code with a right check digit: a wrong one is dantai_code.check_digit's to report, once."""
    return pl.when(dantai_check_digit(c)).then(pl.col(c).is_in(known_dantai_codes()))


@cache
def known_dantai_codes() -> tuple[str, ...]:
    codes = pl.read_csv(codes_dir() / "dantai-codes.csv", schema_overrides={"code": pl.String})["code"]
    return tuple(codes.to_list())


def seven_digits(c: str) -> pl.Expr:
    return pl.col(c).str.contains(r"^[0-9]{7}$")


def real_or_fusho(c: str) -> pl.Expr:
    return ymd_is_valid_expr(pl.col(c)) | ymd_is_fusho_expr(pl.col(c))


def _fusho_checkable(c: str, date_field: str) -> tuple[pl.Expr, pl.Expr]:
    """The 不詳コード (blank reads as 0, 不詳なし), and whether the pair can be judged: a date that is real or 不詳
    and a code in the table (anything else is birth_date.not_real's or code_table's to report, once)."""
    code = pl.col(c).fill_null("0")
    return code, real_or_fusho(date_field).fill_null(False) & code.is_in(table("fusho").codes)


def fusho_code_agrees(c: str, date_field: str) -> pl.Expr:
    """The date fits its 不詳コード: exactly the parts the code calls unknown are 00 (juki/checks/rules/fusho.py)."""
    code, checkable = _fusho_checkable(c, date_field)
    return pl.when(checkable).then(ymd_fits_expr(pl.col(date_field), code).fill_null(True))


def fusho_text_agrees(c: str, date_field: str, text_field: str) -> pl.Expr:
    """A 不詳 date has its 不詳文字 (what a clerk reads on the 住民票), a full date none. Display text only: its
    absence loses no fact the date and code do not carry, so this is a warning (docs/DOMAIN.md). Only where the
    date fits its code: a code that does not fit is birth_date.fusho_mismatch's to report, once."""
    code, checkable = _fusho_checkable(c, date_field)
    fits = ymd_fits_expr(pl.col(date_field), code).fill_null(True)
    return pl.when(checkable & fits).then((code != "0") == pl.col(text_field).is_not_null())


def wareki_matches(c: str, era_field: str, date_field: str) -> pl.Expr:
    """年号コード + 日付 (YYMMDD in the era) must be 生年月日; both blank is fine (e.g. born abroad).

    A full date is converted from 生年月日 to its 和暦 (cheap arithmetic) and compared; the same as converting the
    和暦 to 西暦, since a day has one 和暦: 平成31年5月1日 is no day, 20190501 is 令和元年5月1日, so the pair is
    refused. A 不詳 date keeps its shape in 和暦 (昭和55年月日不詳 is 3 + 550000 for 19800000) and is converted the
    other way, since a month or a year can lie in two eras (昭和64年1月 and 平成元年1月 are both 198901)."""
    both_blank = pl.col(era_field).is_null() & pl.col(c).is_null()
    code, yymmdd = date_to_wareki_expr(pl.col(date_field))
    real = ymd_is_valid_expr(pl.col(date_field)).fill_null(False)
    same = real & (pl.col(era_field) == code) & (pl.col(c) == yymmdd)
    partial = ~real & (wareki_fusho_to_ymd_expr(pl.col(era_field), pl.col(c)) == pl.col(date_field))
    return both_blank | same.fill_null(False) | partial.fill_null(False)


def gaiji_count_of(c: str, text: str) -> pl.Expr:
    """A blank count reads as 0: right for a value without 外字, wrong for one with."""
    return pl.col(c).fill_null(0) == count_gaiji_expr(pl.col(text)).fill_null(0)


def gaiji_flag_of(c: str, texts: tuple[str, ...]) -> pl.Expr:
    """Against the texts themselves, not their 外字数: a wrong count is gaiji_su.mismatch's to report, alone."""
    any_gaiji = pl.any_horizontal(*(has_gaiji_expr(pl.col(t)).fill_null(False) for t in texts))
    return (pl.col(c) == "1") == any_gaiji


def byte_length_of(c: str, text: str) -> pl.Expr:
    """A blank length reads as 0: right for a blank value, wrong for any other."""
    return pl.col(c).fill_null(0) == cp932_len_expr(pl.col(text)).fill_null(0)


def shojo_agrees(c: str, date_field: str) -> pl.Expr:
    return (pl.col(c) == "1") == pl.col(date_field).is_not_null()


def not_before(c: str, birth: str) -> pl.Expr:
    """YYYYMMDD strings order as dates; a 不詳 birth date (00 parts) sorts before any day of its year."""
    return pl.col(c) >= pl.col(birth)


def no_gaiji(c: str) -> pl.Expr:
    return ~has_gaiji_expr(pl.col(c))


def one_mailing(c: str, mailing: str, shared: tuple[str, ...]) -> pl.Expr:
    """対象となる人数 is the number of records of its mailing (送付先管理番号), whose records agree on ``shared``."""
    count = pl.len().over(mailing) == pl.col(c)
    agree = [pl.col(f).n_unique().over(mailing) == 1 for f in shared]
    return pl.when(pl.col(mailing).is_not_null()).then(pl.all_horizontal(count, *agree))
