"""The defect corpus (tests/defects/): each file makes exactly its rule fire, on exactly its record and field.

The table in tests/defects/catalogue.py says what every file holds; these tests hold `juki validate` to it, check
that the committed files are what make_defects.py builds today, and that every rule a layout can break has a file.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from juki.checks.catalogue import RULES, rule_for
from juki.checks.context import Context
from juki.layout import load_layout
from juki.layout.codes import tables_for
from juki.rejects import ERROR, WARNING
from juki.schemas import schema_for
from juki.schemas.validate import validate_frame
from tests.conftest import frame
from tests.defects import make_defects
from tests.defects.catalogue import (
    CLEAN,
    CONFIG,
    DEFECTS,
    LAYOUTS,
    MANY,
    STRICT,
    Bytes,
    Defect,
    Edit,
    defects_of,
)
from tests.validation.conftest import DEFECTS_DIR

# Rules no file can carry, and why: each is proven elsewhere.
EXEMPT = {
    "ido.unexplained": "only the nightly job reports it, from the diff of two runs (tests/nightly)",
    "kind.width": "a fixed-width field cannot hold a value longer than itself: proven on frames below",
}


def _param(d: Defect):
    return pytest.param(d, id=d.id, marks=[pytest.mark.xfail(strict=True, reason=d.bug)] if d.bug else [])


# ---------------------------------------------------------------------------------------------- each file


@pytest.mark.parametrize("entry", [_param(d) for d in DEFECTS])
def test_defect_file_reports_exactly_its_rule(entry: Defect, validated):
    run = validated(entry.layout, entry.name, entry.config)
    expected = {(r, entry.field, entry.rule, entry.severity) for r in (entry.record, *entry.records)}
    assert run.found() == (expected if entry.rule else set()), entry.why


@pytest.mark.parametrize("entry", DEFECTS, ids=lambda d: d.id)
def test_exit_code_is_1_for_errors_and_0_for_warnings_only(entry: Defect, validated):
    run = validated(entry.layout, entry.name, entry.config)
    assert run.err == ""
    errors = run.rejects.filter(run.rejects["severity"] == ERROR)
    warnings = run.rejects.height - errors.height
    assert run.code == (1 if errors.height else 0)
    assert f"{errors['record_no'].n_unique()} rejected, {warnings} warning(s)" in run.out
    if not entry.bug:  # with the reports test above, this ties the exit code to the table
        assert run.code == (1 if entry.severity == ERROR else 0)


# ---------------------------------------------------------------------------------------------- the corpus


def _corpus(root: Path) -> dict[str, bytes]:
    """Every defect file under ``root`` (not the clean bases): <layout>/<name> → bytes."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for layout in LAYOUTS
            for p in sorted((root / layout).glob("*.dat")) if p.name != CLEAN}


def test_committed_defect_files_are_what_make_defects_builds(tmp_path):
    make_defects.build_defects(DEFECTS_DIR, tmp_path)
    built, committed = _corpus(tmp_path), _corpus(DEFECTS_DIR)
    assert sorted(committed) == sorted(built), "run: python -m tests.defects.make_defects --defects"
    stale = [name for name in built if built[name] != committed[name]]
    assert not stale, f"stale defect files (run: python -m tests.defects.make_defects --defects): {stale}"


def test_committed_clean_bases_are_what_make_defects_builds_from_the_sample(tmp_path):
    made = make_defects.build_bases(tmp_path)
    stale = [p.relative_to(tmp_path).as_posix() for p in made
             if p.read_bytes() != (DEFECTS_DIR / p.relative_to(tmp_path)).read_bytes()]
    assert len(made) == len(LAYOUTS) + 2
    assert not stale, f"stale base files (run: python -m tests.defects.make_defects): {stale}"


def test_every_file_under_tests_defects_is_in_the_table():
    listed = {d.id for d in DEFECTS} | {f"{layout}/{name}" for layout in LAYOUTS for name in (CLEAN, MANY)}
    on_disk = {p.relative_to(DEFECTS_DIR).as_posix() for p in DEFECTS_DIR.glob("*/*.dat")}
    assert on_disk == listed


def test_the_table_is_well_formed():
    names = [d.id for d in DEFECTS]
    assert len(names) == len(set(names)), "two entries share a file"
    for d in DEFECTS:
        fields = {f.id for f in load_layout(d.layout).data.value_fields}
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*\.dat", d.name), d.id
        assert d.field in fields and d.record >= 2 and d.config in (CONFIG, STRICT), d.id
        planted = [k for k, _ in d.plant.values] if isinstance(d.plant, Edit) else [d.plant.field]
        assert set(planted) <= fields, d.id
        if d.rule is None:
            assert d.severity is None and not d.records, d.id
            continue
        strict = d.config == STRICT and d.rule == "juminhyo_code.check_digit"
        assert d.severity == (ERROR if strict else rule_for(d.rule).severity), d.id
        assert isinstance(d.plant, Bytes) == d.rule.startswith("codec."), d.id


# ---------------------------------------------------------------------------------------------- coverage


def _catalogue_id(rule_id: str) -> str:
    """code_table.seibetsu → code_table: the catalogue keeps one entry per family."""
    return rule_id if rule_id in RULES else rule_id.split(".", 1)[0]


@cache
def applicable_rules(layout_name: str) -> frozenset[str]:
    """Catalogue ids of every rule validation can report on a file of the layout: the schema's checks (with a
    file date, so that ido_ymd.after_file_date is there), required and unique, and the codec's rules by field kind."""
    layout = load_layout(layout_name)
    rules = set()
    for column in schema_for(layout, Context(file_date="20260401")).columns.values():
        rules |= {"required"} if not column.nullable else set()
        rules |= {"unique"} if column.unique else set()
        rules |= {_catalogue_id(c.name) for c in column.checks}
    fields = layout.data.value_fields
    if any(f.integer for f in fields):
        rules.add("codec.not_a_number")
    if any(f.ascii and not f.integer for f in fields):
        rules |= {"codec.not_ascii", "codec.control_character"}
    if any(not f.ascii for f in fields):
        rules |= {"codec.not_cp932", "codec.split_character", "codec.control_character"}
    return frozenset(rules)


def test_every_rule_the_schemas_report_is_in_the_catalogue():
    for layout in LAYOUTS:
        assert applicable_rules(layout) <= set(RULES), layout


def test_every_catalogue_rule_applies_to_some_layout_or_is_exempt():
    used = set().union(*(applicable_rules(layout) for layout in LAYOUTS))
    assert set(RULES) - used - set(EXEMPT) == set()


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_rule_of_the_layout_has_a_defect_file(layout):
    covered = {_catalogue_id(d.rule) for d in defects_of(layout) if d.rule}
    missing = applicable_rules(layout) - set(EXEMPT) - covered
    assert not missing, f"{layout}: no defect file for {sorted(missing)} (add them to tests/defects/catalogue.py)"


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_defect_file_expects_a_rule_of_its_layout(layout):
    strays = {d.name: d.rule for d in defects_of(layout)
              if d.rule and not d.bug and _catalogue_id(d.rule) not in applicable_rules(layout)}
    assert not strays


def test_exemptions_are_only_the_nightly_rule_and_the_one_no_file_can_carry():
    assert set(EXEMPT) == {"ido.unexplained", "kind.width"}


# ---------------------------------------------------------------------------------------------- on frames
# What a file cannot show: a value longer than its field (kind.width), and every code table field at once.


@pytest.mark.parametrize("layout_name", LAYOUTS)
def test_kind_width_fires_on_frames(layout_name):
    """A fixed-width file cannot carry it, but derive or a hand-made Parquet can: a text and a number too long."""
    layout = load_layout(layout_name)
    text, number = (next(d.field for d in defects_of(layout_name) if d.rule == rule)
                    for rule in ("codec.not_cp932", "codec.not_a_number"))
    width = {f.id: f.width for f in layout.data.value_fields}
    row = {text: "あ" * (width[text] // 2 + 1), number: 10 ** width[number]}
    rejects = validate_frame(frame(layout, [row]), layout, only=[text, number])
    assert set(rejects.select("record_no", "field", "rule").iter_rows()) == {
        (2, text, "kind.width"), (2, number, "kind.width")}


@pytest.mark.parametrize("layout_name", LAYOUTS)
def test_every_code_table_field_refuses_a_code_not_in_its_table(layout_name):
    layout = load_layout(layout_name)
    tables = tables_for(layout_name)
    width = {f.id: f.width for f in layout.data.value_fields}
    fields = sorted(tables)
    good = {f: tables[f].codes[0] for f in fields}
    bad = {f: next(c * width[f] for c in "098" if c * width[f] not in tables[f].codes) for f in fields}
    rows = [good] + [{**good, f: bad[f]} for f in fields]
    rejects = validate_frame(frame(layout, rows), layout, only=fields)
    found = {(r, f, rule) for r, f, rule in rejects.select("record_no", "field", "rule").iter_rows()
             if rule.startswith("code_table.")}
    assert found == {(i + 3, f, f"code_table.{tables[f].name}") for i, f in enumerate(fields)}


def test_warning_and_error_of_the_same_file_differ_only_by_the_strict_setting():
    for layout in LAYOUTS:
        a = (DEFECTS_DIR / layout / "juminhyo-code-check-digit.dat").read_bytes()
        b = (DEFECTS_DIR / layout / "juminhyo-code-check-digit-strict.dat").read_bytes()
        assert a == b
    default = (DEFECTS_DIR / CONFIG).read_text(encoding="utf-8")
    strict = (DEFECTS_DIR / STRICT).read_text(encoding="utf-8")
    assert strict == default.replace("strict = false", "strict = true") != default
    assert rule_for("juminhyo_code.check_digit").severity == WARNING
