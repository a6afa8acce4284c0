"""Choosing among options: approval ballots counted on every basis of the rule, ranked ballots by Schulze.

The rule's participation thresholds apply as for a motion (abstentions and blank ballots take part). Approval
ballots then order the options by approvals on the rule's first basis, ties broken by the other bases and then by
the ballot paper's order; a ranked ballot is counted by :func:`~comity.engine.decisions.ranked.schulze`, one
voter one ballot.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from comity.engine.decisions.ranked import SchulzeResult, schulze
from comity.engine.decisions.rules import Basis, DecisionRule, Stage
from comity.engine.decisions.tally import Choice, TallyError, ThresholdResult, Voter, number, percent, tally


@dataclass(frozen=True)
class OptionCount:
    option: str
    approvals: dict[Basis, Fraction]


@dataclass(frozen=True)
class OptionsTally:
    rule: DecisionRule
    participation: tuple[ThresholdResult, ...]
    counts: tuple[OptionCount, ...]
    order: tuple[str, ...]
    ballots: int
    schulze: SchulzeResult | None = None

    @property
    def quorate(self) -> bool:
        return all(r.passed for r in self.participation)

    @property
    def winner(self) -> str | None:
        """The first option, when participation is met and at least one ballot chose something."""
        if not self.quorate or not self.order:
            return None
        if self.schulze is not None:
            return self.order[0] if len(self.schulze.winners) == 1 else None
        first = next(c for c in self.counts if c.option == self.order[0])
        return self.order[0] if any(first.approvals.values()) else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule.name,
            "version": self.rule.version,
            "ballots": self.ballots,
            "participation": [
                {
                    "basis": r.threshold.basis.value,
                    "fraction": str(r.threshold.fraction),
                    "comparison": r.threshold.symbol,
                    "value": str(r.value),
                    "total": str(r.total),
                    "share": str(r.share),
                    "passed": r.passed,
                    "explanation": f"participation by {r.threshold.basis.value}: {percent(r.share)}"
                    f" {r.threshold.symbol} {percent(r.threshold.fraction)} {'✓' if r.passed else '✗'}"
                    f" ({number(r.value)} of {number(r.total)})",
                }
                for r in self.participation
            ],
            "options": [
                {"option": c.option, "approvals": {b.value: str(v) for b, v in c.approvals.items()}}
                for c in self.counts
            ],
            "order": list(self.order),
            "winner": self.winner,
            "schulze": None
            if self.schulze is None
            else {
                "pairwise": [list(row) for row in self.schulze.pairwise],
                "strongest": [list(row) for row in self.schulze.strongest],
                "winners": list(self.schulze.winners),
                "tie_broken_by_ballot_order": self.schulze.tie_broken_by_ballot_order,
            },
        }


def _participation(
    rule: DecisionRule, voters: Sequence[Voter], keys: Sequence[str]
) -> tuple[ThresholdResult, ...]:
    counted = tally(rule, voters, [(key, Choice.ABSTAIN.value) for key in keys])
    return tuple(r for r in counted.results if r.threshold.stage == Stage.PARTICIPATION)


def tally_approval(
    rule: DecisionRule,
    voters: Sequence[Voter],
    options: Sequence[str],
    ballots: Iterable[tuple[str, Sequence[str]]],
    *,
    max_approvals: int | None = None,
) -> OptionsTally:
    """Approvals per option on every basis of the rule; ``ballots`` are (voter key, approved options)."""
    by_key = {v.key: v for v in voters}
    for v in voters:
        for alias in v.aliases:
            by_key[alias] = v
    names = list(dict.fromkeys(options))
    bases = rule.bases or (Basis.HEADCOUNT,)
    counts = {name: dict.fromkeys(bases, Fraction(0)) for name in names}
    keys: list[str] = []
    for index, (key, chosen) in enumerate(ballots):
        voter = by_key.get(key)
        if voter is None:
            raise TallyError(f"{key!r} is not on the register for this decision", index)
        picked = list(dict.fromkeys(chosen))
        unknown = [c for c in picked if c not in counts]
        if unknown:
            raise TallyError(f"unknown option {unknown[0]!r}", index)
        if max_approvals is not None and len(picked) > max_approvals:
            raise TallyError(f"{len(picked)} options approved; at most {max_approvals} allowed", index)
        keys.append(voter.key)
        for name in picked:
            for basis in bases:
                counts[name][basis] += voter.weight(basis)
    participation = _participation(rule, voters, keys)
    order = sorted(names, key=lambda n: (*(-counts[n][b] for b in bases), names.index(n)))
    return OptionsTally(
        rule=rule,
        participation=participation,
        counts=tuple(OptionCount(n, counts[n]) for n in names),
        order=tuple(order),
        ballots=len(keys),
    )


def tally_ranked(
    rule: DecisionRule,
    voters: Sequence[Voter],
    options: Sequence[str],
    ballots: Iterable[tuple[str, Sequence[Sequence[str]]]],
) -> OptionsTally:
    """Schulze over the ranked ballots (one voter, one ballot, equal weight) after the rule's participation test."""
    known = {v.key for v in voters} | {a for v in voters for a in v.aliases}
    keys, rankings = [], []
    for index, (key, ranking) in enumerate(ballots):
        if key not in known:
            raise TallyError(f"{key!r} is not on the register for this decision", index)
        keys.append(key)
        rankings.append(ranking)
    result = schulze(options, rankings)
    participation = _participation(rule, voters, keys)
    n = len(result.options)
    counts = tuple(
        OptionCount(
            name,
            {
                Basis.HEADCOUNT: Fraction(
                    sum(1 for b in range(n) if b != a and result.strongest[a][b] > result.strongest[b][a])
                )
            },
        )
        for a, name in enumerate(result.options)
    )
    return OptionsTally(
        rule=rule,
        participation=participation,
        counts=counts,
        order=result.order,
        ballots=len(keys),
        schulze=result,
    )
