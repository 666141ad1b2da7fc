"""不詳 dates: each 不詳コード's meaning, the dates that fit it in 西暦 and in 和暦, and the vector twins."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from juki.checks.rules import (
    default_eras,
    default_fusho_codes,
    wareki_fusho_to_ymd,
    wareki_fusho_to_ymd_expr,
    ymd_fits,
    ymd_fits_expr,
    ymd_is_fusho,
    ymd_is_fusho_expr,
)
from juki.checks.rules.fusho import parse_fusho_codes

from .helpers import any_text, run, vector_settings


def test_each_code_says_which_parts_are_unknown():
    codes = {c.code: (c.name, c.year, c.month, c.day) for c in default_fusho_codes().codes}
    assert codes == {"0": ("不詳なし", True, True, True), "1": ("日不詳", True, True, False),
                     "2": ("月日不詳", True, False, False), "3": ("年月日不詳", False, False, False)}


@pytest.mark.parametrize(("ymd", "fits"), [
    # 0 不詳なし: a real day
    ("19800512", "0"), ("20000229", "0"),
    # 1 日不詳: year and month known, day 00
    ("19800500", "1"), ("19801200", "1"),
    # 2 月日不詳: year known, month and day 00
    ("19800000", "2"),
    # 3 年月日不詳: nothing known
    ("00000000", "3"),
    # fits no code
    ("19800015", None), ("19801300", None), ("00000500", None), ("00000512", None), ("19000229", None),
])
def test_a_date_fits_exactly_the_code_of_its_unknown_parts(ymd, fits):
    got = [c.code for c in default_fusho_codes().codes if ymd_fits(ymd, c.code)]
    assert got == ([] if fits is None else [fits])
    assert run(lambda d, c: ymd_fits_expr(d, c), [ymd] * 4, ["0", "1", "2", "3"]) == [c == fits for c in "0123"]
    assert ymd_is_fusho(ymd) == (fits not in (None, "0"))


def test_code_2_on_a_date_with_its_month_is_refused():
    assert not ymd_fits("19800500", "2") and ymd_fits("19800500", "1")


def test_an_unknown_code_fits_nothing():
    assert not ymd_fits("19800000", "9")
    assert run(lambda d, c: ymd_fits_expr(d, c), ["19800000", None], ["9", "2"]) == [False, None]


@pytest.mark.parametrize(("era", "yymmdd", "ymd"), [
    ("3", "550000", "19800000"),  # 昭和55年月日不詳
    ("3", "550500", "19800500"),  # 昭和55年5月日不詳
    ("3", "640100", "19890100"),  # 昭和64年1月 (1–7 January 1989)
    ("4", "010100", "19890100"),  # 平成元年1月 (8–31 January 1989): the same month, in another era
    ("3", "640000", "19890000"), ("4", "010000", "19890000"),
    ("4", "310400", "20190400"), ("4", "310500", None),  # 平成 ended on 30 April 2019: no 平成31年5月
    ("5", "010400", None), ("5", "010500", "20190500"),  # 令和 began on 1 May 2019: no 令和元年4月
    ("1", "010100", "18680100"),  # 明治 began on 25 January 1868, within 明治元年1月
    ("2", "150000", "19260000"), ("2", "160000", None),  # 大正 ended on 24 December 1926 (大正15年)
    ("4", "000000", None), ("3", "551300", None), ("9", "550000", None),
    ("3", "550230", None), ("3", "550512", "19800512"),  # a full 和暦 date is converted as one
])
def test_wareki_fusho_forms(era, yymmdd, ymd):
    assert wareki_fusho_to_ymd(era, yymmdd) == ymd


@vector_settings
@given(st.lists(st.tuples(st.sampled_from(["1", "2", "3", "4", "5", "9"]),
                          st.builds(lambda y, m: f"{y:02d}{m:02d}00", st.integers(0, 99), st.integers(0, 13))
                          | any_text), max_size=60))
def test_wareki_fusho_vector_agrees_with_scalar(pairs):
    eras, yymmdds = [p[0] for p in pairs], [p[1] for p in pairs]
    expected = [wareki_fusho_to_ymd(e, y) if y[-2:] == "00" and len(y) == 6 else None for e, y in pairs]
    assert run(wareki_fusho_to_ymd_expr, eras, yymmdds) == expected


def test_wareki_fusho_vector_on_every_month_of_every_era():
    pairs = [(e.code, f"{yy:02d}{mm:02d}00") for e in default_eras().eras for yy in range(100) for mm in range(14)]
    assert run(wareki_fusho_to_ymd_expr, [p[0] for p in pairs], [p[1] for p in pairs]) == [
        wareki_fusho_to_ymd(*p) for p in pairs]


ymd_like = st.builds(lambda y, m, d: f"{y:04d}{m:02d}{d:02d}", st.integers(0, 9999), st.integers(0, 13),
                     st.integers(0, 32))


@vector_settings
@given(st.lists(st.tuples(ymd_like | any_text | st.none(), st.sampled_from(["0", "1", "2", "3", "7"])), max_size=60))
def test_fits_vector_agrees_with_scalar(pairs):
    dates, codes = [p[0] for p in pairs], [p[1] for p in pairs]
    assert run(ymd_fits_expr, dates, codes) == [None if d is None else ymd_fits(d, c) for d, c in pairs]
    assert run(ymd_is_fusho_expr, dates) == [None if d is None else ymd_is_fusho(d) for d in dates]


@pytest.mark.parametrize("text", [
    "code,name,unknown\n0,なし,\n1,x,week\n",  # not a part
    "code,name,unknown\n0,なし,\n1,x,month\n",  # a day known without its month
    "code,name,unknown\n1,x,day\n",  # no full date
    "code,name,unknown\n0,a,\n0,b,day\n",  # repeated code
])
def test_bad_tables_are_refused(text):
    with pytest.raises(ValueError):
        parse_fusho_codes(text)


def test_a_city_table_may_add_a_code():
    codes = parse_fusho_codes("code,name,unknown\n0,なし,\n4,年不詳,year\n")
    assert ymd_fits("00000512", "4", codes) and ymd_fits("00000229", "4", codes)
    assert not ymd_fits("19800512", "4", codes) and not ymd_fits("00001301", "4", codes)
    assert run(lambda d, c: ymd_fits_expr(d, c, codes), ["00000512", "00000230"], ["4", "4"]) == [True, False]
