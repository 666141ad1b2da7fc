"""The pure core imports without prefect: flows are thin wrappers, and the core runs anywhere."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import juki


def test_core_imports_without_prefect():
    modules = [m.name for m in pkgutil.walk_packages(juki.__path__, "juki.")]
    code = "import sys\n" + "".join(f"import {m}\n" for m in modules) + (
        "bad = [m for m in sys.modules if m == 'prefect' or m.startswith('prefect.')]\nprint(','.join(bad))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == ""
    assert "juki.codec.decode" in modules and "juki.reader" in modules
