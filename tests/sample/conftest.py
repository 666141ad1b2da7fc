"""A 300-person, 3-day sample city generated once per test session, and its registers read back."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pytest

from juki.codec.reader import ReadResult, read_records
from juki.layout import Layout, load_layout
from juki.sample import DayCounts, SampleSpec, generate

SPEC = SampleSpec(residents=300, days=3, seed=1)


@dataclass
class City:
    path: Path
    layout: Layout
    days: list[DayCounts]
    frames: list[pl.DataFrame]  # one register per day, in date order
    results: list[ReadResult]

    def raw_records(self, day: int) -> dict[str, bytes]:
        """The data records of day ``day`` as bytes, keyed by 識別番号."""
        stride = self.layout.record_length + 2
        data = (self.path / self.days[day].file).read_bytes()
        f = self.layout.data.field("shikibetsu_bango")
        records = [data[i : i + stride] for i in range(stride, len(data) - stride, stride)]
        return {r[f.offset : f.end].decode("ascii"): r for r in records}


@pytest.fixture(scope="session")
def city(tmp_path_factory) -> City:
    path = tmp_path_factory.mktemp("sample") / "city"
    days = generate(path, SPEC)
    layout = load_layout("juki_daicho")
    read = [read_records(path / d.file, layout) for d in days]
    return City(path, layout, days, [df for df, _ in read], [r for _, r in read])
