"""Each following day applies one day's events; the rest of the register stays byte for byte."""

from __future__ import annotations

import csv
from dataclasses import replace
from importlib.resources import files

import polars as pl

from juki.sample import generate
from juki.sample.events import KINDS
from juki.sample.rare import NEED_HISTORY, RARE_KINDS
from tests.sample.conftest import SPEC


def _day(city, d: int) -> tuple[pl.DataFrame, pl.DataFrame, str]:
    ymd = city.days[d].date.replace("-", "")
    return city.frames[d - 1], city.frames[d], ymd


def _touched(df: pl.DataFrame, ymd: str, code: str) -> pl.DataFrame:
    """Persons the event ``code`` touched that day: every event records the day in 住民届出年月日 (a correction or a
    withdrawal keeps the 住民異動年月日 of the last real 異動)."""
    return df.filter((pl.col("jumin_todoke_ymd") == ymd) & (pl.col("ido_jiyu") == code))


def test_every_event_kind_happens_on_every_following_day(city):
    """…but a 転出取消 or a 記載の回復, which need someone removed on an earlier day: from the second day on."""
    text = (files("juki.layouts") / "codes" / "ido_jiyu.csv").read_text(encoding="utf-8")
    table = {r["code"]: r["name"] for r in csv.DictReader(ln for ln in text.splitlines() if not ln.startswith("#"))}
    for d in range(1, len(city.days)):
        _, today, ymd = _day(city, d)
        for code, name in KINDS.items():
            assert table[code] == name
            if d > 1 or code not in NEED_HISTORY:
                assert _touched(today, ymd, code).height >= 1, (ymd, name)
            assert city.days[d].events[code] == _touched(today, ymd, code).height


def test_juminhyo_code_change_keeps_the_shikibetsu_bango(city):
    for d in range(1, len(city.days)):
        before, today, ymd = _day(city, d)
        changed = _touched(today, ymd, "35").join(before, on="shikibetsu_bango", suffix="_before")
        assert changed.height >= 1
        assert (changed["juminhyo_code"] != changed["juminhyo_code_before"]).all()
        assert (changed["kojin_bango"] == changed["kojin_bango_before"]).all()
        assert not changed["juminhyo_code"].is_in(before["juminhyo_code"].implode()).any()


def test_kojin_bango_change_gives_a_number_never_used_before(city):
    for d in range(1, len(city.days)):
        before, today, ymd = _day(city, d)
        changed = _touched(today, ymd, "34").join(before, on="shikibetsu_bango", suffix="_before")
        assert changed.height >= 1 and (changed["juminhyo_code"] == changed["juminhyo_code_before"]).all()
        assert not changed["kojin_bango"].is_in(before["kojin_bango"].implode()).any()


def test_untouched_persons_keep_their_record_byte_for_byte(city):
    for d in range(1, len(city.days)):
        _, today, ymd = _day(city, d)
        touched = set(today.filter(pl.col("jumin_todoke_ymd") == ymd)["shikibetsu_bango"])
        old, new = city.raw_records(d - 1), city.raw_records(d)
        kept = [k for k in old if k not in touched]
        assert len(kept) > 0.9 * len(old)
        assert all(old[k] == new[k] for k in kept)
        assert set(old) <= set(new)  # nobody leaves the file: 消除者 stay


def test_touched_persons_keep_every_field_the_event_does_not_set(city):
    ignore = {"record_no", "jumin_ido_ymd", "jumin_todoke_ymd", "ido_todoke_ymd", "ido_jiyu", "kojin_rireki_bango",
              "ido_rireki_joho"}
    sets = {"37": {"shimei", "shimei_furigana", "atena_shimei", "atena_shimei_furigana"}, "34": {"kojin_bango"},
            "35": {"juminhyo_code"}}
    before, today, ymd = _day(city, 1)
    for code, changed in sets.items():
        rows = _touched(today, ymd, code).join(before, on="shikibetsu_bango", suffix="_b")
        for column in set(before.columns) - ignore - changed - {"shikibetsu_bango"}:
            assert rows[column].equals(rows[f"{column}_b"]), (code, column)
        assert (rows["kojin_rireki_bango"] == rows["kojin_rireki_bango_b"] + 1).all()


def test_death_and_moving_out_remove_the_person_but_keep_the_record(city):
    for d in range(1, len(city.days)):
        _, today, ymd = _day(city, d)
        for code in ("22", "21"):
            gone = _touched(today, ymd, code)
            assert (gone["shojo_flag"] == "1").all() and gone["jumin_shubetsu"].is_in(["11", "21"]).all()
            assert (gone["johyo_ido_ymd"] == ymd).all()
        out = _touched(today, ymd, "21")
        assert out["tenshutsu_jusho"].null_count() == 0 and out["tenshutsu_jusho_code"].null_count() == 0
    assert city.days[-1].residents < city.days[-1].records


def test_new_persons_arrive_with_the_right_origin(city):
    for d in range(1, len(city.days)):
        before, today, ymd = _day(city, d)
        new = today.filter(~pl.col("shikibetsu_bango").is_in(before["shikibetsu_bango"].implode()))
        assert set(new["ido_jiyu"]) == {"13", "11", "12"}
        babies = new.filter(pl.col("ido_jiyu") == "13")
        assert babies["setai_bango"].is_in(before["setai_bango"].implode()).all()
        assert (babies["zokugara1"] == "04").all()
        moved_in = new.filter(pl.col("ido_jiyu") == "11")
        assert not moved_in["zen_jusho_code"].str.starts_with("042021").any()
        assert moved_in["zen_jusho"].null_count() == 0
        assert (new.filter(pl.col("ido_jiyu") == "12")["zen_jusho"] == "国外").all()
        assert not new["setai_bango"].filter(new["ido_jiyu"] != "13").is_in(before["setai_bango"].implode()).any()


def test_moving_house_moves_the_whole_household_and_keeps_the_old_address(city):
    before, today, ymd = _day(city, 2)
    moved = _touched(today, ymd, "31").join(before, on="shikibetsu_bango", suffix="_b")
    assert (moved["zen_jusho"] == moved["jusho_b"]).all() and (moved["jutei_ymd"] == ymd).all()
    households = set(moved["setai_bango"])
    living = today.filter(pl.col("setai_bango").is_in(list(households)) & (pl.col("shojo_flag") == "0"))
    assert living["shikibetsu_bango"].is_in(moved["shikibetsu_bango"].implode()).all()


def test_change_rate_sets_the_share_of_persons_changed_per_day(tmp_path):
    days = generate(tmp_path, replace(SPEC, residents=3000, days=2, change_rate=0.01))
    common = {k: v for k, v in days[1].events.items() if k not in RARE_KINDS}
    assert 0.006 * 3000 <= sum(common.values()) <= 0.015 * 3000
    assert min(v for k, v in days[1].events.items() if k not in NEED_HISTORY) >= 1
    assert sum(days[1].events[k] for k in RARE_KINDS) <= len(RARE_KINDS) + 3  # rare stays rare


def test_rare_kinds_change_what_their_rule_says(city):
    before, today, ymd = _day(city, 2)
    pair = today.join(before, on="shikibetsu_bango", suffix="_b")
    touched = pair.filter(pl.col("jumin_todoke_ymd") == ymd)
    abroad = touched.filter(pl.col("ido_jiyu") == "24")
    assert (abroad["shojo_flag"] == "1").all() and abroad["tenshutsu_jusho_code"].null_count() == abroad.height
    assert abroad["tenshutsu_jusho"].null_count() == 0
    for code, undone in (("51", ("21", "24")), ("17", ("23",))):  # back as before, the day of the 取消 recorded
        back = touched.filter(pl.col("ido_jiyu") == code)
        assert (back["shojo_flag"] == "0").all() and back["ido_jiyu_b"].is_in(list(undone)).all()
        assert (back["juminhyo_code"] == back["juminhyo_code_b"]).all()
        assert back["johyo_ido_ymd"].null_count() == back.height
    for code in ("38", "39"):  # 帰化・国籍取得: Japanese now, same numbers
        kika = touched.filter(pl.col("ido_jiyu") == code)
        assert (kika["jumin_shubetsu_b"] == "20").all() and (kika["jumin_shubetsu"] == "10").all()
        assert (kika["juminhyo_code"] == kika["juminhyo_code_b"]).all()
        assert (kika["kojin_bango"] == kika["kojin_bango_b"]).all()
        assert kika["kokuseki_code"].null_count() == kika.height
    lost = touched.filter(pl.col("ido_jiyu") == "40")
    assert (lost["jumin_shubetsu"] == "20").all() and (lost["ho30_45_kubun"] == "6").all()
    fixed = touched.filter(pl.col("ido_jiyu") == "33")
    assert (fixed["seinengappi"] < fixed["seinengappi_b"]).all() and (fixed["jumin_ido_ymd"] != ymd).all()
