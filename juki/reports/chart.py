"""A small stacked bar chart as inline SVG: change notices by 異動事由, one bar per business date.

Geometry only (numbers and labels); the template draws it, so every label goes through autoescaping."""

from __future__ import annotations

from dataclasses import dataclass

PALETTE = ("#2f6db5", "#e07b39", "#3a9e5c", "#c2453d", "#8a63b8", "#8c6d4f", "#d36fae", "#6e7781", "#b8a233",
           "#2aa6b8", "#5a4fcf", "#9c9c3c", "#cf7f7f", "#4f8f8f", "#a05a2c", "#445566")
WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 640, 230, 44, 46, 14


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    color: str
    title: str  # the tooltip: date, reason, count


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    ticks: list[tuple[float, str]]  # y, label
    days: list[tuple[float, str]]  # x of the label's centre, MM/DD
    totals: list[tuple[float, float, str]]  # x, y, label above each bar
    legend: list[tuple[str, str]]  # colour, name
    baseline: float
    left: int


def _step(top: int) -> int:
    for step in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000):
        if top / step <= 5:
            return step
    return 10 ** len(str(top))


def notices_chart(series: list[tuple[str, dict[str, int]]], names: dict[str, str]) -> Chart | None:
    """``series``: (business date YYYYMMDD, 異動事由 code → notices), oldest first; None when there is no day."""
    if not series:
        return None
    codes = sorted({code for _, counts in series for code in counts})
    colour = {code: PALETTE[i % len(PALETTE)] for i, code in enumerate(codes)}
    top = max(1, max(sum(counts.values()) for _, counts in series))
    step = _step(top)
    ceiling = step * -(-top // step)
    plot_h = HEIGHT - BOTTOM - TOP
    slot = (WIDTH - LEFT - 10) / len(series)
    bar_w = min(36.0, slot * 0.6)
    scale = plot_h / ceiling
    base = HEIGHT - BOTTOM
    bars, days, totals = [], [], []
    for i, (day, counts) in enumerate(series):
        x = LEFT + slot * i + (slot - bar_w) / 2
        y = base
        for code in codes:
            n = counts.get(code, 0)
            if n:
                y -= n * scale
                bars.append(Bar(round(x, 1), round(y, 1), round(bar_w, 1), round(n * scale, 1), colour[code],
                                f"{day[:4]}-{day[4:6]}-{day[6:]} {names.get(code, code)}: {n:,}"))
        days.append((round(x + bar_w / 2, 1), f"{int(day[4:6])}/{int(day[6:])}"))
        totals.append((round(x + bar_w / 2, 1), round(y - 4, 1), f"{sum(counts.values()):,}"))
    ticks = [(round(base - v * scale, 1), f"{v:,}") for v in range(0, ceiling + 1, step)]
    return Chart(WIDTH, HEIGHT, bars, ticks, days, totals, [(colour[c], names.get(c, c)) for c in codes], base, LEFT)
