"""The rules package stays pure: no orchestration or validation frameworks, no per-row Python in polars."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import juki.checks.rules

RULES_DIR = Path(juki.checks.rules.__file__).parent


def test_imports_without_prefect_pandera_or_pandas() -> None:
    code = (
        "import sys, juki.checks.rules\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in {'prefect', 'pandera', 'pandas'})\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_vector_forms_are_pure_polars_and_modules_stay_small() -> None:
    for path in RULES_DIR.glob("*.py"):
        source = path.read_text(encoding="utf-8")
        for banned in ("map_elements", "map_batches", "apply(", "import prefect", "import pandera"):
            assert banned not in source, f"{path.name}: {banned}"
        assert len(source.splitlines()) <= 210, f"{path.name} is getting long"


def test_public_api_is_exported() -> None:
    assert all(hasattr(juki.checks.rules, name) for name in juki.checks.rules.__all__)
    assert len(set(juki.checks.rules.__all__)) == len(juki.checks.rules.__all__)
