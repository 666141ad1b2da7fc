"""`juki sample --dantai-code` and `juki sample --cities N`: real municipalities, apart from each other."""

from __future__ import annotations

import json
import tomllib

import polars as pl

from juki.codec.reader import read_records
from juki.layout import load_layout
from juki.registry import dantai_codes, municipalities
from juki.sample.cities import spread_codes
from tests.cities.conftest import DAYS, SPEC, N


def test_one_city_under_another_real_code(tmp_path, cli):
    done = cli("sample", "--dantai-code", "011002", "--residents", "60", "--days", "2", "--out", tmp_path / "s")
    assert done.code == 0, done.err
    config = tomllib.loads((tmp_path / "s" / "city.toml").read_text(encoding="utf-8"))
    assert (config["dantai_code"], config["name"], config["prefecture_code"]) == ("011002", "札幌市", "010006")
    frame, result = read_records(tmp_path / "s" / "juki_daicho_20260401.dat", load_layout("juki_daicho"))
    assert result.header["dantai_code"] == "011002"
    assert frame["jusho"].drop_nulls().str.starts_with("北海道札幌市").all()
    assert json.loads((tmp_path / "s" / "sample.json").read_text())["dantai_code"] == "011002"
    for i, day in enumerate(DAYS):
        run = cli("nightly", "--input", tmp_path / "s" / f"juki_daicho_2026040{i + 1}.dat", "--date", day,
                  "--workdir", tmp_path / "wd")
        assert run.code == 0, run.err


def test_an_unknown_code_is_refused_in_one_line(tmp_path, cli):
    done = cli("sample", "--dantai-code", "049905", "--out", tmp_path / "s")
    assert done.code == 2
    assert done.err == "juki: 049905 is no municipality's 団体コード (layouts/codes/dantai-codes.csv lists them)\n"
    assert cli("sample", "--cities", "1742", "--out", tmp_path / "t").code == 2


def test_n_cities_are_distinct_real_municipalities_spread_over_the_country():
    codes = spread_codes(8)
    assert len(set(codes)) == 8 and set(codes) <= {m.code for m in municipalities()}
    assert len({dantai_codes()[c].prefecture for c in codes}) == 8
    assert spread_codes(8) == codes  # no random draw: the same set every time
    assert len(set(spread_codes(1741))) == 1741


def test_the_registry_lists_each_city_with_its_own_folders(cities):
    reg = cities.registry
    assert len(reg.cities) == N and list(reg.codes) == spread_codes(N)
    for c in reg.cities:
        assert c.name == dantai_codes()[c.dantai_code].name and c.size == "S"
        assert c.inbox == str(cities.root / c.dantai_code / "inbox")
        assert c.workdir == str(cities.root / c.dantai_code / "work")
        assert (cities.root / c.dantai_code / "outbox").is_dir()
        _, result = read_records(c.input_for("20260402"), load_layout("juki_daicho"))
        assert result.header["dantai_code"] == c.dantai_code


def test_no_two_cities_share_a_juminhyo_code_or_kojin_bango(cities):
    layout = load_layout("juki_daicho")
    seen = {"juminhyo_code": [], "kojin_bango": []}
    for c in cities.registry.cities:
        for day in ("20260401", "20260402"):
            frame, _ = read_records(c.input_for(day), layout)
            for field in seen:
                seen[field].append(frame.select(pl.col(field).drop_nulls().unique(), pl.lit(c.dantai_code).alias("c")))
    for field, frames in seen.items():
        per_city = pl.concat(frames).unique()
        shared = per_city.group_by(field).agg(pl.col("c").n_unique()).filter(pl.col("c") > 1)
        assert shared.height == 0, f"{shared.height} {field} shared by two cities"
        assert per_city.height > N * SPEC.residents


def test_each_city_runs_its_nights(cities_run):
    for c in cities_run.registry.cities:
        runs = sorted(p.name for p in (cities_run.root / c.dantai_code / "work" / "runs" / "nightly").iterdir())
        assert runs == ["20260401", "20260402"]
