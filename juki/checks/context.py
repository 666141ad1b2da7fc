"""What a validation needs to know beyond the data."""

from __future__ import annotations

from dataclasses import dataclass, field

from juki.checks.rules import JUMINHYO_CODE_DEFAULT, CheckDigitRule, SeionRules, default_seion_rules


@dataclass(frozen=True)
class Context:
    """The file's date, the city's 住民票コード rule and its 清音化 choices."""

    file_date: str | None = None  # YYYYMMDD, from the header
    juminhyo_rule: CheckDigitRule = JUMINHYO_CODE_DEFAULT
    seion: SeionRules = field(default_factory=default_seion_rules)
