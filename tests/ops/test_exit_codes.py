"""Exit codes a scheduler can trust: 0 ok, 1 records rejected, 2 unusable input or a usage error. Every refusal
is one line naming what is wrong, never a traceback and never another code."""

from __future__ import annotations

import pytest

from juki.jobs import runlog
from tests.conftest import DAYS, copy_workdir, run_cli, sample_input

DAY0, DAY1 = "2026-04-01", "2026-04-02"


@pytest.fixture(scope="module")
def done(tmp_path_factory):
    """A workdir with the first two nights of the sample committed."""
    wd = tmp_path_factory.mktemp("exit") / "wd"
    for day, dashed in zip(DAYS[:2], (DAY0, DAY1), strict=True):
        assert run_cli("nightly", "--input", sample_input(day), "--date", dashed, "--workdir", wd).code == 0
    return wd


@pytest.fixture
def wd(done, tmp_path):
    return copy_workdir(done, tmp_path / "wd")


def one_line(result) -> str:
    """The refusal: exactly one line on stderr after any usage synopsis argparse prints."""
    assert "Traceback" not in result.err
    lines = [line for line in result.err.splitlines() if line.startswith(("juki:", "juki "))]
    assert len(lines) == 1, result.err
    return lines[0]


BAD_DATES = ["2026/04/03", "2026-13-01", "2026-02-30", "yesterday"]
DATED = [
    ["nightly", "--input", sample_input(DAYS[2]), "--date", "{}"],
    ["consistency", "--date", "{}"],
    ["rerun", "--job", "nightly", "--date", "{}", "--reason", "x"],
    ["deliver", "--job", "nightly", "--date", "{}", "--outbox", "outbox"],
    ["runs", "--since", "{}"],
    ["lookup", "--name", "x", "--address", "y", "--date", "{}"],
    ["extract", "--out", "x.parquet", "--approved-by", "a", "--approval-ref", "r", "--date", "{}"],
]


@pytest.mark.parametrize("bad", BAD_DATES)
@pytest.mark.parametrize("command", DATED, ids=lambda c: c[0])
def test_a_bad_date_is_one_line_and_exit_2(wd, command, bad):
    result = run_cli(*[bad if a == "{}" else a for a in command], "--workdir", wd)
    assert result.code == 2
    assert "YYYY-MM-DD" in one_line(result) or "not a day of the calendar" in one_line(result)


BAD_NUMBERS = [
    (["nightly", "--input", sample_input(DAYS[2]), "--date", "2026-04-03"], "--max-rejects", "-1"),
    (["nightly", "--input", sample_input(DAYS[2]), "--date", "2026-04-03"], "--max-reject-percent", "nan"),
    (["nightly", "--input", sample_input(DAYS[2]), "--date", "2026-04-03"], "--max-reject-percent", "101"),
    (["nightly", "--input", sample_input(DAYS[2]), "--date", "2026-04-03"], "--max-reject-percent", "-5"),
    (["validate", sample_input(DAYS[2]), "--layout", "juki_daicho"], "--max-rejects", "-2"),
    (["validate", sample_input(DAYS[2]), "--layout", "juki_daicho"], "--max-reject-percent", "inf"),
    (["purge", "--yes"], "--keep", "-1"),
    (["purge", "--yes"], "--keep", "0"),
    (["purge", "--yes"], "--failed-days", "-1"),
    (["inspect", sample_input(DAYS[2]), "--layout", "juki_daicho"], "--record", "0"),
    (["inspect", sample_input(DAYS[2]), "--layout", "juki_daicho"], "--record", "abc"),
]


@pytest.mark.parametrize(("command", "option", "value"), BAD_NUMBERS, ids=lambda x: str(x) if isinstance(x, str)
                         else x[0])
def test_a_bad_number_is_one_line_and_exit_2_and_nothing_happens(wd, command, option, value):
    before = sorted(p.relative_to(wd) for p in (wd / "runs").rglob("*"))
    result = run_cli(*command, option, value, "--workdir", wd)
    assert result.code == 2, result.err
    assert option in one_line(result)
    assert sorted(p.relative_to(wd) for p in (wd / "runs").rglob("*")) == before  # nothing run, nothing purged


def test_deliver_of_a_date_without_a_run_says_so(wd, tmp_path):
    result = run_cli("deliver", "--job", "nightly", "--date", "2026-03-01", "--outbox", tmp_path / "out",
                     "--workdir", wd)
    assert result.code == 2
    line = one_line(result)
    assert "no completed nightly run for 20260301" in line and "internal error" not in line


def test_nightly_with_a_folder_as_input_says_it_is_a_folder(wd, tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    result = run_cli("nightly", "--input", folder, "--date", "2026-04-03", "--workdir", wd)
    assert result.code == 2
    line = one_line(result)
    assert "is a directory, not a file" in line and "city.toml" not in line


@pytest.mark.parametrize("content", [b"\x81\x40\xff\xfe not text", b"dantai_code = [unclosed\n"],
                         ids=["binary", "broken-toml"])
def test_a_config_that_is_not_toml_says_so(wd, tmp_path, content):
    config = tmp_path / "city.toml"
    config.write_bytes(content)
    result = run_cli("nightly", "--input", sample_input(DAYS[2]), "--date", "2026-04-03", "--config", config,
                     "--workdir", wd)
    assert result.code == 2
    line = one_line(result)
    assert "internal error" not in line and "city configuration" in line and "TOML" in line


def test_a_run_log_that_cannot_be_appended_after_publishing_is_told_truthfully(wd, monkeypatch):
    real = runlog.append

    def refusing(workdir, command, outcome, *rest, **kw):
        if command == "nightly" and outcome == "completed":
            raise PermissionError(13, "Permission denied")
        return real(workdir, command, outcome, *rest, **kw)

    monkeypatch.setattr(runlog, "append", refusing)
    result = run_cli("nightly", "--input", sample_input(DAYS[2]), "--date", "2026-04-03", "--workdir", wd)
    assert result.code == 2
    line = one_line(result)
    assert "nothing was committed" not in line
    assert "committed" in line and "run log" in line and "20260403" in line
    assert (wd / "runs/nightly/20260403/manifest.json").exists()  # it was published, as the line says
    assert not (wd / "failed/nightly-20260403").exists()  # and it is not listed as failed


def test_an_audit_append_that_fails_in_validate_is_one_line(wd, monkeypatch):
    def refusing(*args, **kw):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(runlog, "append", refusing)
    result = run_cli("validate", sample_input(DAYS[0]), "--layout", "juki_daicho", "--workdir", wd)
    assert result.code == 2
    line = one_line(result)
    assert "run log" in line and "not recorded" in line


def test_an_interrupted_command_exits_2(wd, monkeypatch):
    from juki.cli import jobs_cmd

    def interrupted(*args, **kw):
        raise KeyboardInterrupt

    monkeypatch.setattr(jobs_cmd, "history", interrupted)
    result = run_cli("runs", "--workdir", wd)
    assert result.code == 2 and "interrupted" in one_line(result)


MISTYPED = [
    ["audit", "verify"], ["audit", "show"], ["runs"], ["lookup", "--name", "x", "--address", "y"],
    ["extract", "--out", "x.parquet", "--approved-by", "a", "--approval-ref", "r"], ["purge", "--yes"],
    ["deliver", "--job", "nightly", "--date", DAY1, "--outbox", "outbox"],
    ["rerun", "--job", "nightly", "--date", DAY1, "--reason", "x"], ["consistency", "--date", DAY1],
]


@pytest.mark.parametrize("kind", ["missing", "not-a-workdir"])
@pytest.mark.parametrize("command", MISTYPED, ids=lambda c: " ".join(c[:2]) if c[0] == "audit" else c[0])
def test_a_mistyped_workdir_is_refused_not_taken_for_an_empty_one(tmp_path, monkeypatch, command, kind):
    monkeypatch.chdir(tmp_path)
    typo = tmp_path / "wrok"
    if kind == "not-a-workdir":
        typo.mkdir(mode=0o700)
        (typo / "notes.txt").write_text("not juki's")
    result = run_cli(*command, "--workdir", typo)
    assert result.code == 2, result.out
    line = one_line(result)
    assert "workdir" in line and str(typo) in line
    assert ("no such workdir" in line) if kind == "missing" else ("not a juki workdir" in line)
    if kind == "missing":
        assert not typo.exists()  # a typo is not made into a workdir
    else:
        assert sorted(p.name for p in typo.iterdir()) == ["notes.txt"]


@pytest.mark.parametrize("birth", ["1979/12/15", "abc", "1979-13-45"])
def test_lookup_with_a_birth_date_that_is_no_date_is_refused(wd, birth):
    result = run_cli("lookup", "--name", "山田", "--birth", birth, "--workdir", wd)
    assert result.code == 2
    assert "--birth" in one_line(result) and "person(s)" not in result.out


@pytest.mark.parametrize(("option", "value"), [("--created-on", "2026/04/03"), ("--created-on", "20261301"),
                                               ("--dantai-code", "abc"), ("--dantai-code", "04202")])
def test_write_with_a_bad_header_value_is_a_usage_error(tmp_path, option, value):
    assert run_cli("parse", sample_input(DAYS[0]), "--layout", "juki_daicho", "--out", tmp_path / "p.parquet",
                   "--workdir", tmp_path / "wd").code == 0
    result = run_cli("write", tmp_path / "p.parquet", "--layout", "juki_daicho", "--out", tmp_path / "w.dat",
                     option, value, "--workdir", tmp_path / "wd")
    assert result.code == 2 and option in one_line(result)
    assert not (tmp_path / "w.dat").exists()
