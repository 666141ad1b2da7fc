"""Clean files stay quiet: the corpus's base files and the whole sample city validate with no reject, exit 0.

And the 団体コード rules agree with the real codes of the sample's prefecture (宮城県, 04xxxx): every real code
passes, a wrong check digit fails as such, and a well-formed code of no municipality fails as unknown.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from juki.checks.rules import dantai_code_check_digit
from juki.layout import load_layout
from juki.layout.codes import codes_dir
from juki.schemas.validate import validate_frame
from tests.conftest import frame
from tests.defects.catalogue import CLEAN, LAYOUTS
from tests.validation.conftest import validate_cli

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data"


@pytest.mark.parametrize("layout", LAYOUTS)
def test_clean_base_file_validates_without_a_reject(layout, validated):
    run = validated(layout, CLEAN)
    assert (run.code, run.rejects_csv, run.err) == (0, "", "")
    assert ", 0 rejected, 0 warning(s)" in run.out


@pytest.mark.parametrize("register", sorted(p.name for p in SAMPLE.glob("juki_daicho_*.dat")))
def test_sample_register_validates_without_a_reject(register, tmp_path):
    """With the sample's own city.toml, found beside the file as an operator would leave it."""
    run = validate_cli(SAMPLE / register, "juki_daicho", None, tmp_path)
    assert (run.code, run.rejects_csv, run.err) == (0, "", "")
    assert ", 0 rejected, 0 warning(s)" in run.out
    assert not (tmp_path / "rejects.csv").exists() and "問題はありません" in run.report


def test_the_sample_has_three_registers():
    assert len(list(SAMPLE.glob("juki_daicho_*.dat"))) == 3


# ---------------------------------------------------------------------------------------------- 団体コード


def _codes() -> pl.DataFrame:
    return pl.read_csv(codes_dir() / "dantai-codes.csv", schema_overrides={"code": pl.String})


def miyagi_codes() -> list[str]:
    codes = _codes().filter(pl.col("prefecture") == "宮城県")["code"].to_list()
    assert all(c.startswith("04") for c in codes)
    return codes


def _rules_by_code(codes: list[str]) -> dict[str, set[str]]:
    """The 団体コード rules each code breaks, as 市町村コード of 本人確認情報 (one record per code)."""
    layout = load_layout("honnin_kakunin")
    df = frame(layout, [{"shichoson_code": c} for c in codes])
    rejects = validate_frame(df, layout, only=["shichoson_code"])
    out: dict[str, set[str]] = {c: set() for c in codes}
    for record_no, rule in rejects.select("record_no", "rule").iter_rows():
        out[codes[record_no - 2]].add(rule)
    return out


def test_the_sample_prefecture_codes_are_there():
    codes = miyagi_codes()
    assert {"040002", "041009", "042021"} <= set(codes)  # 宮城県, 仙台市, 石巻市 (the sample city)
    assert len(codes) == len(set(codes)) > 35


def test_every_real_miyagi_code_passes_both_rules():
    broken = {c: r for c, r in _rules_by_code(miyagi_codes()).items() if r}
    assert broken == {}


def test_a_miyagi_code_with_a_wrong_check_digit_fails_as_such():
    wrong = [c[:5] + str((int(c[5]) + k) % 10) for c in miyagi_codes() for k in (1, 5, 9)]
    assert _rules_by_code(wrong) == {c: {"dantai_code.check_digit"} for c in wrong}


def test_a_well_formed_04_code_of_no_municipality_fails_as_unknown():
    real = set(_codes()["code"])
    made_up = [p + str(dantai_code_check_digit(p)) for p in (f"04{n:03d}" for n in range(1000))]
    made_up = [c for c in made_up if c not in real]
    assert len(made_up) > 900
    assert _rules_by_code(made_up) == {c: {"dantai_code.unknown"} for c in made_up}


def test_every_code_of_the_list_has_a_right_check_digit():
    """All 1,963: the list and the rule agree (docs/DOMAIN.md, Identifiers; kept true here)."""
    codes = _codes()["code"].to_list()
    assert len(codes) == 1963
    assert all(dantai_code_check_digit(c[:5]) == int(c[5]) for c in codes)
