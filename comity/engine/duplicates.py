"""Duplicate appeals: merge candidates for one appeal and clusters of possible duplicates.

The national rules that followed the 2021 guideline on the 12345 hotline require that **duplicates be merged**
(``shared/reference/domain-practice.md`` §3): when several residents report the same lift fault, staff merge
their appeals so that every requester follows, and rates, one case (the ``Merge`` model in
``docs/data-model.md`` §2). The sources give no matching rule, so the one below is Comity's and is documented
in ``docs/algorithms/duplicate-appeals.md``. Two appeals are *linked* when both are open, their categories
match, they share a place (or are both community-wide) and they were received within ``window`` of each
other. The score of a link is the mean of three parts, each in ``[0, 1]``:

* **category** — 1 for the same code; 1/2 for a related code in ``"same_parent"`` mode (siblings under one
  parent, or a code and its own parent);
* **place** — ``(d + 1) / (L + 1)`` where ``d`` is the depth of the most specific shared area counted from the
  widest end of the place chain (zone 1, building 2, stairwell 3, unit 4 by default), capped at ``L``, the
  number of ``levels``; two community-wide appeals get ``1 / (L + 1)``;
* **time** — ``1 − gap / window``.

The category part is at least 1/2, so every score lies in ``(0, 1]``. The relation is symmetric.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from fractions import Fraction
from typing import Literal

CategoryMatch = Literal["exact", "same_parent"]
#: Names of the place positions, most specific first, as in the place chain itself.
DEFAULT_LEVELS: tuple[str, ...] = ("unit", "stairwell", "building", "zone")
DEFAULT_WINDOW = timedelta(days=3)
_MICROSECOND = timedelta(microseconds=1)


@dataclass(frozen=True, slots=True)
class AppealKey:
    """What duplicate detection needs to know about one appeal (a plain projection of ``Appeal``)."""

    id: Hashable
    #: A dispatch catalogue code such as ``"facilities.lifts"``.
    category: str
    #: Area keys from the most specific to the widest, e.g. ``(unit, stairwell, building, zone)``;
    #: empty for a matter of the whole community.
    place: tuple[Hashable, ...]
    received_at: datetime
    open: bool = True

    def __post_init__(self) -> None:
        if self.received_at.tzinfo is None or self.received_at.utcoffset() is None:
            raise ValueError(f"appeal {self.id!r}: received_at is a naive datetime; use an aware one")


@dataclass(frozen=True, slots=True)
class Reason:
    """A machine code with an optional number; the Django side translates it (``within_hours``, 5)."""

    code: str
    value: int | None = None


@dataclass(frozen=True, slots=True)
class Candidate:
    id: Hashable
    score: Fraction
    reasons: tuple[Reason, ...]


def _check_options(window: timedelta, category_match: str, parents: Mapping[str, str | None] | None) -> None:
    if window <= timedelta(0):
        raise ValueError("the window must be positive")
    if category_match not in ("exact", "same_parent"):
        raise ValueError(f"unknown category_match {category_match!r}: use 'exact' or 'same_parent'")
    if category_match == "same_parent" and parents is None:
        raise ValueError("category_match='same_parent' needs the category tree in parents")


def _check_ids(appeals: Iterable[AppealKey]) -> None:
    """Ids must be distinct, also as strings, since the string form breaks ties."""
    seen: set[str] = set()
    for appeal in appeals:
        label = str(appeal.id)
        if label in seen:
            raise ValueError(f"two appeals share the id {label!r}")
        seen.add(label)


def _parent(code: str, parents: Mapping[str, str | None]) -> str | None:
    if code not in parents:
        raise ValueError(f"unknown category {code!r}")
    return parents[code]


def _category_part(
    a: str, b: str, category_match: CategoryMatch, parents: Mapping[str, str | None] | None
) -> tuple[Fraction, Reason] | None:
    if a == b:
        return Fraction(1), Reason("same_category")
    if category_match == "exact" or parents is None:
        return None
    parent_a, parent_b = _parent(a, parents), _parent(b, parents)
    if parent_a is not None and parent_a == parent_b:
        return Fraction(1, 2), Reason("same_parent_category")
    if parent_a == b or parent_b == a:
        return Fraction(1, 2), Reason("parent_category")
    return None


def _place_part(
    a: tuple[Hashable, ...], b: tuple[Hashable, ...], levels: Sequence[str]
) -> tuple[Fraction, Reason] | None:
    top = len(levels)
    if not a and not b:
        return Fraction(1, top + 1), Reason("community_wide")
    depth_in_b = {key: len(b) - index for index, key in enumerate(b)}
    # Depth counted from the widest end; min() keeps the relation symmetric if two chains disagree.
    shared = [min(len(a) - index, depth_in_b[key]) for index, key in enumerate(a) if key in depth_in_b]
    if not shared:
        return None
    depth = max(shared)
    reason = Reason(f"same_{levels[-depth]}") if depth <= top else Reason("same_area", depth)
    return Fraction(min(depth, top) + 1, top + 1), reason


def _time_part(a: datetime, b: datetime, window: timedelta) -> tuple[Fraction, Reason] | None:
    gap = abs(a - b)
    if gap > window:
        return None
    if gap < timedelta(days=1):
        reason = Reason("within_hours", max(1, math.ceil(gap / timedelta(hours=1))))
    else:
        reason = Reason("within_days", math.ceil(gap / timedelta(days=1)))
    return 1 - Fraction(gap // _MICROSECOND, window // _MICROSECOND), reason


def _link(
    a: AppealKey,
    b: AppealKey,
    window: timedelta,
    category_match: CategoryMatch,
    parents: Mapping[str, str | None] | None,
    levels: Sequence[str],
) -> Candidate | None:
    """``b`` as a candidate for ``a``, or ``None``; symmetric in everything but the id it reports."""
    if not (a.open and b.open) or a.id == b.id:
        return None
    parts = (
        _category_part(a.category, b.category, category_match, parents),
        _place_part(a.place, b.place, levels),
        _time_part(a.received_at, b.received_at, window),
    )
    found = [part for part in parts if part is not None]
    if len(found) < len(parts):
        return None
    score = sum((value for value, _ in found), Fraction(0)) / len(found)
    return Candidate(b.id, score, tuple(reason for _, reason in found))


def duplicate_candidates(
    appeal: AppealKey,
    others: Iterable[AppealKey],
    *,
    window: timedelta = DEFAULT_WINDOW,
    category_match: CategoryMatch = "exact",
    parents: Mapping[str, str | None] | None = None,
    levels: Sequence[str] = DEFAULT_LEVELS,
    limit: int | None = 10,
) -> list[Candidate]:
    """Open appeals in ``others`` that may duplicate ``appeal``, best first, at most ``limit``.

    Ordered by score descending, then ``received_at`` ascending (the earliest report is the natural primary),
    then the id as a string. ``appeal`` itself is never a candidate, and a closed ``appeal`` has none.
    ``parents`` maps each catalogue code to its parent (``None`` at the top) for ``"same_parent"`` mode.
    """
    _check_options(window, category_match, parents)
    if limit is not None and limit < 0:
        raise ValueError("limit cannot be negative")
    pool = list(others)
    _check_ids(pool)
    by_id = {other.id: other for other in pool}
    found = [
        link
        for other in pool
        if (link := _link(appeal, other, window, category_match, parents, levels)) is not None
    ]
    found.sort(key=lambda link: (-link.score, by_id[link.id].received_at, str(link.id)))
    return found if limit is None else found[:limit]


def cluster_duplicates(
    appeals: Iterable[AppealKey],
    *,
    window: timedelta = DEFAULT_WINDOW,
    category_match: CategoryMatch = "exact",
    parents: Mapping[str, str | None] | None = None,
    levels: Sequence[str] = DEFAULT_LEVELS,
) -> list[list[Hashable]]:
    """Groups of possible duplicates: connected components (two or more appeals) of the candidate relation.

    Takes no ``limit``: a cap per appeal would make the relation depend on the order of ties. Two appeals in
    one group need not be linked directly (A–B and B–C put C with A), so staff confirm each merge. Each
    group is sorted by ``received_at`` then id as a string; groups are ordered by their first appeal.
    """
    _check_options(window, category_match, parents)
    pool = list(appeals)
    _check_ids(pool)
    ordered = sorted((a for a in pool if a.open), key=lambda a: (a.received_at, str(a.id)))
    root = list(range(len(ordered)))

    def find(index: int) -> int:
        while root[index] != index:
            root[index] = root[root[index]]
            index = root[index]
        return index

    for i, first in enumerate(ordered):
        for j in range(i + 1, len(ordered)):
            second = ordered[j]
            if second.received_at - first.received_at > window:
                break
            if _link(first, second, window, category_match, parents, levels) is not None:
                root[find(j)] = find(i)
    groups: dict[int, list[Hashable]] = {}
    for index, appeal in enumerate(ordered):
        groups.setdefault(find(index), []).append(appeal.id)
    # Members were appended in (received_at, id) order, and dicts keep the order of each group's first member.
    return [group for group in groups.values() if len(group) > 1]
