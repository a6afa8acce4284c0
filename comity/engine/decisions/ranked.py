"""Ranked choice among options by the Schulze method, with explicit, deterministic tie-breaking.

Each ballot ranks some options (a list of groups, earlier groups preferred; options in one group tied; unranked
options below all ranked ones). ``d[a][b]`` counts voters preferring a to b; the strongest path ``p[a][b]`` is the
widest path in the pairwise-defeat graph (Floyd–Warshall, "winning votes"). a beats b when ``p[a][b] > p[b][a]``.
The result orders options by how many others they beat; options that beat the same number tie and keep the order
given (the ballot paper's order) — the tie-break is stated in the result.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class RankingError(ValueError):
    """A ballot naming an unknown option or the same option twice."""


@dataclass(frozen=True)
class SchulzeResult:
    options: tuple[str, ...]
    pairwise: tuple[tuple[int, ...], ...]
    strongest: tuple[tuple[int, ...], ...]
    order: tuple[str, ...]
    winners: tuple[str, ...]
    tie_broken_by_ballot_order: bool


def schulze(options: Sequence[str], ballots: Sequence[Sequence[Sequence[str]]]) -> SchulzeResult:
    names = list(dict.fromkeys(options))
    index = {name: i for i, name in enumerate(names)}
    n = len(names)
    d = [[0] * n for _ in range(n)]
    for number, ballot in enumerate(ballots, start=1):
        rank: dict[int, int] = {}
        for level, group in enumerate(ballot):
            for name in group:
                if name not in index:
                    raise RankingError(f"ballot {number}: unknown option {name!r}")
                if index[name] in rank:
                    raise RankingError(f"ballot {number}: {name!r} is ranked twice")
                rank[index[name]] = level
        unranked = len(ballot)
        for a in range(n):
            for b in range(n):
                if a != b and rank.get(a, unranked) < rank.get(b, unranked):
                    d[a][b] += 1
    p = [[d[a][b] if d[a][b] > d[b][a] else 0 for b in range(n)] for a in range(n)]
    for i in range(n):
        for j in range(n):
            if i == j:
                continue
            for k in range(n):
                if i != k and j != k:
                    p[j][k] = max(p[j][k], min(p[j][i], p[i][k]))
    wins = [sum(1 for b in range(n) if b != a and p[a][b] > p[b][a]) for a in range(n)]
    order = sorted(range(n), key=lambda a: (-wins[a], a))
    winners = tuple(names[a] for a in range(n) if all(p[a][b] >= p[b][a] for b in range(n) if b != a))
    tied = len({wins[a] for a in range(n)}) < n
    return SchulzeResult(
        options=tuple(names),
        pairwise=tuple(tuple(row) for row in d),
        strongest=tuple(tuple(row) for row in p),
        order=tuple(names[a] for a in order),
        winners=winners,
        tie_broken_by_ballot_order=tied,
    )
