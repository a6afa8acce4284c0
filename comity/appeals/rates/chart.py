"""The monthly trend of the rates as an SVG line chart, drawn on the server (no JavaScript, no CDN).

Only geometry lives here; ``appeals/_rates_trend.html`` draws it, with a title, a description and the same
numbers as a table for screen readers and for anyone who would rather read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from django.utils.translation import gettext as _

from comity.appeals.rates.report import TrendPoint, percent

WIDTH = 640
HEIGHT = 290
LEFT = 64
RIGHT = 16
TOP = 14
BOTTOM = 40


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    title: str


@dataclass(frozen=True)
class Line:
    key: str
    label: str
    colour: str
    dash: str
    width: int
    path: str
    points: list[Point]


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    lines: list[Line]
    x_ticks: list[Tick]
    y_ticks: list[Tick]

    @property
    def plot_right(self) -> int:
        return self.width - self.right

    @property
    def has_data(self) -> bool:
        return any(line.points for line in self.lines)


def _series() -> list[tuple[str, str, str, str, int]]:
    """Key, label, colour, dash pattern and stroke width; dashes tell the lines apart without colour."""
    return [
        ("score", _("Score"), "var(--c-primary-dark)", "", 4),
        ("response", _("Response"), "var(--tier-government)", "8 4", 2),
        ("resolution", _("Resolution"), "var(--c-accent)", "2 4", 2),
        ("satisfaction", _("Satisfaction"), "var(--tier-owners)", "12 4 3 4", 2),
        ("on_time", _("On time"), "var(--tier-society)", "4 2", 2),
    ]


def trend_chart(points: Sequence[TrendPoint]) -> Chart:
    """One line per rate and a thicker one for the score, 0–100 % upwards; a month without data breaks a line."""
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM
    step = plot_width / max(len(points) - 1, 1)

    def y_of(value: Fraction) -> float:
        return round(TOP + (1 - float(value)) * plot_height, 1)

    lines = []
    for key, label, colour, dash, width in _series():
        segments: list[str] = []
        marks: list[Point] = []
        previous = False
        for index, point in enumerate(points):
            value = next(figure.value for figure in point.figures if figure.key == key)
            if value is None:
                previous = False
                continue
            x, y = round(LEFT + index * step, 1), y_of(value)
            segments.append(f"{'L' if previous else 'M'}{x} {y}")
            marks.append(Point(x, y, f"{point.label} · {label} {percent(value)}"))
            previous = True
        lines.append(Line(key, label, colour, dash, width, " ".join(segments), marks))
    x_ticks = [Tick(round(LEFT + index * step, 1), point.short) for index, point in enumerate(points)]
    y_ticks = [Tick(y_of(Fraction(share, 4)), f"{25 * share}%") for share in range(5)]
    return Chart(WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM, lines, x_ticks, y_ticks)
