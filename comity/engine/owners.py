"""Counting owners by headcount under the Supreme People's Court interpretation on building ownership.

Art. 9 of the interpretation (法释〔2009〕7号, as quoted in ``shared/reference/domain-practice.md`` §1):
owners are counted one per exclusive unit (一户一票), except that the developer's unsold or undelivered
units together count as one owner, and one buyer holding several units counts as one owner. Co-owners of a
unit hold that unit's single vote together. So a headcount is the number of distinct *holding parties*:
the set of co-holders of a unit, where every developer-held unit belongs to one party.

The area basis is different: it sums the exclusive area of every unit (see the decisions capability).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass

DEVELOPER = "developer"


@dataclass(frozen=True, slots=True)
class Holding:
    unit: Hashable
    #: Who holds the share: a person id, an organisation's name; ignored for the developer.
    holder: Hashable
    kind: str = "person"


def holding_parties(holdings: Iterable[Holding]) -> set[frozenset[Hashable]]:
    """The distinct parties that own units: one frozenset of co-holders per unit, merged as Art. 9 says."""
    holders_by_unit: dict[Hashable, set[Hashable]] = defaultdict(set)
    for holding in holdings:
        key = (DEVELOPER,) if holding.kind == DEVELOPER else (holding.kind, holding.holder)
        holders_by_unit[holding.unit].add(key)
    return {frozenset(holders) for holders in holders_by_unit.values()}


def owner_headcount(holdings: Iterable[Holding]) -> int:
    """The number of owners by headcount (see the module docstring)."""
    return len(holding_parties(holdings))
