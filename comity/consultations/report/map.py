"""The opinion map as an SVG drawn on the server (no chart library, no CDN): geometry only.

Each participant is a dot at their position on the map's two principal components (``Analysis.report``), one
marker shape *and* one colour per opinion group so the groups can be told apart without colour; a soft hull
around each group and a lettered badge at its centre. ``consultations/_report_map.html`` draws it; the legend
table under it carries the same information in words, and ``report.js`` makes groups tappable.

The scale is the same on both axes (distances mean the same in every direction), identical positions are spread
on a small golden-angle spiral so that many identical voters do not hide behind one dot, and very large
conversations are drawn from an even sample of participants (the counts stay exact elsewhere on the page).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.safestring import SafeString, mark_safe

WIDTH = 360
HEIGHT = 300
PADDING = 30
MARKER_RADIUS = 5.5
BADGE_RADIUS = 16
MAX_DOTS = 3000
#: Identical positions (rounded to this many pixels) are spread on a spiral.
SPREAD_CELL = 1.0
SPREAD_STEP = 5.5
GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))

#: Okabe–Ito colours darkened to a 3:1 contrast on white at least (WCAG 1.4.11 for graphics).
COLOURS = (
    "#0a6aa8",
    "#b84a00",
    "#007a5e",
    "#a3467f",
    "#8a6400",
    "#4b4fa6",
    "#a0302d",
    "#2f6f2f",
    "#5c5c5c",
)
UNGROUPED_COLOUR = "#6b7570"


def _polygon(sides: int, radius: float, rotation: float) -> str:
    points = [
        (
            radius * math.cos(rotation + 2 * math.pi * i / sides),
            radius * math.sin(rotation + 2 * math.pi * i / sides),
        )
        for i in range(sides)
    ]
    return _closed_path(points)


def _star(radius: float) -> str:
    points = []
    for i in range(10):
        r = radius if i % 2 == 0 else radius * 0.45
        angle = -math.pi / 2 + math.pi * i / 5
        points.append((r * math.cos(angle), r * math.sin(angle)))
    return _closed_path(points)


def _cross(radius: float, *, diagonal: bool) -> str:
    a, b = radius, radius * 0.38
    points = [
        (-b, -a),
        (b, -a),
        (b, -b),
        (a, -b),
        (a, b),
        (b, b),
        (b, a),
        (-b, a),
        (-b, b),
        (-a, b),
        (-a, -b),
        (-b, -b),
    ]
    if diagonal:
        c = math.sqrt(0.5)
        points = [(c * (x - y), c * (x + y)) for x, y in points]
    return _closed_path(points)


def _closed_path(points: Sequence[tuple[float, float]]) -> str:
    return "M" + " L".join(f"{x:.2f} {y:.2f}" for x, y in points) + " Z"


def _circle(radius: float) -> str:
    return f"M{-radius:.2f} 0 A{radius:.2f} {radius:.2f} 0 1 0 {radius:.2f} 0 A{radius:.2f} {radius:.2f} 0 1 0 {-radius:.2f} 0 Z"


def _shapes(radius: float) -> tuple[str, ...]:
    """Marker outlines centred on (0, 0): circle, square, triangle, diamond, inverted triangle, plus, star,
    hexagon, cross — each group keeps its shape in the legend, on paper and for colour-blind readers."""
    return (
        _circle(radius),
        _polygon(4, radius * 1.2, math.pi / 4),
        _polygon(3, radius * 1.3, -math.pi / 2),
        _polygon(4, radius * 1.25, 0),
        _polygon(3, radius * 1.3, math.pi / 2),
        _cross(radius * 1.2, diagonal=False),
        _star(radius * 1.45),
        _polygon(6, radius * 1.15, 0),
        _cross(radius * 1.2, diagonal=True),
    )


SHAPES = _shapes(MARKER_RADIUS)


def colour_of(group: int | None) -> str:
    return UNGROUPED_COLOUR if group is None else COLOURS[group % len(COLOURS)]


def shape_of(group: int) -> str:
    return SHAPES[group % len(SHAPES)]


@dataclass(frozen=True)
class Dot:
    x: float
    y: float


@dataclass(frozen=True)
class MapGroup:
    index: int
    label: str
    colour: str
    shape: str
    dots: list[Dot]
    hull: str
    badge_x: float
    badge_y: float

    @property
    def dots_svg(self) -> SafeString:
        """The group's dots as SVG ``<use>`` marks, built here rather than by a template loop over hundreds of dots.

        Only numbers go in (the index and the rounded coordinates), so there is nothing to escape.
        """
        index = int(self.index)
        return mark_safe(
            "".join(
                f'<use href="#map-marker-{index}" x="{float(d.x)}" y="{float(d.y)}"></use>' for d in self.dots
            )
        )


@dataclass(frozen=True)
class OpinionMap:
    width: int
    height: int
    groups: list[MapGroup]
    ungrouped: list[Dot]
    you: Dot | None
    you_label_x: float
    you_label_anchor: str
    drawn: int
    total: int

    @property
    def ungrouped_svg(self) -> SafeString:
        """The dots of participants in no group, as SVG circles (numbers only: nothing to escape)."""
        return mark_safe(
            "".join(f'<circle cx="{float(d.x)}" cy="{float(d.y)}" r="3"></circle>' for d in self.ungrouped)
        )

    @property
    def sampled(self) -> bool:
        return self.drawn < self.total

    @property
    def marker_radius(self) -> float:
        return MARKER_RADIUS

    @property
    def badge_radius(self) -> int:
        return BADGE_RADIUS


def _hull(points: Sequence[tuple[float, float]]) -> list[tuple[float, float]]:
    """Andrew's monotone chain: the convex hull, counter-clockwise, without repeated points."""
    unique = sorted(set(points))
    if len(unique) <= 2:
        return unique

    def cross(o: tuple[float, float], a: tuple[float, float], b: tuple[float, float]) -> float:
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower: list[tuple[float, float]] = []
    for p in unique:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    upper: list[tuple[float, float]] = []
    for p in reversed(unique):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    return lower[:-1] + upper[:-1]


def _hull_path(points: Sequence[tuple[float, float]]) -> str:
    """A path the template strokes thickly with round joins, so even one or two dots get a soft outline."""
    hull = _hull(points)
    if not hull:
        return ""
    if len(hull) == 1:
        x, y = hull[0]
        return f"M{x:.1f} {y:.1f} L{x:.1f} {y:.1f}"
    path = "M" + " L".join(f"{x:.1f} {y:.1f}" for x, y in hull)
    return path + (" Z" if len(hull) > 2 else "")


def _spread(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Move the n-th repeat of a position to the n-th point of a golden-angle spiral around it."""
    seen: dict[tuple[int, int], int] = defaultdict(int)
    out = []
    for x, y in points:
        cell = (round(x / SPREAD_CELL), round(y / SPREAD_CELL))
        n = seen[cell]
        seen[cell] += 1
        if n:
            radius = SPREAD_STEP * math.sqrt(n)
            x, y = x + radius * math.cos(n * GOLDEN_ANGLE), y + radius * math.sin(n * GOLDEN_ANGLE)
        out.append((x, y))
    return out


def _separate(badges: list[list[float]], *, low: float, high_x: float, high_y: float) -> None:
    """Push overlapping group badges apart (a few rounds of pairwise repulsion), keeping them inside."""
    gap = 2 * BADGE_RADIUS + 4
    for _round in range(30):
        moved = False
        for i in range(len(badges)):
            for j in range(i + 1, len(badges)):
                dx, dy = badges[j][0] - badges[i][0], badges[j][1] - badges[i][1]
                distance = math.hypot(dx, dy)
                if distance >= gap:
                    continue
                if distance < 1e-6:
                    dx, dy, distance = 1.0, 0.0, 1.0
                push = (gap - distance) / 2 + 0.5
                ux, uy = dx / distance, dy / distance
                badges[i][0] -= ux * push
                badges[i][1] -= uy * push
                badges[j][0] += ux * push
                badges[j][1] += uy * push
                moved = True
        for badge in badges:
            badge[0] = min(max(badge[0], low), high_x)
            badge[1] = min(max(badge[1], low), high_y)
        if not moved:
            break


def opinion_map(report: dict[str, Any], *, you: int | None = None, labels: Sequence[str] = ()) -> OpinionMap:
    """Lay out the participants of an analysis report; ``you`` is the viewer's participant id, if any."""
    participants = list(report.get("participants") or [])
    total = len(participants)
    step = max(1, math.ceil(total / MAX_DOTS))
    drawn = [p for index, p in enumerate(participants) if index % step == 0 or p.get("id") == you]
    xs = [float(p["x"]) for p in drawn] or [0.0]
    ys = [float(p["y"]) for p in drawn] or [0.0]
    span_x, span_y = max(xs) - min(xs), max(ys) - min(ys)
    inner_w, inner_h = WIDTH - 2 * PADDING, HEIGHT - 2 * PADDING
    scale = min(inner_w / span_x if span_x else math.inf, inner_h / span_y if span_y else math.inf)
    if not math.isfinite(scale):
        scale = 1.0
    mid_x, mid_y = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    # Screen y grows downwards; the map's second component grows upwards, as in Pol.is.
    raw = [
        (WIDTH / 2 + (float(p["x"]) - mid_x) * scale, HEIGHT / 2 - (float(p["y"]) - mid_y) * scale)
        for p in drawn
    ]
    placed = _spread(raw)

    n_groups = len(report.get("groups") or [])
    members: dict[int, list[tuple[float, float]]] = defaultdict(list)
    ungrouped: list[Dot] = []
    you_dot: Dot | None = None
    for p, (x, y) in zip(drawn, placed, strict=True):
        group = p.get("group")
        if isinstance(group, int) and 0 <= group < n_groups:
            members[group].append((x, y))
        else:
            ungrouped.append(Dot(round(x, 1), round(y, 1)))
        if you is not None and p.get("id") == you:
            you_dot = Dot(round(x, 1), round(y, 1))

    badges = []
    for g in range(n_groups):
        points = members.get(g) or [(WIDTH / 2, HEIGHT / 2)]
        badges.append([sum(x for x, _ in points) / len(points), sum(y for _, y in points) / len(points)])
    low = BADGE_RADIUS + 2
    _separate(badges, low=low, high_x=WIDTH - low, high_y=HEIGHT - low)

    groups = [
        MapGroup(
            index=g,
            label=labels[g] if g < len(labels) else str(g + 1),
            colour=colour_of(g),
            shape=shape_of(g),
            dots=[Dot(round(x, 1), round(y, 1)) for x, y in members.get(g, [])],
            hull=_hull_path(members.get(g, [])),
            badge_x=round(badges[g][0], 1),
            badge_y=round(badges[g][1], 1),
        )
        for g in range(n_groups)
    ]
    right_side = you_dot is None or you_dot.x < WIDTH * 0.7
    label_x = 0.0 if you_dot is None else you_dot.x + (14 if right_side else -14)
    return OpinionMap(
        width=WIDTH,
        height=HEIGHT,
        groups=groups,
        ungrouped=ungrouped,
        you=you_dot,
        you_label_x=round(label_x, 1),
        you_label_anchor="start" if right_side else "end",
        drawn=len(drawn),
        total=total,
    )
