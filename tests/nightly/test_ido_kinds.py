"""Every kind of 異動 the register records, from the source record through the diff to the notice.

Each test runs the nightly job on two or three nights of a hand-written town (town.py) and compares the notices
with ones written out here from the rule (docs/DOMAIN.md, 異動事由), never with what the code produced before.
"""

from __future__ import annotations

import pytest

from tests.nightly.town import Town, changed, notice, town

D1, D2, D3 = "20260401", "20260402", "20260403"


def _moved_out(person: dict, reason: str, **values) -> dict:
    """The person 消除 on D2 (住民種別 日本人消除者), with the 除票 dates of that day."""
    return changed(person, shojo_flag="1", jumin_shubetsu="11", johyo_ido_ymd=D2, johyo_todoke_ymd=D2,
                   ido_jiyu=reason, jumin_ido_ymd=D2, jumin_todoke_ymd=D2, ido_todoke_ymd=D2, **values)


def test_kokugai_tenshutsu_is_a_removal_abroad(tmp_path):
    """国外転出: a 消除 whose 転出先 is abroad, so it has no 住所コード (no 市町村コード)."""
    t, p = Town(tmp_path), town()
    t.night(D1, list(p.values()))
    abroad = _moved_out(p["ichiro"], "24", tenshutsu_jusho="アメリカ合衆国カリフォルニア州", tenshutsu_kubun="1",
                        tenshutsu_yotei_todoke_ymd=D2, tenshutsu_yotei_ymd=D2)
    night = t.night(D2, list({**p, "ichiro": abroad}.values()))
    assert night.notices.to_dicts() == [
        notice(1, "24", D2, abroad, (16, 21, 22, 35), D2, furigana="サトウ　イチロウ", record_jokyo_flag="1")]
    assert night.sofusaki.height == 0


def test_tenshutsu_torikeshi_undoes_the_tenshutsu_notice(tmp_path):
    """転出取消: the 転出予定 is withdrawn, the person never left. The notice restores the record and names the
    notice it undoes; it is not a 転入."""
    t, p = Town(tmp_path), town()
    t.night(D1, list(p.values()))
    out = _moved_out(p["ichiro"], "21", tenshutsu_jusho="東京都千代田区千代田１番１号",
                     tenshutsu_jusho_code="1310160001000", tenshutsu_kubun="1", tenshutsu_yotei_todoke_ymd=D2,
                     tenshutsu_yotei_ymd="20260410")
    second = t.night(D2, list({**p, "ichiro": out}.values()))
    assert second.notices.to_dicts() == [
        notice(1, "21", D2, out, (16, 21, 22, 35), D2, furigana="サトウ　イチロウ", record_jokyo_flag="1")]
    # Back as on D1 (住民異動年月日 included: nothing happened), the 取消 recorded on D3.
    back = changed(p["ichiro"], kojin_rireki_bango=3, ido_jiyu="51", jumin_todoke_ymd=D3)
    third = t.night(D3, list({**p, "ichiro": back}.values()))
    assert third.notices.to_dicts() == [notice(2, "51", D3, back, (16, 21, 22, 35), D3, furigana="サトウ　イチロウ",
                                               torikeshi_koshin_jun_bango=1)]
    assert third.sofusaki.height == 0


def test_kisai_no_kaifuku_restores_the_same_person(tmp_path):
    """記載の回復: a record wrongly removed (職権消除) is restored with its old 住民票コード: the same person, whose
    住民となった日 is still the first one; no new 個人番号, so no 送付先情報."""
    t, p = Town(tmp_path), town()
    t.night(D1, list(p.values()))
    removed = _moved_out(p["jiro"], "23")
    second = t.night(D2, list({**p, "jiro": removed}.values()))
    assert second.notices.to_dicts() == [
        notice(1, "23", D2, removed, (16, 21, 22, 35), D2, furigana="スズキ　ジロウ", record_jokyo_flag="1")]
    restored = changed(p["jiro"], kojin_rireki_bango=3, ido_jiyu="17", jumin_todoke_ymd=D3)
    third = t.night(D3, list({**p, "jiro": restored}.values()))
    assert third.notices.to_dicts() == [
        notice(2, "17", D3, restored, (16, 21, 22, 35), D3, furigana="スズキ　ジロウ")]
    assert third.sofusaki.height == 0
    snapshot = t.snapshot(third).filter(shikibetsu_bango=p["jiro"]["shikibetsu_bango"])
    assert snapshot.select("juminhyo_code", "jumin_ymd", "record_jokyo_flag").rows() == [
        (p["jiro"]["juminhyo_code"], "20200401", "0")]


@pytest.mark.parametrize("reason", ["38", "39"])  # 帰化, 国籍取得
def test_kika_keeps_the_juminhyo_code_and_the_kojin_bango(tmp_path, reason):
    """帰化・国籍取得: the 外国人住民 becomes a 日本人住民. 住民票コード and 個人番号 stay (the same
    person); the notice is the change of the items that changed (here the name), dated the day of the
    帰化; 住民となった日 stays the 外国人住民となった日; no 送付先情報 (the 個人番号 is not new)."""
    t, p = Town(tmp_path), town()
    t.night(D1, list(p.values()))
    japanese = changed(
        p["john"], jumin_shubetsu="10", shimei_kubun="1", shimei="須美寿　譲", shimei_furigana="ｽﾐｽ ｼﾞｮｳ",
        katakana_hyoki_shimei=None, setainushi_shimei="須美寿　譲", kokuseki_code=None, kokuseki_mei=None,
        ho30_45_kubun=None, ho30_45_kubun_meisho=None, zairyu_shikaku_code=None, zairyu_shikaku_meisho=None,
        zairyu_card_to_bango=None, zairyu_card_to_bango_kubun=None, zairyu_kikan_code_ymd=None,
        zairyu_kikan_manryo_ymd=None, gaikokujin_jumin_ymd=None, honseki="宮城県石巻市中央三丁目３番地",
        hittosha_shimei="須美寿　譲", ido_jiyu=reason, jumin_ido_ymd=D2, jumin_todoke_ymd=D2)
    night = t.night(D2, list({**p, "john": japanese}.values()))
    assert night.notices.to_dicts() == [
        notice(1, reason, D2, japanese, (2, 4, 5, 16, 21, 22), D2, furigana="スミス　ジョウ")]
    assert night.sofusaki.height == 0
    snapshot = t.snapshot(night).filter(shikibetsu_bango=p["john"]["shikibetsu_bango"])
    assert snapshot.select("juminhyo_code", "kojin_bango", "jumin_ymd").rows() == [
        (p["john"]["juminhyo_code"], p["john"]["kojin_bango"], "20200401")]


def test_kokuseki_soshitsu_keeps_the_person(tmp_path):
    """国籍喪失: the 日本人住民 becomes a 外国人住民 (区分 6, 国籍喪失による経過滞在者), same 住民票コード
    and 個人番号."""
    t, p = Town(tmp_path), town()
    t.night(D1, list(p.values()))
    foreign = changed(p["saburo"], jumin_shubetsu="20", kokuseki_code="840", kokuseki_mei="米国",
                      ho30_45_kubun="6", ho30_45_kubun_meisho="国籍喪失による経過滞在者",
                      gaikokujin_jumin_ymd=D2, honseki=None, hittosha_shimei=None, ido_jiyu="40",
                      jumin_ido_ymd=D2, jumin_todoke_ymd=D2)
    night = t.night(D2, list({**p, "saburo": foreign}.values()))
    assert night.notices.to_dicts() == [
        notice(1, "40", D2, foreign, (16, 21, 22), D2, furigana="タカハシ　サブロウ")]
    assert night.sofusaki.height == 0


def test_shokken_shusei_is_dated_the_correction(tmp_path):
    """職権修正: a wrong item corrected by the city. The 住民異動年月日 still says when she moved in; the notice is
    dated the day of the correction (住民届出年月日, the day the city recorded it)."""
    t, p = Town(tmp_path), town()
    t.night(D1, list(p.values()))
    corrected = changed(p["hanako"], seinengappi="19850721", ido_jiyu="33", jumin_todoke_ymd=D2)
    night = t.night(D2, list({**p, "hanako": corrected}.values()))
    assert night.notices.to_dicts() == [
        notice(1, "33", D2, corrected, (6, 16, 21, 22), D2, furigana="ヤマダ　ハナコ")]


def test_a_returnee_from_abroad_keeps_the_juminhyo_code_and_gets_no_new_tsuchisho(tmp_path):
    """国外からの転入 of a former resident who left abroad: the same person comes back (住民票コード and 個人番号
    unchanged, 住民となった日 the day of return). A 個人番号 is for life: no new 個人番号通知書 (no 送付先情報)."""
    t, p = Town(tmp_path), town()
    t.night(D1, list(p.values()))
    left = _moved_out(p["shiro"], "24", tenshutsu_jusho="大韓民国ソウル特別市")
    t.night(D2, list({**p, "shiro": left}.values()))
    home = {"jusho": "宮城県石巻市中央八丁目８番８号", "jusho_code": "0420210074000", "yubin_bango": "9860822"}
    back = changed(p["shiro"], kojin_rireki_bango=3, ido_jiyu="12", zen_jusho="大韓民国ソウル特別市",
                   zen_jusho_code=None, jumin_ido_ymd=D3, jumin_todoke_ymd=D3, jutei_ymd=D3, **home)
    third = t.night(D3, list({**p, "shiro": back}.values()))
    assert third.notices.to_dicts() == [
        notice(2, "12", D3, back, (11, 15, 16, 17, 18, 21, 22, 35), D3, furigana="イトウ　シロウ")]
    assert third.sofusaki.height == 0
