"""`juki validate` lets no resident's value out: not on stdout or stderr, not in a log record, the reject file or
the HTML report. Only rule ids, field ids, record numbers, byte offsets, counts and messages.

The values looked for are every 個人番号, 氏名, ふりがな, 住所 and 生年月日 of the input (read with
juki.codec.reader.read_records, and from the clean base, which still holds the values a codec defect made unreadable),
each name or address part of two characters or more, and their CP932 bytes as hex (plain and spaced, either
case) and as Python escapes. A 住民票コード may appear in the reject file's ``key`` column and nowhere else.
"""

from __future__ import annotations

import csv
import html
import io
import logging
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pytest

from juki.checks.catalogue import RULES, rule_for
from juki.codec.reader import read_records
from juki.layout import load_layout
from tests.defects.catalogue import CLEAN, DEFECTS, LAYOUTS, MANY
from tests.validation.conftest import DEFECTS_DIR, Validation, validate_cli

# Field ids holding 個人番号, 氏名 (本名, 通称, 世帯主, 筆頭者, 送付先, 代替文字), ふりがな and かな, 住所, 方書,
# 本籍, 生年月日 (西暦 and 和暦); not their 項目長, 外字数, codes, flags, or the fixed phrases of 不詳 dates.
PERSONAL = re.compile(r"^kojin_bango$|shimei|furigana|kana|jusho|katagaki|honseki|seinengappi")
NOT_PERSONAL = re.compile(r"_len$|_gaiji_su$|_kubun$|_ichi$|_code$|_flag$|fusho")
JUMINHYO = ("juminhyo_code", "kyu_juminhyo_code")


def personal_fields(layout_name: str) -> list[str]:
    return [f.id for f in load_layout(layout_name).data.value_fields
            if PERSONAL.search(f.id) and not NOT_PERSONAL.search(f.id)]


def _forms(value: str) -> dict[str, str]:
    """Every way the value could be written out: as is, CP932 hex (plain or spaced, either case), escaped."""
    raw = value.encode("cp932")
    out = {value: "text", raw.hex(): "cp932 hex", raw.hex().upper(): "cp932 hex", raw.hex(" "): "cp932 hex",
           raw.hex(" ").upper(): "cp932 hex"}
    if not value.isascii():
        out[value.encode("unicode_escape").decode("ascii")] = "escaped"
        out[ascii(value)[1:-1]] = "escaped"
    return out


@dataclass
class Secrets:
    """What must not leak (form → "field, kind of form": a failure names where, never the value)."""

    personal: dict[str, str] = field(default_factory=dict)
    codes: dict[str, str] = field(default_factory=dict)
    code_values: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, layout_name: str, *paths: Path) -> Secrets:
        s = cls()
        for path in paths:
            df = _read(layout_name, path)
            for f in personal_fields(layout_name):
                for value in df[f].drop_nulls().unique().to_list():
                    value = str(value)
                    parts = [p for p in re.split("[\u3000 ]", value) if len(p) >= 2]
                    for v in {value, *parts}:
                        for form, kind in _forms(v).items():
                            s.personal.setdefault(form, f"{f} ({kind})")
            for f in (f for f in JUMINHYO if f in df.columns):
                for value in df[f].drop_nulls().unique().to_list():
                    s.code_values.add(value)
                    for form, kind in _forms(value).items():
                        s.codes.setdefault(form, f"{f} ({kind})")
        return s

    def leaks(self, text: str, codes_too: bool = True) -> list[str]:
        forms = {**self.personal, **(self.codes if codes_too else {})}
        texts = (text, html.unescape(text))
        return sorted({where for form, where in forms.items() if any(form in t for t in texts)})


@cache
def _read(layout: str, path: Path):
    return read_records(path, load_layout(layout))[0]


def secrets_of(layout: str, path: Path) -> Secrets:
    return Secrets.of(layout, path, DEFECTS_DIR / layout / CLEAN)


def rejects_without_key(run: Validation, secrets: Secrets) -> str:
    """The reject file with its ``key`` column checked (a 住民票コード or blank) and blanked out."""
    rows = list(csv.DictReader(io.StringIO(run.rejects_csv.removeprefix("\ufeff"))))
    assert {r["key"] for r in rows} <= secrets.code_values | {""}
    return "\n".join(",".join(v for k, v in r.items() if k != "key") for r in rows)


def assert_nothing_leaks(run: Validation, secrets: Secrets, logs: list[str] = ()) -> None:
    places = {"stdout": run.out, "stderr": run.err, "log records": "\n".join([*run.logs, *logs]),
              "rejects (without key)": rejects_without_key(run, secrets), "report": run.report}
    found = {place: secrets.leaks(text) for place, text in places.items()}
    assert {place: where for place, where in found.items() if where} == {}


# ---------------------------------------------------------------------------------------------- the tests

# Bytes that are not CP932 stop a decode midway: where a value's bytes come closest to an error message.
SINGLE = [(d.layout, d.name) for d in DEFECTS if d.rule == "codec.not_cp932"]


@pytest.mark.parametrize(("layout", "name"), [(layout, MANY) for layout in LAYOUTS] + SINGLE,
                         ids=lambda v: str(v))
def test_juki_validate_shows_no_personal_value(layout, name, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    path = DEFECTS_DIR / layout / name
    run = validate_cli(path, layout, DEFECTS_DIR / "city.toml", tmp_path)
    assert run.code == 1 and run.rejects_csv and run.report
    secrets = secrets_of(layout, path)
    records = [f"{r.name} {r.levelname} {r.getMessage()} {r.args!r} {r.exc_text or ''}" for r in caplog.records]
    assert_nothing_leaks(run, secrets, [*records, caplog.text])
    written = (tmp_path / "rejects.csv").read_bytes() + (tmp_path / "report.html").read_bytes()
    for form, where in secrets.personal.items():
        if not form.isascii():
            assert form.encode("cp932") not in written, where


@pytest.mark.parametrize("layout", LAYOUTS)
def test_the_many_defects_files_break_many_rules_on_many_records(layout, validated):
    rejects = validated(layout, MANY).rejects
    assert rejects.height >= 10 and rejects["record_no"].n_unique() >= 2 and rejects["rule"].n_unique() >= 8


def test_no_run_of_the_corpus_shows_a_personal_value(validated):
    for d in DEFECTS:
        run = validated(d.layout, d.name, d.config)
        assert_nothing_leaks(run, secrets_of(d.layout, DEFECTS_DIR / d.layout / d.name))


def test_the_rejects_name_rules_fields_and_records_only(validated):
    run = validated("juki_daicho", MANY)
    rows = list(csv.DictReader(io.StringIO(run.rejects_csv.removeprefix("\ufeff"))))
    assert list(rows[0]) == ["record_no", "field", "offset", "rule", "severity", "message", "key"]
    fields = {f.id for f in load_layout("juki_daicho").data.value_fields}
    for r in rows:
        assert r["record_no"].isdigit() and r["offset"].isdigit() and r["field"] in fields
        assert r["severity"] in ("error", "warning") and r["key"] == ""
        assert r["rule"] in RULES or r["rule"].split(".")[0] in RULES
        assert r["message"] and (r["rule"].startswith("codec.") or r["message"] == rule_for(r["rule"]).message)


# ---------------------------------------------------------------------------------------------- the scanner
# The tests above pass when nothing is found: prove the scanner finds what it looks for.


@pytest.mark.parametrize("layout", LAYOUTS)
def test_the_scanner_knows_every_kind_of_personal_value(layout):
    fields = personal_fields(layout)
    assert "kojin_bango" in fields and "seinengappi" in fields
    assert any("shimei" in f for f in fields) and any("jusho" in f for f in fields)
    assert any("kana" in f or "furigana" in f for f in fields)
    secrets = secrets_of(layout, DEFECTS_DIR / layout / CLEAN)
    found = {where.split(" ")[0] for where in secrets.personal.values()}
    for kind in ("kojin_bango", "seinengappi", "shimei", "jusho", "kana"):
        assert any(kind in f for f in found), kind
    assert secrets.code_values


def test_the_scanner_finds_a_value_in_every_form():
    secrets = secrets_of("juki_daicho", DEFECTS_DIR / "juki_daicho" / CLEAN)
    df, _ = read_records(DEFECTS_DIR / "juki_daicho" / CLEAN, load_layout("juki_daicho"))
    name, number = df["shimei"][-1], df["kojin_bango"][0]  # the last one holds a 外字
    raw = name.encode("cp932")
    for text in (f"x {name} y", raw.hex(), raw.hex(" ").upper(), repr(name), html.escape(f"<{name}>"),
                 name.split("\u3000")[-1], f"kojin={number}"):
        assert secrets.leaks(text), "the scanner missed a form"
    assert secrets.leaks(df["juminhyo_code"][0]) and not secrets.leaks(df["juminhyo_code"][0], codes_too=False)
    assert secrets.leaks("record 4, field shimei, byte offset 68: a required value is missing [required]") == []
