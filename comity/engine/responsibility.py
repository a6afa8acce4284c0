"""Resolving the responsibility matrix: which subject leads on a matter in a place.

A community's matrix holds rows *category × scope → lead, co-handlers, time limit*, where the scope is the
whole community or one area (a zone, building, stairwell, common space or grid). For a matter of category
``c`` at a place inside area ``a``, the responsible row is found by walking

1. the category from the most specific to the most general (``facilities.lifts`` before ``facilities``), and
   for each category
2. the place from the most specific area up to the whole community.

Category comes first because the kind of matter decides competence: a lift fault in building 3 goes to
whoever handles lifts in the community before a building group that handles facilities in building 3 in
general. This mirrors the 12345 dispatch catalogue, where the matter determines the handling department and
the place refines it (``shared/reference/domain-practice.md`` §3).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

RowT = TypeVar("RowT")
AreaKey = Hashable
COMMUNITY_WIDE: None = None

#: A time limit is at least one hour and at most 90 days (2,160 hours). The 12345 practice's longest limit is
#: 15 days for complex matters (domain-practice §3); 90 days leaves room for a community's own rules while
#: keeping every due date a real date. Forms, the API, imports and the database all keep to this range.
MIN_TIME_LIMIT_HOURS, MAX_TIME_LIMIT_HOURS = 1, 24 * 90


def cap_time_limit_hours(hours: int) -> int:
    """A stored time limit brought into range, so that a row saved before the bounds (or by hand in the
    database) delays an appeal by at most the longest limit instead of failing its intake."""
    return max(MIN_TIME_LIMIT_HOURS, min(MAX_TIME_LIMIT_HOURS, int(hours)))


@dataclass(frozen=True, slots=True)
class Resolution(Generic[RowT]):
    row: RowT
    category: str
    scope: AreaKey | None
    #: How many steps up the category tree the match needed (0 = exact category).
    category_fallback: int
    #: How many steps up the area chain the match needed (0 = the place itself).
    area_fallback: int


def category_ancestry(code: str, parents: Mapping[str, str | None]) -> list[str]:
    """``code`` and its ancestors, most specific first. Raises ``ValueError`` on a cycle or unknown code."""
    chain: list[str] = []
    current: str | None = code
    while current is not None:
        if current in chain:
            raise ValueError(f"the category tree has a cycle through {current!r}")
        if current not in parents:
            raise ValueError(f"unknown category {current!r}")
        chain.append(current)
        current = parents[current]
    return chain


def resolve_responsibility(
    rows: Mapping[tuple[str, AreaKey | None], RowT],
    *,
    category_chain: Sequence[str],
    area_chain: Sequence[AreaKey] = (),
) -> Resolution[RowT] | None:
    """Find the row responsible for a matter.

    ``rows`` maps ``(category code, area key or None for the whole community)`` to a row.
    ``category_chain`` is the category and its ancestors, most specific first (see :func:`category_ancestry`);
    ``area_chain`` is the place and the areas that contain it, most specific first, without the community.
    Returns ``None`` when no row covers the matter: the first receiver (the residents' committee) keeps it.
    """
    scopes: list[AreaKey | None] = [*area_chain, COMMUNITY_WIDE]
    for category_step, category in enumerate(category_chain):
        for area_step, scope in enumerate(scopes):
            row = rows.get((category, scope))
            if row is not None:
                return Resolution(row, category, scope, category_step, area_step)
    return None


def uncovered_categories(
    leaf_categories: Iterable[str], parents: Mapping[str, str | None], covered: Iterable[str]
) -> list[str]:
    """Leaf categories with no community-wide row on themselves or any ancestor.

    A matrix with gaps leaves those matters to the first receiver by default; the matrix page lists them so
    that staff can assign them.
    """
    covered_set = set(covered)
    return [
        leaf
        for leaf in leaf_categories
        if not any(code in covered_set for code in category_ancestry(leaf, parents))
    ]
