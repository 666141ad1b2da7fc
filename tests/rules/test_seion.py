"""清音化かな: worked names for each step of the documented order, and the vector form against the scalar."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from juki.checks.rules import seion_kana, seion_kana_expr

from .helpers import HANKAKU_KANA, HIRAGANA, KATAKANA, run, vector_settings

WORKED = [
    # input, key: why
    ("ヤマダ　タロウ", "ヤマタタロオ"),  # 3 spaces, 6 ダ→タ, 10 ロウ→ロオ
    ("やまだ たろう", "ヤマタタロオ"),  # 2 hiragana: same key
    ("ﾔﾏﾀﾞ ﾀﾛｰ", "ヤマタタロ"),  # 1 half-width + ﾞ composes, 9 ー dropped
    ("さとう　はなこ", "サトオハナコ"),  # 10 トウ→トオ
    ("ｷﾞｮｳﾀﾞ ｼﾞｭﾝｲﾁ", "キヨオタシユンイチ"),  # 6 then 7 ョ→ヨ, so 10 sees ヨウ
    ("ヴィクトール", "ヒクトル"),  # 4 ヴィ→ビ, 6 ビ→ヒ, 9
    ("ヴォルフ", "ホルフ"),  # 4 ヴォ→ボ
    ("ヴ", "フ"),  # 4 lone ヴ→ブ
    ("いわお　ちづる", "イハオチスル"),  # 8 ワ→ハ, 5 ヅ→ズ then 6 ズ→ス
    ("ちぢみ", "チシミ"),  # 5 ヂ→ジ before 6: ヂ and ジ meet
    ("ふじみ", "フシミ"),
    ("かをる", "カオル"),  # 8 ヲ→オ
    ("ゴウダ", "コオタ"),  # 6 ゴ→コ, 10
    ("ポール", "ホル"),  # 6 handakuten
    ("キュウ", "キユウ"),  # ユ is ウ段: ウ stays
    ("トゥ", "トオ"),  # 7 ゥ→ウ, then 10
    ("ヤマモト　ウタ", "ヤマモトオタ"),  # 3 before 10: key does not depend on the space
    ("コウウン", "コオウン"),  # 10 looks at its input: the second ウ follows ウ
    ("カ゛", "カ"),  # 1 spacing ゛ is a dakuten like any other
    ("ウ゛ァ", "ハ"),  # 1 ウ+゛ composes to ヴ, then 4, 6
    ("ヷ", "ハ"),  # 6 ヷ→ワ, then 8
    ("ヺ", "オ"),  # 6 ヺ→ヲ, then 8
    ("ヮ", "ハ"),  # 7 ヮ→ワ, then 8
    ("ｱｲｳｴｵ ｧｨｩｪｫ", "アイウエオアイウエオ"),
    ("", ""),
]


@pytest.mark.parametrize(("name", "key"), WORKED)
def test_worked_names(name: str, key: str) -> None:
    assert seion_kana(name) == key


def test_worked_names_vector_and_null() -> None:
    names = [n for n, _ in WORKED]
    assert run(seion_kana_expr, [*names, None]) == [k for _, k in WORKED] + [None]


def test_the_same_name_written_five_ways_gives_one_key() -> None:
    ways = ["ヤマダ　タロウ", "やまだ　たろう", "ﾔﾏﾀﾞ ﾀﾛｳ", "ヤマダタロウ", "ヤマタ\u3099 タロウ"]
    assert {seion_kana(w) for w in ways} == {"ヤマタタロオ"}


kana = st.text(HIRAGANA + KATAKANA + HANKAKU_KANA + " \u3000ーｰ", max_size=24)
# Names are mostly the common letters; oversample the ones the steps treat specially.
special = st.text("ヴゔァィゥェォッャュョヮヵヶヂヅヲワウオトコョ゛゜ﾞﾟ \u3000ー", max_size=12)


@vector_settings
@given(st.lists(kana | special, max_size=40))
def test_vector_agrees_with_scalar(names: list[str]) -> None:
    assert run(seion_kana_expr, names) == [seion_kana(n) for n in names]


@vector_settings
@given(kana | special)
def test_key_has_only_plain_large_katakana(name: str) -> None:
    key = seion_kana(name)
    forbidden = set("ヴヂヅヲワーァィゥェォッャュョヮヵヶ \u3000\u3099\u309a\u309b\u309c") | set(HIRAGANA[:86])
    assert not forbidden & set(key)
    assert not set("ガギグゲゴザジズゼゾダデドバビブベボパピプペポ") & set(key)


# ------------------------------------------------------------------------- the vector form's shortcuts

PLAIN = "".join(map(chr, [*range(0x30A1, 0x30F4), *range(0x30F5, 0x30FF)])) + " \u3000"  # katakana but ヴ, spaces


def test_plain_text_is_untouched_by_nfkc_but_for_the_ideographic_space() -> None:
    # The one-pass shortcut skips NFKC for plain text: safe only if NFKC changes no plain character and joins
    # no two of them (a combining mark is never plain, so longer runs cannot compose either).
    for a in PLAIN:
        assert unicodedata.combining(a) == 0
        for b in PLAIN:
            assert unicodedata.normalize("NFKC", a + b) == (a + b).replace("\u3000", " ")


@pytest.mark.parametrize(
    ("name", "key"),
    [("トーウ", "トオ"), ("ト　ーウ", "トオ"), ("ドゥ", "トオ"), ("ョウ", "ヨオ"), ("ヺウ", "オオ"),
     ("トウウ", "トオウ"), ("ヲ", "オ"), ("ー", ""), ("　", "")],
)
def test_plain_shortcut_cases(name: str, key: str) -> None:
    assert seion_kana(name) == key
    assert run(seion_kana_expr, [name, "ヴァ", name]) == [key, "ハ", key]  # spliced around a stepwise row


plain = st.text(PLAIN + "ーー  \u3000", max_size=16)  # extra gaps between オ段 and ウ


@vector_settings
@given(st.lists(plain | kana | special | st.none(), max_size=60))
def test_vector_agrees_with_scalar_when_plain_and_other_rows_mix(names: list[str | None]) -> None:
    keys = [None if n is None else seion_kana(n) for n in names]
    assert run(seion_kana_expr, names) == keys
    assert run(lambda e: seion_kana_expr(e.alias("x")), names) == keys  # not a bare column: the one-chain form


def test_vector_works_lazily_in_groups_and_on_a_literal() -> None:
    frame = pl.DataFrame({"g": [1, 1, 2, 2, 2], "k": ["ﾔﾏﾀﾞ", "トウ", "ヴァ", None, "ドウ"]})
    keys = ["ヤマタ", "トオ", "ハ", None, "トオ"]
    lazy = frame.lazy().select(seion_kana_expr(pl.col("k")))
    assert lazy.collect()["k"].to_list() == keys
    assert lazy.collect(engine="streaming")["k"].to_list() == keys
    assert frame.select(seion_kana_expr(pl.col("k")).over("g"))["k"].to_list() == keys
    grouped = frame.group_by("g", maintain_order=True).agg(seion_kana_expr(pl.col("k")))
    assert grouped["k"].to_list() == [keys[:2], keys[2:]]
    assert frame.with_columns(s=seion_kana_expr(pl.lit("ｷﾞｮｳ")))["s"].to_list() == ["キヨオ"] * 5


# ------------------------------------------------------------------------- the rule table (layouts/rules/seion.toml)

from juki.checks.rules import default_seion_rules, parse_seion_rules  # noqa: E402

TABLE = default_seion_rules()
SWITCHES = [r.id for r in TABLE.rules if not r.fixed]


def test_every_rule_is_named_documented_and_has_its_own_names():
    for r in TABLE.rules:
        assert r.name and r.description and r.examples, r.id
    assert SWITCHES == ["spaces", "vu", "dzu", "wo", "wa", "wi_we", "choon", "o_dan_u"]


@pytest.mark.parametrize(("rule_id", "name", "on", "off"),
                         [(r.id, *e) for r in TABLE.rules for e in r.examples], ids=lambda v: str(v))
def test_each_rule_on_and_off_with_its_own_names(rule_id, name, on, off):
    rule = next(r for r in TABLE.rules if r.id == rule_id)
    with_it = TABLE.choose({} if rule.fixed else {rule_id: True})
    assert seion_kana(name, with_it) == on
    assert run(lambda e: seion_kana_expr(e, with_it), [name]) == [on]
    if not rule.fixed:
        without = TABLE.choose({rule_id: False})
        assert seion_kana(name, without) == off
        assert run(lambda e: seion_kana_expr(e, without), [name]) == [off]


choices = st.fixed_dictionaries({}, optional={r: st.booleans() for r in SWITCHES})


@vector_settings
@given(choices, st.lists(plain | kana | special | st.text("ヰヱゐゑ", max_size=4) | st.none(), max_size=40))
def test_vector_agrees_with_scalar_under_any_choice_of_the_city(chosen, names):
    rules = TABLE.choose(chosen)
    keys = [None if n is None else seion_kana(n, rules) for n in names]
    assert run(lambda e: seion_kana_expr(e, rules), names) == keys
    assert run(lambda e: seion_kana_expr(e.alias("x"), rules), names) == keys


@pytest.mark.parametrize("choice", [{"dakuten": False}, {"no_such_rule": True}, {"choon": "no"}])
def test_a_fixed_or_unknown_rule_cannot_be_switched(choice):
    with pytest.raises(ValueError, match="seion"):
        TABLE.choose(choice)


@pytest.mark.parametrize("text", [
    '[[rule]]\nid = "x"\nkind = "magic"\n',  # no such kind
    '[[rule]]\nid = "x"\nkind = "map"\nmap = { "ab" = "c" }\n',  # a map rule's keys are characters
    '[[rule]]\nid = "a"\nkind = "after"\nafter = "ト"\nmap = { "ウ" = "オ" }\n[[rule]]\nid = "b"\nkind = "map"\n',
    '[[rule]]\nid = "a"\nkind = "map"\n[[rule]]\nid = "a"\nkind = "map"\n',  # repeated id
])
def test_bad_rule_tables_are_refused(text):
    with pytest.raises(ValueError):
        parse_seion_rules(text)


def test_a_city_chooses_in_city_toml(tmp_path):
    from juki.city import load_config

    base = (Path(__file__).resolve().parents[1] / "defects" / "city.toml").read_text(encoding="utf-8")
    path = tmp_path / "city.toml"
    path.write_text(base + "\n[seion]\nchoon = false\nwi_we = true\n", encoding="utf-8")
    rules = load_config(path).seion
    assert seion_kana("ヱリー", rules) == "エリー" and seion_kana("ヱリー") == "ヱリ"
    path.write_text(base + "\n[seion]\ndakuten = false\n", encoding="utf-8")
    with pytest.raises(Exception, match="dakuten"):
        load_config(path)
