"""外国人住民 (foreign residents, 住基法第30条の45): nationality, names, 在留 fields.

About 3 % of the sample city's households are foreign, which is the national share. Their names are alphabetic,
written full-width in 氏名 (ＳＭＩＴＨ　ＪＯＨＮ) with the カタカナ表記 beside them; their 在留 fields come from the
code tables so that the validator's membership checks hold. 特別永住者 (区分 2) hold a 特別永住者証明書 and no
在留資格 or 在留期間, as the law has it; 永住者 have a 在留カード without an expiry of their stay.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from juki.sample.tables import NameTable, Tables
from juki.sample.text import ymd

# Shares of foreign residents by nationality (ISO numeric), roughly the national 在留外国人統計 order.
KOKUSEKI_WEIGHTS = {"156": 25, "704": 20, "410": 12, "608": 10, "524": 7, "360": 6, "076": 6, "104": 5,
                    "840": 5, "764": 4}
# Shares of 在留資格 among 中長期在留者; 02 特別永住者 is not a 在留資格 (it is 区分 2) and is never drawn.
ZAIRYU_WEIGHTS = {"01": 30, "03": 5, "04": 7, "05": 2, "06": 14, "07": 14, "08": 10, "09": 7, "10": 7,
                  "11": 2, "12": 2}
ZAIRYU_KIKAN = ("050000", "030000", "010000", "000600")  # 5年, 3年, 1年, 6月
SYSTEM_START = np.datetime64("2012-07-09")  # 外国人住民 entered the 住民基本台帳 on this day
_LETTERS = np.array(list("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))


def _weights(rows: list[dict[str, str]], table: dict[str, float]) -> np.ndarray:
    w = np.array([table.get(r["code"], 0.0) for r in rows], dtype=float)
    return w / w.sum()


def draw_kokuseki(t: Tables, rng: np.random.Generator, k: int) -> np.ndarray:
    codes = np.array([r["code"] for r in t.kokuseki])
    return codes[rng.choice(len(codes), size=k, p=_weights(t.kokuseki, KOKUSEKI_WEIGHTS))]


def foreign_names(t: Tables, rng: np.random.Generator, kokuseki: np.ndarray, sex: np.ndarray,
                  sei_draw: np.ndarray) -> dict[str, pl.Series]:
    """Names of foreign residents: sei/sei_h/mei/mei_h/hyoki, one per person.

    ``sei_draw`` is a uniform number per person; members of a household share it, and so their surname.
    The loop runs over nationalities and sexes (a handful), never over persons.
    """
    n = len(sex)
    out = {k: pl.Series(k, [""] * n) for k in ("sei", "sei_h", "sei_k", "mei", "mei_h", "mei_k")}
    for code in sorted(set(kokuseki.tolist())):
        sei_table, mei_tables = t.foreign[code]
        rows = np.flatnonzero(kokuseki == code)
        _put(out, "sei", sei_table, rows, np.minimum((sei_draw[rows] * len(sei_table)).astype(int),
                                                     len(sei_table) - 1))
        for s in ("1", "2"):
            mine = rows[sex[rows] == int(s)]
            table = mei_tables[s]
            _put(out, "mei", table, mine, rng.integers(0, len(table), size=len(mine)))
    return {"sei": out["sei"], "sei_h": out["sei_h"], "mei": out["mei"], "mei_h": out["mei_h"],
            "hyoki": out["sei_k"] + "\u3000" + out["mei_k"]}


def _put(out: dict[str, pl.Series], prefix: str, table: NameTable, rows: np.ndarray, pick: np.ndarray) -> None:
    if not len(rows):
        return
    out[prefix].scatter(rows, table.name.gather(pick))
    out[prefix + "_h"].scatter(rows, table.kana_h.gather(pick))
    out[prefix + "_k"].scatter(rows, table.kana.gather(pick))


def _letters(rng: np.random.Generator, k: int) -> pl.Series:
    pick = _LETTERS[rng.integers(0, len(_LETTERS), size=(k, 2))]
    return pl.Series(np.char.add(pick[:, 0], pick[:, 1]), dtype=pl.String)


def spread(n: int, idx: np.ndarray, values: pl.Series | np.ndarray, name: str) -> pl.Series:
    """A length-n string column, null except at ``idx``."""
    out = pl.Series(name, [None] * n, dtype=pl.String)
    if len(idx):
        out.scatter(idx, pl.Series(values, dtype=pl.String))
    return out


def foreign_fields(t: Tables, rng: np.random.Generator, kokuseki: np.ndarray, jumin: np.ndarray,
                   today: np.datetime64) -> dict[str, pl.Series]:
    """The 外国人住民 columns for every person (null for Japanese residents, whose kokuseki is "")."""
    n = len(kokuseki)
    idx = np.flatnonzero(kokuseki != "")
    k = len(idx)
    ks = kokuseki[idx]
    names = {r["code"]: r["name"] for r in t.kokuseki}
    tokubetsu = (ks == "410") & (rng.random(k) < 0.5)
    kubun = np.where(tokubetsu, "2", "1")
    shikaku_rows = [r for r in t.zairyu_shikaku if ZAIRYU_WEIGHTS.get(r["code"], 0) > 0]
    pick = rng.choice(len(shikaku_rows), size=k, p=_weights(shikaku_rows, ZAIRYU_WEIGHTS))
    shikaku = np.array([r["code"] for r in shikaku_rows])[pick] if k else np.empty(0, str)
    shikaku_name = np.array([r["name"] for r in shikaku_rows])[pick] if k else np.empty(0, str)
    kikan = np.array(ZAIRYU_KIKAN)[rng.integers(0, len(ZAIRYU_KIKAN), size=k)]
    has_kikan = ~tokubetsu & (shikaku != "01")
    manryo = today + rng.integers(30, 1500, size=k).astype("timedelta64[D]")
    card = _letters(rng, k) + pl.Series(rng.integers(0, 10**8, size=k)).cast(pl.String).str.zfill(8) \
        + _letters(rng, k)
    became = np.maximum(jumin[idx], SYSTEM_START)
    return {
        "kokuseki_code": spread(n, idx, ks, "kokuseki_code"),
        "kokuseki_mei": spread(n, idx, pl.Series(ks, dtype=pl.String).replace_strict(names), ""),
        "ho30_45_kubun": spread(n, idx, kubun, "ho30_45_kubun"),
        "ho30_45_kubun_meisho": spread(n, idx, pl.Series(kubun, dtype=pl.String).replace_strict(t.ho30_45), ""),
        "zairyu_shikaku_code": spread(n, idx[~tokubetsu], shikaku[~tokubetsu], "zairyu_shikaku_code"),
        "zairyu_shikaku_meisho": spread(n, idx[~tokubetsu], shikaku_name[~tokubetsu], "zairyu_shikaku_meisho"),
        "zairyu_card_to_bango": spread(n, idx, card, "zairyu_card_to_bango"),
        "zairyu_card_to_bango_kubun": spread(n, idx, np.where(tokubetsu, "2", "1"), ""),
        "zairyu_kikan_code_ymd": spread(n, idx[has_kikan], kikan[has_kikan], ""),
        "zairyu_kikan_manryo_ymd": spread(n, idx[has_kikan], ymd(manryo[has_kikan]), ""),
        "gaikokujin_jumin_ymd": spread(n, idx, ymd(became), ""),
    }
