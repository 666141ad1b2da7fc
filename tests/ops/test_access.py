"""Lookup needs two identity items (性別 does not count), masks the 個人番号; bulk output needs approval; purge
lists before deleting and keeps what the policy keeps."""

from __future__ import annotations

import json

from juki.jobs import runlog
from tests.conftest import run_cli
from tests.ops.planted import person


def test_one_item_is_not_enough_and_sex_does_not_count(wd):
    p = person(wd)
    result = run_cli("lookup", "--name", p["shimei"], "--sex", p["seibetsu"], "--workdir", wd)
    assert result.code == 2 and "at least two" in result.err and p["shimei"] not in result.err
    last = runlog.entries(wd)[-1]
    assert last["command"] == "lookup" and last["outcome"] == "exit 2"
    assert p["shimei"] not in json.dumps(last, ensure_ascii=False)


def test_two_items_find_the_person_with_the_number_masked(wd):
    p = person(wd)
    birth = f"{p['seinengappi'][:4]}-{p['seinengappi'][4:6]}-{p['seinengappi'][6:]}"
    result = run_cli("lookup", "--name", p["shimei"], "--birth", birth, "--workdir", wd)
    assert result.code == 0 and p["juminhyo_code"] in result.out
    assert p["kojin_bango"] not in result.out and "************" in result.out
    last = runlog.entries(wd)[-1]
    assert last["counts"]["hits"] >= 1 and last["approval"]["criteria"] == ["name", "birth"]


def test_kana_name_matches_through_seion(wd):
    p = person(wd)
    kana = p["furigana"].replace("\u3000", " ")
    result = run_cli("lookup", "--name", kana, "--address", p["jusho"], "--workdir", wd)
    assert result.code == 0 and p["juminhyo_code"] in result.out


def test_show_number_needs_an_approval_reference(wd):
    p = person(wd)
    args = ("lookup", "--name", p["shimei"], "--address", p["jusho"], "--show-number", "--workdir", wd)
    assert run_cli(*args).code == 2
    shown = run_cli(*args, "--approval-ref", "R-7")
    assert shown.code == 0 and p["kojin_bango"] in shown.out
    assert runlog.entries(wd)[-1]["approval"]["ref"] == "R-7"


def test_extract_refuses_without_approval_and_logs_who_approved(wd, tmp_path):
    out = tmp_path / "subset.dat"
    refused = run_cli("extract", "--dantai", "042021", "--out", out, "--workdir", wd)
    assert refused.code == 2 and "prior approval" in refused.err and not out.exists()
    done = run_cli("extract", "--dantai", "042021", "--out", out, "--approved-by", "市民課長", "--approval-ref",
                   "2026-041", "--workdir", wd)
    assert done.code == 0 and out.exists() and (out.stat().st_mode & 0o077) == 0
    last = runlog.entries(wd)[-1]
    assert last["approval"] == {"approved_by": "市民課長", "ref": "2026-041", "criteria": ["dantai"]}
    assert last["outputs"][0]["records"] > 0


def test_purge_lists_then_deletes_past_the_policy_and_keeps_the_newest(wd):
    listed = run_cli("purge", "--keep", "1", "--workdir", wd)
    assert listed.code == 2 and "refusing to delete without confirmation" in listed.err
    assert (wd / "runs/nightly/20260401").exists()
    done = run_cli("purge", "--keep", "1", "--yes", "--workdir", wd)
    assert done.code == 0 and "runs/nightly/20260401" in done.out
    assert not (wd / "runs/nightly/20260401").exists() and (wd / "runs/nightly/20260403").exists()
    assert (wd / "runs/nightly/20260402").exists()  # the run 20260403 was compared with: kept for a rerun
    assert runlog.entries(wd)[-1]["counts"]["deleted"] == 1
