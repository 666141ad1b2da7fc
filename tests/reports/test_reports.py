"""The clerks' reports in a real browser: every character drawn by a Japanese font (checked against what a machine
without one shows), the numbers of the run's record on the page, Japanese labels and rule messages, what to do
next, the chart of the last runs, autoescaping, and no personal value."""

from __future__ import annotations

import re
import struct
from pathlib import Path

import polars as pl
import pytest

from juki.checks.catalogue import JA, RULES, message_ja
from juki.dates import shown
from juki.jobs.inbox import await_input
from juki.jobs.record import read_record
from juki.layout import load_layout
from juki.reports import validate_report, write_report
from juki.reports.render import FONTS, japanese_date
from juki.reports.views import command, read_rejects
from tests.nightly.test_side_doors import personal_values, scan
from tests.reports import chromium, demo

ROOT = Path(__file__).resolve().parents[2]
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def near(text: str, label: str, value) -> bool:
    """``label`` and then ``value`` on the same line of the page's text (a table row, a sentence)."""
    value = f"{value:,}" if isinstance(value, int) else str(value)
    return any(label in line and value in line.split(label, 1)[1] for line in text.splitlines())


@pytest.mark.parametrize("kind", demo.KINDS)
def test_every_character_has_a_glyph_in_the_reports_font(rendered, kind):
    page = rendered[kind]
    assert page.missing == [], f"{kind}: drawn as boxes: {''.join(page.missing)}"
    assert page.chars > 40 and JAPANESE.search(page.text), page.text[:200]
    assert page.font.startswith('"Noto Sans CJK JP"') and "Meiryo" in page.font and page.font.endswith("sans-serif")


def test_the_glyph_check_sees_boxes_where_no_japanese_font_is(reports):
    """The same page on a machine whose only fonts are Latin: the check must find the Japanese characters."""
    bare = chromium.inspect(reports["nightly"], fonts=False)
    assert {"日", "次", "処", "理", "件", "数"} <= set(bare.missing), bare.missing
    assert not {"0", "1", "a", "."} & set(bare.missing)


def test_the_nightly_report_shows_the_records_numbers(reports, rendered):
    record = read_record(reports["nightly"].with_name("manifest.json"))
    text = rendered["nightly"].text
    assert japanese_date(record.business_date) in text and shown(record.finished_at) in text
    assert near(text, "読み込んだレコード数", record.read.records)
    assert near(text, "異動通知（本人確認情報の更新情報）", record.notices)
    assert near(text, "送付先情報", record.sofusaki_records)
    assert record.held and f"{record.held} 名を保留しました: held.csv を確認してください" in text
    for code, n in record.notices_by_ido_jiyu.items():
        assert near(text, code, n), code
    assert "住民票コードの変更" in text and "修正（記載事項の変更）" in text  # names from the code table and kinds


def test_the_nightly_chart_has_a_bar_for_each_run_but_the_first(reports):
    html = reports["nightly"].read_text(encoding="utf-8")
    days = {m.group(1) for m in re.finditer(r"<title>(\d{4}-\d\d-\d\d) ", html)}
    runs = sorted(p.name for p in reports["nightly"].parents[1].iterdir() if p.name.isdigit())
    assert days == {f"{d[:4]}-{d[4:6]}-{d[6:]}" for d in runs[1:]}
    assert "<svg" in html and 'role="img"' in html


def test_the_consistency_report_is_its_own(reports, rendered):
    record = read_record(reports["consistency"].with_name("manifest.json"))
    text = rendered["consistency"].text
    assert near(text, "各ファイルのレコード数", record.records)
    for out in record.outputs.values():
        assert near(text, out.file, out.records)
    assert "異動通知" not in text and "更新順番号" not in text


def test_the_failed_report_says_why_and_which_rules(reports, rendered):
    record = read_record(reports["failed"].with_name("manifest.json"))
    text = rendered["failed"].text
    assert record.kind == "rejected"
    assert "誤りのあるレコードが許容数を超えたため、何も送付していません。" in text and record.error in text
    rejects = read_rejects(reports["failed"].with_name("rejects.csv"))
    for rule, n in rejects.group_by("rule").len().iter_rows():
        assert near(text, rule, message_ja(rule)) and near(text, message_ja(rule), n), rule


def test_a_file_that_did_not_arrive_has_a_report_saying_so(tmp_path):
    with pytest.raises(Exception, match="has not arrived"):
        await_input(tmp_path / "wd", "20260405", str(tmp_path / "inbox" / "juki_daicho_20260405.dat"), 0,
                    report=write_report)
    page = tmp_path / "wd" / "failed" / "nightly-20260405" / "report.html"
    assert read_record(page.with_name("manifest.json")).kind == "late"  # the headline follows the kind, not words
    text = chromium.inspect(page).text
    assert "入力ファイルが期限までに届きませんでした。" in text and "juki_daicho_20260405.dat has not arrived" in text
    assert "2026年4月5日" in text


def test_the_validate_report_counts_each_rule(reports, rendered):
    rejects = pl.read_csv(reports["validate"].with_name("validate-rejects.csv").read_bytes().decode("utf-8-sig")
                          .encode())
    text = rendered["validate"].text
    assert near(text, "誤りのあったレコード数", rejects["record_no"].n_unique())
    names = {f.id: f.name for f in load_layout("juki_daicho").data.fields}
    for rule, field in rejects.select("rule", "field").unique().iter_rows():
        assert near(text, rule, message_ja(rule)), rule
        assert names[field] in text, field


def test_the_reconcile_report_counts_each_kind(reports, rendered):
    found = pl.read_csv(reports["reconcile"].with_name("discrepancies.csv").read_bytes().decode("utf-8-sig").encode())
    text = rendered["reconcile"].text
    labels = {"only_ours": "こちらにだけある", "only_theirs": "返送分にだけある", "differs": "内容が違う"}
    for kind, n in found.group_by("kind").len().iter_rows():
        assert near(text, labels[kind], n), kind
    assert "住所" in text and "個人番号" in text  # the fields that differ, by the layout's names


def test_reports_hold_no_personal_value(reports):
    values = personal_values()
    for kind, page in reports.items():
        assert scan(page.read_bytes(), values) == [], kind


def test_templates_escape_what_they_are_given():
    layout = load_layout("juki_daicho")
    empty = pl.DataFrame(schema={"record_no": pl.Int64, "field": pl.String, "rule": pl.String,
                                 "severity": pl.String})
    html = validate_report(command=command(), file="<script>alert(1)</script>.dat", layout=layout, records=1,
                           rejects=empty, failed=False)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;.dat" in html and "<script>alert" not in html
    assert FONTS in html  # the font stack, unescaped inside <style>


def test_every_rule_has_a_japanese_message():
    assert set(JA) == set(RULES)
    assert all(JAPANESE.search(message) for message in JA.values())


@pytest.mark.parametrize("kind", demo.KINDS)
def test_a_screenshot_of_each_report_is_committed(kind):
    png = ROOT / "docs" / "screenshots" / f"{kind}.png"
    head = png.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", png
    width, height = struct.unpack(">II", head[16:24])
    assert width == 1000 and height > 400, (width, height)

