"""Modulus-11 check digits of 個人番号, 地方公共団体コード and 住民票コード.

All three identifiers end in a modulus-11 check digit computed from fixed weights; they differ only in the
weights and in what a remainder of 0 or 1 turns into. So there is one mechanism, `CheckDigitRule`, and the
three identifiers are instances of it. The 住民票コード rule is set by 総務省告示 and its remainder handling
is not public: a city configures it (`JUMINHYO_CODE_DEFAULT` is our best public guess, see DESIGN.md §3).

Every rule exists twice: a scalar function (plain Python, easy to read, used by the property tests) and a
vectorised polars expression (used by the pipeline). Identifiers are strings throughout: leading zeros are
real. Messages never contain the value checked (these are residents' numbers).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import reduce
from operator import add
from typing import Literal

import polars as pl

Remainder = Literal["kojin_bango", "jis"]
_REMAINDERS = ("kojin_bango", "jis")


@dataclass(frozen=True)
class CheckDigitRule:
    """Weights (left to right, one per payload digit) and the remainder handling.

    remainder "kojin_bango": check = 0 if r <= 1 else 11 - r  (個人番号; r = Σ digit·weight mod 11)
    remainder "jis":         check = (11 - r) mod 10          (JIS X 0401/0402 団体コード)
    The two differ only when r = 0 (0 versus 1).
    """

    weights: tuple[int, ...]
    remainder: Remainder
    # Only for messages: they name the rule, never the value.
    name: str = field(default="check digit", compare=False)

    def __post_init__(self) -> None:
        if not self.weights or not all(isinstance(w, int) and w > 0 for w in self.weights):
            raise ValueError(f"{self.name}: weights must be a non-empty tuple of positive ints")
        if self.remainder not in _REMAINDERS:
            raise ValueError(f"{self.name}: remainder must be one of {_REMAINDERS}")

    @property
    def length(self) -> int:
        """Length of the whole identifier: payload plus one check digit."""
        return len(self.weights) + 1


KOJIN_BANGO = CheckDigitRule((6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2), "kojin_bango", "個人番号")
DANTAI_CODE = CheckDigitRule((6, 5, 4, 3, 2), "jis", "地方公共団体コード")
# The 個人番号 weights are 2..7 repeating from the right; extended to 10 digits they read 5,4,3,2,7,6,5,4,3,2.
JUMINHYO_CODE_DEFAULT = CheckDigitRule((5, 4, 3, 2, 7, 6, 5, 4, 3, 2), "kojin_bango", "住民票コード")


def _is_ascii_digits(s: object, n: int) -> bool:
    # str.isdigit alone accepts "١" or "²"; identifiers are ASCII 0-9 only.
    return isinstance(s, str) and len(s) == n and s.isascii() and s.isdigit()


# ---------------------------------------------------------------------------------------------- scalar


def check_digit(digits: str, rule: CheckDigitRule) -> int:
    """The check digit for the payload `digits` (exactly len(rule.weights) ASCII digits)."""
    if not _is_ascii_digits(digits, len(rule.weights)):
        raise ValueError(f"{rule.name}: payload must be {len(rule.weights)} ASCII digits")
    r = sum(int(d) * w for d, w in zip(digits, rule.weights, strict=True)) % 11
    if rule.remainder == "kojin_bango":
        return 0 if r <= 1 else 11 - r
    return (11 - r) % 10


def is_valid(s: str, rule: CheckDigitRule) -> bool:
    """True when `s` has the rule's length, is all ASCII digits and ends in the right check digit."""
    if not _is_ascii_digits(s, rule.length):
        return False
    return check_digit(s[:-1], rule) == int(s[-1])


# ---------------------------------------------------------------------------------------------- vector


def is_valid_expr(e: pl.Expr, rule: CheckDigitRule) -> pl.Expr:
    """Boolean expression twin of `is_valid`; null in gives null out.

    Pure polars: one slice + cast per digit, then integer arithmetic. Non-numeric rows cast to null
    (strict=False) and are answered False by the shape test, so a bad row never raises.
    """
    n = len(rule.weights)

    def digit(i: int) -> pl.Expr:
        return e.str.slice(i, 1).cast(pl.Int32, strict=False)

    total = reduce(add, (digit(i) * w for i, w in enumerate(rule.weights)))
    r = total % 11
    if rule.remainder == "kojin_bango":
        expected = pl.when(r <= 1).then(pl.lit(0, pl.Int32)).otherwise(11 - r)
    else:
        expected = (11 - r) % 10
    shape_ok = e.str.contains(f"^[0-9]{{{rule.length}}}$")
    valid = pl.when(shape_ok).then(expected == digit(n)).otherwise(pl.lit(False))
    # when/otherwise would turn a null input into False; keep "unknown" unknown.
    return pl.when(e.is_null()).then(pl.lit(None, pl.Boolean)).otherwise(valid)


# ------------------------------------------------------------------ named identifiers (thin instances)


def kojin_bango_check_digit(first11: str) -> int:
    """個人番号 check digit of the first 11 digits."""
    return check_digit(first11, KOJIN_BANGO)


def kojin_bango_is_valid(s: str) -> bool:
    """True for a 12-digit 個人番号 with a correct check digit."""
    return is_valid(s, KOJIN_BANGO)


def kojin_bango_is_valid_expr(e: pl.Expr) -> pl.Expr:
    """Vector twin of `kojin_bango_is_valid`."""
    return is_valid_expr(e, KOJIN_BANGO)


def dantai_code_check_digit(first5: str) -> int:
    """地方公共団体コード check digit of the first 5 digits."""
    return check_digit(first5, DANTAI_CODE)


def dantai_code_is_valid(s: str) -> bool:
    """True for a 6-digit 地方公共団体コード with a correct check digit."""
    return is_valid(s, DANTAI_CODE)


def dantai_code_is_valid_expr(e: pl.Expr) -> pl.Expr:
    """Vector twin of `dantai_code_is_valid`."""
    return is_valid_expr(e, DANTAI_CODE)


def juminhyo_code_is_valid(s: str, rule: CheckDigitRule = JUMINHYO_CODE_DEFAULT) -> bool:
    """True for an 11-digit 住民票コード under `rule` (configurable: the official rule is not public)."""
    return is_valid(s, rule)


def juminhyo_code_is_valid_expr(e: pl.Expr, rule: CheckDigitRule = JUMINHYO_CODE_DEFAULT) -> pl.Expr:
    """Vector twin of `juminhyo_code_is_valid`."""
    return is_valid_expr(e, rule)
