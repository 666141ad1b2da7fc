"""The 清音化 rule table (layouts/rules/seion.toml) as checked objects, and the city's switches.

Loading checks what the engine (seion.py) relies on: known kinds, single-character keys where a rule works per
character, `after` rules last, unique ids. A city switches rules on or off by id (city.toml [seion]); a fixed rule
or an unknown id is refused by name.
"""

from __future__ import annotations

import tomllib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

KINDS = ("normalize", "hiragana", "dakuten", "map", "sequence", "after")
SPACING_MARKS = {"\u309b": "\u3099", "\u309c": "\u309a"}  # NFKC would turn a spacing ゛ into " " + U+3099
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
