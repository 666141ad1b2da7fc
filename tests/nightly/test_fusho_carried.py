"""不詳 dates are legal and travel unchanged: 昭和55年月日不詳 (年号 3 + 日付 550000) and 年月日不詳 (00000000) pass
validation, and their 生年月日 reaches the notices, the 送付先情報 and the consistency files exactly as the source
wrote it (docs/DOMAIN.md, 不詳 dates)."""

from __future__ import annotations

from pathlib import Path

from juki.codec.reader import read_records
from juki.jobs.consistency import run_consistency
from juki.layout import load_layout
from tests.nightly.town import Town, changed, notice, town

D1, D2 = "20260401", "20260402"


def _fusho(p: dict) -> dict:
    p = dict(p)
    # A Japanese resident whose month and day of birth are not known, 和暦 as the register writes it.
    p["jiro"] = {**p["jiro"], "seinengappi": "19800000", "nengo_code": "3", "seinengappi_wareki": "550000",
                 "seinengappi_fusho_code": "2", "seinengappi_fusho_moji": "昭和５５年月日不詳"}
    # A foreign resident of whose birth nothing is known.
    p["john"] = {**p["john"], "seinengappi": "00000000", "seinengappi_fusho_code": "3",
                 "seinengappi_fusho_moji": "年月日不詳"}
    return p


def test_fusho_birth_dates_pass_and_reach_every_output_unchanged(tmp_path):
    t, p = Town(tmp_path), _fusho(town())
    first = t.night(D1, list(p.values()))
    assert first.manifest["held"] == 0 and first.manifest["snapshot_records"] == 7
    renamed = changed(p["jiro"], shimei="鈴木　二郎", ido_jiyu="37", jumin_ido_ymd=D2, jumin_todoke_ymd=D2)
    moved = changed(p["john"], jusho="宮城県石巻市中央九丁目９番９号", ido_jiyu="31", jumin_ido_ymd=D2,
                    jumin_todoke_ymd=D2, jutei_ymd=D2)
    newcomer = {**p["john"], "kojin_bango": "200000000131", "shikibetsu_bango": "000000000000012",
                "setai_bango": "000000000000108", "juminhyo_code": "10000000120", "shimei": "ＮＧＵＹＥＮ　ＡＮ",
                "shimei_furigana": "ｸﾞｴﾝ ｱﾝ", "katakana_hyoki_shimei": "グエン　アン", "kokuseki_code": "704",
                "kokuseki_mei": "ベトナム", "setainushi_shimei": "ＮＧＵＹＥＮ　ＡＮ", "seinengappi": "19950300",
                "seinengappi_fusho_code": "1", "seinengappi_fusho_moji": "日不詳", "gaikokujin_jumin_ymd": D2,
                "jumin_ido_ymd": D2, "jumin_todoke_ymd": D2, "jutei_ymd": D2, "ido_todoke_ymd": D2,
                "jusho": "宮城県石巻市中央十丁目１０番１０号"}
    night = t.night(D2, list({**p, "jiro": renamed, "john": moved, "newcomer": newcomer}.values()))
    assert night.notices.to_dicts() == [
        notice(1, "31", D2, moved, (11, 15, 16, 21, 22), D2, furigana="スミス　ジョン"),
        notice(2, "37", D2, renamed, (2, 16, 21, 22), D2, furigana="スズキ　ジロウ"),
        # A new person: every item the new record holds (those of the CS's own bookkeeping aside).
        notice(3, "12", D2, newcomer, (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 15, 16, 18, 19, 20, 21, 22, 34, 35),
               D2, furigana="グエン　アン"),
    ]
    assert night.sofusaki.select("juminhyo_code", "seinengappi").rows() == [("10000000120", "19950300")]

    consistency = run_consistency(D2, t.workdir, t.config)
    record = consistency if isinstance(consistency, dict) else {**consistency.model_dump(), "dir": consistency.dir}
    path = Path(record["dir"]) / record["outputs"]["todofuken"]["file"]
    rows, _ = read_records(path, load_layout("seigo_kakunin"))
    births = dict(rows.select("juminhyo_code", "seinengappi").rows())
    assert (births["10000000057"], births["10000000049"], births["10000000120"]) == ("19800000", "00000000",
                                                                                     "19950300")
