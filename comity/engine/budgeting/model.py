"""The data of a participatory-budgeting election, as the rules and the pabulib reader share it.

Costs and the budget are integers in units of ``1 / Election.unit`` of the currency: ``unit`` is 1 when every amount
is whole (złoty, yuan), 100 when some amount has grosze or fen (``budget;740793.05`` is ``74079305`` with ``unit``
100), ``10 ** d`` in general, the least that makes every amount whole. Every rule's decision depends only on ratios of
amounts, so scaling all of them by ``unit`` changes no outcome (Add1's one-unit steps are ``unit`` apart); every
computation on them is exact (``int`` or :class:`~fractions.Fraction`). Projects are identified by their pabulib
``project_id`` string.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction


class VoteType(StrEnum):
    APPROVAL = "approval"
    CUMULATIVE = "cumulative"
    ORDINAL = "ordinal"
    CHOOSE_1 = "choose-1"
    SCORING = "scoring"


@dataclass(frozen=True)
class Project:
    id: str
    cost: int
    name: str = ""
    #: Other columns of the PROJECTS section (category, target, votes, selected, …) as written in the file.
    meta: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Ballot:
    """One voter's ballot. ``approved`` for approval and choose-1; ``points`` for cumulative and scoring
    (project → points); ``ranking`` for ordinal (best first)."""

    voter: str
    approved: frozenset[str] = frozenset()
    points: Mapping[str, int] = field(default_factory=dict)
    ranking: tuple[str, ...] = ()
    meta: Mapping[str, str] = field(default_factory=dict)

    @property
    def supported(self) -> frozenset[str]:
        """The projects this ballot gives anything to, whatever its type."""
        return self.approved | frozenset(p for p, v in self.points.items() if v > 0) | frozenset(self.ranking)


@dataclass(frozen=True)
class Election:
    #: The budget in units of ``1 / unit`` of the currency (as every cost).
    budget: int
    projects: tuple[Project, ...]
    ballots: tuple[Ballot, ...]
    vote_type: VoteType = VoteType.APPROVAL
    #: The META section (description, country, unit, rule, min_length, max_length, …) as written in the file.
    meta: Mapping[str, str] = field(default_factory=dict)
    #: How many of the integer amounts make one unit of the currency: 1, or ``10 ** decimals``.
    unit: int = 1

    def __post_init__(self) -> None:
        if self.unit < 1:
            raise ValueError(f"unit must be a positive integer, not {self.unit}")

    def project(self, project_id: str) -> Project:
        for project in self.projects:
            if project.id == project_id:
                return project
        raise KeyError(project_id)

    @property
    def costs(self) -> dict[str, int]:
        return {p.id: p.cost for p in self.projects}

    def money(self, amount: int | Fraction) -> Fraction:
        """An amount of the election (a cost, the budget, a payment) in currency units, exactly."""
        return Fraction(amount) / self.unit


def money_text(amount: int | Fraction, unit: int = 1) -> str:
    """``amount`` (in units of ``1 / unit``) written in currency units with as many decimals as ``unit`` has
    (``unit`` a power of ten): ``money_text(74079305, 100) == "740793.05"``. Exact for whole amounts; a fraction
    of the smallest unit (a payment such as 100/3) is rounded half to even to the last decimal."""
    decimals = len(str(unit)) - 1
    if 10**decimals != unit:
        raise ValueError(f"unit {unit} is not a power of ten")
    value = Fraction(amount)
    scaled = round(value)  # in units of 1 / unit, half to even
    sign = "-" if scaled < 0 else ""
    whole, part = divmod(abs(scaled), unit)
    return f"{sign}{whole}.{part:0{decimals}d}" if decimals else f"{sign}{whole}"
