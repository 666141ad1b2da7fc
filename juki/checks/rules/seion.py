"""清音化かな: the search key made from a kana name (本人確認情報 清音化かな氏名, DESIGN.md §3).

The key lets 「ヤマダ タロウ」, 「やまだたろう」, 「ﾔﾏﾀﾞ ﾀﾛｰ」 and 「ヤマダ　タロー」 find each other. The rule
is a list of rewrites, and their order changes the result (ヂ→ジ must come before dakuten are dropped, or
ヂ would become チ instead of シ), so the order is fixed here and is part of the contract:

 1. Spacing ゛゜ (U+309B/C) → combining marks (U+3099/A), then NFKC. Half-width ｶﾞ, combining カ+゙ and
    spacing カ゛ all become the one precomposed ガ; full-width letters and spaces become ASCII.
 2. Hiragana → katakana (ぁ–ゖ → ァ–ヶ, ゝゞ → ヽヾ).
 3. Drop spaces (half- and full-width). Before step 10, so the key does not depend on whether the name was
    typed with a space: 「ヤマモト ウタ」 and 「ヤマモトウタ」 both give ヤマモトオタ.
 4. ヴァ→バ, ヴィ→ビ, ヴェ→ベ, ヴォ→ボ, then any other ヴ→ブ. Before 6 (else ヴ→ウ) and 7 (else ヴァ→ブア).
 5. ヂ→ジ, ヅ→ズ. Before 6, so that ヂ and ジ meet (both end as シ).
 6. Drop dakuten/handakuten: ガ→カ, パ→ハ, ヷヸヹヺ→ワヰヱヲ, ヾ→ヽ, stray combining marks removed.
 7. Small kana → large: ァィゥェォッャュョヮヵヶ → アイウエオツヤユヨワカケ.
 8. ヲ→オ, ワ→ハ. After 6 and 7, so that ヺ, ヷ and ヮ follow their plain letters.
 9. Drop long-vowel marks ー.
10. ウ directly after an オ段 kana → オ (トウ→トオ, キョウ→キヨオ). Last, so the オ段 test sees the final
    letters: after 6–9 the オ段 is exactly オコソトノホモヨロ. A replaced ウ is not itself オ段, so the test
    looks at the step's input (オウウ → オオウ).

`seion_kana` applies the ten steps one by one and is the readable reference. `seion_kana_expr` is built for
speed: almost every name is full-width katakana, for which the ten steps collapse into one pass (see the vector
section); the other rows take the steps in order, neighbouring per-character steps merged into single tables.
The property tests prove the two twins agree, so the shortcuts are checked, not trusted.
"""

from __future__ import annotations

import re
import unicodedata

import polars as pl

# Step 1 (before NFKC): NFKC would turn a spacing ゛ into " " + U+3099, which no longer composes.
_SPACING_MARKS = {"\u309b": "\u3099", "\u309c": "\u309a"}
# Step 2: the hiragana block is the katakana block shifted by 0x60.
_HIRA_TO_KATA = {chr(c): chr(c + 0x60) for c in range(0x3041, 0x3097)} | {"ゝ": "ヽ", "ゞ": "ヾ"}
# Step 3
_SPACES = {" ": "", "\u3000": ""}
# Step 4: longest first; the vector applies it leftmost-first, the scalar in this order.
_VU = {"ヴァ": "バ", "ヴィ": "ビ", "ヴェ": "ベ", "ヴォ": "ボ", "ヴ": "ブ"}
# Step 5
_DZ = {"ヂ": "ジ", "ヅ": "ズ"}
# Step 6: every katakana that decomposes into base + (han)dakuten, derived from Unicode not typed by hand.
_DAKUTEN = {
    c: unicodedata.normalize("NFD", c)[0]
    for c in map(chr, range(0x30A1, 0x3100))
    if unicodedata.normalize("NFD", c)[1:] in ("\u3099", "\u309a")
} | {"\u3099": "", "\u309a": ""}
# Step 7
_SMALL = dict(zip("ァィゥェォッャュョヮヵヶ", "アイウエオツヤユヨワカケ", strict=True))
# Step 8
_WO_WA = {"ヲ": "オ", "ワ": "ハ"}
# Step 9
_CHOON = {"ー": ""}
# Step 10
_O_DAN_U = "([オコソトノホモヨロ])ウ"
_O_DAN_U_RE = re.compile(_O_DAN_U)


def _table(m: dict[str, str]) -> dict[int, str]:
    return str.maketrans(m)


def _compose(*maps: dict[str, str]) -> dict[str, str]:
    """One per-character map equal to applying `maps` in order (each step is a per-character map)."""
    out: dict[str, str] = {}
    for ch in set().union(*maps):
        v = ch
        for m in maps:
            v = "".join(m.get(c, c) for c in v)
        if v != ch:
            out[ch] = v
    return out


# ---------------------------------------------------------------------------------------------- scalar

_T1, _T2, _T3 = _table(_SPACING_MARKS), _table(_HIRA_TO_KATA), _table(_SPACES)
_T5, _T6, _T7, _T8, _T9 = map(_table, (_DZ, _DAKUTEN, _SMALL, _WO_WA, _CHOON))


def seion_kana(s: str) -> str:
    """清音化かな of `s`, applying the documented steps 1–10 one at a time."""
    s = unicodedata.normalize("NFKC", s.translate(_T1))  # 1
    s = s.translate(_T2)  # 2
    s = s.translate(_T3)  # 3
    for pattern, repl in _VU.items():  # 4 (combinations first, then the lone ヴ)
        s = s.replace(pattern, repl)
    for table in (_T5, _T6, _T7, _T8, _T9):  # 5-9
        s = s.translate(table)
    return _O_DAN_U_RE.sub(r"\1オ", s)  # 10


# ---------------------------------------------------------------------------------------------- vector
#
# Plain text: katakana other than ヴ (ァ–ン, ヵ–ヾ) and spaces. For it the steps collapse, exactly:
#  - NFKC changes nothing but U+3000 → " ", and step 3 drops both. (Each of these characters is NFKC-stable and
#    none is or can take a combining mark, so NFKC cannot join neighbours; a test checks every pair.)
#  - There is no hiragana (step 2) and no ヴ (step 4), and 3 and 5–9 are per character: one table, _PLAIN.
#  - Step 10 joins the same Aho-Corasick pass as pairs (ドウ → トオ), unless a dropped character (space, ー)
#    stands between the オ段 kana and the ウ. Such rows and rows with any other character are "other".
# Other rows are filtered out, take the steps in order and are put back in place. On 1M names NFKC alone costs
# more than the whole plain pass, and the regex for step 10 twice an Aho-Corasick pass of its pairs.

_PLAIN_CLASS = "\u30a1-\u30f3\u30f5-\u30fe \u3000"
_PLAIN_CHARS = [c for c in map(chr, range(0x3100)) if re.fullmatch(f"[{_PLAIN_CLASS}]", c)]
_PLAIN = {c: v for c, v in _compose(_SPACES, _DZ, _DAKUTEN, _SMALL, _WO_WA, _CHOON).items() if c in _PLAIN_CHARS}
_O_DAN = "オコソトノホモヨロ"
_TO_O_DAN = "".join(c for c in _PLAIN_CHARS if len(_PLAIN.get(c, c)) == 1 and _PLAIN.get(c, c) in _O_DAN)
_TO_U = "".join(c for c in _PLAIN_CHARS if _PLAIN.get(c, c) == "ウ")  # ウ ゥ
_DROPPED = "".join(c for c in _PLAIN_CHARS if _PLAIN.get(c) == "")  # spaces, ー
# Pairs first: at a given position the leftmost-first pass prefers the earlier pattern.
_ONE_PASS = {x + u: _PLAIN.get(x, x) + "オ" for x in _TO_O_DAN for u in _TO_U} | _PLAIN
_OTHER = f"[^{_PLAIN_CLASS}]|[{_TO_O_DAN}][{_DROPPED}]+[{_TO_U}]"
# Step 10 as literal pairs: all the same length, so a match is the regex's leftmost match.
_O_DAN_PAIRS = {c + "ウ": c + "オ" for c in _O_DAN}
_FOLD = _compose(_HIRA_TO_KATA, _SPACES)  # steps 2-3
_SEION = _compose(_DZ, _DAKUTEN, _SMALL, _WO_WA, _CHOON)  # steps 5-9


def _stepwise(e: pl.Expr) -> pl.Expr:
    """The steps in order, for any text: normalize, four Aho-Corasick passes."""
    return (
        e.str.replace_many(_SPACING_MARKS)
        .str.normalize("NFKC")
        .str.replace_many(_FOLD)
        .str.replace_many(_VU, leftmost=True)
        .str.replace_many(_SEION)
        .str.replace_many(_O_DAN_PAIRS)
    )


def seion_kana_expr(e: pl.Expr) -> pl.Expr:
    """Vector twin of `seion_kana`; null stays null.

    Fast for a column, pl.col(name): the plain and the other rows are then split, and the column read four
    times. Anything else (a computed expression, a literal) takes the steps in order in one chain: an eager
    select would compute a computed input once per use, and filter/gather would not broadcast a literal.
    """
    if not e.meta.is_column():
        return _stepwise(e)
    plain = e.str.replace_many(_ONE_PASS, leftmost=True)
    other = e.str.contains(_OTHER)
    converted = _stepwise(e.filter(other))
    # Each other row's place in `converted` is its rank among the other rows; plain rows get null (cum_sum
    # keeps nulls), so coalesce falls back to their one-pass key.
    rank = pl.when(other).then(pl.lit(1, pl.UInt32)).cum_sum() - 1
    return pl.coalesce(converted.gather(rank), plain)
