"""Allocation rules for participatory budgeting: greedy, the Method of Equal Shares (MES), MES with Add1, and
sequential Phragmén.

Every rule is a pure function of an :class:`~comity.engine.budgeting.model.Election` and returns an
:class:`Allocation`. The semantics follow pabutools (the oracle of the golden tests) exactly:

* ballots are read as **approval** ballots: for cumulative, scoring and ordinal elections ``Ballot.supported`` (every
  project the ballot gives anything to) is taken as the approval set — a deliberate simplification for now;
* ties are broken lexicographically by project id (Python string order, pabutools' default ``lexico_tie_breaking``:
  ``"10"`` comes before ``"2"``);
* every amount is an integer in units of ``1 / Election.unit`` of the currency (whole złoty or yuan, or grosze and fen
  when a file has them: the reader scales every amount by the same power of ten, which changes no decision of
  pabutools' exact rationals); every number in an outcome or explanation is exact (``int`` and
  :class:`~fractions.Fraction`) in those units, and so is every decision: MES (:mod:`comity.engine.budgeting._fastmes`) takes a decision in floating point only when a rigorous
  error bound shows that exact arithmetic would take the same one, and exactly otherwise.

Identical ballots are aggregated (one group per approval set, with its multiplicity) before any computation, so the
cost of a rule grows with the number of distinct ballots, not of voters.

Explanations are numbers, never sentences: the application words them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import chain
from typing import Literal

import numpy as np

from comity.engine.budgeting import _fastmes
from comity.engine.budgeting._fastmes import Incidence
from comity.engine.budgeting.model import Election

GreedyVariant = Literal["skip", "no-skip", "threshold"]
Satisfaction = Literal["cost", "cardinality"]

#: Why a project was not funded (``ProjectExplanation.reason``).
#: ``"did-not-fit"`` — greedy or completion: its cost exceeded the money left (``money_left``);
#: ``"stopped"`` — greedy no-skip / Phragmén stopped before reaching it;
#: ``"below-threshold"`` — greedy threshold: fewer votes than the threshold;
#: ``"no-supporters"`` — MES: nobody supports it;
#: ``"supporters-short"`` — MES: its supporters' remaining money falls short of its cost by ``shortfall``;
#: ``"over-budget"`` — Phragmén: the project alone costs more than the budget.
Reason = Literal[
    "did-not-fit", "stopped", "below-threshold", "no-supporters", "supporters-short", "over-budget"
]


@dataclass(frozen=True)
class ProjectExplanation:
    """What happened to one project. Only the fields relevant to the rule and outcome are set."""

    project: str
    cost: int
    votes: int
    selected: bool
    #: 1-based position in the selection order (selected projects only).
    position: int | None = None
    #: Which stage funded it: ``"greedy"``, ``"mes"``, ``"completion"``, ``"phragmen"``.
    stage: str | None = None
    reason: Reason | None = None
    #: Greedy: the money left just before the project was considered (just before it was funded, if it was).
    money_left: int | None = None
    #: MES: ρ, the maximum payment per unit of satisfaction (for Cost satisfaction, per unit of cost).
    rho: Fraction | None = None
    #: MES: the maximum payment of one supporter (ρ × the supporter's satisfaction).
    payment: Fraction | None = None
    #: MES: how many supporters paid that full payment, and how many paid all the money they had left (less).
    full_payers: int | None = None
    capped_payers: int | None = None
    #: MES, not funded: the supporters' remaining money at the end, and the shortfall ``cost - that``.
    supporters_money: Fraction | None = None
    shortfall: Fraction | None = None
    #: Phragmén: the supporters' load once the project was funded.
    load: Fraction | None = None


@dataclass(frozen=True)
class Allocation:
    rule: str
    budget: int
    #: Selected project ids in selection order.
    selected: tuple[str, ...]
    cost: int
    explanations: Mapping[str, ProjectExplanation] = field(default_factory=dict)
    #: MES: each voter's (virtual) budget in the final run (for Add1, ``budget / n + k``).
    voter_budget: Fraction | None = None
    #: Add1: the number of one-unit increments of each voter's budget in the kept run.
    increments: int | None = None
    #: The election's :attr:`~comity.engine.budgeting.model.Election.unit`: amounts are in ``1 / unit`` of the
    #: currency.
    unit: int = 1

    @property
    def selected_set(self) -> frozenset[str]:
        return frozenset(self.selected)

    @property
    def money_left(self) -> int:
        return self.budget - self.cost


# ----------------------------------------------------------------------------------------------------------------
# Shared preparation


@dataclass(frozen=True)
class _Prepared:
    costs: dict[str, int]
    #: project → list of (group index) of the groups approving it.
    supporters: dict[str, list[int]]
    #: group multiplicities, aligned with the group indices.
    mult: list[int]
    votes: dict[str, int]
    n_voters: int
    #: The same supporters as numpy arrays, projects in id order (shared by every MES run).
    incidence: Incidence


def _prepare(election: Election) -> _Prepared:
    costs = election.costs
    ids = sorted(costs)
    index = {p: i for i, p in enumerate(ids)}
    # Count identical ballots first (frozensets hash once), then restrict them to the election's projects.
    raw = Counter(b.approved if not (b.points or b.ranking) else b.supported for b in election.ballots)
    groups: dict[tuple[int, ...], int] = {}
    for approved, m in raw.items():
        key = tuple(sorted(index[p] for p in approved if p in index))
        groups[key] = groups.get(key, 0) + m
    # Groups in the order of their sorted approval sets (index order is id order).
    keys = sorted(groups)
    mult = [groups[key] for key in keys]
    lengths = np.fromiter(map(len, keys), dtype=np.intp, count=len(keys))
    flat = np.fromiter(chain.from_iterable(keys), dtype=np.intp, count=int(lengths.sum()))
    group_of = np.repeat(np.arange(len(keys), dtype=np.intp), lengths)
    by_project = group_of[np.argsort(flat, kind="stable")]  # stable: each project's groups stay in order
    ptr = np.zeros(len(ids) + 1, dtype=np.int64)
    np.cumsum(np.bincount(flat, minlength=len(ids)), out=ptr[1:])
    mult_array = np.asarray(mult, dtype=np.int64)
    weights = mult_array[by_project].astype(np.float64)
    tally = np.zeros(len(ids), dtype=np.int64)
    np.add.at(tally, flat, mult_array[group_of])
    vote_counts = tally.tolist()
    members = [by_project[ptr[i] : ptr[i + 1]].tolist() for i in range(len(ids))]
    incidence = Incidence(
        ids=tuple(ids),
        costs=tuple(costs[p] for p in ids),
        votes=tuple(vote_counts),
        ptr=ptr,
        groups=by_project,
        weights=weights,
        n_groups=len(keys),
    )
    supporters = {p: members[index[p]] for p in costs}
    votes = {p: vote_counts[index[p]] for p in costs}
    return _Prepared(costs, supporters, mult, votes, len(election.ballots), incidence)


def _greedy_order(prep: _Prepared, projects: Iterable[str]) -> list[str]:
    """pabutools' additive greedy order for Cost satisfaction: by satisfaction density (votes; ∞ for a supported
    free project; 0 for an unsupported one) descending, ties by id."""

    def key(p: str) -> tuple[int, int, str]:
        v = prep.votes[p]
        if v > 0 and prep.costs[p] == 0:
            return (0, 0, p)
        return (1, -v, p)

    return sorted(projects, key=key)


def _greedy_fill(
    prep: _Prepared,
    candidates: Iterable[str],
    money: int,
    *,
    stop_at_first_misfit: bool = False,
    threshold: int | None = None,
    stage: str = "greedy",
) -> tuple[list[str], int, dict[str, dict[str, object]]]:
    selected: list[str] = []
    notes: dict[str, dict[str, object]] = {}
    stopped = False
    for p in _greedy_order(prep, candidates):
        if stopped:
            notes[p] = {"reason": "stopped", "money_left": money}
            continue
        if threshold is not None and prep.votes[p] < threshold:
            notes[p] = {"reason": "below-threshold", "money_left": money}
            continue
        if prep.costs[p] <= money:
            selected.append(p)
            notes[p] = {"stage": stage, "money_left": money}
            money -= prep.costs[p]
        else:
            notes[p] = {"reason": "did-not-fit", "money_left": money}
            if stop_at_first_misfit:
                stopped = True
    return selected, money, notes


def _explain(
    rule: str,
    election: Election,
    prep: _Prepared,
    selected: list[str],
    notes: Mapping[str, Mapping[str, object]],
    **extra: object,
) -> Allocation:
    position = {p: i + 1 for i, p in enumerate(selected)}
    explanations = {
        p: ProjectExplanation(
            project=p,
            cost=prep.costs[p],
            votes=prep.votes[p],
            selected=p in position,
            position=position.get(p),
            **notes.get(p, {}),  # type: ignore[arg-type]
        )
        for p in prep.costs
    }
    cost = sum(prep.costs[p] for p in selected)
    return Allocation(
        rule=rule,
        budget=election.budget,
        selected=tuple(selected),
        cost=cost,
        explanations=explanations,
        unit=election.unit,
        **extra,  # type: ignore[arg-type]
    )


# ----------------------------------------------------------------------------------------------------------------
# Greedy


def greedy(election: Election, *, variant: GreedyVariant = "skip", threshold: int = 0) -> Allocation:
    """The classic city rule: projects by number of votes (ties by id), each funded if it still fits.

    ``"skip"`` passes over projects that do not fit and goes on (pabutools' ``greedy_utilitarian_welfare`` with
    ``Cost_Sat``); ``"no-skip"`` stops at the first that does not fit; ``"threshold"`` is ``"skip"`` restricted to
    projects with at least ``threshold`` votes. As in pabutools, unsupported projects come last and are funded if they
    fit (the threshold variant with ``threshold >= 1`` excludes them).
    """
    prep = _prepare(election)
    selected, _, notes = _greedy_fill(
        prep,
        prep.costs,
        election.budget,
        stop_at_first_misfit=variant == "no-skip",
        threshold=threshold if variant == "threshold" else None,
    )
    return _explain(f"greedy-{variant}", election, prep, selected, notes)


# ----------------------------------------------------------------------------------------------------------------
# Method of Equal Shares


@dataclass
class _MesRun:
    selected: list[str]
    cost: int
    notes: dict[str, dict[str, object]]
    aborted: bool = False


def _mes_run(
    prep: _Prepared,
    voter_budget: Fraction,
    satisfaction: Satisfaction,
    *,
    abort_above: int | None = None,
    explain: bool = True,
) -> _MesRun:
    """One run of MES with every voter's budget ``voter_budget``. With ``abort_above``, the run stops as soon as the
    selection costs more than that (its outcome is then only known to be infeasible). Without ``explain``, only the
    selection and its cost are computed (the notes of selected projects then lack ρ and the payment).

    The rounds run in :mod:`comity.engine.budgeting._fastmes`: numpy over ballot groups, every decision exact."""
    inc = prep.incidence
    selected: list[str] = []
    notes: dict[str, dict[str, object]] = {}
    # Supported free projects are funded first (pabutools adds them to the initial allocation).
    candidates: list[int] = []
    for j, p in enumerate(inc.ids):
        if inc.votes[j] == 0:
            notes[p] = {"reason": "no-supporters"}
        elif inc.costs[j] == 0:
            selected.append(p)
            notes[p] = {"stage": "mes"}
        else:
            candidates.append(j)
    sats = [c if satisfaction == "cost" else 1 for c in inc.costs]
    mes, result = _fastmes.run(inc, voter_budget, candidates, sats, abort_above=abort_above)
    for r, funded in enumerate(result.rounds):
        p = inc.ids[funded.project]
        selected.append(p)
        note: dict[str, object] = {"stage": "mes"}
        if explain:
            payment = mes.payment(r)
            note.update(rho=payment / sats[funded.project], payment=payment)
        note.update(full_payers=funded.full_payers, capped_payers=funded.capped_payers)
        notes[p] = note
    if result.aborted:
        return _MesRun(selected, result.cost, notes, aborted=True)
    if explain:
        for j in candidates:
            p = inc.ids[j]
            if p not in notes:
                levels, counts = mes.supporter_levels(j)
                money = mes.exact_sum(levels, counts.astype(np.int64))
                notes[p] = {
                    "reason": "supporters-short",
                    "supporters_money": money,
                    "shortfall": inc.costs[j] - money,
                }
    return _MesRun(selected, result.cost, notes)


def equal_shares(
    election: Election, *, satisfaction: Satisfaction = "cost", budget: int | Fraction | None = None
) -> Allocation:
    """The Method of Equal Shares: each voter gets ``budget / n`` (``budget`` defaults to the election's); the project
    with the smallest ρ (the maximum payment per unit of satisfaction when its supporters share its cost as equally as
    their remaining money allows) is funded next, ties by id; stop when no project is affordable by its supporters.

    pabutools' ``method_of_equal_shares`` with ``Cost_Sat`` (``satisfaction="cost"``) or ``Cardinality_Sat``.
    No completion: the outcome is usually not exhaustive.
    """
    prep = _prepare(election)
    if prep.n_voters == 0:
        return _explain(f"mes-{satisfaction}", election, prep, [], {})
    total = election.budget if budget is None else budget
    voter_budget = Fraction(total) / prep.n_voters
    run = _mes_run(prep, voter_budget, satisfaction)
    return _explain(f"mes-{satisfaction}", election, prep, run.selected, run.notes, voter_budget=voter_budget)


def equal_shares_add1(
    election: Election,
    *,
    satisfaction: Satisfaction = "cost",
    completion: Literal["greedy"] | None = "greedy",
) -> Allocation:
    """MES with Add1, as equalshares.net runs it: raise every voter's budget by one currency unit (``unit`` of the
    election's integer amounts; the virtual budget by ``n`` of them) per step while the outcome stays within the real
    budget, keep the last outcome that does, then
    (``completion="greedy"``) fund the remaining projects greedily by votes (skip) with the money left.

    pabutools: ``exhaustion_by_budget_increase(inst, prof, method_of_equal_shares, {"sat_class": Cost_Sat},
    budget_step=n, exhaustive_stop=False)``, then ``greedy_utilitarian_welfare(Cost_Sat)`` from that allocation (as
    ``completion_by_rule_combination``). Like pabutools, the increments stop once the virtual budget exceeds
    ``budget × (n + 1)``, i.e. after ``⌊budget⌋`` steps of one currency unit (a budget of 740793.05 allows 740793);
    if even the first run overspends, the MES part is empty.
    """
    prep = _prepare(election)
    n = prep.n_voters
    rule = f"mes-{satisfaction}-add1" + ("-greedy" if completion else "")
    if n == 0:
        return _explain(rule, election, prep, [], {})
    real = election.budget
    step = election.unit  # one currency unit per voter
    base = Fraction(real, n)
    supported_cost = sum(c for p, c in prep.costs.items() if prep.votes[p] > 0)
    kept: _MesRun | None = None
    kept_k: int | None = None
    k_max = real // step  # pabutools stops once budget + k·n > budget·(n + 1), i.e. k > budget
    if supported_cost <= real:
        # Nothing can ever overspend: pabutools runs up to k_max, where every voter can pay for everything.
        kept_k = k_max
        kept = _mes_run(prep, base + k_max * step, satisfaction)
    else:
        # The steps only need each outcome's cost; the kept one is run again with its explanations.
        k = 0
        while k <= k_max:
            run = _mes_run(prep, base + k * step, satisfaction, abort_above=real, explain=False)
            if run.aborted or run.cost > real:
                break
            kept_k = k
            k += 1
            if Fraction(base + k * step) >= supported_cost:
                # Every voter alone can pay for everything: the outcome would be all supported projects (overspend).
                break
        if kept_k is not None:
            kept = _mes_run(prep, base + kept_k * step, satisfaction)
    selected = list(kept.selected) if kept else []
    notes: dict[str, dict[str, object]] = dict(kept.notes) if kept else {}
    if completion == "greedy":
        money = real - sum(prep.costs[p] for p in selected)
        chosen = set(selected)
        extra, _, greedy_notes = _greedy_fill(
            prep, [p for p in prep.costs if p not in chosen], money, stage="completion"
        )
        selected += extra
        for p, note in greedy_notes.items():
            merged = dict(notes.get(p, {}))
            if p in extra:
                merged.pop("reason", None)
                merged.pop("supporters_money", None)
                merged.pop("shortfall", None)
            merged.update(note)
            notes[p] = merged
    return _explain(
        rule,
        election,
        prep,
        selected,
        notes,
        voter_budget=(base + kept_k * step) if kept_k is not None else None,
        increments=kept_k,
    )


# ----------------------------------------------------------------------------------------------------------------
# Sequential Phragmén


def sequential_phragmen(election: Election) -> Allocation:
    """Sequential Phragmén (pabutools' ``sequential_phragmen``, resolute): voters earn money continuously; the project
    whose supporters could first pay for it — the smallest new maximum load ``(Σ supporters' loads + cost) / votes`` —
    is funded next, its supporters' loads all set to that value; ties by id. It **stops** (it does not skip) as soon
    as one of the projects tied for the smallest load does not fit in the budget. Projects costing more than the
    budget are never considered; unsupported projects (infinite load) come last.
    """
    prep = _prepare(election)
    mult = prep.mult
    # Groups sharing a load share a level: exact arithmetic once per level, not once per ballot group.
    level_load: list[Fraction] = [Fraction(0)]
    level = [0] * len(mult)
    projects = {p for p, c in prep.costs.items() if c <= election.budget}
    notes: dict[str, dict[str, object]] = {
        p: {"reason": "over-budget"} for p in prep.costs if p not in projects
    }
    selected: list[str] = []
    cost = 0
    while projects:
        best: Fraction | None = None
        tied: list[str] = []
        infinite: list[str] = []
        for p in projects:
            v = prep.votes[p]
            if v == 0:
                infinite.append(p)
                continue
            counts: dict[int, int] = {}
            for g in prep.supporters[p]:
                counts[level[g]] = counts.get(level[g], 0) + mult[g]
            load = (sum((level_load[lv] * m for lv, m in counts.items()), Fraction(0)) + prep.costs[p]) / v
            if best is None or load < best:
                best, tied = load, [p]
            elif load == best:
                tied.append(p)
        if best is None:
            tied = infinite
        if any(cost + prep.costs[p] > election.budget for p in tied):
            break
        chosen = min(tied)
        if best is not None:
            level_load.append(best)
            for g in prep.supporters[chosen]:
                level[g] = len(level_load) - 1
        selected.append(chosen)
        notes[chosen] = {"stage": "phragmen", "load": best}
        cost += prep.costs[chosen]
        projects.discard(chosen)
    for p in projects:
        notes[p] = {"reason": "stopped"}
    return _explain("phragmen", election, prep, selected, notes)
