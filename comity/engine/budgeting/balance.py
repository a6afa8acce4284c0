"""The balance report: for the same ballots, every rule side by side.

* **Public interest**: total and average satisfaction, the share of voters with at least one funded project, the
  Gini coefficient of satisfaction (:func:`measure`).
* **Individual interests**: the same per group of voters (a building, a district, an age band: any
  ``group_of(ballot)``), with the money spent on what the group supports against its proportional share of the
  budget, so who wins and who loses under each rule is visible (:class:`GroupBalance`).
* **Proportionality**: EJR and PJR for approval ballots (:func:`check_ejr`, :func:`check_pjr`), with a witness when
  violated, or ``None`` when the instance is too large to check.
* **Comparison**: :func:`compare` runs the rules, measures each outcome, checks proportionality and lists, for the
  rule the election actually used (:func:`official_rule`, from pabulib's META ``rule``) against each other rule,
  the projects only one of them funds.

Ballots are read as approval, as the rules read them (:attr:`Ballot.supported`). Satisfactions follow pabutools:
*cost satisfaction* (``Cost_Sat``) is the total cost of the funded projects a voter supports, *cardinality
satisfaction* (``Cardinality_Sat``) their number. Every number is exact (``int`` or :class:`~fractions.Fraction`),
the Gini coefficient included.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Literal

from comity.engine.budgeting.model import Ballot, Election
from comity.engine.budgeting.rules import (
    Allocation,
    ProjectExplanation,
    Satisfaction,
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

#: EJR / PJR relaxations, as pabutools' ``up_to_func``: ``None`` exact, ``"one"`` up to one project (the most
#: valuable unfunded project of the set, ``is_EJR_one_approval``), ``"any"`` up to any project (the least valuable).
UpTo = Literal["one", "any"] | None

#: The work budget of the EJR / PJR checks, in steps: one per distinct ballot examined for a project set, plus 10
#: per project set and per node of PJR's group search. 20 million steps take about a second; every shared pabulib
#: file needs under 5 million (Warszawa 2021 Bemowo, 48 projects: 657 affordable sets). Beyond it, ``None``.
DEFAULT_CHECK_LIMIT = 20_000_000


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
# Proportionality: EJR and PJR for approval ballots


@dataclass(frozen=True)
class Witness:
    """An under-represented cohesive group: ``voters`` all support every project of ``projects``, are numerous
    enough to pay for them with their proportional share of the budget, and yet get too little."""

    #: The project set T the group could afford (ids in string order).
    projects: tuple[str, ...]
    #: The group S (voter ids, in ballot order).
    voters: tuple[str, ...]
    #: cost(T).
    cost: int
    #: The smallest group entitled to T: ⌈cost(T) · n / budget⌉ (at least 1).
    required_voters: int
    #: The satisfaction T gives each of them (cost(T) for cost satisfaction, |T| for cardinality).
    deserved: int
    #: EJR: the best-served member's satisfaction with the outcome; PJR: the satisfaction of the funded projects
    #: supported by at least one member.
    received: int
    #: The relaxation's allowance (``up_to``): the value of the most ("one") or least ("any") valuable unfunded
    #: project of T; 0 for the exact axiom. The violation is ``received + allowance < deserved``.
    allowance: int


@dataclass(frozen=True)
class ProportionalityCheck:
    axiom: Literal["ejr", "pjr"]
    up_to: UpTo
    satisfaction: Satisfaction
    satisfied: bool
    #: Set when ``satisfied`` is False.
    witness: Witness | None
    #: The work done, in the steps counted against the limit.
    steps: int


#: The fixed cost of one project set (or one PJR search node) in steps, beside one step per distinct ballot examined:
#: it makes the step count track the running time when few distinct ballots approve each set.
_NODE_COST = 10


class _TooLarge(Exception):
    pass


class _Steps:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.done = 0

    def spend(self, amount: int) -> None:
        self.done += amount
        if self.done > self.limit:
            raise _TooLarge


@dataclass(frozen=True)
class _Node:
    """A project set T (bitmask) with cost(T) · n ≤ |N_T| · budget, and N_T: the distinct ballots approving all
    of T (indices into ``_Profile.masks``) with their total multiplicity."""

    mask: int
    cost: int
    members: tuple[int, ...]
    count: int


@dataclass(frozen=True)
class _Profile:
    ids: tuple[str, ...]
    costs: tuple[int, ...]
    budget: int
    n: int
    #: Distinct non-empty approval sets (bitmasks over ``ids``), their multiplicities and voters.
    masks: tuple[int, ...]
    mult: tuple[int, ...]
    voters: tuple[tuple[str, ...], ...]
    #: The cohesive project sets, or None when enumerating them exceeded the limit.
    nodes: tuple[_Node, ...] | None
    steps: int


def _bits(mask: int) -> Iterator[int]:
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low


def _profile(election: Election, limit: int) -> _Profile:
    ids = tuple(sorted(election.costs))
    index = {p: i for i, p in enumerate(ids)}
    costs = tuple(election.costs[p] for p in ids)
    by_mask: dict[int, list[str]] = {}
    for ballot in election.ballots:
        mask = 0
        for p in ballot.supported:
            i = index.get(p)
            if i is not None:
                mask |= 1 << i
        if mask:
            by_mask.setdefault(mask, []).append(ballot.voter)
    masks = tuple(by_mask)
    mult = tuple(len(by_mask[m]) for m in masks)
    voters = tuple(tuple(by_mask[m]) for m in masks)
    n = len(election.ballots)
    steps = _Steps(limit)
    try:
        nodes: tuple[_Node, ...] | None = tuple(_cohesive_sets(masks, mult, costs, n, election.budget, steps))
    except _TooLarge:
        nodes = None
    return _Profile(ids, costs, election.budget, n, masks, mult, voters, nodes, steps.done)


def _cohesive_sets(
    masks: Sequence[int], mult: Sequence[int], costs: Sequence[int], n: int, budget: int, steps: _Steps
) -> Iterator[_Node]:
    """Every non-empty project set T that some group can afford: cost(T) · n ≤ |N_T| · budget, where N_T are the
    voters approving all of T (only they can form a cohesive group for T, and all of them together are the largest
    such group). Depth-first, adding projects in index order; a set that fails the test is not extended, because
    every superset costs at least as much and has at most the same approvers."""
    approved = [list(_bits(m)) for m in masks]
    stack: list[tuple[int, int, int, tuple[int, ...]]] = [(0, -1, 0, tuple(range(len(masks))))]
    while stack:
        mask, last, cost, members = stack.pop()
        counts: dict[int, int] = {}
        work = 0
        for g in members:
            for p in approved[g]:
                if p > last:
                    counts[p] = counts.get(p, 0) + mult[g]
            work += len(approved[g])
        steps.spend(work + _NODE_COST)
        for p in sorted(counts, reverse=True):
            child_cost = cost + costs[p]
            if child_cost * n <= counts[p] * budget:
                bit = 1 << p
                child = tuple(g for g in members if masks[g] & bit)
                steps.spend(len(members) + _NODE_COST)
                yield _Node(mask | bit, child_cost, child, counts[p])
                stack.append((mask | bit, p, child_cost, child))


def _weights(prof: _Profile, satisfaction: Satisfaction) -> tuple[int, ...]:
    return prof.costs if satisfaction == "cost" else (1,) * len(prof.costs)


def _mask_of(prof: _Profile, selected: Iterable[str]) -> int:
    index = {p: i for i, p in enumerate(prof.ids)}
    mask = 0
    for p in selected:
        if p not in index:
            raise ValueError(f"unknown project selected: {p}")
        mask |= 1 << index[p]
    return mask


def _weight(mask: int, weights: Sequence[int]) -> int:
    return sum(weights[i] for i in _bits(mask))


def _allowance(unfunded: int, weights: Sequence[int], up_to: UpTo) -> int:
    if up_to is None or not unfunded:
        return 0
    values = [weights[i] for i in _bits(unfunded)]
    return max(values) if up_to == "one" else min(values)


def _required(prof: _Profile, cost: int) -> int:
    if prof.budget <= 0:
        return 1
    return max(1, -(-cost * prof.n // prof.budget))


def _ejr(
    prof: _Profile, nodes: Sequence[_Node], chosen: int, weights: Sequence[int], up_to: UpTo, steps: _Steps
) -> Witness | None:
    sat = [_weight(m & chosen, weights) for m in prof.masks]
    for node in nodes:
        unfunded = node.mask & ~chosen
        if not unfunded:
            continue  # every approver of T already gets at least w(T)
        deserved = _weight(node.mask, weights)
        allowance = _allowance(unfunded, weights, up_to)
        steps.spend(len(node.members))
        short = [g for g in node.members if sat[g] + allowance < deserved]
        count = sum(prof.mult[g] for g in short)
        if count and node.cost * prof.n <= count * prof.budget:
            return Witness(
                projects=tuple(prof.ids[i] for i in _bits(node.mask)),
                voters=tuple(v for g in sorted(short) for v in prof.voters[g]),
                cost=node.cost,
                required_voters=_required(prof, node.cost),
                deserved=deserved,
                received=max(sat[g] for g in short),
                allowance=allowance,
            )
    return None


def _pjr(
    prof: _Profile, nodes: Sequence[_Node], chosen: int, weights: Sequence[int], up_to: UpTo, steps: _Steps
) -> Witness | None:
    funded = [m & chosen for m in prof.masks]
    sat = [_weight(m, weights) for m in funded]
    weight_cache: dict[int, int] = {}

    def weight(mask: int) -> int:
        w = weight_cache.get(mask)
        if w is None:
            w = weight_cache[mask] = _weight(mask, weights)
        return w

    for node in nodes:
        unfunded = node.mask & ~chosen
        if not unfunded:
            continue
        deserved = _weight(node.mask, weights)
        bound = deserved - _allowance(
            unfunded, weights, up_to
        )  # the group's funded satisfaction must be < bound
        need = _required(prof, node.cost)
        steps.spend(len(node.members))
        # Only voters whose own funded satisfaction is below the bound can be in a violating group; group them by
        # the funded projects they support. A violating group is a set of such classes whose union stays below the
        # bound and that holds at least `need` voters.
        classes: dict[int, int] = {}
        for g in node.members:
            if sat[g] < bound:
                classes[funded[g]] = classes.get(funded[g], 0) + prof.mult[g]
        if sum(classes.values()) < need:
            continue
        found = _pjr_group(sorted(classes.items(), key=lambda kv: -kv[1]), bound, need, weight, steps)
        if found is not None:
            union, members = found
            voters = tuple(
                v for g in node.members if sat[g] < bound and funded[g] in members for v in prof.voters[g]
            )
            return Witness(
                projects=tuple(prof.ids[i] for i in _bits(node.mask)),
                voters=voters,
                cost=node.cost,
                required_voters=need,
                deserved=deserved,
                received=weight(union),
                allowance=deserved - bound,
            )
    return None


def _pjr_group(
    classes: Sequence[tuple[int, int]],
    bound: int,
    need: int,
    weight: Callable[[int], int],
    steps: _Steps,
) -> tuple[int, frozenset[int]] | None:
    """A set of classes (funded-project masks with voter counts, largest first) whose union weighs less than
    ``bound`` and whose counts add up to at least ``need``: depth-first, include-or-skip, pruned when even every
    remaining class could not reach ``need``."""
    suffix = [0] * (len(classes) + 1)
    for i in range(len(classes) - 1, -1, -1):
        suffix[i] = suffix[i + 1] + classes[i][1]
    stack: list[tuple[int, int, int, frozenset[int]]] = [(0, 0, 0, frozenset())]
    while stack:
        i, union, count, members = stack.pop()
        steps.spend(_NODE_COST)
        if count >= need:
            return union, members
        if i == len(classes) or count + suffix[i] < need:
            continue
        mask, size = classes[i]
        stack.append((i + 1, union, count, members))  # skip class i (explored after including it)
        wider = union | mask
        if weight(wider) < bound:
            stack.append((i + 1, wider, count + size, members | {mask}))
    return None


def _check(
    axiom: Literal["ejr", "pjr"],
    prof: _Profile,
    selected: Iterable[str],
    up_to: UpTo,
    satisfaction: Satisfaction,
    limit: int,
) -> ProportionalityCheck | None:
    if prof.nodes is None:
        return None
    chosen = _mask_of(prof, selected)
    weights = _weights(prof, satisfaction)
    steps = _Steps(max(limit - prof.steps, 0))
    try:
        search = _ejr if axiom == "ejr" else _pjr
        witness = search(prof, prof.nodes, chosen, weights, up_to, steps)
    except _TooLarge:
        return None
    return ProportionalityCheck(
        axiom=axiom,
        up_to=up_to,
        satisfaction=satisfaction,
        satisfied=witness is None,
        witness=witness,
        steps=prof.steps + steps.done,
    )


def check_ejr(
    election: Election,
    selected: Iterable[str],
    *,
    up_to: UpTo = "one",
    satisfaction: Satisfaction = "cost",
    limit: int = DEFAULT_CHECK_LIMIT,
) -> ProportionalityCheck | None:
    """Extended justified representation of the funded projects ``selected``, as pabutools' ``is_EJR_approval``
    (``up_to="one"``: ``is_EJR_one_approval``, the default, which MES with cost satisfaction guarantees;
    ``"any"``: ``is_EJR_any_approval``; ``None``: exact EJR).

    A group S of voters is *cohesive* for a non-empty project set T when all of S approve all of T and
    ``cost(T) · n ≤ |S| · budget``. EJR fails when some cohesive (S, T) has every member of S getting less than T
    would give them: ``sat_i(W) + allowance < sat_i(T)`` for all i in S.

    Algorithm: for a given T, the members who get too little can be tested one by one, so the best S is all the
    short-changed approvers of T; only T needs enumerating, and only the T some group can afford (a T that even all
    its approvers cannot afford has no affordable superset). Cost: O(Σ over affordable T of the distinct ballots
    approving T) — instead of pabutools' 2^voters × 2^projects. Returns ``None`` when the work exceeds ``limit``
    steps (:data:`DEFAULT_CHECK_LIMIT`): many cheap projects that large groups all approve.
    """
    return _check("ejr", _profile(election, limit), selected, up_to, satisfaction, limit)


def check_pjr(
    election: Election,
    selected: Iterable[str],
    *,
    up_to: UpTo = None,
    satisfaction: Satisfaction = "cost",
    limit: int = DEFAULT_CHECK_LIMIT,
) -> ProportionalityCheck | None:
    """Proportional justified representation, as pabutools' ``is_PJR_approval`` (``up_to`` as for
    :func:`check_ejr`; exact by default): PJR fails when some cohesive (S, T) has the funded projects supported by
    *at least one* member of S worth less than T: ``sat(W ∩ ∪ᵢ Aᵢ) + allowance < sat(T)``.

    Algorithm: the same enumeration of affordable T as :func:`check_ejr`; for each, the candidate members are the
    approvers of T whose own funded projects are worth less than T, grouped by which funded projects they
    support, and a depth-first search looks for classes whose union stays below the bound and that hold at least
    ⌈cost(T) · n / budget⌉ voters (pruned by the voters left). ``None`` beyond ``limit`` steps.
    """
    return _check("pjr", _profile(election, limit), selected, up_to, satisfaction, limit)


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
