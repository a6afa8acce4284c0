"""What each group stands for, what everyone shares, and which statements to show next.

Formulas of Pol.is's ``repness.clj``, ``stats.clj`` and ``conversation.clj`` (see
``docs/algorithms/opinion-mapping.md``). For group g, statement c and a vote (agree or disagree):

* ``p = (n_v + 1) / (n_seen + 2)`` — passes count as seen;
* ``p-test = 2·sqrt(n_seen + 1)·((n_v + 1)/(n_seen + 1) − 0.5)``;
* ``repness = p / ((Σ_other n_v + 1) / (Σ_other n_seen + 2))`` and ``repness-test``, a two-proportion z-test
  with one added to every count (0 when the pooled proportion is 1);
* a statement represents a group when both tests exceed 1.2816 (one-sided 90 %) for agree or for disagree;
  groups list at most 5, sorted by ``repness · repness-test · p · p-test`` with the "best agree" first and
  agrees before disagrees; with none significant, the best by test stands alone.

Consensus statements (over every participant): ``p > 0.5`` and ``p-test > 1.2816``, top 5 each way by
``p · p-test``. Group-aware consensus: ``Π_g (A_g + 1)/(S_g + 2)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from comity.engine.opinions.votes import AGREE, DISAGREE, Conversation

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

Z_90 = 1.2816
PICK = 5
META_PRIORITY = 7.0


@dataclass(frozen=True)
class Counts:
    """Agrees, disagrees and votes seen, groups × statement columns."""

    agree: IntArray
    disagree: IntArray
    seen: IntArray

    @property
    def n_groups(self) -> int:
        return int(self.agree.shape[0])

    def total(self) -> tuple[IntArray, IntArray, IntArray]:
        return self.agree.sum(axis=0), self.disagree.sum(axis=0), self.seen.sum(axis=0)


def group_counts(conversation: Conversation, members: Sequence[NDArray[np.int64]]) -> Counts:
    """Vote counts per group; ``members`` holds each group's participant row indices."""
    n_groups = len(members)
    if n_groups == 0:
        empty = np.zeros((0, conversation.n_statements), dtype=np.int64)
        return Counts(empty, empty.copy(), empty.copy())
    group_rows = np.concatenate([np.full(len(m), g) for g, m in enumerate(members)]).astype(np.int64)
    participant_rows = np.concatenate(list(members)).astype(np.int64)
    membership = sp.csr_matrix(
        (np.ones(len(group_rows), dtype=np.int64), (group_rows, participant_rows)),
        shape=(n_groups, conversation.n_participants),
    )

    def count(value: int | None) -> IntArray:
        return np.asarray((membership @ conversation.indicator(value)).toarray(), dtype=np.int64)

    return Counts(agree=count(AGREE), disagree=count(DISAGREE), seen=count(None))


def whole_counts(conversation: Conversation) -> Counts:
    agree, disagree, seen = conversation.statement_counts()
    return Counts(agree=agree[None, :], disagree=disagree[None, :], seen=seen[None, :])


def probability(successes: ArrayLikeInt, seen: ArrayLikeInt) -> FloatArray:
    return (np.asarray(successes, dtype=np.float64) + 1) / (np.asarray(seen, dtype=np.float64) + 2)


ArrayLikeInt = IntArray | int


def prop_test(successes: ArrayLikeInt, seen: ArrayLikeInt) -> FloatArray:
    s = np.asarray(successes, dtype=np.float64) + 1
    n = np.asarray(seen, dtype=np.float64) + 1
    return np.asarray(2 * np.sqrt(n) * (s / n - 0.5), dtype=np.float64)


def two_prop_test(
    succ_in: ArrayLikeInt, succ_out: ArrayLikeInt, pop_in: ArrayLikeInt, pop_out: ArrayLikeInt
) -> FloatArray:
    s1 = np.asarray(succ_in, dtype=np.float64) + 1
    s2 = np.asarray(succ_out, dtype=np.float64) + 1
    n1 = np.asarray(pop_in, dtype=np.float64) + 1
    n2 = np.asarray(pop_out, dtype=np.float64) + 1
    pooled = (s1 + s2) / (n1 + n2)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (s1 / n1 - s2 / n2) / np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    return np.asarray(np.where(pooled == 1, 0.0, z), dtype=np.float64)


@dataclass(frozen=True)
class GroupStats:
    """Every per-group statistic of ``repness.clj``, groups × statements."""

    na: IntArray
    nd: IntArray
    ns: IntArray
    pa: FloatArray
    pd: FloatArray
    pat: FloatArray
    pdt: FloatArray
    ra: FloatArray
    rd: FloatArray
    rat: FloatArray
    rdt: FloatArray


def group_stats(counts: Counts) -> GroupStats:
    na, nd, ns = counts.agree, counts.disagree, counts.seen
    total_a, total_d, total_s = counts.total()
    rest_a, rest_d, rest_s = total_a[None, :] - na, total_d[None, :] - nd, total_s[None, :] - ns
    pa, pd = probability(na, ns), probability(nd, ns)
    return GroupStats(
        na=na,
        nd=nd,
        ns=ns,
        pa=pa,
        pd=pd,
        pat=prop_test(na, ns),
        pdt=prop_test(nd, ns),
        ra=pa / probability(rest_a, rest_s),
        rd=pd / probability(rest_d, rest_s),
        rat=two_prop_test(na, rest_a, ns, rest_s),
        rdt=two_prop_test(nd, rest_d, ns, rest_s),
    )


@dataclass(frozen=True)
class Representative:
    """A statement that sets a group apart, in the terms of Pol.is's ``repness`` entries."""

    statement: int
    direction: str  # "agree" or "disagree"
    successes: int
    seen: int
    probability: float
    p_test: float
    repness: float
    repness_test: float
    best_agree: bool = False
    n_agree: int | None = None

    @property
    def metric(self) -> float:
        return self.repness * self.repness_test * self.probability * self.p_test

    def to_polis(self) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "tid": self.statement,
            "n-success": self.successes,
            "n-trials": self.seen,
            "p-success": self.probability,
            "p-test": self.p_test,
            "repness": self.repness,
            "repness-test": self.repness_test,
            "repful-for": self.direction,
        }
        if self.best_agree:
            entry["n-agree"] = self.n_agree
            entry["best-agree"] = True
        return entry


_FIELDS = ("na", "nd", "ns", "pa", "pd", "pat", "pdt", "ra", "rd", "rat", "rdt")


class _Row:
    """One group's statistics as plain Python lists: the selection below is a sequential scan, and list
    indexing is an order of magnitude faster than NumPy scalar access."""

    def __init__(self, stats: GroupStats, g: int) -> None:
        for name in _FIELDS:
            setattr(self, name, getattr(stats, name)[g].tolist())

    na: list[int]
    nd: list[int]
    ns: list[int]
    pa: list[float]
    pd: list[float]
    pat: list[float]
    pdt: list[float]
    ra: list[float]
    rd: list[float]
    rat: list[float]
    rdt: list[float]


def _finalize(row: _Row, c: int, statement: int) -> Representative:
    agree = row.rat[c] > row.rdt[c]
    if agree:
        n_success, p, p_test, rep, rep_test = row.na[c], row.pa[c], row.pat[c], row.ra[c], row.rat[c]
    else:
        n_success, p, p_test, rep, rep_test = row.nd[c], row.pd[c], row.pdt[c], row.rd[c], row.rdt[c]
    return Representative(
        statement=statement,
        direction="agree" if agree else "disagree",
        successes=int(n_success),
        seen=int(row.ns[c]),
        probability=float(p),
        p_test=float(p_test),
        repness=float(rep),
        # The server stores the test as a 32-bit float (``(float repness-test)``) and sorts on that value.
        repness_test=float(np.float32(rep_test)),
    )


def _beats_best_agree(row: _Row, c: int, best: int | None) -> bool:
    if row.na[c] == 0 and row.nd[c] == 0:
        return False
    ra, rat, pa, pat = row.ra[c], row.rat[c], row.pa[c], row.pat[c]
    if best is not None:
        if row.ra[best] > 1.0:  # the server's (* ra rat pa pat), left to right
            return ra * rat * pa * pat > row.ra[best] * row.rat[best] * row.pa[best] * row.pat[best]
        return pa * pat > row.pa[best] * row.pat[best]
    return pat > Z_90 or (ra > 1.0 and pa > 0.5)


def _passes(row: _Row, c: int) -> bool:
    return (row.rat[c] > Z_90 and row.pat[c] > Z_90) or (row.rdt[c] > Z_90 and row.pdt[c] > Z_90)


def select_representative(
    stats: GroupStats, statement_ids: NDArray[np.int64], excluded: NDArray[np.bool_], pick: int = PICK
) -> list[list[Representative]]:
    """``select-rep-comments``: the representative statements of each group, in the server's order."""
    selected: list[list[Representative]] = []
    columns = [c for c in range(len(statement_ids)) if not excluded[c]]
    ids = statement_ids.tolist()
    for g in range(stats.na.shape[0]):
        row = _Row(stats, g)
        sufficient: list[Representative] = []
        best: Representative | None = None
        best_agree: int | None = None
        for c in columns:
            if _passes(row, c):
                sufficient.append(_finalize(row, c, ids[c]))
            if not sufficient:
                this_z = max(row.rat[c], row.rdt[c])
                if best is None or this_z > best.repness_test:
                    best = _finalize(row, c, ids[c])
            if _beats_best_agree(row, c, best_agree):
                best_agree = c
        head: list[Representative] = []
        if best_agree is not None:
            finalized = _finalize(row, best_agree, ids[best_agree])
            head = [
                Representative(
                    **{**finalized.__dict__, "best_agree": True, "n_agree": int(row.na[best_agree])}
                )
            ]
        elif best is not None:
            head = [best]
        if not sufficient:
            selected.append(head)
            continue
        head_id = head[0].statement if head and head[0].best_agree else None
        rest = sorted((r for r in sufficient if r.statement != head_id), key=lambda r: -r.metric)
        chosen = ([head[0]] if head_id is not None else []) + rest
        chosen = chosen[:pick]
        selected.append(
            [r for r in chosen if r.direction == "agree"] + [r for r in chosen if r.direction == "disagree"]
        )
    return selected


@dataclass(frozen=True)
class ConsensusEntry:
    statement: int
    successes: int
    seen: int
    probability: float
    p_test: float

    def to_polis(self) -> dict[str, Any]:
        return {
            "tid": self.statement,
            "n-success": self.successes,
            "n-trials": self.seen,
            "p-success": self.probability,
            "p-test": self.p_test,
        }


def select_consensus(
    counts: Counts, statement_ids: NDArray[np.int64], excluded: NDArray[np.bool_], pick: int = PICK
) -> dict[str, list[ConsensusEntry]]:
    """Statements most participants agree (or disagree) with, over everyone who voted."""
    agree, disagree, seen = (array.sum(axis=0) for array in (counts.agree, counts.disagree, counts.seen))
    out: dict[str, list[ConsensusEntry]] = {}
    for direction, successes in (("agree", agree), ("disagree", disagree)):
        p = probability(successes, seen)
        test = prop_test(successes, seen)
        candidates = [
            c for c in range(len(statement_ids)) if not excluded[c] and p[c] > 0.5 and test[c] > Z_90
        ]
        candidates.sort(key=lambda c: -(p[c] * test[c]))
        out[direction] = [
            ConsensusEntry(
                statement=int(statement_ids[c]),
                successes=int(successes[c]),
                seen=int(seen[c]),
                probability=float(p[c]),
                p_test=float(test[c]),
            )
            for c in candidates[:pick]
        ]
    return out


def group_aware_consensus(counts: Counts, *, direction: str = "agree") -> FloatArray:
    """``Π_g (A_g + 1)/(S_g + 2)``: high only when every group agrees (or, for "disagree", disagrees)."""
    successes = counts.agree if direction == "agree" else counts.disagree
    if counts.n_groups == 0:
        return np.zeros(successes.shape[1])
    return np.asarray(np.prod(probability(successes, counts.seen), axis=0), dtype=np.float64)


def priorities(counts: Counts, extremity: FloatArray, is_meta: NDArray[np.bool_]) -> FloatArray:
    """Pol.is's routing priority ``[(1 − p_pass)·(E + 1)·p_agree · (1 + 8·2^(−S/5))]²`` (meta: 7² = 49)."""
    agree, disagree, seen = counts.total()
    passes = seen - agree - disagree
    importance = (1 - probability(passes, seen)) * (extremity + 1) * probability(agree, seen)
    boosted = importance * (1 + 8 * np.power(2.0, -seen / 5))
    return np.asarray(np.where(is_meta, META_PRIORITY, boosted) ** 2, dtype=np.float64)


#: The priority of a statement nobody has voted on yet and that has not been analysed.
NEW_STATEMENT_PRIORITY = float((0.5 * 1.0 * 0.5 * 9.0) ** 2)


def divisiveness(counts: Counts) -> FloatArray:
    """Spread of the groups' smoothed agreement, ``max_g p_agree − min_g p_agree`` (0 with one group)."""
    if counts.n_groups < 2:
        return np.zeros(counts.agree.shape[1])
    p = probability(counts.agree, counts.seen)
    return np.asarray(p.max(axis=0) - p.min(axis=0), dtype=np.float64)
