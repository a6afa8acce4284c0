"""The Method of Equal Shares core: numpy over ballot groups, exact rationals only where they decide something.

Ballot groups (identical approval sets) share a *level* when they hold the same money because of the same history.
Level 1 holds ``B``, every voter's budget; level 0 holds nothing. When a project is funded, every level among its
full payers gets a child level holding its money minus the payment, and its capped payers (who pay all they have)
move to level 0. So a level's money is always

    V(level) = B − Σ Q_r over the rounds r whose full payment is on its path from level 1,

where Q_r is the exact payment of round r. Groups move between levels as one vectorised remap; a project's
supporters counted per level are one ``np.bincount``.

Every decision is taken in floating point **only when a rigorous error bound shows that exact arithmetic would take
the same one**; otherwise it is taken exactly:

* every level's float value is within a global bound ``err`` of its exact value (``err`` grows by each round's
  payment error and one rounding);
* a project's payment is found on its levels sorted by float value: the split between capped and full payers is
  accepted if the float payment lies between the richest capped and the poorest full payer's money by more than its
  error bound plus ``err``; if not (or if affordability is not clear-cut), the payment is recomputed from exact
  level values;
* the project with the smallest ρ wins; every project whose float ρ could be within error of the best is compared
  exactly, and exact ties go to the lower id, as in pabutools;
* lower bounds on ρ (ρ never decreases, because money only decreases) let most projects go unevaluated in a round,
  with the same margins;
* a funded project's payment is made exact whenever its error bound exceeds ``_EXACT_ABOVE`` of the voter budget
  (always when nobody is capped: it is then cost / payers), so errors never compound from round to round.

Exact values come from the levels' paths (a 0/1 matrix of levels × rounds): ``Σ count·V`` over any set of levels is
``B·Σ count − Σ_r Q_r·N_r`` with ``N_r`` the integer counts whose path contains round r (one integer matrix product).
Exact payments are kept as integers over one common denominator, so an exact sum is one multiply-add per round, with
no rational normalisation; they are computed lazily, only when a decision or an explanation needs them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
from numpy.typing import NDArray

#: Twice the unit roundoff of float64: every float error bound below is computed with it, and then doubled.
_U = 2.0**-52
#: A funded project's float payment is replaced by its exact value when its error bound exceeds this share of the
#: voter budget.
_EXACT_ABOVE = 1e-9


@dataclass(frozen=True)
class Incidence:
    """Supporters of each project as CSR arrays over ballot groups (projects indexed in ``ids`` order)."""

    ids: tuple[str, ...]
    costs: tuple[int, ...]
    votes: tuple[int, ...]
    ptr: NDArray[np.int64]
    groups: NDArray[np.intp]
    weights: NDArray[np.float64]
    n_groups: int


@dataclass
class FundedRound:
    project: int
    #: The exact payment, when an exact evaluation found it.
    exact: Fraction | None
    full_payers: int
    capped_payers: int
    capped_levels: NDArray[np.intp]
    capped_counts: NDArray[np.int64]


@dataclass
class RunResult:
    selected: list[int] = field(default_factory=list)
    rounds: list[FundedRound] = field(default_factory=list)
    cost: int = 0
    aborted: bool = False


@dataclass
class _Evaluation:
    project: int
    q: float
    #: Bound on |q − exact payment|.
    error: float
    #: The project's levels sorted by money; the first ``split`` are capped payers.
    levels: NDArray[np.intp]
    counts: NDArray[np.float64]
    split: int
    exact: Fraction | None = None


class MesRun:
    """One run of MES with every voter holding ``voter_budget``, over the given candidate projects."""

    def __init__(self, inc: Incidence, voter_budget: Fraction, sats: list[int], max_rounds: int) -> None:
        self.inc = inc
        self.budget = voter_budget
        self.budget_f = float(voter_budget)
        self.sats = sats
        capacity = inc.n_groups + 2  # grows if needed
        self.values = np.empty(capacity, dtype=np.float64)
        self.remap = np.zeros(capacity, dtype=np.intp)
        #: paid[level, r] = 1 if the level's money is net of round r's full payment (its path to the root).
        #: (Columns grow with the rounds, up to the number of candidates.)
        self.max_rounds = max(max_rounds, 1)
        self.paid = np.zeros((capacity, min(self.max_rounds, 32)), dtype=np.uint8)
        self.values[0], self.values[1] = 0.0, self.budget_f
        self.n_levels = 2
        self.level = np.ones(inc.n_groups, dtype=np.intp)
        self.rounds: list[FundedRound] = []
        self.err = _U * abs(self.budget_f)
        self.exact_values: dict[int, Fraction] = {0: Fraction(0), 1: voter_budget}
        self.den = voter_budget.denominator
        self.b_num = voter_budget.numerator
        self.num: list[int | None] = []

    # -- exact values --------------------------------------------------------------------------------------------
    #
    # Exact payments are integers over one common denominator ``den`` (``B = b_num / den``, ``Q_r = num[r] / den``):
    # exact sums are then integer multiply-adds, with no normalisation. ``den`` grows by the reduced divisor of each
    # payment computed, and every stored numerator is rescaled with it.

    def _grow(self, factor: int) -> None:
        if factor != 1:
            self.den *= factor
            self.b_num *= factor
            self.num = [None if a is None else a * factor for a in self.num]

    def _ensure(self, r: int) -> int:
        """The exact payment of round ``r`` as a numerator over ``den`` (computing it if needed).

        Earlier rounds are computed first, in order, so that no computation recurses more than one level deep."""
        a = self.num[r]
        if a is not None:
            return a
        for s in range(r + 1):
            if self.num[s] is None:
                self._compute(s)
        a = self.num[r]
        assert a is not None
        return a

    def _compute(self, r: int) -> None:
        fr = self.rounds[r]
        if fr.exact is not None:
            d = fr.exact.denominator
            self._grow(d // math.gcd(self.den, d))
            a = fr.exact.numerator * (self.den // d)
        else:
            capped = self.exact_sum_num(fr.capped_levels, fr.capped_counts)  # rounds < r only: all known
            # Q = (cost − capped / den) / F = (cost·den − capped) / (den·F)
            top = self.inc.costs[fr.project] * self.den - capped
            g = math.gcd(top, fr.full_payers)
            self._grow(fr.full_payers // g)
            a = top // g
        self.num[r] = a

    def payment(self, r: int) -> Fraction:
        """The exact payment of round ``r``."""
        a = self._ensure(r)
        return Fraction(a, self.den)

    def exact_sum_num(self, levels: NDArray[np.intp], counts: NDArray[np.int64]) -> int:
        """Σ count · V(level) × ``den`` (levels distinct), exactly; ``den`` as it is on return."""
        if len(levels) == 0:
            return 0
        counts = np.where(levels == 0, 0, counts)  # level 0 holds nothing
        total = int(counts.sum())
        if total == 0:
            return 0
        per_round = counts @ self.paid[levels, : len(self.rounds)]
        rounds = (per_round != 0).nonzero()[0].tolist()
        for r in rounds:
            self._ensure(r)  # may grow den: sum only once every payment is over the final one
        result = self.b_num * total
        for r in rounds:
            a = self.num[r]
            assert a is not None
            result -= a * int(per_round[r])
        return result

    def exact_sum(self, levels: NDArray[np.intp], counts: NDArray[np.int64]) -> Fraction:
        """Σ count · V(level), exactly (levels distinct)."""
        total = self.exact_sum_num(levels, counts)
        return Fraction(total, self.den)

    def exact_value(self, level: int) -> Fraction:
        value = self.exact_values.get(level)
        if value is None:
            value = self.exact_sum(np.array([level], dtype=np.intp), np.ones(1, dtype=np.int64))
            self.exact_values[level] = value
        return value

    # -- evaluation ----------------------------------------------------------------------------------------------

    def supporter_levels(self, j: int) -> tuple[NDArray[np.intp], NDArray[np.float64]]:
        inc = self.inc
        start, end = inc.ptr[j], inc.ptr[j + 1]
        counts: NDArray[np.float64] = np.bincount(
            self.level[inc.groups[start:end]], weights=inc.weights[start:end]
        ).astype(np.float64, copy=False)
        levels = (counts != 0).nonzero()[0]  # a boolean mask's nonzero() is much faster than a float array's
        return levels, counts[levels]

    def evaluate(self, j: int) -> _Evaluation | None:
        """The payment of project ``j`` now, or None if its supporters cannot afford it."""
        levels, counts = self.supporter_levels(j)
        values = self.values[levels]
        order = np.argsort(values, kind="stable")
        levels, counts, values = levels[order], counts[order], values[order]
        cost = self.inc.costs[j]
        err = self.err
        weighted = counts * values
        cum = np.cumsum(weighted)
        total = float(cum[-1])
        n_total = float(counts.sum())
        bound = n_total * err + (len(levels) + 2) * _U * (abs(total) + cost)
        if cost - total > 2 * bound:
            return None  # certainly unaffordable
        before = np.empty_like(cum)
        before[0] = 0.0
        before[1:] = cum[:-1]
        n_before = np.empty_like(counts)
        n_before[0] = 0.0
        np.cumsum(counts[:-1], out=n_before[1:])
        q = (cost - before) / (n_total - n_before)
        ok = q <= values
        i = int(np.argmax(ok))
        if ok[i]:
            qi = float(q[i])
            e = 2 * (
                (n_before[i] * err + (i + 2) * _U * (abs(before[i]) + cost)) / (n_total - n_before[i])
                + _U * abs(qi)
            )
            margin = e + err
            if values[i] - qi > margin and (i == 0 or qi - values[i - 1] > margin):
                return _Evaluation(j, qi, e, levels, counts, i)
        return self._evaluate_exactly(j, levels, counts)

    def _evaluate_exactly(
        self, j: int, levels: NDArray[np.intp], counts: NDArray[np.float64]
    ) -> _Evaluation | None:
        exact = [self.exact_value(int(lv)) for lv in levels]
        order = sorted(range(len(levels)), key=exact.__getitem__)
        levels, counts = levels[order], counts[order]
        exact = [exact[k] for k in order]
        cost = self.inc.costs[j]
        ints = [int(c) for c in counts]
        if sum((v * c for v, c in zip(exact, ints, strict=True)), Fraction(0)) < cost:
            return None
        remaining: Fraction = Fraction(cost)
        count = sum(ints)
        for i, (v, c) in enumerate(zip(exact, ints, strict=True)):
            q = remaining / count
            if q <= v:
                return _Evaluation(j, float(q), _U * float(q), levels, counts, i, exact=q)
            remaining -= v * c
            count -= c
        raise AssertionError("unreachable: affordable projects have an equal payment")  # pragma: no cover

    def exact_payment(self, ev: _Evaluation) -> Fraction:
        if ev.exact is None:
            capped = self.exact_sum_num(ev.levels[: ev.split], ev.counts[: ev.split].astype(np.int64))
            cost = self.inc.costs[ev.project]
            ev.exact = Fraction(cost * self.den - capped, self.den * int(ev.counts[ev.split :].sum()))
        return ev.exact

    # -- funding -------------------------------------------------------------------------------------------------

    def fund(self, ev: _Evaluation) -> None:
        capped, full = ev.levels[: ev.split], ev.levels[ev.split :]
        r = len(self.rounds)
        self.rounds.append(
            FundedRound(
                project=ev.project,
                exact=ev.exact,
                full_payers=int(ev.counts[ev.split :].sum()),
                capped_payers=int(ev.counts[: ev.split].sum()),
                capped_levels=capped,
                capped_counts=ev.counts[: ev.split].astype(np.int64),
            )
        )
        self.num.append(None)
        if ev.exact is not None or ev.split == 0 or ev.error > _EXACT_ABOVE * abs(self.budget_f):
            # Without capped payers the exact payment is cost / payers; with them, a float payment whose error
            # bound would grow the levels' error is replaced by the exact one (errors would compound otherwise).
            q = self._ensure(r) / self.den  # int / int: correctly rounded
            q_error = _U * abs(q)
        else:
            q, q_error = ev.q, ev.error
        n_new = len(full)
        needed = self.n_levels + n_new
        if needed > len(self.values):
            size = max(needed, 2 * len(self.values))
            for name in ("values", "remap", "paid"):
                old = getattr(self, name)
                new = np.zeros((size, *old.shape[1:]), dtype=old.dtype)
                new[: len(old)] = old
                setattr(self, name, new)
        if r >= self.paid.shape[1]:
            wider = np.zeros((len(self.paid), min(2 * self.paid.shape[1], self.max_rounds)), dtype=np.uint8)
            wider[:, : self.paid.shape[1]] = self.paid
            self.paid = wider
        start, end = self.n_levels, needed
        self.values[start:end] = self.values[full] - q
        self.paid[start:end] = self.paid[full]
        self.paid[start:end, r] = 1
        self.remap[capped] = 0
        self.remap[full] = np.arange(start, end)
        inc = self.inc
        groups = inc.groups[inc.ptr[ev.project] : inc.ptr[ev.project + 1]]
        self.level[groups] = self.remap[self.level[groups]]
        self.n_levels = end
        self.err += q_error + 2 * _U * abs(self.budget_f)


def run(
    inc: Incidence,
    voter_budget: Fraction,
    candidates: list[int],
    sats: list[int],
    *,
    abort_above: int | None = None,
    cost_so_far: int = 0,
) -> tuple[MesRun, RunResult]:
    """MES over ``candidates`` (supported projects with a positive cost). With ``abort_above``, stop as soon as the
    selection costs more than that."""
    mes = MesRun(inc, voter_budget, sats, len(candidates))
    result = RunResult(cost=cost_so_far)
    # project → (lower bound on ρ, used for the evaluation order and the stop test)
    lower: dict[int, float] = {}
    for j in candidates:
        rho = inc.costs[j] / (inc.votes[j] * sats[j])
        lower[j] = rho * (1 - 4 * _U)
    ids = inc.ids
    while lower:
        evaluated: list[tuple[_Evaluation, float, float]] = []
        threshold = math.inf
        for j in sorted(lower, key=lambda x: (lower[x], ids[x])):
            if lower[j] > threshold:
                break
            ev = mes.evaluate(j)
            if ev is None:
                del lower[j]
                continue
            rho = ev.q / sats[j]
            e = ev.error / sats[j] + 2 * _U * rho
            lower[j] = rho - e
            evaluated.append((ev, rho, e))
            threshold = min(threshold, rho + e)
        if not evaluated:
            break
        contenders = [ev for ev, rho, e in evaluated if rho - e <= threshold]
        if len(contenders) == 1:
            winner = contenders[0]
        else:
            winner = min(
                contenders, key=lambda ev: (mes.exact_payment(ev) / sats[ev.project], ids[ev.project])
            )
        del lower[winner.project]
        mes.fund(winner)
        result.selected.append(winner.project)
        result.cost += inc.costs[winner.project]
        if abort_above is not None and result.cost > abort_above:
            result.aborted = True
            break
    result.rounds = mes.rounds
    return mes, result
