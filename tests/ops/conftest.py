"""What the operations tests share: a workdir of their own, copied from the bundled sample's three nights."""

from __future__ import annotations

import pytest

from tests.conftest import copy_workdir


@pytest.fixture
def wd(sample_runs, tmp_path):
    return copy_workdir(sample_runs[0], tmp_path / "wd")
