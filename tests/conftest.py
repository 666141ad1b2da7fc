"""Fixtures shared by the test suite: frames shaped like a layout, and the CLI run in-process."""

from __future__ import annotations

import io
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass

import polars as pl
import pytest

from juki.cli.main import main
from juki.layout import Layout


def frame(layout: Layout, rows: list[dict]) -> pl.DataFrame:
    """A DataFrame with every data field of ``layout`` (null where a row does not say)."""
    schema = {f.id: pl.Int64 if f.integer else pl.String for f in layout.data.value_fields}
    return pl.DataFrame([{k: r.get(k) for k in schema} for r in rows], schema=schema, orient="row")


@dataclass
class CliResult:
    code: int
    out: str
    err: str


def run_cli(*args: str) -> CliResult:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main([str(a) for a in args])
    return CliResult(code, out.getvalue(), err.getvalue())


@pytest.fixture
def cli():
    return run_cli
