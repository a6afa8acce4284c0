"""The data of a participatory-budgeting election, as the rules and the pabulib reader share it.

Costs and the budget are whole currency units (pabulib's convention, e.g. złoty or yuan); every computation on them
is exact (``int`` or :class:`~fractions.Fraction`). Projects are identified by their pabulib ``project_id`` string.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


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
    budget: int
    projects: tuple[Project, ...]
    ballots: tuple[Ballot, ...]
    vote_type: VoteType = VoteType.APPROVAL
    #: The META section (description, country, unit, rule, min_length, max_length, …) as written in the file.
    meta: Mapping[str, str] = field(default_factory=dict)

    def project(self, project_id: str) -> Project:
        for project in self.projects:
            if project.id == project_id:
                return project
        raise KeyError(project_id)

    @property
    def costs(self) -> dict[str, int]:
        return {p.id: p.cost for p in self.projects}
