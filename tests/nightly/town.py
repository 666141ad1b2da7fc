"""A town of a few residents written out by hand, for two- and three-night tests of the register's real cases.

Every value is a literal: the tests say what the notices must hold from the rules, never from the code under test.
A test takes the residents it needs (``town()``), changes them night by night, writes each night's 住民基本台帳
file with its header, runs the nightly job on it and reads back what the job published.

Identifiers carry right check digits (個人番号: 総務省令第85号第5条; 住民票コード: the city's configured rule).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from juki.codec.reader import read_records
from juki.codec.writer import write_records
from juki.jobs.nightly import run_nightly
from juki.layout import load_layout
from tests.conftest import frame

HERE = Path(__file__).resolve().parent
CITY = HERE.parent / "defects" / "city.toml"  # 石巻市, 042021
FIELDS = [f.id for f in load_layout("juki_daicho").data.value_fields]

# 世帯 1: 山田太郎 (世帯主) and 花子; 世帯 2: 佐藤一郎; 世帯 3: ＳＭＩＴＨ ＪＯＨＮ (中長期在留者,
# 米国); 世帯 4: 鈴木次郎; 世帯 5: 高橋三郎; 世帯 6: 伊藤四郎.
_HOME = {"jusho_code": "0420210074000", "jusho": "宮城県石巻市中央一丁目１番１号", "yubin_bango": "9860822"}
_SENDAI = {"zen_jusho": "宮城県仙台市青葉区本町１番地", "zen_jusho_code": "0410170001000"}
_SINCE = {"jumin_ido_ymd": "20200401", "jumin_todoke_ymd": "20200401", "jutei_ymd": "20200401",
          "ido_todoke_ymd": "20200401", "ido_jiyu": "11"}


def _japanese(**values) -> dict:
    return {"shojo_flag": "0", "jumin_shubetsu": "10", "shimei_kubun": "1", "kojin_rireki_bango": 1,
            "kaisei_bango": 0, "seinengappi_fusho_code": "0", "shori_teishi": "0", **_HOME, **_SENDAI, **_SINCE,
            **values}


def town() -> dict[str, dict]:
    """The residents on the first night, by a short name the tests use."""
    return {
        "taro": _japanese(kojin_bango="200000000018", shikibetsu_bango="000000000000001",
                          setai_bango="000000000000101", juminhyo_code="10000000014", shimei="山田　太郎",
                          shimei_furigana="ﾔﾏﾀﾞ ﾀﾛｳ", seibetsu="1",
                          seinengappi="19800512", nengo_code="3", seinengappi_wareki="550512", zokugara1="01",
                          kisai_juni=1, setainushi_shimei="山田　太郎", setainushi_shimei_furigana="ﾔﾏﾀﾞ ﾀﾛｳ"),
        "hanako": _japanese(kojin_bango="200000000026", shikibetsu_bango="000000000000002",
                            setai_bango="000000000000101", juminhyo_code="10000000022", shimei="山田　花子",
                            shimei_furigana="ﾔﾏﾀﾞ ﾊﾅｺ", seibetsu="2", seinengappi="19850712", zokugara1="02",
                            kisai_juni=2, setainushi_shimei="山田　太郎", setainushi_shimei_furigana="ﾔﾏﾀﾞ ﾀﾛｳ"),
        "ichiro": _japanese(kojin_bango="200000000034", shikibetsu_bango="000000000000003",
                            setai_bango="000000000000102", juminhyo_code="10000000030", shimei="佐藤　一郎",
                            shimei_furigana="ｻﾄｳ ｲﾁﾛｳ", seibetsu="1", seinengappi="19700101", zokugara1="01",
                            kisai_juni=1, setainushi_shimei="佐藤　一郎", jusho="宮城県石巻市中央二丁目２番２号"),
        "john": _japanese(kojin_bango="200000000042", shikibetsu_bango="000000000000004",
                          setai_bango="000000000000103", juminhyo_code="10000000049", jumin_shubetsu="20",
                          shimei_kubun="2", shimei="ＳＭＩＴＨ　ＪＯＨＮ", shimei_furigana="ｽﾐｽ ｼﾞｮﾝ",
                          katakana_hyoki_shimei="スミス　ジョン", seibetsu="1", seinengappi="19900303",
                          zokugara1="01", kisai_juni=1, setainushi_shimei="ＳＭＩＴＨ　ＪＯＨＮ",
                          kokuseki_code="840", kokuseki_mei="米国", ho30_45_kubun="1",
                          ho30_45_kubun_meisho="中長期在留者", zairyu_shikaku_code="06",
                          zairyu_shikaku_meisho="技術・人文知識・国際業務", zairyu_card_to_bango="AB12345678CD",
                          zairyu_card_to_bango_kubun="1", zairyu_kikan_code_ymd="030000",
                          zairyu_kikan_manryo_ymd="20280401", gaikokujin_jumin_ymd="20200401", ido_jiyu="12",
                          zen_jusho="国外", zen_jusho_code=None, jusho="宮城県石巻市中央三丁目３番３号"),
        "jiro": _japanese(kojin_bango="200000000050", shikibetsu_bango="000000000000005",
                          setai_bango="000000000000104", juminhyo_code="10000000057", shimei="鈴木　次郎",
                          shimei_furigana="ｽｽﾞｷ ｼﾞﾛｳ", seibetsu="1", seinengappi="19750505", zokugara1="01",
                          kisai_juni=1, setainushi_shimei="鈴木　次郎", jusho="宮城県石巻市中央四丁目４番４号"),
        "saburo": _japanese(kojin_bango="200000000069", shikibetsu_bango="000000000000006",
                            setai_bango="000000000000105", juminhyo_code="10000000065", shimei="高橋　三郎",
                            shimei_furigana="ﾀｶﾊｼ ｻﾌﾞﾛｳ", seibetsu="1", seinengappi="19600606", zokugara1="01",
                            kisai_juni=1, setainushi_shimei="高橋　三郎", jusho="宮城県石巻市中央五丁目５番５号",
                            honseki="宮城県石巻市中央五丁目５番地", hittosha_shimei="高橋　三郎"),
        "shiro": _japanese(kojin_bango="200000000077", shikibetsu_bango="000000000000007",
                           setai_bango="000000000000106", juminhyo_code="10000000073", shimei="伊藤　四郎",
                           shimei_furigana="ｲﾄｳ ｼﾛｳ", seibetsu="1", seinengappi="19650707", zokugara1="01",
                           kisai_juni=1, setainushi_shimei="伊藤　四郎", jusho="宮城県石巻市中央六丁目６番６号"),
    }


def changed(person: dict, **values) -> dict:
    """The person's next history row: the values given, the next 個人履歴番号."""
    return {**person, "kojin_rireki_bango": person["kojin_rireki_bango"] + 1, **values}


@dataclass
class Night:
    manifest: dict
    notices: pl.DataFrame
    sofusaki: pl.DataFrame
    dir: Path


class Town:
    """A workdir and an input folder; ``night(date, people)`` writes that night's file and runs the job."""

    def __init__(self, root: Path, config: Path = CITY, top: str = "", tables: str = "",
                 files: dict[str, str] | None = None):
        """``top``: keys put first in the city configuration, ``tables``: tables put last; ``files``: more files
        beside it (a 代替文字 table)."""
        self.root, self.inputs, self.workdir = root, root / "in", root / "wd"
        self.inputs.mkdir(parents=True, exist_ok=True)
        self.config = self.inputs / "city.toml"
        shutil.copy(config, self.config)
        text = self.config.read_text(encoding="utf-8")
        self.config.write_text(f"{top}\n{text}\n{tables}\n", encoding="utf-8")
        for name, text in (files or {}).items():
            (self.inputs / name).write_text(text, encoding="utf-8")

    def night(self, date: str, people: list[dict]) -> Night:
        path = self.inputs / f"juki_daicho_{date}.dat"
        layout = load_layout("juki_daicho")
        rows = [{k: p.get(k) for k in FIELDS} for p in people]
        with path.open("wb") as handle:
            write_records(handle, layout, frame(layout, rows), {"created_on": date, "dantai_code": "042021"})
        record = run_nightly(str(path), date, self.workdir, self.config)
        manifest = record if isinstance(record, dict) else {**record.model_dump(), "dir": record.dir}
        run_dir = Path(manifest["dir"])
        notices, _ = read_records(run_dir / manifest["outputs"]["koshin_tsuchi"]["file"], load_layout("koshin_tsuchi"))
        sofu, _ = read_records(run_dir / manifest["outputs"]["sofusaki"]["file"], load_layout("sofusaki"))
        return Night(manifest, notices.drop("record_no"), sofu.drop("record_no"), run_dir)

    def snapshot(self, night: Night) -> pl.DataFrame:
        return pl.read_parquet(night.dir / "snapshot.parquet")


def bitmap(*items: int) -> str:
    """変更項目: one character per 本人確認情報 item 1..36, 1 for the items that changed."""
    return "".join("1" if i in items else "0" for i in range(1, 37))


def notice(koshin_jun_bango: int, ido_jiyu: str, ido_ymd: str, person: dict, changed_items: tuple[int, ...],
           business_date: str, **values) -> dict:
    """A change notice as the prefecture must receive it, from the person's source values (items as the
    本人確認情報 layout derives them: ふりがな full width, 大字・字コード the 住所コード's last 7 digits)."""
    return {
        "koshin_jun_bango": koshin_jun_bango, "ido_jiyu": ido_jiyu, "ido_ymd": ido_ymd,
        "juminhyo_code": person["juminhyo_code"], "kyu_juminhyo_code": None, "henko_komoku": bitmap(*changed_items),
        "shimei": person["shimei"], "shimei_gaiji_su": 0, "furigana": values.pop("furigana"),
        "seinengappi": person["seinengappi"], "seibetsu": person["seibetsu"], "shichoson_code": "042021",
        "oaza_code": person["jusho_code"][6:], "yubin_bango": person["yubin_bango"], "jusho": person["jusho"],
        "jusho_gaiji_su": 0, "kojin_bango": person["kojin_bango"], "record_jokyo_flag": "0",
        "sosasha_id": "JUKIETL", "timestamp": f"{business_date}000000", "torikeshi_koshin_jun_bango": None,
        **values,
    }
