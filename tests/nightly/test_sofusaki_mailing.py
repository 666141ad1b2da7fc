"""送付先情報 as J-LIS mails it: one 送付先管理番号 per mailing (a household at its address), 対象となる人数 the persons
in it, 送付先氏名 the addressee (the 世帯主 unless the city says each person), and 代替文字 whose positions are counted
in the replaced text. Expected records are written out here from the rule (docs/DOMAIN.md, 送付先情報)."""

from __future__ import annotations

from tests.nightly.town import Town, changed, town

D1, D2 = "20260401", "20260402"


def _baby(p: dict, n: int, name: str, reading: str, sex: str) -> dict:
    """A child born on D1 into 世帯 1 (山田太郎's), registered on D2."""
    taro = p["taro"]
    return {**taro, "kojin_bango": ["200000000085", "200000000093"][n],
            "shikibetsu_bango": f"00000000000000{8 + n}", "juminhyo_code": ["10000000081", "10000000090"][n],
            "shimei": name, "shimei_furigana": reading, "seibetsu": sex, "seinengappi": D1, "nengo_code": "5",
            "seinengappi_wareki": "080401", "zokugara1": "04", "kisai_juni": 3 + n, "ido_jiyu": "13",
            "jumin_ido_ymd": D1, "jumin_todoke_ymd": D2, "jutei_ymd": D1, "ido_todoke_ymd": D2, "zen_jusho": None,
            "zen_jusho_code": None}


def _from_abroad(p: dict) -> list[dict]:
    """A family of two first registered from abroad on D2: a new household (世帯 7) at a new address."""
    home = {"jusho": "宮城県石巻市中央七丁目７番７号", "jusho_code": "0420210074000", "yubin_bango": "9860822",
            "setai_bango": "000000000000107", "setainushi_shimei": "渡辺　健", "ido_jiyu": "12",
            "jumin_ido_ymd": D2, "jumin_todoke_ymd": D2, "jutei_ymd": D2, "ido_todoke_ymd": D2,
            "zen_jusho": "国外", "zen_jusho_code": None}
    head = {**p["jiro"], **home, "kojin_bango": "200000000107", "shikibetsu_bango": "000000000000010",
            "juminhyo_code": "10000000103", "shimei": "渡辺　健", "shimei_furigana": "ﾜﾀﾅﾍﾞ ｹﾝ",
            "seinengappi": "19820202", "zokugara1": "01", "kisai_juni": 1}
    child = {**head, "kojin_bango": "200000000115", "shikibetsu_bango": "000000000000011",
             "juminhyo_code": "10000000111", "shimei": "渡辺　陽", "shimei_furigana": "ﾜﾀﾅﾍﾞ ﾋﾅﾀ", "seibetsu": "2",
             "seinengappi": "20150505", "zokugara1": "04", "kisai_juni": 2}
    return [head, child]


MAILING = ["sofusaki_kanri_bango", "taisho_ninzu", "sofusaki_shimei", "sofusaki_shimei_len", "sofusaki_jusho",
           "juminhyo_code", "shimei"]


def test_one_mailing_per_household_addressed_to_the_setainushi(tmp_path):
    t, p = Town(tmp_path), town()
    t.night(D1, list(p.values()))
    babies = [_baby(p, 0, "山田　桜", "ﾔﾏﾀﾞ ｻｸﾗ", "2"), _baby(p, 1, "山田　楓", "ﾔﾏﾀﾞ ｶｴﾃﾞ", "2")]
    night = t.night(D2, [*p.values(), *babies, *_from_abroad(p)])
    # The births are dated D1, so their notices come first (更新順番号 1, 2); the family from abroad 3, 4.
    assert night.sofusaki.select(MAILING).rows() == [
        ("202604020000001", 2, "山田　太郎", 10, "宮城県石巻市中央一丁目１番１号", "10000000081", "山田　桜"),
        ("202604020000001", 2, "山田　太郎", 10, "宮城県石巻市中央一丁目１番１号", "10000000090", "山田　楓"),
        ("202604020000002", 2, "渡辺　健", 8, "宮城県石巻市中央七丁目７番７号", "10000000103", "渡辺　健"),
        ("202604020000002", 2, "渡辺　健", 8, "宮城県石巻市中央七丁目７番７号", "10000000111", "渡辺　陽"),
    ]


def test_the_city_may_address_each_person(tmp_path):
    t, p = Town(tmp_path, tables='[sofusaki]\naddressee = "person"'), town()
    t.night(D1, list(p.values()))
    night = t.night(D2, [*p.values(), _baby(p, 0, "山田　桜", "ﾔﾏﾀﾞ ｻｸﾗ", "2")])
    assert night.sofusaki.select(MAILING).rows() == [
        ("202604020000001", 1, "山田　桜", 8, "宮城県石巻市中央一丁目１番１号", "10000000081", "山田　桜")]


def test_a_kojin_bango_change_is_a_new_tsuchisho_for_the_person_alone(tmp_path):
    t, p = Town(tmp_path), town()
    t.night(D1, list(p.values()))
    renumbered = changed(p["hanako"], kojin_bango="200000000123", ido_jiyu="34", jumin_ido_ymd=D2,
                         jumin_todoke_ymd=D2)
    night = t.night(D2, list({**p, "hanako": renumbered}.values()))
    assert night.sofusaki.select(MAILING + ["kojin_bango"]).rows() == [
        ("202604020000001", 1, "山田　太郎", 10, "宮城県石巻市中央一丁目１番１号", "10000000022", "山田　花子",
         "200000000123")]


DAITAI = "gaiji,daitai\nU+E000,高\nU+E001,むら\n"  # a 代替文字 may be a kana reading of two characters


def test_a_daitai_moji_of_two_characters_shifts_the_positions_after_it(tmp_path):
    t = Town(tmp_path, top='daitai_moji = "daitai.csv"', files={"daitai.csv": DAITAI})
    p = town()
    t.night(D1, list(p.values()))
    baby = {**_baby(p, 0, "\ue001上\ue000子", "ﾑﾗｶﾐ ﾀｶｺ", "2")}
    night = t.night(D2, [*p.values(), baby])
    row = night.sofusaki.select("shimei_gaiji_su", "daitai_moji_kekka", "daitai_shimei", "daitai_shimei_len",
                                "daitai_shimei_ichi", "gaiji_flag", "gaiji_pattern").row(0)
    assert row == (2, "1", "むら上高子", 10, "1,2,4", "1", "1")


def test_a_gaiji_without_daitai_moji_goes_as_the_placeholder_with_kekka_2(tmp_path):
    t = Town(tmp_path, top='daitai_moji = "daitai.csv"', tables='[sofusaki]\nunmapped_gaiji = "placeholder"',
             files={"daitai.csv": DAITAI})
    p = town()
    t.night(D1, list(p.values()))
    baby = _baby(p, 0, "\ue005上\ue000子", "ﾑﾗｶﾐ ﾀｶｺ", "2")  # U+E005 is not in the city's table
    night = t.night(D2, [*p.values(), baby])
    row = night.sofusaki.select("daitai_moji_kekka", "daitai_shimei", "daitai_shimei_ichi").row(0)
    assert row == ("2", "〓上高子", "1,3")
    assert night.manifest["sofusaki_records"] == 1
