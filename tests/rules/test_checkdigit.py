"""Check digits: known values, every real 団体コード, and the vector forms against the scalar twins."""

from __future__ import annotations

import csv
import dataclasses
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from juki.checks.rules import (
    DANTAI_CODE,
    JUMINHYO_CODE_DEFAULT,
    KOJIN_BANGO,
    CheckDigitRule,
    check_digit,
    dantai_code_check_digit,
    dantai_code_is_valid,
    dantai_code_is_valid_expr,
    is_valid,
    is_valid_expr,
    juminhyo_code_is_valid,
    juminhyo_code_is_valid_expr,
    kojin_bango_check_digit,
    kojin_bango_is_valid,
    kojin_bango_is_valid_expr,
)

from .helpers import any_text, digits, run, vector_settings

DANTAI_CSV = Path(__file__).resolve().parents[2] / "layouts" / "codes" / "dantai-codes.csv"
KNOWN_KOJIN = ["123456789018", "621498320257", "023456789013"]


def _dantai_codes() -> list[str]:
    with DANTAI_CSV.open(encoding="utf-8", newline="") as f:
        return [row["code"] for row in csv.DictReader(f)]


def _remainder(payload: str, rule: CheckDigitRule) -> int:
    return sum(int(d) * w for d, w in zip(payload, rule.weights, strict=True)) % 11


# ------------------------------------------------------------------------------------------ 個人番号


@pytest.mark.parametrize("number", KNOWN_KOJIN)
def test_known_kojin_bango_are_valid_and_only_their_check_digit_is(number: str) -> None:
    assert kojin_bango_is_valid(number)
    assert kojin_bango_check_digit(number[:11]) == int(number[11])
    others = [number[:11] + d for d in "0123456789" if d != number[11]]
    assert not any(map(kojin_bango_is_valid, others))
    assert run(kojin_bango_is_valid_expr, [number, *others]) == [True] + [False] * 9


@pytest.mark.parametrize(
    "text",
    ["", "12345678901", "1234567890180", " 23456789018", "12345678901８", "١٢٣٤٥٦٧٨٩٠١٨", "12345678901\n",
     "-23456789018", "+23456789018", "1234567890.8"],
)
def test_kojin_bango_rejects_anything_but_12_ascii_digits(text: str) -> None:
    assert not kojin_bango_is_valid(text)
    assert run(kojin_bango_is_valid_expr, [text]) == [False]


def test_null_in_null_out() -> None:
    assert run(kojin_bango_is_valid_expr, [None, "123456789018"]) == [None, True]
    assert run(dantai_code_is_valid_expr, [None]) == [None]


# ------------------------------------------------------------------------------- 地方公共団体コード


def test_every_real_dantai_code_is_valid() -> None:
    codes = _dantai_codes()
    assert len(codes) == 1963
    assert all(map(dantai_code_is_valid, codes))
    assert all(run(dantai_code_is_valid_expr, codes))
    assert [dantai_code_check_digit(c[:5]) for c in codes] == [int(c[5]) for c in codes]


@pytest.mark.parametrize("code", ["042021", "041009", "131016", "040002"])  # 石巻市 仙台市 千代田区 宮城県
def test_named_dantai_codes(code: str) -> None:
    assert dantai_code_is_valid(code)


def test_dantai_rule_differs_from_kojin_rule_exactly_when_r_is_0() -> None:
    kojin_style = CheckDigitRule(DANTAI_CODE.weights, "kojin_bango")
    assert check_digit("00000", DANTAI_CODE) == 1  # r = 0: (11 - 0) mod 10
    assert check_digit("00000", kojin_style) == 0  # r = 0: 0
    real_r0 = [c for c in _dantai_codes() if _remainder(c[:5], DANTAI_CODE) == 0]
    assert real_r0, "the real codes include r = 0 cases"
    for code in real_r0:
        assert code[5] == "1" and dantai_code_is_valid(code) and not is_valid(code, kojin_style)


@vector_settings
@given(st.text("0123456789", min_size=5, max_size=5))
def test_dantai_and_kojin_rules_agree_unless_r_is_0(payload: str) -> None:
    kojin_style = CheckDigitRule(DANTAI_CODE.weights, "kojin_bango")
    same = check_digit(payload, DANTAI_CODE) == check_digit(payload, kojin_style)
    assert same == (_remainder(payload, DANTAI_CODE) != 0)


# ----------------------------------------------------------------------------------- 住民票コード


def test_juminhyo_default_extends_the_kojin_weights_to_10_digits() -> None:
    # Read from the right, 個人番号 weights are 2,3,4,5,6,7 repeating; the default keeps that pattern.
    assert JUMINHYO_CODE_DEFAULT.weights[::-1] == (2, 3, 4, 5, 6, 7, 2, 3, 4, 5)
    assert KOJIN_BANGO.weights[-10:] == JUMINHYO_CODE_DEFAULT.weights
    assert JUMINHYO_CODE_DEFAULT.remainder == "kojin_bango" and JUMINHYO_CODE_DEFAULT.length == 11
    # Worked example: Σ = 1·5+2·4+3·3+4·2+5·7+6·6+7·5+8·4+9·3+0·2 = 195, r = 8, check = 3.
    assert check_digit("1234567890", JUMINHYO_CODE_DEFAULT) == 3
    assert juminhyo_code_is_valid("12345678903")
    assert run(juminhyo_code_is_valid_expr, ["12345678903", "12345678904"]) == [True, False]


def test_juminhyo_rule_is_configurable() -> None:
    jis = CheckDigitRule(JUMINHYO_CODE_DEFAULT.weights, "jis")
    payload = next(f"{n:010d}" for n in range(10**6) if _remainder(f"{n:010d}", jis) == 0)
    assert juminhyo_code_is_valid(payload + "0") and not juminhyo_code_is_valid(payload + "0", jis)
    assert juminhyo_code_is_valid(payload + "1", jis)
    assert run(lambda e: juminhyo_code_is_valid_expr(e, jis), [payload + "0", payload + "1"]) == [False, True]


# ------------------------------------------------------------------------------ the mechanism itself


def test_rule_is_frozen_and_validated() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        KOJIN_BANGO.weights = (1,)  # type: ignore[misc]
    with pytest.raises(ValueError):
        CheckDigitRule((), "jis")
    with pytest.raises(ValueError):
        CheckDigitRule((1, 2), "mod10")  # type: ignore[arg-type]
    assert CheckDigitRule((6, 5, 4, 3, 2), "jis", "other name") == DANTAI_CODE


def test_messages_never_contain_the_value() -> None:
    with pytest.raises(ValueError) as info:
        check_digit("98765x3210", JUMINHYO_CODE_DEFAULT)
    assert "98765" not in str(info.value) and "住民票コード" in str(info.value)


rules = st.builds(
    CheckDigitRule,
    st.lists(st.integers(1, 12), min_size=1, max_size=12).map(tuple),
    st.sampled_from(["kojin_bango", "jis"]),
)


@vector_settings
@given(rules, st.text("0123456789", min_size=1, max_size=12))
def test_exactly_one_check_digit_is_valid(rule: CheckDigitRule, payload: str) -> None:
    payload = payload.ljust(len(rule.weights), "7")[: len(rule.weights)]
    valid = [d for d in "0123456789" if is_valid(payload + d, rule)]
    assert valid == [str(check_digit(payload, rule))]


@vector_settings
@given(
    st.sampled_from([KOJIN_BANGO, DANTAI_CODE, JUMINHYO_CODE_DEFAULT]) | rules,
    st.lists(digits | any_text | st.none(), max_size=40),
)
def test_vector_agrees_with_scalar(rule: CheckDigitRule, values: list[str | None]) -> None:
    # Half the rows get a correct check digit so that True is exercised as much as False.
    n = len(rule.weights)

    def fix(v: str | None) -> str | None:
        ok = v is not None and len(v) >= n and v[:n].isascii() and v[:n].isdigit()
        return v[:n] + str(check_digit(v[:n], rule)) if ok else v

    values = [fix(v) if i % 2 else v for i, v in enumerate(values)]
    expected = [None if v is None else is_valid(v, rule) for v in values]
    assert run(lambda e: is_valid_expr(e, rule), values) == expected


def test_vector_works_on_a_lazy_frame_column() -> None:
    lf = pl.LazyFrame({"kojin": KNOWN_KOJIN + ["123456789010"]})
    out = lf.select(ok=kojin_bango_is_valid_expr(pl.col("kojin"))).collect()
    assert out["ok"].to_list() == [True, True, True, False]


long_rules = st.builds(
    CheckDigitRule,
    st.lists(st.integers(1, 12), min_size=17, max_size=40).map(tuple),
    st.sampled_from(["kojin_bango", "jis"]),
)


@vector_settings
@given(long_rules, st.lists(st.text("0123456789", min_size=40, max_size=40), min_size=1, max_size=10), st.data())
def test_vector_agrees_with_scalar_past_one_integer(rule: CheckDigitRule, payloads: list[str],
                                                    data: st.DataObject) -> None:
    # More than 18 digits do not fit one UInt64: the vector form casts the string piece by piece.
    n = len(rule.weights)
    values = [p[:n] + str(check_digit(p[:n], rule)) for p in payloads]
    broken = [v[:i] + data.draw(st.sampled_from("+-x８ ")) + v[i + 1:]
              for v in values for i in [data.draw(st.integers(0, n))]]
    values += broken
    assert run(lambda e: is_valid_expr(e, rule), values) == [is_valid(v, rule) for v in values]


def test_vector_on_a_literal_broadcasts() -> None:
    frame = pl.DataFrame({"x": [1, 2, 3]})
    out = frame.with_columns(ok=kojin_bango_is_valid_expr(pl.lit("123456789018")),
                             none=kojin_bango_is_valid_expr(pl.lit(None, pl.String)))
    assert out["ok"].to_list() == [True] * 3 and out["none"].to_list() == [None] * 3
