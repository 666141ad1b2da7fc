"""不詳 birth dates in every form the register writes (docs/DOMAIN.md, 不詳 dates), at low rates.

The population draws 日不詳 and 月日不詳 dates for some foreign adults (their documents give no day or month). Here,
from a generator of its own so that the population's other draws stay as they were: a few foreign adults of whom
nothing is known (年月日不詳, 00000000, no 和暦), and a few old Japanese records whose 不詳 date is written in 和暦 too
(昭和55年月日不詳 is 年号 3 + 日付 550000). A city built with ``ensure`` has each form at least once.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from juki.checks.rules.wareki import default_eras

UNKNOWN_YEAR_SHARE = 0.01  # of foreign adults: 年月日不詳
OLD_FUSHO_SHARE = 0.0005  # of Japanese residents aged 60 and over: a 不詳 date in 和暦
MOJI = {1: "日不詳", 2: "月日不詳", 3: "年月日不詳"}


def fusho_forms(frame: pl.DataFrame, rng: np.random.Generator, today: np.datetime64, ensure: bool) -> pl.DataFrame:
    code = frame.get_column("seinengappi_fusho_code").to_numpy()
    age = int(str(today)[:4]) - frame.get_column("seinengappi").str.slice(0, 4).cast(pl.Int64).to_numpy()
    foreign = frame.get_column("shimei_kubun").to_numpy() != "1"
    known = np.flatnonzero(foreign & (code == "0") & (age >= 18))
    unknown = known[rng.random(len(known)) < UNKNOWN_YEAR_SHARE]
    if ensure and not len(unknown) and len(known):
        unknown = known[rng.integers(0, len(known), 1)]
    foreign_forms = [(int(i), 3) for i in unknown]
    spare = [int(i) for i in known if i not in set(unknown)]
    for kind in (1, 2):  # 西暦 only, as a foreign resident's date is written
        if ensure and not (code == str(kind)).any() and spare:
            foreign_forms.append((spare.pop(0), kind))
    eligible = np.flatnonzero(~foreign & (code == "0") & (age >= 60)
                              & frame.get_column("nengo_code").is_not_null().to_numpy())
    old = eligible[rng.random(len(eligible)) < OLD_FUSHO_SHARE]
    old_forms = [(int(i), int(k)) for i, k in zip(old, np.where(rng.random(len(old)) < 0.5, 1, 2), strict=True)]
    rest = [int(i) for i in eligible if i not in set(old)]
    for kind in (1, 2):
        if ensure and kind not in {k for _, k in old_forms} and rest:
            old_forms.append((rest.pop(int(rng.integers(0, len(rest)))), kind))
    return _apply(frame, foreign_forms, old_forms)


def _apply(frame: pl.DataFrame, foreign_forms: list[tuple[int, int]], old_forms: list[tuple[int, int]]) -> pl.DataFrame:
    eras = {e.code: e.name for e in default_eras().eras}
    dates, waas = frame.get_column("seinengappi"), frame.get_column("seinengappi_wareki")
    nengo = frame.get_column("nengo_code")
    values: dict[str, dict[int, str | None]] = {c: {} for c in (
        "seinengappi", "seinengappi_fusho_code", "seinengappi_fusho_moji", "nengo_code", "seinengappi_wareki")}
    for i, kind in foreign_forms:
        values["seinengappi"][i] = _cut(dates[i], kind)
        values["seinengappi_fusho_code"][i] = str(kind)
        values["seinengappi_fusho_moji"][i] = MOJI[kind]
        values["nengo_code"][i] = values["seinengappi_wareki"][i] = None
    for i, kind in old_forms:
        wa = _cut(waas[i], kind)
        values["seinengappi"][i] = _cut(dates[i], kind)
        values["seinengappi_fusho_code"][i] = str(kind)
        values["seinengappi_wareki"][i] = wa
        month = _zen(wa[2:4].lstrip("0")) + "月" if kind == 1 else ""
        values["seinengappi_fusho_moji"][i] = f"{eras[nengo[i]]}{_year(wa[:2])}年{month}{MOJI[kind]}"
    cols = []
    for name, by_row in values.items():
        s = frame.get_column(name).clone()
        if by_row:
            s.scatter(list(by_row), pl.Series(list(by_row.values()), dtype=pl.String))
        cols.append(s)
    return frame.with_columns(cols)


def _cut(value: str, kind: int) -> str:
    """The date (8 digits) or 和暦 (6) with the parts 不詳コード ``kind`` does not know as zeros."""
    keep = len(value) - {1: 2, 2: 4, 3: len(value)}[kind]
    return value[:keep] + "0" * (len(value) - keep)


def _year(yy: str) -> str:
    return "元" if yy == "01" else _zen(yy.lstrip("0"))


def _zen(digits: str) -> str:
    return digits.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
