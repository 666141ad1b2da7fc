"""The day-0 city: households of 1–5 persons sharing an address, with 世帯主, 妻/夫, 子, 父/母.

Everything is drawn per household or per person as numpy arrays (no Python loop over residents): sizes, roles,
ages and sexes by position in the household; 氏 per household (a Japanese family shares it), 名 per person. The
same function makes the households that 転入 adds later (``single=True``), so a newcomer looks like anyone else.
Rare cases the pipeline must meet (外国人住民, 不詳 birth dates, 外字, 処理停止) are forced to appear at least
once in a city built with ``ensure=True``, however small.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from juki.layout import Layout
from juki.sample.foreign import draw_kokuseki, foreign_names, spread
from juki.sample.fusho import fusho_forms
from juki.sample.ids import IdIssuer
from juki.sample.people import Persons, addresses, build_persons, other_city_addresses
from juki.sample.tables import Tables
from juki.sample.text import flags

SIZE_SHARES = (0.38, 0.28, 0.17, 0.12, 0.05)  # 1–5 persons (国勢調査: about 2.2 persons per household)
FOREIGN_SHARE = 0.03
GAIJI_NAME_SHARE = 0.005
GAIJI_ADDRESS_SHARE = 0.001
FUSHO_SHARE = 0.1  # of foreign adults
SHORI_TEISHI_SHARE = 0.002
DAY = np.timedelta64(1, "D")


def _household_sizes(rng: np.random.Generator, n: int, single: bool) -> np.ndarray:
    if single:
        return np.ones(n, np.int64)
    sizes = rng.choice(len(SIZE_SHARES), size=n // 2 + 16, p=SIZE_SHARES) + 1
    while sizes.sum() < n:
        sizes = np.concatenate([sizes, rng.choice(len(SIZE_SHARES), size=n // 4 + 16, p=SIZE_SHARES) + 1])
    total = np.cumsum(sizes)
    h = int(np.searchsorted(total, n)) + 1
    sizes = sizes[:h].copy()
    sizes[-1] -= total[h - 1] - n
    return sizes


def _days(years: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    return (years * 365.2425).astype(np.int64) + rng.integers(0, 365, size=len(years))


def populate(layout: Layout, t: Tables, ids: IdIssuer, rng: np.random.Generator, n: int, today: np.datetime64,
             single: bool = False, foreign_share: float = FOREIGN_SHARE, ensure: bool = True) -> pl.DataFrame:
    """Records of n residents as of ``today`` (living, 住民票 in order of household and 記載順位)."""
    sizes = _household_sizes(rng, n, single)
    h = len(sizes)
    member = np.repeat(np.arange(h), sizes)
    pos = np.arange(n) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    foreign_h = rng.random(h) < foreign_share
    if ensure and not foreign_h.any():
        foreign_h[rng.integers(0, h)] = True
    kokuseki_h = np.where(foreign_h, draw_kokuseki(t, rng, h), "")

    # Roles, sexes and ages by position in the household.
    head_age = np.where(sizes == 1, rng.integers(18, 96, h), rng.integers(25, 86, h))
    head_sex = np.where(rng.random(h) < np.where(sizes == 1, 0.5, 0.8), 1, 2)
    ha, hs = head_age[member], head_sex[member]
    r = rng.random(n)
    spouse = (pos == 1) & (r < 0.85)
    parent = (pos >= 2) & (r > 0.9) & (ha < 62)
    parent_sex = np.where(rng.random(n) < 0.5, 1, 2)
    # 続柄 codes (layouts/codes/zokugara.csv): 01 世帯主, 02 妻, 03 夫, 04 子, 05 父, 06 母.
    zokugara = np.select([pos == 0, spouse, parent], [1, np.where(hs == 1, 2, 3), np.where(parent_sex == 1, 5, 6)], 4)
    sex = np.select([pos == 0, spouse, parent], [hs, 3 - hs, parent_sex], np.where(rng.random(n) < 0.51, 1, 2))
    child = ha - rng.integers(22, 42, n)
    child = np.where(child < 0, rng.integers(0, 5, n), child)
    age = np.select([pos == 0, spouse, parent], [ha, np.clip(ha + rng.integers(-6, 5, n), 18, 99),
                    np.minimum(ha + rng.integers(22, 36, n), 104)], child)
    birth = today - DAY - _days(age, rng).astype("timedelta64[D]")

    # Names: 氏 per household (weighted by frequency, some written with a 外字), 名 per person.
    sei_h = rng.choice(len(t.sei), size=h, p=t.sei.weight)
    capable = (t.sei.gaiji[sei_h] >= 0) & ~foreign_h
    share = min(1.0, GAIJI_NAME_SHARE * n / max(1, sizes[capable].sum()))
    swap = capable & (rng.random(h) < share)
    if ensure and not swap.any() and capable.any():
        swap[rng.choice(np.flatnonzero(capable))] = True
    sei_i = np.where(swap, t.sei.gaiji[sei_h], sei_h)[member]
    mei = {s: rng.choice(len(t.mei[s]), size=n, p=t.mei[s].weight) for s in ("1", "2")}
    names = {"sei": t.sei.name.gather(sei_i), "sei_h": t.sei.kana_h.gather(sei_i),
             "mei": pl.select(pl.when(pl.lit(pl.Series(sex == 1))).then(t.mei["1"].name.gather(mei["1"]))
                              .otherwise(t.mei["2"].name.gather(mei["2"]))).to_series(),
             "mei_h": pl.select(pl.when(pl.lit(pl.Series(sex == 1))).then(t.mei["1"].kana_h.gather(mei["1"]))
                                .otherwise(t.mei["2"].kana_h.gather(mei["2"]))).to_series(),
             "hyoki": pl.Series([None] * n, dtype=pl.String)}
    kokuseki = kokuseki_h[member]
    fidx = np.flatnonzero(kokuseki != "")
    if len(fidx):
        fn = foreign_names(t, rng, kokuseki[fidx], sex[fidx], rng.random(h)[member[fidx]])
        for key in names:
            names[key] = names[key].scatter(fidx, fn[key])

    # 不詳 birth dates: some foreign adults.
    fusho = np.zeros(n, np.int8)
    cand = np.flatnonzero((kokuseki != "") & (age >= 18))
    pick = cand[rng.random(len(cand)) < FUSHO_SHARE]
    if ensure and not len(pick) and len(cand):
        pick = cand[:1]
    fusho[pick] = np.where(rng.random(len(pick)) < 0.5, 1, 2)

    # Dates: the household moved in (or its members were born here), maybe moved house within the city later.
    head_birth = birth[np.cumsum(sizes) - sizes]
    back = np.minimum(head_age - 18, 40)
    movein = today - DAY - _days(rng.random(h) * back, rng).astype("timedelta64[D]")
    movein = np.maximum(movein, head_birth + np.timedelta64(6575, "D"))[member]
    jumin = np.maximum(movein, birth)
    moved = (rng.random(h) < 0.3)[member]
    tenkyo = movein + ((today - DAY - movein).astype(np.int64) * rng.random(h)[member]).astype("timedelta64[D]")
    relocated = moved & (tenkyo > jumin)
    jutei = np.where(relocated, tenkyo, jumin)
    from_abroad = (kokuseki != "") & (rng.random(h) < 0.7)[member]
    ido_jiyu = np.select([relocated, birth >= movein, from_abroad], [31, 13, 12], 11)  # 異動事由 codes
    todoke = np.minimum(jutei + rng.integers(0, 14, n).astype("timedelta64[D]"), today - DAY)

    # Households: 世帯番号, address, 世帯主's name, 本籍 (in the city for about 60 %, elsewhere otherwise).
    heads = np.cumsum(sizes) - sizes
    shimei = names["sei"] + "\u3000" + names["mei"]
    kana = names["sei_h"] + " " + names["mei_h"]
    home = addresses(t, rng, h, GAIJI_ADDRESS_SHARE, at_least=1 if ensure else 0)
    elsewhere = other_city_addresses(t, rng, h)
    local = rng.random(h) < 0.6
    banchi = pl.Series(rng.integers(1, 300, h)).cast(pl.String).str.replace_many(
        {str(d): chr(0xFF10 + d) for d in range(10)}) + "番地"
    town = t.jusho.select("jusho_code", "name", "yubin_bango")
    own_town = home.select("jusho_code").join(town, on="jusho_code", how="left", maintain_order="left")
    hh = pl.DataFrame({
        "setai_bango": ids.setai_bango(h), **{c: home[c] for c in home.columns},
        "setainushi_shimei": shimei.gather(heads), "setainushi_shimei_furigana": kana.gather(heads),
        "honseki": pl.select(pl.when(pl.lit(pl.Series(local))).then(own_town["name"] + banchi)
                             .otherwise(elsewhere["jusho"])).to_series(),
        "honseki_jusho_code": pl.select(pl.when(pl.lit(pl.Series(local))).then(home["jusho_code"])
                                        .otherwise(elsewhere["jusho_code"])).to_series(),
        "honseki_yubin_bango": pl.select(pl.when(pl.lit(pl.Series(local))).then(home["yubin_bango"])).to_series(),
        "hittosha_shimei": shimei.gather(heads),
    })[member]
    persons = Persons(names["sei"], names["sei_h"], names["mei"], names["mei_h"], names["hyoki"], sex, birth,
                      fusho, kokuseki, zokugara, pos + 1, jumin, np.maximum(jutei, jumin), todoke, jutei, ido_jiyu)
    frame = build_persons(layout, t, ids, rng, hh, persons, today)

    # 前住所 of those whose last change was a 転入; 処理停止 for a few.
    moved_in = np.flatnonzero(ido_jiyu == 11)
    prev = other_city_addresses(t, rng, h)[member[moved_in]]  # a household came from one place
    abroad = np.flatnonzero(ido_jiyu == 12)
    teishi = np.zeros(n, bool)
    teishi[rng.choice(n, size=max(1 if ensure else 0, round(SHORI_TEISHI_SHARE * n)), replace=False)] = True
    frame = frame.with_columns(
        spread(n, np.concatenate([moved_in, abroad]), pl.concat([prev["jusho"], pl.Series(["国外"] * len(abroad))]),
               "zen_jusho"),
        spread(n, moved_in, prev["jusho_code"], "zen_jusho_code"),
        flags(teishi).alias("shori_teishi"),
    )
    # Drawn last, from a generator of its own, so that the draws above stay as they were.
    return fusho_forms(frame, np.random.default_rng(rng.integers(0, 2**63)), today, ensure)
