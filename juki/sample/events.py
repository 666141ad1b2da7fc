"""One business day of changes to the register: 出生, 死亡, 転入, 国外からの転入, 転出, 転居, 氏名変更, 個人番号の変更,
住民票コードの変更, then the rarer kinds of juki/sample/rare.py (国外転出, 職権消除, 転出取消, 記載の回復, 帰化,
国籍取得, 国籍喪失, 職権修正).

Each touched person gets the business date in 住民異動年月日 and 住民届出年月日, the 異動事由 code of
layouts/codes/ido_jiyu.csv, the next 個人履歴番号 (the record is the person's new history row), and the fields
of the event; every other field stays. Untouched persons keep their record byte for byte, which is what a diff
of two extracts relies on. 消除者 (死亡, 転出) stay in the file with 消除フラグ 1. A person gets at most one event
a day, and the 世帯主 of a household with others in it neither dies nor leaves (that would need a 世帯主変更,
a different event), so every household keeps its 世帯主.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from juki.layout import Layout
from juki.sample.ids import IdIssuer
from juki.sample.people import HOUSEHOLD_COLS, Persons, addresses, age_years, build_persons, other_city_addresses
from juki.sample.population import populate
from juki.sample.rare import RARE_KINDS, RARE_RATES, apply_rare
from juki.sample.tables import Tables

# Share of the living population touched per kind per day (the default; --change-rate rescales them).
RATES = {"31": 0.0005, "22": 0.0003, "21": 0.0004, "37": 0.0002, "34": 0.0002, "35": 0.0002, "13": 0.0002,
         "11": 0.0004, "12": 0.0002}
KINDS = {"13": "出生", "22": "死亡", "11": "転入", "12": "国外からの転入", "21": "転出", "31": "転居",
         "37": "氏名変更", "34": "個人番号の変更", "35": "住民票コードの変更", **RARE_KINDS}


def rates(change_rate: float | None, table: dict[str, float] = RATES) -> dict[str, float]:
    """``table`` (RATES), or scaled as RATES must be to add up to ``change_rate`` (persons changed per resident
    per day; the rare kinds scale alike)."""
    if change_rate is None:
        return dict(table)
    scale = change_rate / sum(RATES.values())
    return {k: v * scale for k, v in table.items()}


class Day:
    """The register of one business date while its events are applied."""

    def __init__(self, layout: Layout, t: Tables, ids: IdIssuer, rng: np.random.Generator, df: pl.DataFrame,
                 date: np.datetime64):
        self.layout, self.t, self.ids, self.rng, self.df, self.date = layout, t, ids, rng, df, date
        self.ymd = str(date).replace("-", "")
        self.taken = np.zeros(df.height, bool)
        self.counts = dict.fromkeys(KINDS, 0)
        self.new: list[pl.DataFrame] = []

    def mask(self, expr: pl.Expr) -> np.ndarray:
        """A boolean expression over the register as a numpy array (strings never leave polars)."""
        return self.df.select(expr.fill_null(False)).to_series().to_numpy()

    def living(self) -> np.ndarray:
        return self.mask(pl.col("shojo_flag") == "0")

    def setai(self) -> np.ndarray:
        return self.df.get_column("setai_bango").cast(pl.Int64).to_numpy()

    def update(self, idx: np.ndarray, code: str, values: dict[str, pl.Series | str | None]) -> None:
        """Set the fields of persons ``idx`` for event ``code`` (plus the fields every event sets)."""
        k = len(idx)
        if not k:
            return
        rireki = self.df.get_column("kojin_rireki_bango").gather(idx) + 1
        values = {"jumin_ido_ymd": self.ymd, "jumin_todoke_ymd": self.ymd, "ido_todoke_ymd": self.ymd,
                  "ido_jiyu": code, "kojin_rireki_bango": rireki, "ido_rireki_joho": "1", **values}
        cols = []
        for name, v in values.items():
            s = self.df.get_column(name).clone()
            s.scatter(idx, pl.Series([v] * k, dtype=s.dtype) if v is None or isinstance(v, str) else v.cast(s.dtype))
            cols.append(s)
        self.df = self.df.with_columns(cols)
        self.taken[idx] = True
        self.counts[code] += k

    def pick(self, eligible: np.ndarray, k: int) -> np.ndarray:
        cand = np.flatnonzero(eligible & ~self.taken)
        return np.sort(self.rng.choice(cand, size=min(k, len(cand)), replace=False))

    # ------------------------------------------------------------------------------------------ the events

    def tenkyo(self, k: int) -> None:
        """31 転居: whole households move to a new address in the city; the old one becomes 前住所."""
        living, setai = self.living(), self.setai()
        households, sizes = np.unique(setai[living], return_counts=True)
        order = self.rng.permutation(len(households))
        chosen = np.sort(households[order[: int(np.searchsorted(np.cumsum(sizes[order]), k)) + 1]])
        idx = np.flatnonzero(living & np.isin(setai, chosen))
        new = addresses(self.t, self.rng, len(chosen))
        where = np.searchsorted(chosen, setai[idx])  # chosen is sorted: np.unique gave it so
        moved = new[where]
        old = self.df[idx]
        self.update(idx, "31", {
            **{c: moved[c] for c in ("jusho_code", "jusho", "katagaki", "kana_katagaki", "yubin_bango")},
            "zen_jusho": old["jusho"], "zen_jusho_code": old["jusho_code"], "zen_yubin_bango": old["yubin_bango"],
            "zen_jusho_katagaki": old["katagaki"], "zen_jusho_kana_katagaki": old["kana_katagaki"],
            "jutei_ymd": self.ymd})

    def shojo(self, code: str, k: int) -> None:
        """22 死亡 / 21 転出: 消除 (消除フラグ 1, 住民種別 11/21); the record stays in the file."""
        alive = (pl.col("shojo_flag") == "0").sum().over("setai_bango")
        idx = self.pick(self.mask((pl.col("shojo_flag") == "0") & ((pl.col("zokugara1") != "01") | (alive == 1))), k)
        shubetsu = self.df.get_column("jumin_shubetsu").gather(idx).str.replace(r"0$", "1")
        values: dict[str, pl.Series | str] = {"shojo_flag": "1", "jumin_shubetsu": shubetsu,
                                              "johyo_ido_ymd": self.ymd, "johyo_todoke_ymd": self.ymd}
        if code == "21":
            dest = other_city_addresses(self.t, self.rng, len(idx))
            yotei = self.date + self.rng.integers(0, 15, len(idx)).astype("timedelta64[D]")
            values |= {"tenshutsu_jusho": dest["jusho"], "tenshutsu_jusho_code": dest["jusho_code"],
                       "tenshutsu_kubun": "1", "tenshutsu_yotei_todoke_ymd": self.ymd,
                       "tenshutsu_yotei_ymd": pl.Series(yotei).dt.strftime("%Y%m%d")}
        self.update(idx, code, values)

    def shimei_henko(self, k: int) -> None:
        """37 氏名変更: a new 氏 (and its reading) for Japanese residents other than a 世帯主."""
        idx = self.pick(self.mask((pl.col("shojo_flag") == "0") & (pl.col("shimei_kubun") == "1")
                                  & (pl.col("zokugara1") != "01")), k)
        sei = self.t.sei
        pick = self.rng.choice(len(sei), size=len(idx), p=sei.weight)
        old = self.df[idx].select(pl.col("shimei").str.split_exact("\u3000", 1).struct.field("field_0").alias("s"))
        pick = np.where(sei.name.gather(pick) == old["s"], (pick + 1) % int((sei.weight > 0).sum()), pick)
        rest = self.df[idx].select(
            pl.col("shimei").str.split_exact("\u3000", 1).struct.field("field_1").alias("mei"),
            pl.col("shimei_furigana").str.split_exact(" ", 1).struct.field("field_1").alias("mei_h"))
        shimei = sei.name.gather(pick) + "\u3000" + rest["mei"]
        kana = sei.kana_h.gather(pick) + " " + rest["mei_h"]
        self.update(idx, "37", {"shimei": shimei, "shimei_furigana": kana, "atena_shimei": shimei,
                                "atena_shimei_furigana": kana})

    def bango_henko(self, code: str, k: int) -> None:
        """34 個人番号の変更 / 35 住民票コードの変更: a new number, same 識別番号."""
        idx = self.pick(self.living(), k)
        if code == "34":
            self.update(idx, code, {"kojin_bango": self.ids.kojin_bango(self.rng, len(idx))})
        else:
            self.update(idx, code, {"juminhyo_code": self.ids.juminhyo_code(self.rng, len(idx))})

    def shussei(self, k: int) -> None:
        """13 出生: a baby in an existing Japanese household, 子 of its 世帯主, with a new 住民票コード and 個人番号."""
        head = self.mask((pl.col("shojo_flag") == "0") & (pl.col("zokugara1") == "01")
                         & (pl.col("shimei_kubun") == "1"))
        young = head & (age_years(_dates(self.df.get_column("seinengappi")), self.date) < 55)
        cand = np.flatnonzero(young if young.any() else head)
        heads = np.sort(self.rng.choice(cand, size=min(k, len(cand)), replace=False))
        n = len(heads)
        hh = self.df[heads].select(HOUSEHOLD_COLS)
        juni = (self.df.select("setai_bango", "kisai_juni").group_by("setai_bango").agg(pl.col("kisai_juni").max())
                .join(hh.select("setai_bango"), on="setai_bango", how="right", maintain_order="right"))
        split = self.df[heads].select(
            pl.col("shimei").str.split_exact("\u3000", 1).struct.field("field_0").alias("sei"),
            pl.col("shimei_furigana").str.split_exact(" ", 1).struct.field("field_0").alias("sei_h"))
        sex = np.where(self.rng.random(n) < 0.51, 1, 2)
        mei = {s: self.rng.choice(len(self.t.mei[s]), size=n, p=self.t.mei[s].weight) for s in ("1", "2")}
        male = pl.lit(pl.Series(sex == 1))

        def given(col: str) -> pl.Series:
            by_sex = {s: getattr(self.t.mei[s], col).gather(mei[s]) for s in ("1", "2")}
            return pl.select(pl.when(male).then(by_sex["1"]).otherwise(by_sex["2"])).to_series()

        birth = self.date - self.rng.integers(0, 14, n).astype("timedelta64[D]")
        today = np.full(n, self.date)
        persons = Persons(split["sei"], split["sei_h"], given("name"), given("kana_h"),
                          pl.Series([None] * n, dtype=pl.String), sex, birth, np.zeros(n, np.int8),
                          np.full(n, ""), np.full(n, 4), juni["kisai_juni"].to_numpy() + 1, birth, today, today,
                          birth, np.full(n, 13))
        babies = build_persons(self.layout, self.t, self.ids, self.rng, hh, persons, self.date).with_columns(
            pl.lit("0").alias("kojin_bango_card_jokyo"), pl.lit("0").alias("shomeisho_hakko_rireki_joho"))
        self._add(babies, "13")

    def tennyu(self, code: str, k: int) -> None:
        """11 転入 (from another municipality; 前住所 there) / 12 国外からの転入 (前住所 「国外」): a new household."""
        abroad = code == "12"
        people = populate(self.layout, self.t, self.ids, self.rng, k, self.date, single=True,
                          foreign_share=0.7 if abroad else 0.03, ensure=False)
        prev = other_city_addresses(self.t, self.rng, k)
        foreign = people.get_column("shimei_kubun") == "2"
        people = people.with_columns(
            pl.lit(self.ymd).alias("jumin_ido_ymd"), pl.lit(self.ymd).alias("jumin_todoke_ymd"),
            pl.lit(self.ymd).alias("ido_todoke_ymd"), pl.lit(self.ymd).alias("jutei_ymd"),
            pl.lit(code).alias("ido_jiyu"), pl.lit("0").alias("shori_teishi"),
            pl.when(pl.lit(foreign)).then(pl.lit(self.ymd)).alias("gaikokujin_jumin_ymd"),
            (pl.lit("国外") if abroad else pl.lit(prev["jusho"])).alias("zen_jusho"),
            (pl.lit(None, pl.String) if abroad else pl.lit(prev["jusho_code"])).alias("zen_jusho_code"),
            pl.lit(None, pl.String).alias("zen_jusho_katagaki"), pl.lit(None, pl.String).alias("zen_yubin_bango"))
        self._add(people, code)

    def _add(self, rows: pl.DataFrame, code: str) -> None:
        self.new.append(rows)
        self.counts[code] += rows.height

    def result(self) -> pl.DataFrame:
        return pl.concat([self.df, *self.new]) if self.new else self.df


def _dates(yyyymmdd: pl.Series) -> np.ndarray:
    """datetime64 of YYYYMMDD strings; a 不詳 part counts as 1 (only ages are taken from these), an unknown year
    as long ago (00000000: an age no parent has)."""
    s = yyyymmdd.str.replace("^0000", "1800").str.replace(r"00$", "01").str.replace(r"^(\d{4})00", "${1}01")
    return s.str.strptime(pl.Date, "%Y%m%d").to_numpy()


def apply_day(layout: Layout, t: Tables, ids: IdIssuer, rng: np.random.Generator, df: pl.DataFrame,
              date: np.datetime64, change_rate: float | None = None) -> tuple[pl.DataFrame, dict[str, int]]:
    """The register of ``date`` from that of the day before, and the count of persons per event kind."""
    day = Day(layout, t, ids, rng, df, date)
    living = int(day.living().sum())
    want = {code: max(1, int(rng.poisson(rate * living))) for code, rate in rates(change_rate).items()}
    day.tenkyo(want["31"])
    day.shojo("22", want["22"])
    day.shojo("21", want["21"])
    day.shimei_henko(want["37"])
    day.bango_henko("34", want["34"])
    day.bango_henko("35", want["35"])
    day.shussei(want["13"])
    day.tennyu("11", want["11"])
    day.tennyu("12", want["12"])
    # Drawn after the common kinds, so that adding rare kinds left the draws of the common ones as they were.
    rare = {code: max(1, int(rng.poisson(rate * living))) for code, rate in rates(change_rate, RARE_RATES).items()}
    apply_rare(day, rare)
    return day.result(), day.counts
