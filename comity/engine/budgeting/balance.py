"""The balance report: for the same ballots, every rule side by side.

* **Public interest**: total and average satisfaction, the share of voters with at least one funded project, the
  Gini coefficient of satisfaction (:func:`measure`).
* **Individual interests**: the same per group of voters (a building, a district, an age band: any
  ``group_of(ballot)``), with the money spent on what the group supports against its proportional share of the
  budget, so who wins and who loses under each rule is visible (:class:`GroupBalance`).
* **Proportionality**: EJR and PJR for approval ballots (:func:`check_ejr`, :func:`check_pjr`), with a witness when
  violated, or ``None`` when the instance is too large to check; they live in
  :mod:`comity.engine.budgeting.justified_representation` and are importable from here too.
* **Comparison**: :func:`compare` runs the rules, measures each outcome, checks proportionality and lists, for the
  rule the election actually used (:func:`official_rule`, from pabulib's META ``rule``) against each other rule,
  the projects only one of them funds.

Ballots are read as approval, as the rules read them (:attr:`Ballot.supported`). Satisfactions follow pabutools:
*cost satisfaction* (``Cost_Sat``) is the total cost of the funded projects a voter supports, *cardinality
satisfaction* (``Cardinality_Sat``) their number. Every number is exact (``int`` or :class:`~fractions.Fraction`),
the Gini coefficient included.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Literal

from comity.engine.budgeting.justified_representation import (
    DEFAULT_CHECK_LIMIT,
    ProportionalityCheck,
    UpTo,
    Witness,
    _check,
    _profile,
    check_ejr,
    check_pjr,
)
from comity.engine.budgeting.model import Ballot, Election
from comity.engine.budgeting.rules import (
    Allocation,
    ProjectExplanation,
    equal_shares,
    equal_shares_add1,
    greedy,
    sequential_phragmen,
)

__all__ = [
    "DEFAULT_CHECK_LIMIT",
    "DEFAULT_RULES",
    "BalanceReport",
    "Comparison",
    "GroupBalance",
    "GroupOf",
    "ProportionalityCheck",
    "RuleDifference",
    "RuleKey",
    "RuleSpec",
    "UpTo",
    "VoterSatisfaction",
    "Witness",
    "check_ejr",
    "check_pjr",
    "compare",
    "gini",
    "measure",
    "official_rule",
    "voter_satisfactions",
]

#: Which group a ballot belongs to (``None``: in no group), e.g. ``lambda b: b.meta.get("district")``.
GroupOf = Callable[[Ballot], str | None]


# ----------------------------------------------------------------------------------------------------------------
# Satisfaction and distributional measures


@dataclass(frozen=True)
class VoterSatisfaction:
    voter: str
    #: Cost satisfaction: the total cost of the funded projects the voter supports.
    cost: int
    #: Cardinality satisfaction: how many funded projects the voter supports.
    cardinality: int


def voter_satisfactions(election: Election, selected: Iterable[str]) -> tuple[VoterSatisfaction, ...]:
    """Every voter's satisfaction with the funded projects ``selected``, in the order of ``election.ballots``."""
    costs = election.costs
    chosen = frozenset(selected)
    unknown = chosen - costs.keys()
    if unknown:
        raise ValueError(f"unknown projects selected: {', '.join(sorted(unknown))}")
    result = []
    for ballot in election.ballots:
        funded = ballot.supported & chosen
        result.append(VoterSatisfaction(ballot.voter, sum(costs[p] for p in funded), len(funded)))
    return tuple(result)


def gini(values: Sequence[int | Fraction]) -> Fraction:
    """The Gini coefficient of non-negative values, exactly as pabutools' ``gini_coefficient`` computes it:
    ``(n + 1 - 2·Σᵢ v₍ᵢ₎·(n - i) / Σ v) / n`` over the values sorted increasingly (``i`` from 0), and 0 when every
    value is 0 (or there is none). 0 is perfect equality; ``(n - 1) / n`` is everything to one voter."""
    if any(v < 0 for v in values):
        raise ValueError("the Gini coefficient needs non-negative values")
    total = sum(values, Fraction(0))
    if total == 0:
        return Fraction(0)
    n = len(values)
    weighted = sum((v * (n - i) for i, v in enumerate(sorted(values))), Fraction(0))
    return Fraction((n + 1) * total - 2 * weighted, n * total)


@dataclass(frozen=True)
class GroupBalance:
    """How one group of voters fares under an allocation."""

    group: str
    voters: int
    #: Share of the group's voters who support at least one funded project.
    non_empty_share: Fraction
    #: Average cost and cardinality satisfaction of the group's voters.
    average_satisfaction: Fraction
    average_cardinality: Fraction
    #: Total cost of the funded projects supported by at least one voter of the group (projects shared with other
    #: groups count in full for each: these do not add up to the money spent).
    supported_spending: int
    #: The group's part of the money spent when every funded project's cost is split equally among all its
    #: supporters: these add up, over all voters, to the cost of the funded projects somebody supports.
    attributed_spending: Fraction
    #: The group's proportional share of the budget: ``budget × voters / all voters``.
    fair_share: Fraction

    @property
    def fair_share_ratio(self) -> Fraction | None:
        """``attributed_spending / fair_share``: above 1 the group gets more than its share, below 1 less."""
        return self.attributed_spending / self.fair_share if self.fair_share else None


@dataclass(frozen=True)
class BalanceReport:
    #: ``Allocation.rule`` (e.g. ``"greedy-skip"``, ``"mes-cost-add1"``).
    rule: str
    budget: int
    selected: tuple[str, ...]
    cost: int
    voters: int
    #: Total cost satisfaction over all voters ("public interest").
    total_satisfaction: int
    #: Average cost satisfaction (pabutools ``avg_satisfaction`` with ``Cost_Sat``).
    average_satisfaction: Fraction
    #: Average cardinality satisfaction (``avg_satisfaction`` with ``Cardinality_Sat``).
    average_cardinality: Fraction
    #: Share of voters supporting at least one funded project (pabutools ``percent_non_empty_handed``, a fraction
    #: of 1, not a percentage).
    non_empty_share: Fraction
    #: Gini coefficient of cost satisfaction (``gini_coefficient_of_satisfaction`` with ``Cost_Sat``).
    gini: Fraction
    #: Per group, sorted by name; empty without ``group_of``.
    groups: tuple[GroupBalance, ...] = ()


def _mean(total: int | Fraction, count: int) -> Fraction:
    return Fraction(total) / count if count else Fraction(0)


def measure(election: Election, allocation: Allocation, group_of: GroupOf | None = None) -> BalanceReport:
    """The balance report of one allocation; per group when ``group_of`` is given (ballots it maps to ``None`` are
    in no group, but still count in the whole-electorate figures and in the fair shares' denominator)."""
    sats = voter_satisfactions(election, allocation.selected)
    n = len(sats)
    cost_values = [s.cost for s in sats]
    total = sum(cost_values)
    groups: tuple[GroupBalance, ...] = ()
    if group_of is not None:
        groups = _groups(election, allocation, sats, group_of)
    return BalanceReport(
        rule=allocation.rule,
        budget=election.budget,
        selected=tuple(allocation.selected),
        cost=allocation.cost,
        voters=n,
        total_satisfaction=total,
        average_satisfaction=_mean(total, n),
        average_cardinality=_mean(sum(s.cardinality for s in sats), n),
        non_empty_share=_mean(sum(1 for s in sats if s.cardinality > 0), n),
        gini=gini(cost_values),
        groups=groups,
    )


def _groups(
    election: Election,
    allocation: Allocation,
    sats: Sequence[VoterSatisfaction],
    group_of: GroupOf,
) -> tuple[GroupBalance, ...]:
    costs = election.costs
    chosen = allocation.selected_set
    n = len(sats)
    supporters = dict.fromkeys(chosen, 0)
    members: dict[str, list[int]] = {}
    for i, ballot in enumerate(election.ballots):
        for p in ballot.supported & chosen:
            supporters[p] += 1
        name = group_of(ballot)
        if name is not None:
            members.setdefault(name, []).append(i)
    result = []
    for name in sorted(members):
        indices = members[name]
        support = dict.fromkeys(chosen, 0)
        for i in indices:
            for p in election.ballots[i].supported & chosen:
                support[p] += 1
        size = len(indices)
        result.append(
            GroupBalance(
                group=name,
                voters=size,
                non_empty_share=_mean(sum(1 for i in indices if sats[i].cardinality > 0), size),
                average_satisfaction=_mean(sum(sats[i].cost for i in indices), size),
                average_cardinality=_mean(sum(sats[i].cardinality for i in indices), size),
                supported_spending=sum(costs[p] for p, k in support.items() if k),
                attributed_spending=sum(
                    (Fraction(costs[p] * k, supporters[p]) for p, k in support.items() if k), Fraction(0)
                ),
                fair_share=Fraction(election.budget * size, n) if n else Fraction(0),
            )
        )
    return tuple(result)


# ----------------------------------------------------------------------------------------------------------------
# Rules, the official rule and the comparison

#: Comity's rule calls: ``greedy`` (skip), ``greedy-no-skip``, ``greedy-threshold`` (skip, only projects with at
#: least ``threshold`` votes), ``mes`` (MES, cost satisfaction, no completion), ``mes-add1`` (Add1, no completion),
#: ``mes-add1-greedy`` (Add1 then greedy), ``phragmen``.
RuleKey = Literal[
    "greedy", "greedy-no-skip", "greedy-threshold", "mes", "mes-add1", "mes-add1-greedy", "phragmen"
]


@dataclass(frozen=True)
class RuleSpec:
    key: RuleKey
    #: Minimum votes for a project to be considered: ``greedy-threshold``, and ``greedy-no-skip`` when the file
    #: sets one (projects below it are passed over without stopping).
    threshold: int = 0

    @property
    def label(self) -> str:
        """The column name: the key, with the threshold when there is one (``greedy-threshold>=3000``)."""
        return f"{self.key}>={self.threshold}" if self.threshold else self.key

    def allocate(self, election: Election) -> Allocation:
        if self.key == "greedy":
            return greedy(election)
        if self.key == "greedy-threshold":
            return greedy(election, variant="threshold", threshold=self.threshold)
        if self.key == "greedy-no-skip":
            return _greedy_no_skip(election, self.threshold)
        if self.key == "mes":
            return equal_shares(election)
        if self.key == "mes-add1":
            return equal_shares_add1(election, completion=None)
        if self.key == "mes-add1-greedy":
            return equal_shares_add1(election)
        if self.key == "phragmen":
            return sequential_phragmen(election)
        raise ValueError(f"unknown rule {self.key!r}")  # pragma: no cover


def _greedy_no_skip(election: Election, threshold: int) -> Allocation:
    """Greedy no-skip among the projects with at least ``threshold`` votes, as pabulib's checker reads
    ``greedy-no-skip`` with ``min_project_score_threshold``: the others are never funded (they rank after every
    eligible project, so they cannot stop the rule before an eligible one either)."""
    if threshold <= 0:
        return greedy(election, variant="no-skip")
    votes = dict.fromkeys(election.costs, 0)
    for ballot in election.ballots:
        for p in ballot.supported:
            if p in votes:
                votes[p] += 1
    eligible = tuple(p for p in election.projects if votes[p.id] >= threshold)
    run = greedy(
        replace(election, projects=eligible),
        variant="no-skip",
    )
    explanations = dict(run.explanations)
    for project in election.projects:
        if project.id not in explanations:
            explanations[project.id] = ProjectExplanation(
                project=project.id,
                cost=project.cost,
                votes=votes[project.id],
                selected=False,
                reason="below-threshold",
            )
    return Allocation(
        rule=run.rule,
        budget=run.budget,
        selected=run.selected,
        cost=run.cost,
        explanations={p.id: explanations[p.id] for p in election.projects},
        unit=run.unit,
    )


#: The rules of the balance report, in column order.
DEFAULT_RULES: tuple[RuleSpec, ...] = (
    RuleSpec("greedy"),
    RuleSpec("mes"),
    RuleSpec("mes-add1"),
    RuleSpec("mes-add1-greedy"),
    RuleSpec("phragmen"),
)

_THRESHOLD_KEY = "min_project_score_threshold"


def _threshold(election: Election) -> int | None:
    raw = election.meta.get(_THRESHOLD_KEY)
    if raw is None or not raw.strip():
        return None
    try:
        value = Fraction(raw.strip())
    except (ValueError, ZeroDivisionError):
        raise ValueError(f"META {_THRESHOLD_KEY} is not a number: {raw!r}") from None
    if value.denominator != 1 or value < 0:
        raise ValueError(f"META {_THRESHOLD_KEY} is not a whole number of votes: {raw!r}")
    return int(value)


def official_rule(election: Election) -> RuleSpec:
    """The Comity rule matching the pabulib META ``rule`` (the rule the city used):

    * ``greedy`` → greedy (skip); with ``min_project_score_threshold`` in META, greedy-threshold with it (pabulib's
      checker applies the threshold whatever the rule is called);
    * ``greedy-threshold`` → greedy-threshold with META ``min_project_score_threshold`` (required);
    * ``greedy-no-skip`` → greedy no-skip, passing over projects below ``min_project_score_threshold`` if set;
    * ``equalshares/add1`` → MES with Add1, no completion (what equalshares.net computes);
    * ``equalshares`` → MES (cost satisfaction), no completion.

    Greedy here ranks by number of supporters: for cumulative and ordinal files, cities ranked by points (the
    ``score`` column), which Comity's approval reading does not see, so the outcome may differ from theirs.
    ``unknown``, a missing rule and other rules (``greedy-custom``, ``greedy-exclusive``, the ``-comparison``
    variants) raise :class:`ValueError`.
    """
    raw = election.meta.get("rule")
    rule = (raw or "").strip()
    threshold = _threshold(election)
    if rule == "greedy":
        return RuleSpec("greedy-threshold", threshold) if threshold else RuleSpec("greedy")
    if rule == "greedy-threshold":
        if threshold is None:
            raise ValueError(f"the rule is greedy-threshold but META has no {_THRESHOLD_KEY}")
        return RuleSpec("greedy-threshold", threshold)
    if rule == "greedy-no-skip":
        return RuleSpec("greedy-no-skip", threshold or 0)
    if rule == "equalshares/add1":
        return RuleSpec("mes-add1")
    if rule == "equalshares":
        return RuleSpec("mes")
    if not rule:
        raise ValueError("the file's META has no rule")
    if rule == "unknown":
        raise ValueError("the file's META rule is 'unknown': the rule the election used is not recorded")
    raise ValueError(
        f"the file's META rule {rule!r} has no Comity equivalent "
        "(known: greedy, greedy-no-skip, greedy-threshold, equalshares, equalshares/add1)"
    )


@dataclass(frozen=True)
class RuleDifference:
    """The projects only one of two rules funds."""

    baseline: str
    other: str
    #: Funded by the baseline only, and by the other rule only (ids in the election's project order).
    only_baseline: tuple[str, ...]
    only_other: tuple[str, ...]

    @property
    def identical(self) -> bool:
        return not self.only_baseline and not self.only_other


@dataclass(frozen=True)
class Comparison:
    #: Rule labels (:attr:`RuleSpec.label`), in column order; the official rule is first when it is not one of
    #: the rules asked for.
    rules: tuple[str, ...]
    specs: Mapping[str, RuleSpec]
    allocations: Mapping[str, Allocation]
    reports: Mapping[str, BalanceReport]
    #: EJR up to one project and exact PJR (cost satisfaction) per rule; ``None`` when too large to check (or when
    #: the comparison was asked not to check).
    ejr: Mapping[str, ProportionalityCheck | None]
    pjr: Mapping[str, ProportionalityCheck | None]
    #: The label of the rule the election used (from META), or None, with the reason in ``official_error``.
    official: str | None
    official_error: str | None
    #: What the differences compare against: the official rule if known, else the first rule.
    baseline: str
    #: The baseline against each other rule, in column order.
    differences: tuple[RuleDifference, ...] = field(default=())


def compare(
    election: Election,
    rules: Sequence[RuleSpec] = DEFAULT_RULES,
    group_of: GroupOf | None = None,
    *,
    proportionality: bool = True,
    check_limit: int = DEFAULT_CHECK_LIMIT,
) -> Comparison:
    """Every rule of ``rules`` (and the election's official rule) on the same ballots: allocations, balance reports
    (per group with ``group_of``), EJR up to one and PJR (the cohesive project sets are enumerated once for all
    rules), and the projects funded by only the official rule or only each other rule."""
    if not rules:
        raise ValueError("compare needs at least one rule")
    specs = list(dict.fromkeys(rules))
    official: str | None = None
    official_error: str | None = None
    try:
        spec = official_rule(election)
    except ValueError as error:
        official_error = str(error)
    else:
        if spec not in specs:
            specs.insert(0, spec)
        official = spec.label
    labels = tuple(s.label for s in specs)
    allocations = {s.label: s.allocate(election) for s in specs}
    reports = {label: measure(election, allocations[label], group_of) for label in labels}
    ejr: dict[str, ProportionalityCheck | None] = dict.fromkeys(labels)
    pjr: dict[str, ProportionalityCheck | None] = dict.fromkeys(labels)
    if proportionality:
        prof = _profile(election, check_limit)
        for label in labels:
            ejr[label] = _check("ejr", prof, allocations[label].selected, "one", "cost", check_limit)
            pjr[label] = _check("pjr", prof, allocations[label].selected, None, "cost", check_limit)
    baseline = official or labels[0]
    order = [p.id for p in election.projects]
    differences = []
    for label in labels:
        if label == baseline:
            continue
        base, other = allocations[baseline].selected_set, allocations[label].selected_set
        differences.append(
            RuleDifference(
                baseline=baseline,
                other=label,
                only_baseline=tuple(p for p in order if p in base and p not in other),
                only_other=tuple(p for p in order if p in other and p not in base),
            )
        )
    return Comparison(
        rules=labels,
        specs={s.label: s for s in specs},
        allocations=allocations,
        reports=reports,
        ejr=ejr,
        pjr=pjr,
        official=official,
        official_error=official_error,
        baseline=baseline,
        differences=tuple(differences),
    )
