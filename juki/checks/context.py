"""What a validation needs to know beyond the data."""

from __future__ import annotations

from dataclasses import dataclass

from juki.checks.rules import JUMINHYO_CODE_DEFAULT, CheckDigitRule


@dataclass(frozen=True)
class Context:
    """The file's date and the city's 住民票コード rule."""

    file_date: str | None = None  # YYYYMMDD, from the header
    juminhyo_rule: CheckDigitRule = JUMINHYO_CODE_DEFAULT
