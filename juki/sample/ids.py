"""Identifiers of the synthetic register: 識別番号, 世帯番号, 個人番号, 住民票コード.

個人番号 and 住民票コード are random payloads with the real check digit (the 住民票コード one under the city's rule),
and unique for the whole run: the issuer remembers every payload it ever gave out, so a number retired by a
個人番号の変更 is never handed to someone else, as the law requires. 識別番号 and 世帯番号 are the internal serials
of the 既存住基システム, issued in order. The check digits are computed with numpy integer arithmetic from the
rules of juki.checks.rules.checkdigit, so the generator can never disagree with the validator about the weights.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from juki.checks.rules.checkdigit import JUMINHYO_CODE_DEFAULT, KOJIN_BANGO, CheckDigitRule

SHIKIBETSU_FIRST = 10**11 + 1  # 識別番号 000100000000001, 000100000000002, …
SETAI_FIRST = 2 * 10**11 + 1  # 世帯番号 000200000000001, … (a range of its own: never equal to a 識別番号)


def with_check_digit(payload: np.ndarray, rule: CheckDigitRule) -> pl.Series:
    """The identifiers (strings, leading zeros kept) for integer payloads of len(rule.weights) digits."""
    n = len(rule.weights)
    p = payload.astype(np.int64)
    total = np.zeros(len(p), dtype=np.int64)
    for k, w in enumerate(rule.weights):
        total += (p // 10 ** (n - 1 - k)) % 10 * w
    r = total % 11
    check = np.where(r <= 1, 0, 11 - r) if rule.remainder == "kojin_bango" else (11 - r) % 10
    return pl.Series(p * 10 + check).cast(pl.String).str.zfill(n + 1)


def _serials(first: int, k: int) -> pl.Series:
    return pl.Series(np.arange(first, first + k, dtype=np.int64)).cast(pl.String).str.zfill(15)


class IdIssuer:
    """Issues every identifier of one run; holds what was issued so that nothing is issued twice."""

    def __init__(self, juminhyo_rule: CheckDigitRule = JUMINHYO_CODE_DEFAULT):
        self.juminhyo_rule = juminhyo_rule
        self.next_shikibetsu = SHIKIBETSU_FIRST
        self.next_setai = SETAI_FIRST
        self._used = {"kojin": np.empty(0, np.int64), "juminhyo": np.empty(0, np.int64)}

    def shikibetsu_bango(self, k: int) -> pl.Series:
        out = _serials(self.next_shikibetsu, k)
        self.next_shikibetsu += k
        return out

    def setai_bango(self, k: int) -> pl.Series:
        out = _serials(self.next_setai, k)
        self.next_setai += k
        return out

    def kojin_bango(self, rng: np.random.Generator, k: int) -> pl.Series:
        return with_check_digit(self._draw(rng, k, "kojin", len(KOJIN_BANGO.weights)), KOJIN_BANGO)

    def juminhyo_code(self, rng: np.random.Generator, k: int) -> pl.Series:
        rule = self.juminhyo_rule
        return with_check_digit(self._draw(rng, k, "juminhyo", len(rule.weights)), rule)

    def _draw(self, rng: np.random.Generator, k: int, kind: str, digits: int) -> np.ndarray:
        """k payloads never issued before, in draw order (deterministic for a given generator state)."""
        used = self._used[kind]  # sorted, so that membership is a binary search, not a hash of a million
        out = np.empty(0, np.int64)
        while len(out) < k:
            cand = rng.integers(0, 10**digits, size=(k - len(out)) * 101 // 100 + 16, dtype=np.int64)
            cand = np.concatenate([out, cand])
            _, first = np.unique(cand, return_index=True)
            cand = cand[np.sort(first)]  # drop repeats, keep draw order
            out = cand[~_contains(used, cand)][:k]
        self._used[kind] = np.sort(np.concatenate([used, out]))
        return out


def _contains(sorted_values: np.ndarray, x: np.ndarray) -> np.ndarray:
    if not len(sorted_values):
        return np.zeros(len(x), bool)
    pos = np.minimum(np.searchsorted(sorted_values, x), len(sorted_values) - 1)
    return sorted_values[pos] == x
