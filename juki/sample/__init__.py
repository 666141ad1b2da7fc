"""`juki sample`: a deterministic synthetic city to develop, test and benchmark the pipeline against.

Real registers cannot leave a city hall, so every stage of juki is exercised on this one instead: 石巻市 with
synthetic residents whose every field follows the reference layout and its code tables (valid check digits,
consistent 和暦, 外国人住民 with 不詳 birth dates, 外字 that the city's 代替文字 table covers), and one full extract
per business date with a day's events between them (出生, 死亡, 転入, 転出, 転居, number changes, …).

Modules: ``tables`` (the data drawn from), ``ids`` (numbers), ``population`` (day 0), ``people`` (persons →
records), ``foreign`` (外国人住民), ``events`` (one day of changes), ``generate`` (files), ``city`` (city.toml).
"""

from juki.sample.generate import DayCounts, SampleSpec, generate

__all__ = ["DayCounts", "SampleSpec", "generate"]
