"""Dates and times, one way everywhere: business dates as the user types them (YYYY-MM-DD) and as files carry them
(YYYYMMDD); times stored in UTC and shown to people in Tokyo time."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from juki.errors import UsageError

TOKYO = ZoneInfo("Asia/Tokyo")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_business_date(text: str, option: str = "--date") -> str:
    """``2026-04-02`` → ``20260402``; anything else (another format, a day that does not exist) is a UsageError."""
    value = str(text).strip()
    if not _ISO_DATE.fullmatch(value):
        raise UsageError(f"{option} must be a date written YYYY-MM-DD (e.g. 2026-04-02), not {text!r}")
    try:
        return date.fromisoformat(value).strftime("%Y%m%d")
    except ValueError:
        raise UsageError(f"{option} {text!r} is not a day of the calendar") from None


def default_business_date(days_back: int = 1, now: datetime | None = None) -> str:
    """What a scheduled run processes when no date is given: the previous day in Tokyo, as YYYYMMDD."""
    return ((now or datetime.now(UTC)).astimezone(TOKYO) - timedelta(days=days_back)).strftime("%Y%m%d")


def business_date_or_default(text: str | None, days_back: int = 1) -> str:
    return parse_business_date(text) if text else default_business_date(days_back)


def now_utc() -> str:
    """A time to store: UTC, ISO 8601, to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def shown(stored: str | None) -> str:
    """A stored (UTC, ISO 8601) time as a person in the city reads it: ``2026-04-02 02:00:13 JST``."""
    if not stored:
        return ""
    moment = datetime.fromisoformat(stored)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(TOKYO).strftime("%Y-%m-%d %H:%M:%S JST")


def dashed(business_date: str) -> str:
    """``20260402`` → ``2026-04-02`` (how people write it)."""
    return f"{business_date[:4]}-{business_date[4:6]}-{business_date[6:]}"
