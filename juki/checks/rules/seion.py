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
import tomllib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

import polars as pl

KINDS = ("normalize", "hiragana", "dakuten", "map", "sequence", "after")
_SPACING_MARKS = {"\u309b": "\u3099", "\u309c": "\u309a"}  # NFKC would turn a spacing ゛ into " " + U+3099
_HIRAGANA = {chr(c): chr(c + 0x60) for c in range(0x3041, 0x3097)} | {"ゝ": "ヽ", "ゞ": "ヾ"}
_DAKUTEN = {  # every katakana that decomposes into base + (han)dakuten, derived from Unicode, not typed by hand
    c: unicodedata.normalize("NFD", c)[0] for c in map(chr, range(0x30A1, 0x3100))
    if unicodedata.normalize("NFD", c)[1:] in ("\u3099", "\u309a")
} | {"\u3099": "", "\u309a": ""}


@dataclass(frozen=True)
class SeionRule:
    id: str
    name: str
    kind: str
    fixed: bool
    default: bool
    table: tuple[tuple[str, str], ...]  # map / sequence / after: (key, value)
    after: str
    description: str
    examples: tuple[tuple[str, str, str], ...]

    def mapping(self) -> dict[str, str]:
        return {"hiragana": _HIRAGANA, "dakuten": _DAKUTEN}.get(self.kind, dict(self.table))


@dataclass(frozen=True)
class SeionRules:
    """The rule table and which rules are on (the fixed ones always)."""

    rules: tuple[SeionRule, ...]
    enabled: frozenset[str]

    @property
    def steps(self) -> tuple[SeionRule, ...]:
        return tuple(r for r in self.rules if r.fixed or r.id in self.enabled)

    def choose(self, choices: Mapping[str, bool]) -> SeionRules:
        """These rules with the city's switches applied; an unknown or fixed rule is refused by name."""
        known = {r.id: r for r in self.rules}
        for rule_id, on in choices.items():
            if rule_id not in known or known[rule_id].fixed or not isinstance(on, bool):
                raise ValueError(f"[seion] {rule_id}: not a switchable 清音化 rule (true/false) of seion.toml")
        on = {r for r in self.enabled if choices.get(r, True)} | {r for r, v in choices.items() if v}
        return SeionRules(self.rules, frozenset(on))


def parse_seion_rules(text: str, origin: str = "seion.toml") -> SeionRules:
    raw = tomllib.loads(text)
    rules = []
    for spec in raw.get("rule", []):
        kind = spec.get("kind")
        if kind not in KINDS or not spec.get("id"):
            raise ValueError(f"{origin}: every rule needs an id and a kind among {KINDS}")
        table = tuple((str(k), str(v)) for k, v in spec.get("map", {}).items())
        if kind in ("map", "after") and any(len(k) != 1 for k, _ in table):
            raise ValueError(f"{origin}: rule {spec['id']}: the keys of a {kind} rule are single characters")
        rules.append(SeionRule(spec["id"], spec.get("name", ""), kind, bool(spec.get("fixed", False)),
                               bool(spec.get("default", True)), table, spec.get("after", ""),
                               spec.get("description", ""), tuple(tuple(e) for e in spec.get("examples", []))))
    kinds = [r.kind for r in rules]
    if "after" in kinds and any(k != "after" for k in kinds[kinds.index("after"):]):
        raise ValueError(f"{origin}: rules of kind 'after' must come last")
    if len({r.id for r in rules}) != len(rules):
        raise ValueError(f"{origin}: rule ids must be unique")
    return SeionRules(tuple(rules), frozenset(r.id for r in rules if r.fixed or r.default))


@lru_cache(maxsize=1)
def default_seion_rules() -> SeionRules:
    """The rules of juki.layouts/seion.toml with their defaults."""
    return parse_seion_rules((files("juki.layouts") / "rules" / "seion.toml").read_text(encoding="utf-8"))


def _after_regex(rule: SeionRule) -> re.Pattern:
    return re.compile(f"([{re.escape(rule.after)}])([{re.escape(''.join(dict(rule.table)))}])")


# ---------------------------------------------------------------------------------------------- scalar


def _apply(s: str, rule: SeionRule) -> str:
    if rule.kind == "normalize":
        return unicodedata.normalize("NFKC", s.translate(str.maketrans(_SPACING_MARKS)))
    if rule.kind == "sequence":
        return re.sub("|".join(map(re.escape, sorted(dict(rule.table), key=len, reverse=True))) or "(?!)",
                      lambda m: dict(rule.table)[m.group(0)], s)
    if rule.kind == "after":
        return _after_regex(rule).sub(lambda m: m.group(1) + dict(rule.table)[m.group(2)], s)
    return s.translate(str.maketrans(rule.mapping()))


def seion_kana(s: str, rules: SeionRules | None = None) -> str:
    """清音化かな of `s`: the enabled rules applied one at a time, in the table's order."""
    for rule in (rules or default_seion_rules()).steps:
        s = _apply(s, rule)
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
            e = e.str.replace_many(_SPACING_MARKS).str.normalize("NFKC")
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
