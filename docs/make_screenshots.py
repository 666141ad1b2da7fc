"""Screenshots of every report, rendered in headless chromium from a demo city, into docs/screenshots/.

    make screenshots        (.venv/bin/python docs/make_screenshots.py)

The demo is tests/reports/demo.py's: eight nights of a 300-person sample city (so the nightly chart has a week of
bars), the consistency files of the last night and their reconciliation with a copy that differs, a validation,
and a nightly run stopped by rejected records. Needs chromium and fonts-noto-cjk (.ci/system-deps).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.reports.chromium import inspect, screenshot  # noqa: E402
from tests.reports.demo import build, sample_city  # noqa: E402

OUT = ROOT / "docs" / "screenshots"


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="juki-screenshots-") as tmp:
        reports = build(sample_city(Path(tmp) / "city"), Path(tmp))
        for kind, page in reports.items():
            missing = inspect(page).missing
            if missing:
                print(f"{kind}: characters without a glyph: {''.join(missing)}", file=sys.stderr)
                return 1
            png = screenshot(page, OUT / f"{kind}.png")
            print(f"{png.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
