"""清音化かな: the search key made from a kana name (本人確認情報 清音化かな氏名), by layouts/rules/seion.toml.

The key lets 「ヤマダ タロウ」, 「やまだたろう」, 「ﾔﾏﾀﾞ ﾀﾛｰ」 and 「ヤマダ　タロー」 find each other. The rules are
data: each is named, documented and, unless it is part of every 清音化, switchable by the city (city.toml
[seion]); their order is the file's and is part of the contract (ヂ→ジ must come before 濁点 are dropped, or ヂ
would become チ).
docs/DOMAIN.md (清音化) says what is known of the official rule and where each choice comes from.

`seion_kana` applies the enabled rules one by one and is the readable reference. `seion_kana_expr` is built for
speed: almost every name is full-width katakana ("plain" text), for which the character rules collapse into one
table and the closing `after` rules into pairs of that one pass (an Aho-Corasick pass: on 1M names NFKC alone costs
more than the whole plain pass). Other rows take the rules in order and are put back in place. Property tests prove
the two twins agree under several choices, so the shortcut is checked, not trusted.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

import polars as pl

from juki.checks.rules.seion_table import SPACING_MARKS, SeionRule, SeionRules, default_seion_rules


def _after_regex(rule: SeionRule) -> re.Pattern:
    return re.compile(f"([{re.escape(rule.after)}])([{re.escape(''.join(dict(rule.table)))}])")


# ---------------------------------------------------------------------------------------------- scalar


def _step(s: str, rule: SeionRule) -> str:
    if rule.kind == "normalize":
        return unicodedata.normalize("NFKC", s.translate(str.maketrans(SPACING_MARKS)))
    if rule.kind == "sequence":
        return re.sub("|".join(map(re.escape, sorted(dict(rule.table), key=len, reverse=True))) or "(?!)",
                      lambda m: dict(rule.table)[m.group(0)], s)
    if rule.kind == "after":
        return _after_regex(rule).sub(lambda m: m.group(1) + dict(rule.table)[m.group(2)], s)
    return s.translate(str.maketrans(rule.mapping()))


def seion_kana(s: str, rules: SeionRules | None = None) -> str:
    """清音化かな of `s`: the enabled rules applied one at a time, in the table's order."""
    for rule in (rules or default_seion_rules()).steps:
        s = _step(s, rule)
    return s


# ---------------------------------------------------------------------------------------------- vector


def _compose(*maps: Mapping[str, str]) -> dict[str, str]:
    """One per-character map equal to applying `maps` in order (each step is a per-character map)."""
    out: dict[str, str] = {}
    for ch in set().union(*maps):
        v = ch
        for m in maps:
            v = "".join(m.get(c, c) for c in v)
        if v != ch:
            out[ch] = v
    return out


@dataclass(frozen=True)
class _Plan:
    chain: tuple[tuple[str, object], ...]  # ("normalize", None) | ("chars", map) | ("sequence", map) | ("after", map)
    one_pass: dict[str, str]  # plain rows: every step in one leftmost pass
    other: str  # regex of rows that need the chain


_CANDIDATES = [chr(c) for c in [*range(0x30A1, 0x30F4), *range(0x30F5, 0x30FF)]] + [" ", "\u3000"]


@lru_cache(maxsize=16)
def _plan(rules: SeionRules) -> _Plan:
    chain: list[tuple[str, object]] = []
    for r in rules.steps:
        if r.kind in ("hiragana", "dakuten", "map"):
            if chain and chain[-1][0] == "chars":
                chain[-1] = ("chars", _compose(chain[-1][1], r.mapping()))
            else:
                chain.append(("chars", r.mapping()))
        elif r.kind == "after":  # as pairs, all of length 2: a leftmost pass is the regex's leftmost match
            chain.append(("after", {c + k: c + v for c in r.after for k, v in r.table}))
        else:
            chain.append((r.kind, dict(r.table)))
    # Plain: characters NFKC leaves alone (but U+3000 → " ", which the fixed space rule undoes) that no sequence
    # rule can see at its turn: for them the character rules compose into one table.
    image = {c: c for c in _CANDIDATES}
    plain = set(_CANDIDATES)
    for kind, table in chain:
        if kind == "normalize":
            image = {c: unicodedata.normalize("NFKC", v) for c, v in image.items()}
        elif kind == "chars":
            image = {c: "".join(table.get(x, x) for x in v) for c, v in image.items()}
        elif kind == "sequence":
            seen = "".join(table)
            plain -= {c for c, v in image.items() if set(v) & set(seen)}
    plain -= {c for c in plain if any(unicodedata.normalize("NFKC", c + d) != unicodedata.normalize("NFKC", c)
                                      + unicodedata.normalize("NFKC", d) for d in _CANDIDATES)}
    single = {c: image[c] for c in plain}
    afters = [(r.after, dict(r.table)) for r in rules.steps if r.kind == "after"]
    pairs, other = {}, f"[^{''.join(sorted(map(re.escape, plain)))}]"
    if len(afters) == 1:  # one closing `after` rule folds into pairs of the one pass
        after, table = afters[0]
        to_after = "".join(c for c in plain if len(single[c]) == 1 and single[c] in after)
        to_key = "".join(c for c in plain if single[c] in table)
        dropped = "".join(c for c in plain if single[c] == "")
        pairs = {x + u: single[x] + table[single[u]] for x in to_after for u in to_key}
        if to_after and to_key and dropped:
            other += f"|[{re.escape(to_after)}][{re.escape(dropped)}]+[{re.escape(to_key)}]"
    elif afters:
        other = "(?s)."  # several closing rules: every row takes the chain
    one_pass = pairs | {c: v for c, v in single.items() if v != c}
    return _Plan(tuple(chain), one_pass, other)


def _chain(e: pl.Expr, plan: _Plan) -> pl.Expr:
    """The rules in order, for any text: normalize, then one Aho-Corasick pass per merged step."""
    for kind, table in plan.chain:
        if kind == "normalize":
            e = e.str.replace_many(SPACING_MARKS).str.normalize("NFKC")
        elif table:
            e = e.str.replace_many(table, leftmost=kind == "sequence")
    return e


def seion_kana_expr(e: pl.Expr, rules: SeionRules | None = None) -> pl.Expr:
    """Vector twin of `seion_kana`; null stays null.

    Fast for a column, pl.col(name): the plain and the other rows are then split, and the column read four
    times. Anything else (a computed expression, a literal) takes the rules in order in one chain: an eager
    select would compute a computed input once per use, and filter/gather would not broadcast a literal.
    """
    plan = _plan(rules or default_seion_rules())
    if not e.meta.is_column():
        return _chain(e, plan)
    plain = e.str.replace_many(plan.one_pass, leftmost=True) if plan.one_pass else e
    other = e.str.contains(plan.other)
    converted = _chain(e.filter(other), plan)
    # Each other row's place in `converted` is its rank among the other rows; plain rows get null (cum_sum
    # keeps nulls), so coalesce falls back to their one-pass key.
    rank = pl.when(other).then(pl.lit(1, pl.UInt32)).cum_sum() - 1
    return pl.coalesce(converted.gather(rank), plain)
