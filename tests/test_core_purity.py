"""The pure core imports without prefect: flows are thin wrappers, and the core runs anywhere."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import juki


def test_core_imports_without_prefect():
    modules = [m.name for m in pkgutil.walk_packages(juki.__path__, "juki.")]
    code = "import sys\n" + "".join(f"import {m}\n" for m in modules) + (
        "bad = [m for m in sys.modules if m == 'prefect' or m.startswith('prefect.')]\nprint(','.join(bad))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == ""
    assert "juki.codec.decode" in modules and "juki.codec.reader" in modules


def test_validation_runs_without_pandas():
    """pandera's polars backend needs no pandas, and neither do our schemas: CI installs none. The child process
    makes `import pandas` fail, then validates a file with a known defect."""
    code = (
        "import sys\n"
        "class NoPandas:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] == 'pandas':\n"
        "            raise ModuleNotFoundError(f\"No module named '{name}'\", name=name)\n"
        "sys.meta_path.insert(0, NoPandas())\n"
        "from juki.layout import load_layout\nfrom juki.schemas.validate import validate_file\n"
        "done = validate_file(sys.argv[1], load_layout('juki_daicho'))\n"
        "print(sorted(set(done.rejects['rule'])), 'pandas' in sys.modules)\n")
    defect = Path(__file__).parent / "defects" / "juki_daicho" / "kojin-bango-check-digit.dat"
    out = subprocess.run([sys.executable, "-c", code, str(defect)], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['kojin_bango.check_digit'] False"
