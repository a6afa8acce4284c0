"""One update of a conversation's opinion map, from votes to the report.

:func:`analyze` runs the Pol.is pipeline — participants in the conversation, PCA, sparsity-aware projection,
base clusters, opinion groups, representative statements, consensus, group-aware consensus, extremity and
priority — then Comity's additions: bridging scores beside group-aware consensus, the statements where the
two disagree, and divisive statements. :class:`AnalysisState` carries what the next update warm-starts from
(components, base clusters, group clusterings, the k smoother); it round-trips through JSON.
:func:`analysis_to_polis` writes an analysis in the structure of the Pol.is server's ``math-pca2.json``.
"""

from __future__ import annotations

import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
from numpy.typing import NDArray

from comity.engine.opinions import bridging as bridging_mod
from comity.engine.opinions import repness as rep
from comity.engine.opinions.clusters import (
    BASE_ITERS,
    BASE_K,
    Cluster,
    Grouping,
    KSmoother,
    group_clusters,
    kmeans,
)
from comity.engine.opinions.pca import Pca, extremity, fit_pca, project_participants, project_statements
from comity.engine.opinions.votes import Conversation, in_conversation

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class AnalysisState:
    """What one update hands to the next: warm starts and Pol.is's k smoothing."""

    statement_ids: tuple[int, ...] = ()
    comps: tuple[tuple[float, ...], ...] = ()
    base_clusters: tuple[Cluster, ...] = ()
    group_clusterings: Mapping[int, tuple[Cluster, ...]] = field(default_factory=dict)
    smoother: KSmoother = field(default_factory=KSmoother)

    def to_dict(self) -> dict[str, Any]:
        return {
            "statement_ids": list(self.statement_ids),
            "comps": [list(c) for c in self.comps],
            "base_clusters": [c.to_dict() for c in self.base_clusters],
            "group_clusterings": {
                str(k): [c.to_dict() for c in v] for k, v in self.group_clusterings.items()
            },
            "smoother": self.smoother.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> AnalysisState | None:
        if not data:
            return None
        return cls(
            statement_ids=tuple(int(s) for s in data.get("statement_ids", ())),
            comps=tuple(tuple(float(x) for x in c) for c in data.get("comps", ())),
            base_clusters=tuple(Cluster.from_dict(c) for c in data.get("base_clusters", ())),
            group_clusterings={
                int(k): tuple(Cluster.from_dict(c) for c in v)
                for k, v in data.get("group_clusterings", {}).items()
            },
            smoother=KSmoother.from_dict(data.get("smoother", {})),
        )

    def comps_for(self, statement_ids: NDArray[np.int64]) -> FloatArray | None:
        """The previous components re-aligned to the current columns (new statements start at 0)."""
        if not self.comps:
            return None
        index = {s: i for i, s in enumerate(self.statement_ids)}
        out = np.zeros((len(self.comps), len(statement_ids)))
        for column, statement in enumerate(statement_ids):
            position = index.get(int(statement))
            if position is not None:
                for c, comp in enumerate(self.comps):
                    out[c, column] = comp[position]
        return out


def group_label(index: int) -> str:
    """Groups are shown as A, B, C … like Pol.is."""
    letters = string.ascii_uppercase
    return letters[index] if index < len(letters) else f"G{index + 1}"


@dataclass(frozen=True, eq=False)
class Analysis:
    conversation: Conversation
    in_conv: NDArray[np.bool_]
    pca: Pca
    projections: FloatArray
    statement_projections: FloatArray
    extremity: FloatArray
    base_clusters: list[Cluster]
    grouping: Grouping
    group_members: list[NDArray[np.int64]]
    group_counts: rep.Counts
    repness: list[list[rep.Representative]]
    consensus: dict[str, list[rep.ConsensusEntry]]
    gac: FloatArray
    gac_disagree: FloatArray
    priority_values: FloatArray
    bridging: bridging_mod.Bridging
    flagged: NDArray[np.bool_]
    divisive: FloatArray
    forced_k: bool

    @cached_property
    def base_counts(self) -> rep.Counts:
        """Vote counts per base cluster (Pol.is's ``votes-base``); only the Pol.is output needs them."""
        row_of = {int(pid): row for row, pid in enumerate(self.conversation.participant_ids)}
        members = [np.array(sorted(row_of[p] for p in c.members), dtype=np.int64) for c in self.base_clusters]
        return rep.group_counts(self.conversation, members)

    @property
    def groups(self) -> list[Cluster]:
        return self.grouping.groups

    @property
    def priorities(self) -> dict[int, float]:
        ids = self.conversation.statement_ids
        return {int(s): float(p) for s, p in zip(ids, self.priority_values, strict=True)}

    @property
    def participant_groups(self) -> dict[int, int]:
        """Participant id → index of their group (only participants in the conversation)."""
        ids = self.conversation.participant_ids
        return {int(ids[row]): g for g, rows in enumerate(self.group_members) for row in rows}

    @property
    def state(self) -> AnalysisState:
        return AnalysisState(
            statement_ids=tuple(int(s) for s in self.conversation.statement_ids),
            comps=tuple(tuple(float(x) for x in c) for c in self.pca.comps),
            base_clusters=tuple(self.base_clusters),
            group_clusterings={k: tuple(v) for k, v in self.grouping.clusterings.items()},
            smoother=self.grouping.smoother,
        )

    # --- output -------------------------------------------------------------------------------------------

    def report(self, *, divisive_limit: int = 10) -> dict[str, Any]:
        """A JSON-serialisable summary for pages and the CLI (agree = +1 coding, statement ids as given)."""
        conv = self.conversation
        ids = conv.statement_ids
        agree, disagree, seen = conv.statement_counts()
        groups_of = self.participant_groups
        participants = [
            {
                "id": int(pid),
                "x": float(self.projections[row, 0]),
                "y": float(self.projections[row, 1]),
                "group": groups_of.get(int(pid)),
                "votes": int(conv.votes_per_participant[row]),
                "in_conversation": bool(self.in_conv[row]),
            }
            for row, pid in enumerate(conv.participant_ids)
        ]
        group_entries = []
        for g, _cluster in enumerate(self.groups):
            members = self.group_members[g]
            center = self.projections[members].mean(axis=0) if len(members) else np.zeros(2)
            group_entries.append(
                {
                    "id": g,
                    "label": group_label(g),
                    "size": len(members),
                    "center": [float(center[0]), float(center[1])],
                    "representative": [
                        {
                            "statement": r.statement,
                            "direction": r.direction,
                            "successes": r.successes,
                            "seen": r.seen,
                            "probability": r.probability,
                            "repness": r.repness,
                            "best_agree": r.best_agree,
                        }
                        for r in self.repness[g]
                    ],
                }
            )
        bridging_ranks = bridging_mod.rank_fraction(self.bridging.score)
        gac_ranks = bridging_mod.rank_fraction(np.where(conv.excluded, np.nan, self.gac))
        bridging_entries = [
            {
                "statement": int(ids[c]),
                "score": float(self.bridging.score[c]),
                "lean": float(self.bridging.lean[c]),
                "bridging_rank": float(bridging_ranks[c]),
                "gac_rank": float(gac_ranks[c]),
                "gac": float(self.gac[c]),
                "flagged": bool(self.flagged[c]),
            }
            for c in np.argsort(-np.nan_to_num(self.bridging.score, nan=-np.inf), kind="stable")
            if np.isfinite(self.bridging.score[c])
        ]
        group_p = rep.probability(self.group_counts.agree, self.group_counts.seen)
        divisive_order = [
            c
            for c in np.argsort(-self.divisive, kind="stable")
            if not conv.excluded[c] and self.divisive[c] > 0 and self.group_counts.n_groups > 1
        ][:divisive_limit]
        return {
            "n_participants": conv.n_participants,
            "n_in_conversation": int(self.in_conv.sum()),
            "n_statements": conv.n_statements,
            "n_votes": conv.n_votes,
            "k": len(self.groups),
            "k_forced": self.forced_k,
            "silhouettes": {str(k): v for k, v in self.grouping.silhouettes.items()},
            "participants": participants,
            "groups": group_entries,
            "consensus": {
                direction: [
                    {
                        "statement": e.statement,
                        "successes": e.successes,
                        "seen": e.seen,
                        "probability": e.probability,
                    }
                    for e in entries
                ]
                for direction, entries in self.consensus.items()
            },
            "group_aware_consensus": [
                {
                    "statement": int(ids[c]),
                    "agree": float(self.gac[c]),
                    "disagree": float(self.gac_disagree[c]),
                }
                for c in np.argsort(-self.gac, kind="stable")
                if not conv.excluded[c]
            ],
            "bridging": bridging_entries,
            "divisive": [
                {
                    "statement": int(ids[c]),
                    "spread": float(self.divisive[c]),
                    "group_agree": [float(group_p[g, c]) for g in range(self.group_counts.n_groups)],
                    "group_seen": [
                        int(self.group_counts.seen[g, c]) for g in range(self.group_counts.n_groups)
                    ],
                }
                for c in divisive_order
            ],
            "statements": [
                {
                    "id": int(ids[c]),
                    "x": float(self.statement_projections[c, 0]),
                    "y": float(self.statement_projections[c, 1]),
                    "extremity": float(self.extremity[c]),
                    "priority": float(self.priority_values[c]),
                    "agree": int(agree[c]),
                    "disagree": int(disagree[c]),
                    "pass": int(seen[c] - agree[c] - disagree[c]),
                    "excluded": bool(conv.excluded[c]),
                    "group_agree": [float(group_p[g, c]) for g in range(self.group_counts.n_groups)],
                    "group_seen": [
                        int(self.group_counts.seen[g, c]) for g in range(self.group_counts.n_groups)
                    ],
                }
                for c in range(conv.n_statements)
            ],
        }

    def to_polis(self) -> dict[str, Any]:
        return analysis_to_polis(self)


def analyze(
    conversation: Conversation,
    *,
    previous: AnalysisState | None = None,
    k: int | None = None,
    group_members: Sequence[Sequence[int]] | None = None,
    bridging: bool = True,
) -> Analysis:
    """Analyse ``conversation``; ``previous`` warm-starts, ``k`` fixes the number of groups.

    ``group_members`` (participant ids per group) replaces the clustering with given groups — used to compare
    the statistics with another implementation's groups. ``bridging=False`` skips the bridging scores (they
    come out as NaN), leaving exactly the Pol.is server's computations.
    """
    conv = conversation
    in_conv = in_conversation(conv)
    pca = fit_pca(conv, previous=previous.comps_for(conv.statement_ids) if previous else None)
    projections = project_participants(conv, pca)
    statement_projections = project_statements(conv, pca)
    statement_extremity = extremity(statement_projections)

    rows_in = np.flatnonzero(in_conv)
    base = kmeans(
        projections[rows_in],
        conv.participant_ids[rows_in],
        BASE_K,
        max_iters=BASE_ITERS,
        previous=list(previous.base_clusters) if previous and previous.base_clusters else None,
    )
    grouping = group_clusters(
        base,
        previous={kk: list(v) for kk, v in previous.group_clusterings.items()} if previous else None,
        smoother=previous.smoother if previous else None,
        force_k=k,
    )
    row_of = {int(pid): row for row, pid in enumerate(conv.participant_ids)}
    if group_members is not None:
        members = [
            np.array(sorted(row_of[int(p)] for p in g if int(p) in row_of), dtype=np.int64)
            for g in group_members
        ]
    else:
        base_by_id = {c.id: c for c in base}
        members = [
            np.array(
                sorted(row_of[p] for b in group.members for p in base_by_id[b].members),
                dtype=np.int64,
            )
            for group in grouping.groups
        ]
    counts = rep.group_counts(conv, members)
    stats = rep.group_stats(counts)
    is_meta = np.fromiter(
        (int(s) in conv.meta for s in conv.statement_ids), dtype=bool, count=conv.n_statements
    )
    gac = rep.group_aware_consensus(counts)
    fit = (
        bridging_mod.bridging_scores(conv, orientation=projections[:, 0])
        if bridging
        else bridging_mod.not_computed(conv)
    )
    return Analysis(
        conversation=conv,
        in_conv=in_conv,
        pca=pca,
        projections=projections,
        statement_projections=statement_projections,
        extremity=statement_extremity,
        base_clusters=base,
        grouping=grouping,
        group_members=members,
        group_counts=counts,
        repness=rep.select_representative(stats, conv.statement_ids, conv.excluded),
        consensus=rep.select_consensus(rep.whole_counts(conv), conv.statement_ids, conv.excluded),
        gac=gac,
        gac_disagree=rep.group_aware_consensus(counts, direction="disagree"),
        priority_values=rep.priorities(counts, statement_extremity, is_meta),
        bridging=fit,
        flagged=bridging_mod.disagreements(fit.score, np.where(conv.excluded, np.nan, gac)),
        divisive=rep.divisiveness(counts),
        forced_k=k is not None,
    )


def choose_next_statement(unvoted: Sequence[int], priorities: Mapping[int, float], seed: int) -> int | None:
    """Pick the next statement to show, at random weighted by Pol.is priority (deterministic for ``seed``).

    Pol.is's client samples statements in proportion to their priority, so each vote teaches the map the most
    while participants still see varied statements. Statements not yet analysed get a new statement's priority.
    """
    if not unvoted:
        return None
    candidates = sorted(int(s) for s in unvoted)
    weights = np.array([max(float(priorities.get(s, rep.NEW_STATEMENT_PRIORITY)), 0.0) for s in candidates])
    if not np.isfinite(weights).all() or weights.sum() <= 0:
        weights = np.ones(len(candidates))
    rng = np.random.default_rng(seed)
    return candidates[int(rng.choice(len(candidates), p=weights / weights.sum()))]


def analysis_to_polis(analysis: Analysis) -> dict[str, Any]:
    """The analysis in the structure of Pol.is's ``math-pca2.json`` (server vote coding, agree = −1)."""
    conv = analysis.conversation
    tids = [int(s) for s in conv.statement_ids]
    pids = [int(p) for p in conv.participant_ids]
    flip = -1.0  # Comity codes agree = +1; the server agree = -1.
    base = analysis.base_clusters
    base_counts = analysis.base_counts
    group_ids = (
        [g.id for g in analysis.groups]
        if len(analysis.groups) == len(analysis.group_members)
        else list(range(len(analysis.group_members)))
    )
    group_counts = analysis.group_counts
    excluded = [t for t, out in zip(tids, conv.excluded, strict=True) if out]
    return {
        "n": conv.n_participants,
        "n-cmts": conv.n_statements,
        "tids": tids,
        "in-conv": [p for p, inside in zip(pids, analysis.in_conv, strict=True) if inside],
        "user-vote-counts": {str(p): int(n) for p, n in zip(pids, conv.votes_per_participant, strict=True)},
        "mod-out": excluded,
        "meta-tids": sorted(conv.meta),
        "lastVoteTimestamp": conv.last_timestamp,
        "pca": {
            "center": [flip * float(x) for x in analysis.pca.center],
            "comps": [[float(x) for x in comp] for comp in analysis.pca.comps],
            "comment-projection": [
                [flip * float(x) for x in axis] for axis in analysis.statement_projections.T
            ],
            "comment-extremity": [float(x) for x in analysis.extremity],
        },
        "base-clusters": {
            "id": [c.id for c in base],
            "members": [list(c.members) for c in base],
            "x": [flip * c.center[0] for c in base],
            "y": [flip * c.center[1] for c in base],
            "count": [len(c.members) for c in base],
        },
        "group-clusters": [
            {"id": g.id, "members": list(g.members), "center": [flip * g.center[0], flip * g.center[1]]}
            for g in analysis.groups
        ],
        "votes-base": {
            str(t): {
                "A": [int(x) for x in base_counts.agree[:, c]],
                "D": [int(x) for x in base_counts.disagree[:, c]],
                "S": [int(x) for x in base_counts.seen[:, c]],
            }
            for c, t in enumerate(tids)
        },
        "group-votes": {
            str(gid): {
                "n-members": len(analysis.group_members[g]),
                "votes": {
                    str(t): {
                        "A": int(group_counts.agree[g, c]),
                        "D": int(group_counts.disagree[g, c]),
                        "S": int(group_counts.seen[g, c]),
                    }
                    for c, t in enumerate(tids)
                },
            }
            for g, gid in enumerate(group_ids)
        },
        "repness": {str(gid): [r.to_polis() for r in analysis.repness[g]] for g, gid in enumerate(group_ids)},
        "consensus": {
            direction: [e.to_polis() for e in entries] for direction, entries in analysis.consensus.items()
        },
        "group-aware-consensus": {str(t): float(analysis.gac[c]) for c, t in enumerate(tids)},
        "comment-priorities": {str(t): float(analysis.priority_values[c]) for c, t in enumerate(tids)},
        "bridging": {
            str(t): {"score": _finite(analysis.bridging.score[c]), "lean": _finite(analysis.bridging.lean[c])}
            for c, t in enumerate(tids)
        },
    }


def _finite(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None
