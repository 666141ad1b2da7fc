"""An approval or an identity item made of spaces (ASCII or full-width) is no approval and no item: refused,
naming which one is missing, before anything is read or written."""

from __future__ import annotations

import pytest

from juki.jobs import runlog
from tests.conftest import run_cli
from tests.ops.planted import person

BLANKS = [" ", "\u3000", " \u3000 \t"]


def dashed(ymd: str) -> str:
    return f"{ymd[:4]}-{ymd[4:6]}-{ymd[6:]}"


@pytest.mark.parametrize("blank", BLANKS, ids=["space", "full-width", "mixed"])
@pytest.mark.parametrize(("by", "ref", "missing"), [("{}", "{}", "--approved-by"), ("課長", "{}", "--approval-ref"),
                                                     ("{}", "R-1", "--approved-by")])
def test_extract_with_a_blank_approval_is_refused_naming_it(wd, tmp_path, blank, by, ref, missing):
    out = tmp_path / "x.parquet"
    result = run_cli("extract", "--out", out, "--approved-by", by.format(blank), "--approval-ref",
                     ref.format(blank), "--workdir", wd)
    assert result.code == 2 and missing in result.err and "blank" in result.err
    assert not out.exists()
    assert runlog.entries(wd)[-1]["outcome"] == "exit 2"


@pytest.mark.parametrize("blank", BLANKS, ids=["space", "full-width", "mixed"])
def test_show_number_with_a_blank_approval_reference_is_refused(wd, blank):
    p = person(wd)
    result = run_cli("lookup", "--name", p["shimei"], "--birth", dashed(p["seinengappi"]), "--show-number",
                     "--approval-ref", blank, "--workdir", wd)
    assert result.code == 2 and "--approval-ref" in result.err and "blank" in result.err
    assert p["kojin_bango"] not in result.out


@pytest.mark.parametrize("blank", BLANKS, ids=["space", "full-width", "mixed"])
@pytest.mark.parametrize("item", ["--address", "--name"])
def test_a_blank_identity_item_does_not_count_and_is_named(wd, blank, item):
    p = person(wd)
    given = {"--name": p["shimei"], "--address": p["jusho"]}
    given[item] = blank
    result = run_cli("lookup", *[x for kv in given.items() for x in kv], "--workdir", wd)
    assert result.code == 2
    assert f"{item} is blank" in result.err and "at least two" in result.err
    assert "person(s)" not in result.out and p["juminhyo_code"] not in result.out
