"""Domain rules as pandera check methods, so that each model declares its rules field by field.

Each check is registered under a Python name and mapped to its rule identifier (``CHECK_RULES``), which is
what a reject reports. The rules themselves live in juki.rules as polars expressions with scalar twins; a
check only applies one to the right columns. Null is "not applicable" and passes: whether a value must be
there is the model's ``nullable=False``.
"""

from __future__ import annotations

import pandera.extensions as ext
import polars as pl
from pandera.api.polars.types import PolarsData

from juki.codes import codes_dir
from juki.rules import (
    count_gaiji_expr,
    cp932_len_expr,
    dantai_code_is_valid_expr,
    has_gaiji_expr,
    kojin_bango_is_valid_expr,
    seion_kana_expr,
    wareki_to_ymd_expr,
    ymd_is_fusho_expr,
    ymd_is_valid_expr,
)

CHECK_RULES: dict[str, str] = {}


def domain_check(rule_id: str, *statistics: str):
    def register(fn):
        CHECK_RULES[fn.__name__] = rule_id
        return ext.register_check_method(statistics=list(statistics))(fn)

    return register


def _ok(data: PolarsData, expr: pl.Expr) -> pl.LazyFrame:
    return data.lazyframe.select(expr.fill_null(True).alias(data.key))


@domain_check("kojin_bango.length")
def kojin_bango_twelve_digits(data: PolarsData) -> pl.LazyFrame:
    return _ok(data, pl.col(data.key).str.contains(r"^[0-9]{12}$"))


@domain_check("kojin_bango.check_digit")
def kojin_bango_check_digit(data: PolarsData) -> pl.LazyFrame:
    """Only of a well-formed number: a wrong length is kojin_bango.length's to report, once."""
    c = pl.col(data.key)
    return _ok(data, pl.when(c.str.contains(r"^[0-9]{12}$")).then(kojin_bango_is_valid_expr(c)))


@domain_check("kojin_bango.duplicate_active", "removed_when")
def kojin_bango_unique_among_active(data: PolarsData, *, removed_when: tuple[str, str]) -> pl.LazyFrame:
    """Unique among records that are not 消除 (a 消除者's old record may share the number)."""
    flag, value = removed_when
    active = pl.col(flag).fill_null("") != value
    shared = pl.when(active).then(pl.col(data.key)).is_duplicated() & active & pl.col(data.key).is_not_null()
    return _ok(data, ~shared)


@domain_check("dantai_code.check_digit")
def dantai_code_check_digit(data: PolarsData) -> pl.LazyFrame:
    return _ok(data, dantai_code_is_valid_expr(pl.col(data.key)))


@domain_check("dantai_code.unknown")
def dantai_code_known(data: PolarsData) -> pl.LazyFrame:
    """Only of a code with a right check digit: a wrong one is dantai_code.check_digit's to report, once."""
    c = pl.col(data.key)
    return _ok(data, pl.when(dantai_code_is_valid_expr(c)).then(c.is_in(known_dantai_codes())))


def known_dantai_codes() -> list[str]:
    return pl.read_csv(codes_dir() / "dantai-codes.csv", schema_overrides={"code": pl.String})["code"].to_list()


@domain_check("yubin_bango.length")
def yubin_bango_seven_digits(data: PolarsData) -> pl.LazyFrame:
    return _ok(data, pl.col(data.key).str.contains(r"^[0-9]{7}$"))


@domain_check("birth_date.not_real")
def birth_date_real_or_fusho(data: PolarsData) -> pl.LazyFrame:
    c = pl.col(data.key)
    return _ok(data, ymd_is_valid_expr(c) | ymd_is_fusho_expr(c))


@domain_check("birth_date.fusho_mismatch", "date_field", "text_field")
def fusho_code_agrees(data: PolarsData, *, date_field: str, text_field: str) -> pl.LazyFrame:
    """A 不詳 date has a 不詳コード other than 0 and a 不詳文字; a full date has neither."""
    fusho = ymd_is_fusho_expr(pl.col(date_field)).fill_null(False)
    coded = pl.col(data.key).fill_null("0") != "0"
    return _ok(data, (fusho == coded) & (fusho == pl.col(text_field).is_not_null()))


@domain_check("wareki.mismatch", "era_field", "date_field")
def wareki_matches(data: PolarsData, *, era_field: str, date_field: str) -> pl.LazyFrame:
    """年号コード + 日付 (YYMMDD in the era) must be 生年月日; both blank is fine (e.g. 不詳 or foreign-born)."""
    both_blank = pl.col(era_field).is_null() & pl.col(data.key).is_null()
    same = wareki_to_ymd_expr(pl.col(era_field), pl.col(data.key)) == pl.col(date_field)
    return _ok(data, both_blank | same.fill_null(False))


@domain_check("seion_kana.mismatch", "reading_field")
def seion_kana_of(data: PolarsData, *, reading_field: str) -> pl.LazyFrame:
    return _ok(data, pl.col(data.key) == seion_kana_expr(pl.col(reading_field)))


@domain_check("gaiji_su.mismatch", "text_field")
def gaiji_count_of(data: PolarsData, *, text_field: str) -> pl.LazyFrame:
    """A blank count reads as 0: right for a value without 外字, wrong for one with."""
    return _ok(data, pl.col(data.key).fill_null(0) == count_gaiji_expr(pl.col(text_field)).fill_null(0))


@domain_check("gaiji_flag.mismatch", "text_fields")
def gaiji_flag_of(data: PolarsData, *, text_fields: tuple[str, ...]) -> pl.LazyFrame:
    any_gaiji = pl.any_horizontal(*(has_gaiji_expr(pl.col(f)).fill_null(False) for f in text_fields))
    return _ok(data, (pl.col(data.key) == "1") == any_gaiji)


@domain_check("komoku_len.mismatch", "text_field")
def byte_length_of(data: PolarsData, *, text_field: str) -> pl.LazyFrame:
    """A blank length reads as 0: right for a blank value, wrong for any other."""
    return _ok(data, pl.col(data.key).fill_null(0) == cp932_len_expr(pl.col(text_field)).fill_null(0))


@domain_check("shojo.mismatch", "date_field")
def shojo_agrees_with(data: PolarsData, *, date_field: str) -> pl.LazyFrame:
    return _ok(data, (pl.col(data.key) == "1") == pl.col(date_field).is_not_null())


@domain_check("ido_ymd.before_birth", "birth_field")
def not_before_birth(data: PolarsData, *, birth_field: str) -> pl.LazyFrame:
    """YYYYMMDD strings order as dates; a 不詳 birth date (00 parts) sorts before any day of its year."""
    return _ok(data, pl.col(data.key) >= pl.col(birth_field))


@domain_check("gaiji.unmapped")
def no_gaiji(data: PolarsData) -> pl.LazyFrame:
    return _ok(data, ~has_gaiji_expr(pl.col(data.key)))
