"""Proportionality of an outcome on approval ballots: extended and proportional justified representation (EJR,
PJR), exactly, with a witness when violated — as pabutools' ``analysis/justifiedrepresentation.py``, on the same
definitions, but enumerating only the project sets some group can afford (:func:`check_ejr`, :func:`check_pjr`).

Ballots are read as approval, as the rules read them (:attr:`Ballot.supported`); satisfactions follow pabutools
(*cost* or *cardinality*). The measures of an outcome (satisfaction, Gini, groups) and the comparison of rules are
in :mod:`comity.engine.budgeting.balance`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

from comity.engine.budgeting.model import Election
from comity.engine.budgeting.rules import Satisfaction

__all__ = [
    "DEFAULT_CHECK_LIMIT",
    "ProportionalityCheck",
    "UpTo",
    "Witness",
    "check_ejr",
    "check_pjr",
]

#: EJR / PJR relaxations, as pabutools' ``up_to_func``: ``None`` exact, ``"one"`` up to one project (the most
#: valuable unfunded project of the set, ``is_EJR_one_approval``), ``"any"`` up to any project (the least valuable).
UpTo = Literal["one", "any"] | None

#: The work budget of the EJR / PJR checks, in steps: one per distinct ballot examined for a project set, plus 10
#: per project set and per node of PJR's group search. 20 million steps take about a second; every shared pabulib
#: file needs under 5 million (Warszawa 2021 Bemowo, 48 projects: 657 affordable sets). Beyond it, ``None``.
DEFAULT_CHECK_LIMIT = 20_000_000


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
