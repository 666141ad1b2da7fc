"""The sample city: 石巻市, whose 特定個人情報保護評価書 is the seed of this project.

Its public facts (団体コード, the 市民課 address and telephone number of section IV of the seed) are configuration,
not personal data: they go into ``city.toml``, which the rest of juki reads for the fixed fields of 送付先情報 and
for the 住民票コード rule. The text is written here, key by key, so that the file has exactly the documented shape.
"""

from __future__ import annotations

from dataclasses import dataclass

from juki.checks.rules.checkdigit import JUMINHYO_CODE_DEFAULT


@dataclass(frozen=True)
class City:
    dantai_code: str = "042021"
    prefecture_code: str = "040002"
    name: str = "石巻市"
    yubin_bango: str = "9868501"
    jusho: str = "宮城県石巻市穀町１４番１号"
    denwa: str = "0225-95-1111"
    operator_id: str = "JUKIETL"
    terminal_id: str = "BATCH01"
    madoguchi: str = "石巻市役所市民課"  # 交付場所 and カード送付場所
    prefecture: str = "宮城県"


CITY = City()
DAITAI_MOJI_FILE = "daitai_moji.csv"


def _q(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def city_toml(city: City = CITY) -> str:
    """The text of city.toml for `city` (the 住民票コード rule is juki's default: weights 5…2, 個人番号-style)."""
    office = [f"name = {_q(city.madoguchi)}", f"yubin_bango = {_q(city.yubin_bango)}",
              f"jusho = {_q(city.jusho)}", f"denwa = {_q(city.denwa)}"]
    rule = JUMINHYO_CODE_DEFAULT
    lines = [
        "# City configuration read by juki (団体コード, the fixed fields of 送付先情報, …). Not personal data.",
        f"dantai_code = {_q(city.dantai_code)}",
        f"prefecture_code = {_q(city.prefecture_code)}",
        f"name = {_q(city.name)}",
        f"yubin_bango = {_q(city.yubin_bango)}",
        f"jusho = {_q(city.jusho)}",
        f"denwa = {_q(city.denwa)}",
        f"operator_id = {_q(city.operator_id)}",
        f"terminal_id = {_q(city.terminal_id)}",
        f"daitai_moji = {_q(DAITAI_MOJI_FILE)}",
        "[kofu_basho]",
        *office,
        "[card_sofu_basho]",
        *office,
        "[juminhyo_code]",
        f"weights = [{', '.join(str(w) for w in rule.weights)}]",
        f"remainder = {_q(rule.remainder)}",
        "strict = false",
    ]
    return "\n".join(lines) + "\n"
