"""The small tables the generator draws from, loaded once: names, addresses, code tables, 外字.

Everything a resident gets is gathered from these tables by index (numpy picks the indices, polars gathers the
strings), so the per-resident work is vectorised and the tables alone decide what values can appear. The tables
are data files (names.csv, daitai_moji.csv beside this module; jusho.csv and the code tables in juki.layouts),
never literals in code, so the tests can check every generated value against the same files.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import numpy as np
import polars as pl

from juki.sample.city import CITY, City
from juki.sample.text import to_hankana


def _rows(text: str) -> list[dict[str, str]]:
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    return list(csv.DictReader(io.StringIO("\n".join(lines))))


def _package_text(name: str) -> str:
    return (files("juki.sample") / name).read_text(encoding="utf-8")


def _code_text(name: str) -> str:
    return (files("juki.layouts") / "codes" / name).read_text(encoding="utf-8")


def code_table(name: str) -> list[dict[str, str]]:
    """Rows of a code table of juki.layouts/codes (code,name[,…])."""
    return _rows(_code_text(name))


def daitai_moji_text() -> str:
    """The city's 外字 table exactly as shipped (written verbatim into the sample directory)."""
    return _package_text("daitai_moji.csv")


@cache
def daitai_moji() -> tuple[tuple[str, str], ...]:
    """(外字, 代替文字) pairs in table order."""
    return tuple((chr(int(r["gaiji"][2:], 16)), r["daitai"]) for r in _rows(daitai_moji_text()))


def with_gaiji(text: str, salt: int = 0) -> str | None:
    """`text` with its first character that has a 外字 variant replaced by that 外字; None when none has one.

    Where a character has two variants (辺: 邊 and 邉) ``salt`` picks one, so different names use both.
    """
    for i, ch in enumerate(text):
        variants = [g for g, d in daitai_moji() if d == ch]
        if variants:
            return text[:i] + variants[salt % len(variants)] + text[i + 1 :]
    return None


@dataclass(frozen=True)
class NameTable:
    """One kind of name: texts, half-width readings, full-width readings, sampling weights (sum 1)."""

    name: pl.Series
    kana_h: pl.Series
    kana: pl.Series
    weight: np.ndarray
    gaiji: np.ndarray  # index of the 外字 variant of each name in this table, -1 when it has none

    def __len__(self) -> int:
        return len(self.name)


def _name_table(rows: list[dict[str, str]], gaiji_variants: bool = False) -> NameTable:
    names = [r["name"] for r in rows]
    readings = [r["reading"] for r in rows]
    given = [float(r["weight"]) for r in rows if r.get("weight")]
    default = min(given) / 2 if given else 1.0
    weights = [float(r["weight"]) if r.get("weight") else default for r in rows]
    gaiji = [-1] * len(rows)
    if gaiji_variants:
        for i in range(len(rows)):
            variant = with_gaiji(names[i], salt=i)
            if variant is not None:
                gaiji[i] = len(names)
                names.append(variant)
                readings.append(readings[i])
                weights.append(0.0)  # never drawn directly: only by swapping in
                gaiji.append(-1)
    w = np.array(weights)
    return NameTable(pl.Series(names), pl.Series([to_hankana(r) for r in readings]), pl.Series(readings),
                     w / w.sum(), np.array(gaiji))


@dataclass(frozen=True)
class Tables:
    sei: NameTable
    mei: dict[str, NameTable]  # by sex "1" / "2"
    foreign: dict[str, tuple[NameTable, dict[str, NameTable]]]  # kokuseki code → (sei, mei by sex)
    jusho: pl.DataFrame  # jusho_code, name, yubin_bango, name_gaiji (null when no 外字 variant), style
    other_cities: pl.DataFrame  # code, name (都道府県 + 市区町村) of every other municipality
    kokuseki: list[dict[str, str]]
    zairyu_shikaku: list[dict[str, str]]
    ho30_45: dict[str, str]


def _other_cities(city: City) -> pl.DataFrame:
    rows = [r for r in code_table("dantai-codes.csv") if r["municipality"]]
    names = {r["municipality"] for r in rows}
    # 政令指定都市 itself (札幌市) holds no addresses: its wards (札幌市中央区) do.
    keep = [r for r in rows if r["code"] != city.dantai_code
            and not any(n != r["municipality"] and n.startswith(r["municipality"]) for n in names)]
    return pl.DataFrame({"code": [r["code"] for r in keep],
                         "name": [r["prefecture"] + r["municipality"] for r in keep]})


def _jusho(city: City) -> pl.DataFrame:
    """石巻市's towns (jusho.csv); another city takes them over under its own name (their 住所コード stay: the
    validation checks them against that table)."""
    rows = code_table("jusho.csv")
    if city.dantai_code != CITY.dantai_code:
        old = CITY.prefecture + CITY.name
        rows = [{**r, "name": city.prefecture + city.name + r["name"].removeprefix(old)} for r in rows]
    prefix = city.prefecture + city.name
    gaiji = []
    for i, r in enumerate(rows):
        town = r["name"].removeprefix(prefix)
        variant = with_gaiji(town, salt=i)
        gaiji.append(None if variant is None else prefix + variant)
    # 住居表示 towns (…町) number their houses 番・号, the rest 番地 (Japan Post data carries no 丁目 counts).
    style = [r["name"].endswith("町") for r in rows]
    return pl.DataFrame({"jusho_code": [r["jusho_code"] for r in rows], "name": [r["name"] for r in rows],
                         "yubin_bango": [r["yubin_bango"] for r in rows], "name_gaiji": gaiji,
                         "bango_style": style})


@cache
def load_tables(city: City = CITY) -> Tables:
    rows = _rows(_package_text("names.csv"))
    mei = {sex: _name_table([r for r in rows if r["kind"] == "mei" and r["sex"] == sex]) for sex in ("1", "2")}
    foreign = {}
    kokuseki = code_table("kokuseki.csv")
    for k in kokuseki:
        mine = [r for r in rows if r["kokuseki"] == k["code"]]
        foreign[k["code"]] = (
            _name_table([r for r in mine if r["kind"] == "foreign_sei"]),
            {sex: _name_table([r for r in mine if r["kind"] == "foreign_mei" and r["sex"] == sex])
             for sex in ("1", "2")},
        )
    return Tables(
        sei=_name_table([r for r in rows if r["kind"] == "sei"], gaiji_variants=True),
        mei=mei,
        foreign=foreign,
        jusho=_jusho(city),
        other_cities=_other_cities(city),
        kokuseki=kokuseki,
        zairyu_shikaku=code_table("zairyu_shikaku.csv"),
        ho30_45={r["code"]: r["name"] for r in code_table("ho30_45_kubun.csv")},
    )
