"""A chart of the lowest CRS score invited in each round, drawn as a standalone SVG at build time.

Plain SVG with text labels and a `<title>` per point: it reads without JavaScript, prints, and is byte-identical for
the same rounds. The time axis spans the rulebook's in-force period, so charts of one year line up.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from xml.sax.saxutils import escape

from engine import ir

WIDTH = 720
HEIGHT = 300
LEFT, RIGHT, TOP, BOTTOM = 56, 24, 36, 48


def cutoff_chart(title: str, rounds: Sequence[ir.Round], start: date, end: date) -> str:
    """An SVG line chart of `lowest_crs` against the round date, between `start` and `end` (rounds whose result
    was not published are left out)."""
    ordered = sorted((r for r in rounds if r.lowest_crs is not None), key=lambda r: (r.held_on, r.number))
    scores = [r.lowest_crs for r in ordered if r.lowest_crs is not None] or [0]
    low, high = _score_range(min(scores), max(scores))
    span_days = max((end - start).days, 1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(day: date) -> float:
        return LEFT + plot_w * min(max((day - start).days, 0), span_days) / span_days

    def y(score: int) -> float:
        return TOP + plot_h * (high - score) / (high - low)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
        f'role="img" aria-labelledby="chart-title" font-family="sans-serif" font-size="12">',
        f'<title id="chart-title">{escape(title)}</title>',
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
        f'<text x="{LEFT}" y="20" font-size="14" font-weight="bold" fill="#222">{escape(title)}</text>',
    ]
    for score in _ticks(low, high):
        parts.append(f'<line x1="{LEFT}" y1="{y(score):.1f}" x2="{WIDTH - RIGHT}" y2="{y(score):.1f}" '
                     f'stroke="#e3e3e3"/>')
        parts.append(f'<text x="{LEFT - 8}" y="{y(score) + 4:.1f}" text-anchor="end" fill="#555">{score}</text>')
    for month_start in _month_ticks(start, end):
        parts.append(f'<line x1="{x(month_start):.1f}" y1="{TOP + plot_h}" x2="{x(month_start):.1f}" '
                     f'y2="{TOP + plot_h + 5}" stroke="#555"/>')
        parts.append(f'<text x="{x(month_start):.1f}" y="{TOP + plot_h + 18}" text-anchor="middle" fill="#555">'
                     f'{month_start:%Y-%m}</text>')
    parts.append(f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" y2="{TOP + plot_h}" stroke="#555"/>')
    parts.append(f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}" stroke="#555"/>')
    parts.append(f'<text x="{LEFT + plot_w / 2:.1f}" y="{HEIGHT - 8}" text-anchor="middle" fill="#333">'
                 f'date of the round</text>')
    parts.append(f'<text x="14" y="{TOP + plot_h / 2:.1f}" text-anchor="middle" fill="#333" '
                 f'transform="rotate(-90 14 {TOP + plot_h / 2:.1f})">lowest CRS invited</text>')
    if len(ordered) > 1:
        points = " ".join(f"{x(r.held_on):.1f},{y(r.lowest_crs or 0):.1f}" for r in ordered)
        parts.append(f'<polyline points="{points}" fill="none" stroke="#3f51b5" stroke-width="2"/>')
    for index, held in enumerate(ordered):
        cx, cy = x(held.held_on), y(held.lowest_crs or 0)
        label_y = cy - 8 if index % 2 == 0 else cy + 16
        parts.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="4" fill="#3f51b5">'
                     f'<title>Round {held.number}, {held.held_on}: {held.invitations} invitations, '
                     f'lowest CRS {held.lowest_crs}</title></circle>')
        parts.append(f'<text x="{cx:.1f}" y="{label_y:.1f}" text-anchor="middle" fill="#1a237e">'
                     f'{held.lowest_crs}</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _score_range(low: int, high: int) -> tuple[int, int]:
    """Round the score axis out to tens, with room above and below the points."""
    bottom = (low - 20) // 10 * 10
    top = (high + 29) // 10 * 10
    return max(bottom, 0), max(top, bottom + 20)


def _ticks(low: int, high: int) -> list[int]:
    step = next(s for s in (10, 20, 25, 50, 100, 200) if (high - low) / s <= 8)
    first = (low + step - 1) // step * step
    return list(range(first, high + 1, step))


def _month_ticks(start: date, end: date) -> list[date]:
    """First days of months within the period, thinned so that labels do not overlap."""
    months: list[date] = []
    current = date(start.year, start.month, 1)
    while current <= end:
        if current >= start:
            months.append(current)
        current = date(current.year + (current.month == 12), current.month % 12 + 1, 1)
    every = max(1, -(-len(months) // 8))
    return months[::every]
