"""和暦: era boundaries exactly, the date ↔ wareki round trip, and the vector forms against the scalar twins."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from juki.checks.rules import (
    date_to_wareki,
    default_eras,
    load_eras,
    wareki_to_date,
    wareki_to_ymd_expr,
    ymd_is_fusho,
    ymd_is_fusho_expr,
    ymd_is_valid,
    ymd_is_valid_expr,
)

from .helpers import any_text, run, vector_settings

NENGO_CSV = Path(__file__).resolve().parents[2] / "layouts" / "codes" / "nengo.csv"


def _ymd(d: date | None) -> str | None:
    return None if d is None else d.strftime("%Y%m%d")


def _vector_wareki(codes: list[str | None], yymmdds: list[str | None]) -> list[str | None]:
    return run(wareki_to_ymd_expr, codes, yymmdds)


def test_default_table_is_the_packaged_file() -> None:
    eras = default_eras()
    assert eras == load_eras(NENGO_CSV)
    assert [(e.code, e.name, e.first_day.isoformat()) for e in eras.eras] == [
        ("1", "明治", "1868-01-25"),
        ("2", "大正", "1912-07-30"),
        ("3", "昭和", "1926-12-25"),
        ("4", "平成", "1989-01-08"),
        ("5", "令和", "2019-05-01"),
    ]
    assert [e.last_day for e in eras.eras] == [
        date(1912, 7, 29), date(1926, 12, 24), date(1989, 1, 7), date(2019, 4, 30), None,
    ]
    assert "source" in NENGO_CSV.read_text(encoding="utf-8").splitlines()[0]


BOUNDARIES = [
    # (code, yymmdd, 西暦 or None): each era's first day, the day before it, and the day after the last.
    ("1", "010125", "18680125"), ("1", "010124", None), ("1", "450729", "19120729"), ("1", "450730", None),
    ("2", "010730", "19120730"), ("2", "010729", None), ("2", "151224", "19261224"), ("2", "151225", None),
    ("3", "011225", "19261225"), ("3", "011224", None), ("3", "640107", "19890107"), ("3", "640108", None),
    ("4", "010108", "19890108"), ("4", "010107", None), ("4", "310430", "20190430"), ("4", "310501", None),
    ("5", "010501", "20190501"), ("5", "010430", None), ("5", "820101", "21000101"), ("5", "991231", "21171231"),
    # 年 00 does not exist (01 is 元年); calendar rules hold inside an era.
    ("5", "000501", None), ("4", "010229", None), ("4", "040229", "19920229"), ("4", "120229", "20000229"),
    ("3", "750229", None), ("4", "011301", None), ("4", "010100", None), ("4", "010132", None),
    # Unknown codes and malformed YYMMDD.
    ("0", "010101", None), ("6", "010101", None), ("", "010101", None), ("4", "31050", None),
    ("4", "3105011", None), ("4", "31O501", None), ("4", "３１０４３０", None), ("4", "+10430", None),
]


@pytest.mark.parametrize(("code", "yymmdd", "expected"), BOUNDARIES)
def test_era_boundaries(code: str, yymmdd: str, expected: str | None) -> None:
    assert _ymd(wareki_to_date(code, yymmdd)) == expected


def test_era_boundaries_vector() -> None:
    codes, yymmdds, expected = zip(*BOUNDARIES, strict=True)
    assert _vector_wareki(list(codes), list(yymmdds)) == list(expected)


def test_reiwa_gannen_and_heisei_31() -> None:
    assert wareki_to_date("5", "010501") == date(2019, 5, 1)
    assert wareki_to_date("4", "310501") is None
    assert date_to_wareki(date(2019, 5, 1)) == ("5", "010501")
    assert date_to_wareki(date(2019, 4, 30)) == ("4", "310430")
    assert date_to_wareki(date(1989, 1, 7)) == ("3", "640107")


def test_nulls_and_integer_codes() -> None:
    assert _vector_wareki([None, "4", None], ["310430", None, None]) == [None, None, None]
    frame = pl.DataFrame({"c": [4, 5, 9], "y": ["310430", "010501", "010101"]})
    assert frame.select(wareki_to_ymd_expr(pl.col("c"), pl.col("y"))).to_series().to_list() == [
        "20190430", "20190501", None,
    ]


def test_date_outside_the_table_raises_without_the_date() -> None:
    with pytest.raises(ValueError) as info:
        date_to_wareki(date(1868, 1, 24))
    assert "1868" not in str(info.value)
    with pytest.raises(ValueError):
        date_to_wareki(date(2118, 1, 1))  # 令和100年


@vector_settings
@given(st.lists(st.dates(date(1868, 1, 25), date(2100, 12, 31)), min_size=1, max_size=50))
def test_round_trip_and_vector_agrees(days: list[date]) -> None:
    pairs = [date_to_wareki(d) for d in days]
    assert [wareki_to_date(c, y) for c, y in pairs] == days
    assert _vector_wareki([c for c, _ in pairs], [y for _, y in pairs]) == [_ymd(d) for d in days]


def test_round_trip_around_every_boundary() -> None:
    for era in default_eras().eras:
        for d in (era.first_day + timedelta(days=k) for k in range(-3, 4)):
            if d >= date(1868, 1, 25):
                assert wareki_to_date(*date_to_wareki(d)) == d


yymmdd_like = st.builds(
    lambda y, m, d: f"{y:02d}{m:02d}{d:02d}", st.integers(0, 99), st.integers(0, 13), st.integers(0, 32)
)


@vector_settings
@given(st.lists(st.tuples(st.sampled_from(["0", "1", "2", "3", "4", "5", "6", "04", " 4"]),
                          yymmdd_like | any_text), max_size=50))
def test_vector_agrees_with_scalar_on_anything(rows: list[tuple[str, str]]) -> None:
    codes, yymmdds = [c for c, _ in rows], [y for _, y in rows]
    assert _vector_wareki(codes, yymmdds) == [_ymd(wareki_to_date(c, y)) for c, y in rows]


def test_custom_table_with_a_comment_line_and_a_new_era(tmp_path: Path) -> None:
    path = tmp_path / "nengo.csv"
    path.write_text(
        "# a city's own table\ncode,name,first_day\n4,平成,1989-01-08\n5,令和,2019-05-01\n6,次,2040-01-01\n",
        encoding="utf-8",
    )
    eras = load_eras(path)
    assert eras.get("5").last_day == date(2039, 12, 31)  # type: ignore[union-attr]
    assert wareki_to_date("6", "010101", eras) == date(2040, 1, 1)
    assert wareki_to_date("5", "211231", eras) == date(2039, 12, 31)
    assert wareki_to_date("5", "220101", eras) is None
    assert run(lambda c, y: wareki_to_ymd_expr(c, y, eras), ["6", "5"], ["010101", "220101"]) == ["20400101", None]
    assert date_to_wareki(date(2040, 1, 1), eras) == ("6", "010101")


@pytest.mark.parametrize(
    "text", ["code,name\n1,明治\n", "code,name,first_day\n1,明治,1868-13-01\n",
             "code,name,first_day\n1,a,1868-01-25\n1,b,1912-07-30\n", "code,name,first_day\n"],
)
def test_bad_tables_are_rejected(tmp_path: Path, text: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError):
        load_eras(path)


# ------------------------------------------------------------------------------- YYYYMMDD and 不詳


@pytest.mark.parametrize(
    ("text", "valid", "fusho"),
    [
        ("19800101", True, False), ("20000229", True, False), ("19000229", False, False),
        ("20240229", True, False), ("20230229", False, False), ("19801231", True, False),
        ("19800000", False, True), ("19800500", False, True), ("19801200", False, True),
        ("19800015", False, False), ("19801300", False, False), ("19801301", False, False),
        ("00000000", False, True), ("00000101", False, False), ("00010101", True, False),
        ("99991231", True, False), ("1980010", False, False), ("198001011", False, False),
        ("1980-1-1", False, False), ("１９８００１０１", False, False), ("", False, False),
    ],
)
def test_ymd_examples(text: str, valid: bool, fusho: bool) -> None:
    assert (ymd_is_valid(text), ymd_is_fusho(text)) == (valid, fusho)
    assert (run(ymd_is_valid_expr, [text]), run(ymd_is_fusho_expr, [text])) == ([valid], [fusho])


ymd_like = st.builds(
    lambda y, m, d: f"{y:04d}{m:02d}{d:02d}", st.integers(0, 9999), st.integers(0, 13), st.integers(0, 32)
)


@vector_settings
@given(st.lists(ymd_like | any_text | st.none(), max_size=60))
def test_ymd_vector_agrees_with_scalar(values: list[str | None]) -> None:
    assert run(ymd_is_valid_expr, values) == [None if v is None else ymd_is_valid(v) for v in values]
    assert run(ymd_is_fusho_expr, values) == [None if v is None else ymd_is_fusho(v) for v in values]


def test_ymd_vector_on_every_mmdd_of_telling_years() -> None:
    values = [f"{y:04d}{md:04d}" for y in (0, 1, 4, 100, 400, 1900, 2000, 2023, 2024, 9999) for md in range(1400)]
    assert run(ymd_is_valid_expr, values) == [ymd_is_valid(v) for v in values]
    assert run(ymd_is_fusho_expr, values) == [ymd_is_fusho(v) for v in values]


def test_wareki_vector_on_every_year_of_every_era() -> None:
    # The vector form looks dates up in a table enumerated from the eras: check it year by year, at month ends.
    mmdds = ["0000", "0101", "0131", "0132", "0228", "0229", "0230", "0430", "0431", "1231", "1301"]
    pairs = [(e.code, f"{yy:02d}{md}") for e in default_eras().eras for yy in range(100) for md in mmdds]
    codes, yymmdds = [c for c, _ in pairs], [y for _, y in pairs]
    assert _vector_wareki(codes, yymmdds) == [_ymd(wareki_to_date(c, y)) for c, y in pairs]


def test_custom_table_with_a_long_era_and_the_end_of_the_calendar(tmp_path: Path) -> None:
    path = tmp_path / "nengo.csv"
    path.write_text("code,name,first_day\nA,古,0800-03-01\nB,長,1000-01-01\nC,末,9950-06-01\n", encoding="utf-8")
    eras = load_eras(path)
    rows = [("A", "010301", "08000301"), ("A", "010229", None), ("B", "990101", "10980101"),
            ("B", "991231", "10981231"), ("C", "500601", "99990601"), ("C", "511231", None), ("C", "001231", None)]
    for code, yymmdd, expected in rows:
        d = wareki_to_date(code, yymmdd, eras)
        assert (None if d is None else f"{d.year:04d}{d.month:02d}{d.day:02d}") == expected
    got = run(lambda c, y: wareki_to_ymd_expr(c, y, eras), [c for c, _, _ in rows], [y for _, y, _ in rows])
    assert got == [e for _, _, e in rows]


def test_vectors_on_literals_broadcast() -> None:
    frame = pl.DataFrame({"x": [1, 2]})
    out = frame.with_columns(w=wareki_to_ymd_expr(pl.lit("5"), pl.lit("010501")),
                             v=ymd_is_valid_expr(pl.lit("20000229")), f=ymd_is_fusho_expr(pl.lit("19800000")))
    assert out.select("w", "v", "f").rows() == [("20190501", True, True)] * 2


@vector_settings
@given(st.dates(min_value=date(1800, 1, 1), max_value=date(2130, 12, 31)))
def test_date_to_wareki_expr_agrees_with_its_scalar_twin(d):
    from juki.checks.rules import date_to_wareki_expr

    code, yymmdd = date_to_wareki_expr(pl.col("d"))
    got = pl.DataFrame({"d": [d.strftime("%Y%m%d")]}).select(code.alias("c"), yymmdd.alias("y")).row(0)
    try:
        expected = date_to_wareki(d)
    except ValueError:  # before 明治, or past 年 99 of the last era
        expected = (None, None)
    assert got == expected


def test_heisei_31_may_is_refused_and_reiwa_gannen_accepted_by_the_reverse_check():
    """The vector form is for real dates (the wareki check pairs it with ymd_is_valid_expr)."""
    from juki.checks.rules import date_to_wareki_expr

    code, yymmdd = date_to_wareki_expr(pl.col("d"))
    frame = pl.DataFrame({"d": ["20190501", "20190430", "18680125", "18680124"]})
    got = frame.select(code.alias("c"), yymmdd.alias("y")).rows()
    assert got == [("5", "010501"), ("4", "310430"), ("1", "010125"), (None, None)]
