"""Modulus-11 check digits of 個人番号, 地方公共団体コード and 住民票コード.

All three identifiers end in a modulus-11 check digit computed from fixed weights; they differ only in the
weights and in what a remainder of 0 or 1 turns into. So there is one mechanism, `CheckDigitRule`, and the
three identifiers are instances of it.

What is known of each (docs/DOMAIN.md, Identifiers): the 個人番号 formula is 総務省令第85号第5条; the 団体コード's
is JIS X 0401/0402's, checked on all 1,963 codes. The 住民票コード's is set by 平成14年総務省告示第436号 under
住民基本台帳法施行規則第1条第2号: published in the 官報, but its text was not available to this project, so the
formula is not confirmed. `JUMINHYO_CODE_DEFAULT` is a guess (the 個人番号 rule extended to ten digits), a city
configures the real one in city.toml, and a mismatch is only a warning until the city declares its rule strict.

Every rule exists twice: a scalar function (plain Python, easy to read, used by the property tests) and a
vectorised polars expression (used by the pipeline). Identifiers are strings throughout: leading zeros are
real. Messages never contain the value checked (these are residents' numbers).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache, reduce
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
# Unconfirmed (see above): the 個人番号 weights, 2..7 repeating from the right, extended to 10 digits
# (5,4,3,2,7,6,5,4,3,2), with the 個人番号's remainder handling.
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
#
# Speed: one cast of the whole string to an integer, not a slice and a cast per digit; then table lookups, not
# per-digit arithmetic. The identifier's digits are cut into chunks of _CHUNK; a 10**_CHUNK-entry table gives each
# chunk's share of Σ digit·weight mod 11, so r is the sum of a few lookups. Fewer uses of the cast matter too:
# eager polars evaluates an expression once per use (only a lazy query shares common sub-expressions).

_PIECE = 18  # digits cast to one UInt64 (10**18 < 2**64); longer identifiers are cast piece by piece
_CHUNK = 4  # digits per lookup table


@lru_cache(maxsize=256)
def _weight_table(weights: tuple[int, ...]) -> pl.Expr:
    """Σ digit·weight mod 11 of every len(weights)-digit number, indexed by that number.

    A list literal for list.get, which (unlike gather) keeps the result of a literal input a broadcastable scalar.
    """
    table = [0]
    for w in weights:
        table = [(s + d * w) % 11 for s in table for d in range(10)]
    return pl.lit(table, dtype=pl.List(pl.UInt16))


def is_valid_expr(e: pl.Expr, rule: CheckDigitRule) -> pl.Expr:
    """Boolean expression twin of `is_valid`; null in gives null out.

    A row that is not exactly the rule's length in ASCII digits answers False and never raises: the cast
    (strict=False) reads only ASCII digits after an optional sign, the byte length pins the width, and a "+"
    is ruled out explicitly ("-" never casts to an unsigned integer).
    """
    n = rule.length
    weights = (*rule.weights, 0)  # the check digit itself takes no part in the sum
    shares, piece = [], e  # after the loop `piece` is the last one, which ends in the check digit
    for a in range(0, n, _PIECE):
        b = min(a + _PIECE, n)
        piece = (e if n <= _PIECE else e.str.slice(a, b - a)).cast(pl.UInt64, strict=False)
        for s in range(a, b, _CHUNK):
            t = min(s + _CHUNK, b)
            shares.append(_weight_table(weights[s:t]).list.get(piece // 10 ** (b - t) % 10 ** (t - s)))
    r = reduce(add, shares) % 11
    # 個人番号: 0 if r <= 1 else 11 - r.  JIS: (11 - r) mod 10.  Written without `when` so r is used once.
    expected = (11 - r) % 11 % 10 if rule.remainder == "kojin_bango" else (11 - r) % 10
    signed = e.str.starts_with("+") if n <= _PIECE else e.str.contains("+", literal=True)
    valid = (e.str.len_bytes() == n) & ~signed & (expected == piece % 10).fill_null(False)
    # Without the `when` a null row would answer False; keep "unknown" unknown.
    return pl.when(e.is_not_null()).then(valid)


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
    """True for an 11-digit 住民票コード under `rule` (configurable: 告示第436号's formula is not confirmed here)."""
    return is_valid(s, rule)


def juminhyo_code_is_valid_expr(e: pl.Expr, rule: CheckDigitRule = JUMINHYO_CODE_DEFAULT) -> pl.Expr:
    """Vector twin of `juminhyo_code_is_valid`."""
    return is_valid_expr(e, rule)
