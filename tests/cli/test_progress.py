"""Progress of long stages: a bar redrawn in place on a terminal, a line every few seconds in a log (and the
ticker keeps a stage that is one long call from going silent), counts only; the commands show it on stderr."""

from __future__ import annotations

import re
import time

from juki.progress import Meter
from tests.conftest import SAMPLE, run_cli


def lines_of(meter_kwargs: dict, calls) -> list[str]:
    out: list[str] = []
    with Meter(out.append, **meter_kwargs) as progress:
        calls(progress)
    return out


def test_a_log_gets_a_line_every_few_seconds_and_one_at_the_end_of_a_long_stage():
    def stages(progress):
        progress("read", 0, 3_000_000, "bytes")
        progress("read", 1_000_000, 3_000_000, "bytes")
        time.sleep(0.5)
        progress("read", 2_000_000, 3_000_000, "bytes")
        progress("read", 3_000_000, 3_000_000, "bytes")
        progress("diff", 0, 5)
        progress("diff", 5, 5)  # shorter than `every`: silent

    out = lines_of({"live": False, "every": 0.3, "tick": 10}, stages)
    assert [re.sub(r"\d+ s\n$", "N s", line) for line in out] == ["  read: 2.0 MB of 3.0 MB (66%), N s",
                                                                "  read: 3.0 MB of 3.0 MB (100%), N s"]


def test_the_ticker_speaks_while_one_long_call_runs():
    def one_long_call(progress):
        progress("validate", 0, 1_000_000)
        time.sleep(1.3)
        progress("validate", 1_000_000, 1_000_000)

    out = lines_of({"live": False, "every": 0.5, "tick": 0.05}, one_long_call)
    ticks = [line for line in out if line.startswith("  validate: 1,000,000 records, ")]
    assert len(ticks) >= 2, out
    assert re.fullmatch(r"  validate: 1,000,000 records of 1,000,000 records \(100%\), [12] s\n", out[-1]), out


def test_a_terminal_gets_a_bar_redrawn_in_place():
    def stages(progress):
        progress("write koshin_20260402.dat", 0, 4)
        progress("write koshin_20260402.dat", 2, 4)
        progress("write koshin_20260402.dat", 4, 4)

    out = lines_of({"live": True, "every": 5, "tick": 10}, stages)
    assert all(chunk.startswith("\r  [") for chunk in out[:-1]) and out[-1] == "\n"
    assert "[############------------] write koshin_20260402.dat: 2 records of 4 records (50%)" in out[1]
    assert "[########################]" in out[2]


def test_the_nightly_command_shows_progress_on_stderr(tmp_path, monkeypatch):
    monkeypatch.setenv("JUKI_PROGRESS_SECONDS", "0")
    done = run_cli("nightly", "--input", SAMPLE / "juki_daicho_20260401.dat", "--date", "2026-04-01",
                   "--workdir", tmp_path / "wd")
    assert done.code == 0, done.err
    for stage in ("read", "validate", "derive", "diff", "write snapshot"):
        assert re.search(rf"^  {stage}: .*\d+ s$", done.err, re.M), (stage, done.err)
    assert "read: " not in done.out  # stdout keeps the summary
