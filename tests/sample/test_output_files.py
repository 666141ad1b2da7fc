"""What `juki sample` leaves in its directory, and that it carries no personal value outside the registers."""

from __future__ import annotations

import csv
import json

import polars as pl

from juki.checks.rules import is_gaiji

CITY_TOML = """\
# City configuration read by juki (団体コード, the fixed fields of 送付先情報, …). Not personal data.
dantai_code = "042021"
prefecture_code = "040002"
name = "石巻市"
yubin_bango = "9868501"
jusho = "宮城県石巻市穀町１４番１号"
denwa = "0225-95-1111"
operator_id = "JUKIETL"
terminal_id = "BATCH01"
daitai_moji = "daitai_moji.csv"
[kofu_basho]
name = "石巻市役所市民課"
yubin_bango = "9868501"
jusho = "宮城県石巻市穀町１４番１号"
denwa = "0225-95-1111"
[card_sofu_basho]
name = "石巻市役所市民課"
yubin_bango = "9868501"
jusho = "宮城県石巻市穀町１４番１号"
denwa = "0225-95-1111"
[juminhyo_code]
weights = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2]
remainder = "kojin_bango"
strict = false
"""


def test_directory_holds_one_register_per_business_date_and_the_city_files(city):
    names = sorted(p.name for p in city.path.iterdir())
    assert names == ["city.toml", "daitai_moji.csv", "juki_daicho_20260401.dat", "juki_daicho_20260402.dat",
                     "juki_daicho_20260403.dat", "sample.json"]


def test_registers_read_back_with_their_header_and_trailer(city):
    for day, df, result in zip(city.days, city.frames, city.results, strict=True):
        assert result.header["created_on"] == day.date.replace("-", "")
        assert result.header["dantai_code"] == "042021" and result.header["file_kind"] == "JUKI"
        assert result.trailer["record_count"] == df.height == day.records
        assert len(result.rejects) == 0 and result.terminator == "crlf"
        assert (city.path / day.file).stat().st_size == (df.height + 2) * 4055
    assert city.days[0].records == 300


def test_city_toml_has_exactly_the_documented_shape(city):
    assert (city.path / "city.toml").read_text(encoding="utf-8") == CITY_TOML


def test_daitai_moji_csv_maps_gaiji_to_one_ordinary_kanji(city):
    rows = list(csv.DictReader((city.path / "daitai_moji.csv").read_text(encoding="utf-8").splitlines()))
    assert len(rows) == 16 and list(rows[0]) == ["gaiji", "daitai"]
    for r in rows:
        assert r["gaiji"].startswith("U+") and is_gaiji(chr(int(r["gaiji"][2:], 16)))
        assert len(r["daitai"]) == 1 and not is_gaiji(r["daitai"]) and r["daitai"].encode("cp932")


def test_sample_json_holds_counts_only(city):
    text = (city.path / "sample.json").read_text(encoding="utf-8")
    summary = json.loads(text)
    assert [r["residents"] for r in summary["registers"]] == [d.residents for d in city.days]
    assert summary["registers"][1]["events"] == city.days[1].events
    _assert_no_personal_value(city, text)


def test_cli_prints_counts_only(cli, tmp_path, city):
    result = cli("sample", "--out", tmp_path, "--residents", 300, "--days", 3, "--seed", 1)
    assert result.code == 0 and result.err == ""
    assert "300 records" in result.out and "住民票コードの変更 1" in result.out
    _assert_no_personal_value(city, result.out)
    assert (tmp_path / city.days[2].file).read_bytes() == (city.path / city.days[2].file).read_bytes()


def test_cli_refuses_bad_arguments(cli, tmp_path):
    for args in (("--residents", "0"), ("--change-rate", "2"), ("--start", "2026-13-01")):
        try:
            code = cli("sample", "--out", tmp_path, *args).code
        except SystemExit as e:  # argparse usage error
            code = e.code
        assert code == 2


def _assert_no_personal_value(city, text: str) -> None:
    df = pl.concat(city.frames)
    for column in ("shimei", "kojin_bango", "juminhyo_code", "jusho", "shikibetsu_bango"):
        sample = df[column].drop_nulls().head(50).to_list()
        assert not any(v in text for v in sample), column
    assert not any(s in text for s in df["shimei"].str.split("\u3000").list.first().head(50).to_list())
