"""The reject policy compares like with like: input rejects against input records, output rejects against output
records; --max-rejects counts every rejected record of the run. Both policies tried on the nightly job."""

from __future__ import annotations

import json

import polars as pl
import pytest

from juki import rejects as rj
from juki.checks.policy import Policy
from juki.jobs import nightly
from tests.conftest import run_cli
from tests.ops.planted import inbox, plant_bad_kojin_bango

DAY0, DAY1 = "20260401", "20260402"


@pytest.fixture
def one_bad(tmp_path):
    """Day 1 of the sample (303 records) with one record whose 個人番号 check digit is wrong; day 0 committed."""
    box = inbox(tmp_path)
    plant_bad_kojin_bango(box / f"juki_daicho_{DAY1}.dat", 5)
    wd = tmp_path / "wd"
    nightly.run_nightly(str(box / f"juki_daicho_{DAY0}.dat"), DAY0, wd)
    return box / f"juki_daicho_{DAY1}.dat", wd


def juki_nightly(source, wd, *policy):
    return run_cli("nightly", "--input", source, "--date", "2026-04-02", "--workdir", wd, *policy)


def committed_notices(wd) -> int:
    return json.loads((wd / "runs/nightly" / DAY1 / "manifest.json").read_text())["notices"]


def rejected_rules(wd) -> list[str]:
    return pl.read_csv(wd / "runs/nightly" / DAY1 / "rejects.csv")["rule"].to_list()


def test_one_bad_record_in_303_is_within_five_percent(one_bad):
    source, wd = one_bad
    result = juki_nightly(source, wd, "--max-reject-percent", "5")
    assert result.code == 0, result.err
    assert "1 rejected" in result.out and committed_notices(wd) > 0
    assert "kojin_bango.check_digit" in rejected_rules(wd)


def test_the_core_job_with_a_percentage_only_policy_is_not_failed_by_the_output_stage(one_bad):
    source, wd = one_bad
    manifest = nightly.run_nightly(str(source), DAY1, wd, policy=Policy(max_rejects=None, max_percent=5))
    assert manifest.notices > 0 and manifest.read.input_rejects == 1


def test_one_bad_record_above_a_smaller_percentage_fails_at_the_input(one_bad):
    source, wd = one_bad
    result = juki_nightly(source, wd, "--max-reject-percent", "0.2")
    assert result.code == 1 and "1 of 303 input records rejected" in result.err


@pytest.mark.parametrize(("allowed", "code"), [("0", 1), ("1", 0)])
def test_max_rejects_counts_rejected_records(one_bad, allowed, code):
    source, wd = one_bad
    result = juki_nightly(source, wd, "--max-rejects", allowed)
    assert result.code == code, result.err
    if code:
        assert "1 of 303 input records rejected" in result.err
    else:
        assert committed_notices(wd) > 0


def reject_first_sofusaki(monkeypatch):
    """One of the 送付先情報 records is rejected at the output stage (as a 外字 without 代替文字 would be)."""
    real = nightly.sofusaki.build

    def build(changes, config, day):
        out, rejects = real(changes, config, day)
        first = out.head(1)
        bad = pl.DataFrame({"record_no": first["record_no"], "field": ["shimei"], "offset": [None],
                            "rule": ["gaiji.unmapped"], "severity": ["error"], "message": ["planted"]})
        return out.slice(1), pl.concat([rejects, rj.conform(bad)])

    monkeypatch.setattr(nightly.sofusaki, "build", build)


@pytest.mark.parametrize(("percent", "code"), [("40", 0), ("30", 1)])
def test_output_rejects_are_compared_with_output_records(tmp_path, monkeypatch, percent, code):
    box = inbox(tmp_path)
    wd = tmp_path / "wd"
    nightly.run_nightly(str(box / f"juki_daicho_{DAY0}.dat"), DAY0, wd)
    reject_first_sofusaki(monkeypatch)  # 1 of the 3 送付先情報 records: 33 %
    result = juki_nightly(box / f"juki_daicho_{DAY1}.dat", wd, "--max-reject-percent", percent)
    assert result.code == code, result.err
    if code:
        assert "1 of 3 output records rejected" in result.err

