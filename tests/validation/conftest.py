"""`juki validate` run in-process on the defect corpus, once per file and session: the tests read the results.

Each run writes its reject file and HTML report into a temporary folder (never beside the input) and keeps
everything a person could see: exit code, stdout, stderr, every log record (root logger at DEBUG), the reject
file as written and the report. pandera spends a fixed 0.1-0.4 s per file whatever its size, so a second
process validates every other file of the corpus ahead of the tests, which take the rest in turn.
"""

from __future__ import annotations

import io
import logging
import multiprocessing
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pytest

from juki import rejects as rj
from tests.conftest import run_cli
from tests.defects.catalogue import CLEAN, CONFIG, DEFECTS, LAYOUTS, MANY

DEFECTS_DIR = Path(__file__).resolve().parents[1] / "defects"


@dataclass(frozen=True)
class Validation:
    code: int
    out: str
    err: str
    logs: tuple[str, ...]
    rejects_csv: str  # the reject file as written ("" when there was none)
    report: str

    @property
    def rejects(self) -> pl.DataFrame:
        if not self.rejects_csv:
            return rj.empty()
        return pl.read_csv(io.StringIO(self.rejects_csv.removeprefix("\ufeff")), schema=rj.SCHEMA)

    def found(self) -> set[tuple]:
        """(record, field, rule, severity) of every reject."""
        return set(self.rejects.select("record_no", "field", "rule", "severity").iter_rows())


class _Keep(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.name} {record.levelname} {record.getMessage()} {record.exc_text or ''}")


def validate_cli(path: Path, layout: str, config: Path | None, out: Path, *extra: str) -> Validation:
    """`juki validate PATH --layout LAYOUT [--config CONFIG] --rejects OUT/rejects.csv --report OUT/report.html`."""
    out.mkdir(parents=True, exist_ok=True)
    rejects, report = out / "rejects.csv", out / "report.html"
    keep, root = _Keep(), logging.getLogger()
    level = root.level
    root.addHandler(keep)
    root.setLevel(logging.DEBUG)
    try:
        args = ["validate", path, "--layout", layout, "--rejects", rejects, "--report", report,
                "--workdir", out / "workdir", *extra]
        result = run_cli(*args, *(["--config", config] if config else []))
    finally:
        root.removeHandler(keep)
        root.setLevel(level)
    return Validation(result.code, result.out, result.err, tuple(keep.lines),
                      rejects.read_text(encoding="utf-8") if rejects.exists() else "",
                      report.read_text(encoding="utf-8") if report.exists() else "")


def corpus_runs() -> list[tuple[str, str, str]]:
    """Every (layout, file, config) the tests validate, in the order they ask for them (test_clean.py first)."""
    return [*((layout, CLEAN, CONFIG) for layout in LAYOUTS), *((d.layout, d.name, d.config) for d in DEFECTS),
            *((layout, MANY, CONFIG) for layout in LAYOUTS)]


@pytest.fixture(scope="session")
def validated(tmp_path_factory):
    """``validated(layout, name, config=CONFIG)``: the run of tests/defects/<layout>/<name>, made once a session."""
    cache: dict[tuple[str, str, str], Validation] = {}
    root = tmp_path_factory.mktemp("validated")

    def args(key: tuple[str, str, str]) -> tuple:
        layout, name, config = key
        out = root / f"{layout}-{Path(name).stem}-{Path(config).stem}"
        return DEFECTS_DIR / layout / name, layout, DEFECTS_DIR / config, out

    keys = corpus_runs()
    pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
    ahead: dict[tuple[str, str, str], Future] = {k: pool.submit(validate_cli, *args(k)) for k in keys[1::2]}

    def get(layout: str, name: str, config: str = CONFIG) -> Validation:
        key = (layout, name, config)
        if key not in cache:
            cache[key] = ahead[key].result() if key in ahead else validate_cli(*args(key))
        return cache[key]

    yield get
    pool.shutdown(cancel_futures=True)
