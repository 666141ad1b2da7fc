"""One report of each kind, made by the `juki` commands from the bundled sample (tests/reports/demo.py), and each
one rendered once in headless chromium (the tests share what the browser found)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import SAMPLE
from tests.reports import chromium, demo


@pytest.fixture(scope="session")
def reports(tmp_path_factory) -> dict[str, Path]:
    chromium.chromium()  # one line naming the package when the browser is missing
    return demo.build(SAMPLE, tmp_path_factory.mktemp("reports"))


@pytest.fixture(scope="session")
def rendered(reports) -> dict[str, chromium.Rendered]:
    return {kind: chromium.inspect(page) for kind, page in reports.items()}
