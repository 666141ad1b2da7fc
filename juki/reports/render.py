"""The Jinja2 environment of the reports: templates from the package, autoescape on, undefined names an error."""

from __future__ import annotations

from datetime import date
from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from juki.dates import shown

WEEKDAYS = "月火水木金土日"
FONTS = ('"Noto Sans CJK JP", "Noto Sans JP", "Hiragino Sans", "Hiragino Kaku Gothic ProN", "Yu Gothic", '
         '"YuGothic", "Meiryo", sans-serif')


def japanese_date(business_date: str) -> str:
    """``20260402`` → ``2026年4月2日（木）``."""
    d = date(int(business_date[:4]), int(business_date[4:6]), int(business_date[6:]))
    return f"{d.year}年{d.month}月{d.day}日（{WEEKDAYS[d.weekday()]}）"


def number(value) -> str:
    if value is None:
        return "—"
    return f"{value:,}" if isinstance(value, int) else str(value)


@cache
def environment() -> Environment:
    env = Environment(loader=PackageLoader("juki.reports", "templates"),
                      autoescape=select_autoescape(["html"], default=True), undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters.update(n=number, jst=shown, day=japanese_date)
    env.globals.update(fonts=FONTS)
    return env


def render(template: str, context: dict) -> str:
    return environment().get_template(template).render(**context)
