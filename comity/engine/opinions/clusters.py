"""Pol.is's two-level clustering: base clusters of participants, then opinion groups of base clusters.

* **k-means as Pol.is runs it** (``clusters.clj``): a cold start takes the first ``k`` distinct points as
  centres; each step assigns every point to its nearest centre, drops clusters left empty and moves each
  centre to its members' (weighted) mean; it stops when the sorted centres moved less than 0.01 or after
  ``max_iters`` further steps. A warm start (:func:`clean_start`) recentres the previous clusters on their
  members' new positions, merges identical ones and splits off the most distant points until there are ``k``.
* **Base clusters**: k = 100 over the 2-D projections of the participants in the conversation.
* **Groups**: weighted k-means (weight = members) over the base-cluster centres for each k in
  ``[2, min(5, 2 + ⌊bases / 12⌋)]``, 20 steps (the server passes its 100-iteration option under a key k-means
  ignores); the k with the best silhouette over base-cluster centres wins, and the shown k changes only after
  the same new k won 4 updates in a row (:class:`KSmoother`).

Ties between equally near centres go to the lower cluster id (Pol.is's order there follows a hash map).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]

BASE_K = 100
BASE_ITERS = 100
MAX_GROUPS = 5
GROUP_ITERS = 20
K_BUFFER = 4
SAME_CLUSTERING = 0.01


@dataclass(frozen=True)
class Cluster:
    """``members`` are participant ids for base clusters and base-cluster ids for groups."""

    id: int
    members: tuple[int, ...]
    center: tuple[float, float]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "members": list(self.members), "center": list(self.center)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Cluster:
        center = data["center"]
        return cls(
            id=int(data["id"]),
            members=tuple(int(m) for m in data["members"]),
            center=(float(center[0]), float(center[1])),
        )


def _weighted_mean(points: FloatArray, weights: FloatArray | None) -> tuple[float, float]:
    mean = points.mean(axis=0) if weights is None else (points * weights[:, None]).sum(axis=0) / weights.sum()
    return float(mean[0]), float(mean[1])


def _initial(points: FloatArray, ids: NDArray[np.int64], k: int) -> list[Cluster]:
    seen: set[tuple[float, float]] = set()
    clusters: list[Cluster] = []
    for point in points:
        key = (float(point[0]), float(point[1]))
        if key in seen:
            continue
        seen.add(key)
        clusters.append(Cluster(id=len(clusters), members=(), center=key))
        if len(clusters) == k:
            break
    return clusters


def _nearest_exact(points: FloatArray, centers: FloatArray) -> NDArray[np.int64]:
    dx = np.subtract.outer(points[:, 0], centers[:, 0])
    dy = np.subtract.outer(points[:, 1], centers[:, 1])
    dx *= dx
    dy *= dy
    dx += dy
    return np.asarray(np.argmin(dx, axis=1), dtype=np.int64)


def _nearest(points: FloatArray, centers: FloatArray) -> NDArray[np.int64]:
    """Index of the nearest centre for each point (first one on ties), in chunks to bound memory.

    Distances are compared as ``|c|² − 2·x·c`` (one matrix product); where two centres come within rounding
    of each other, the point is decided again with exact differences, so ties break as with plain distances.
    """
    out = np.empty(len(points), dtype=np.int64)
    chunk = 65536
    minus_twice = -2.0 * centers.T
    norms = (centers * centers).sum(axis=1)
    for start in range(0, len(points), chunk):
        block = points[start : start + chunk]
        expanded = block @ minus_twice
        expanded += norms
        best = np.argmin(expanded, axis=1)
        lowest = expanded[np.arange(len(block)), best]
        slack = 1e-9 * (1.0 + (block * block).sum(axis=1) + norms.max())
        close = (expanded <= (lowest + slack)[:, None]).sum(axis=1) > 1
        if close.any():
            best[close] = _nearest_exact(block[close], centers)
        out[start : start + chunk] = best
    return out


def _step(
    points: FloatArray, centers: FloatArray, weights: FloatArray | None
) -> tuple[NDArray[np.int64], FloatArray, NDArray[np.bool_]]:
    """One Lloyd step: labels, the new centres and which clusters kept members."""
    labels = _nearest(points, centers)
    w = np.ones(len(points)) if weights is None else weights
    k = len(centers)
    mass = np.bincount(labels, weights=w, minlength=k)
    sums = np.stack(
        [
            np.bincount(labels, weights=w * points[:, 0], minlength=k),
            np.bincount(labels, weights=w * points[:, 1], minlength=k),
        ],
        axis=1,
    )
    alive = mass > 0
    new_centers = sums[alive] / mass[alive, None]
    return labels, new_centers, alive


def _recentre(
    clusters: Sequence[Cluster], position: Mapping[int, int], points: FloatArray, weights: FloatArray | None
) -> list[Cluster]:
    out = []
    for cluster in clusters:
        present = [position[m] for m in cluster.members if m in position]
        if not present:
            continue
        rows = np.array(present)
        kept = tuple(m for m in cluster.members if m in position)
        out.append(
            replace(
                cluster,
                members=kept,
                center=_weighted_mean(points[rows], None if weights is None else weights[rows]),
            )
        )
    return out


def clean_start(
    points: FloatArray,
    ids: NDArray[np.int64],
    previous: Sequence[Cluster],
    k: int,
    weights: FloatArray | None = None,
) -> list[Cluster]:
    """Pol.is's warm start from the previous update's clusters (``clean-start-clusters``)."""
    position = {int(member): row for row, member in enumerate(ids)}
    clusters = _recentre(previous, position, points, weights)
    if not clusters:
        return _initial(points, ids, k)
    unique: list[Cluster] = []
    for cluster in clusters:
        twin = next((i for i, c in enumerate(unique) if c.center == cluster.center), None)
        if twin is None:
            unique.append(cluster)
            continue
        other = unique[twin]
        larger = other if len(other.members) >= len(cluster.members) else cluster
        members = other.members + cluster.members
        rows = np.array([position[m] for m in members])
        unique[twin] = Cluster(
            id=larger.id,
            members=members,
            center=_weighted_mean(points[rows], None if weights is None else weights[rows]),
        )
    possible = min(k, len({(float(x), float(y)) for x, y in points}))
    clusters = unique
    while True:
        clusters = _recentre(clusters, position, points, weights)
        if len(clusters) >= possible:
            return clusters
        centers = np.array([c.center for c in clusters])
        distances = np.sqrt(
            (points[:, None, 0] - centers[None, :, 0]) ** 2 + (points[:, None, 1] - centers[None, :, 1]) ** 2
        )
        nearest = distances.min(axis=1)
        far = int(np.argmax(nearest))
        if nearest[far] <= 0:
            return clusters
        outlier = int(ids[far])
        clusters = [replace(c, members=tuple(m for m in c.members if m != outlier)) for c in clusters]
        clusters = [c for c in clusters if c.members]
        clusters.append(
            Cluster(
                id=max((c.id for c in clusters), default=-1) + 1,
                members=(outlier,),
                center=(float(points[far, 0]), float(points[far, 1])),
            )
        )


def kmeans(
    points: FloatArray,
    ids: NDArray[np.int64],
    k: int,
    *,
    max_iters: int,
    previous: Sequence[Cluster] | None = None,
    weights: FloatArray | None = None,
    initial: Sequence[Cluster] | None = None,
) -> list[Cluster]:
    """Pol.is k-means over 2-D ``points`` named by ``ids``; clusters come back sorted by id.

    ``previous`` warm-starts (Pol.is's ``clean-start-clusters``); ``initial`` gives the starting centres of a
    cold start instead of the first ``k`` distinct points.
    """
    if len(points) == 0 or k <= 0:
        return []
    if previous:
        start = clean_start(points, ids, previous, k, weights)
    else:
        start = list(initial) if initial else _initial(points, ids, k)
    cluster_ids = np.array([c.id for c in start], dtype=np.int64)
    centers = np.array([c.center for c in start], dtype=np.float64)
    remaining = max_iters
    while True:
        labels, new_centers, alive = _step(points, centers, weights)
        cluster_ids_new = cluster_ids[alive]
        if remaining == 0 or _same_centers(centers, new_centers):
            break
        centers, cluster_ids = new_centers, cluster_ids_new
        remaining -= 1
    position = np.cumsum(alive) - 1  # old cluster index -> index among the surviving ones
    member_labels = position[labels]
    order = np.argsort(member_labels, kind="stable")
    bounds = np.searchsorted(member_labels[order], np.arange(len(new_centers) + 1))
    clusters = [
        Cluster(
            id=int(cluster_ids_new[i]),
            members=tuple(int(m) for m in ids[order[bounds[i] : bounds[i + 1]]]),
            center=(float(new_centers[i, 0]), float(new_centers[i, 1])),
        )
        for i in range(len(new_centers))
    ]
    return sorted(clusters, key=lambda c: c.id)


def _same_centers(old: FloatArray, new: FloatArray) -> bool:
    """Pol.is's ``same-clustering?``: the lexicographically sorted centres moved less than 0.01 each."""
    a = old[np.lexsort((old[:, 1], old[:, 0]))]
    b = new[np.lexsort((new[:, 1], new[:, 0]))]
    n = min(len(a), len(b))
    return bool(np.all(np.hypot(a[:n, 0] - b[:n, 0], a[:n, 1] - b[:n, 1]) < SAME_CLUSTERING))


def farthest_first(points: FloatArray, weights: FloatArray, k: int) -> list[Cluster]:
    """Deterministic spread-out starting centres: the heaviest point, then repeatedly the farthest one."""
    chosen = [int(np.argmax(weights))]
    nearest = np.hypot(points[:, 0] - points[chosen[0], 0], points[:, 1] - points[chosen[0], 1])
    while len(chosen) < min(k, len(points)):
        far = int(np.argmax(nearest))
        if nearest[far] <= 0:
            break
        chosen.append(far)
        nearest = np.minimum(nearest, np.hypot(points[:, 0] - points[far, 0], points[:, 1] - points[far, 1]))
    return [
        Cluster(id=i, members=(), center=(float(points[c, 0]), float(points[c, 1])))
        for i, c in enumerate(chosen)
    ]


def silhouette(centers: Mapping[int, tuple[float, float]], groups: Sequence[Cluster]) -> float:
    """Mean silhouette of the base clusters (unweighted) over their groups; a lone member scores 0."""
    ids = [m for group in groups for m in group.members]
    if not ids:
        return 0.0
    points = np.array([centers[m] for m in ids], dtype=np.float64)
    sizes = np.array([len(g.members) for g in groups])
    label = np.repeat(np.arange(len(groups)), sizes)
    distances = np.sqrt(((points[:, None, :] - points[None, :, :]) ** 2).sum(axis=2))
    onehot = np.zeros((len(ids), len(groups)))
    onehot[np.arange(len(ids)), label] = 1.0
    sums = distances @ onehot  # distance of each point to all members of each group
    own_size = sizes[label]
    with np.errstate(divide="ignore", invalid="ignore"):
        a = sums[np.arange(len(ids)), label] / (own_size - 1)
        means = sums / sizes[None, :]
    means[np.arange(len(ids)), label] = np.inf
    b = means.min(axis=1) if len(groups) > 1 else a
    largest = np.maximum(a, b)
    with np.errstate(divide="ignore", invalid="ignore"):
        scores = np.where((own_size > 1) & (largest > 0), (b - a) / largest, 0.0)
    return float(scores.mean())


def group_k_range(n_base: int, max_groups: int = MAX_GROUPS) -> range:
    return range(2, min(max_groups, 2 + n_base // 12) + 1)


@dataclass(frozen=True)
class KSmoother:
    """Pol.is's ``group-k-smoother``: the shown k changes after the same new k won ``K_BUFFER`` times."""

    last_k: int | None = None
    last_k_count: int = 0
    smoothed_k: int | None = None

    def update(self, this_k: int) -> KSmoother:
        count = self.last_k_count + 1 if self.last_k == this_k else 1
        smoothed = this_k if count >= K_BUFFER or self.smoothed_k is None else self.smoothed_k
        return KSmoother(last_k=this_k, last_k_count=count, smoothed_k=smoothed)

    def to_dict(self) -> dict[str, int | None]:
        return {"last_k": self.last_k, "last_k_count": self.last_k_count, "smoothed_k": self.smoothed_k}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> KSmoother:
        return cls(
            last_k=data.get("last_k"),
            last_k_count=int(data.get("last_k_count", 0)),
            smoothed_k=data.get("smoothed_k"),
        )


@dataclass(frozen=True)
class Grouping:
    clusterings: dict[int, list[Cluster]]
    silhouettes: dict[int, float]
    smoother: KSmoother
    k: int | None

    @property
    def groups(self) -> list[Cluster]:
        return self.clusterings.get(self.k, []) if self.k is not None else []


def group_clusters(
    base: Sequence[Cluster],
    *,
    previous: Mapping[int, Sequence[Cluster]] | None = None,
    smoother: KSmoother | None = None,
    force_k: int | None = None,
    max_groups: int = MAX_GROUPS,
) -> Grouping:
    """Opinion groups over base clusters; ``force_k`` fixes k (and bypasses the smoother)."""
    smoother = smoother or KSmoother()
    if not base:
        return Grouping(clusterings={}, silhouettes={}, smoother=smoother, k=None)
    ordered = sorted(base, key=lambda c: c.id)
    points = np.array([c.center for c in ordered], dtype=np.float64)
    ids = np.array([c.id for c in ordered], dtype=np.int64)
    weights = np.array([len(c.members) for c in ordered], dtype=np.float64)
    centers = {c.id: c.center for c in ordered}
    ks = [force_k] if force_k else list(group_k_range(len(ordered), max_groups))
    clusterings: dict[int, list[Cluster]] = {}
    silhouettes: dict[int, float] = {}
    for k in ks:
        last = (previous or {}).get(k)
        clustering = kmeans(points, ids, k, max_iters=GROUP_ITERS, previous=last, weights=weights)
        score = silhouette(centers, clustering)
        if not last and score <= 0:
            # Cold start: Pol.is starts from the first k distinct centres, which can settle in a degenerate
            # local optimum on small, tidy data (groups no better separated than chance: silhouette ≤ 0).
            # Only then does Comity try spread-out starting centres, and keeps them if they separate better.
            # Otherwise, and on every warm start, the groups are Pol.is's own.
            spread = kmeans(
                points,
                ids,
                k,
                max_iters=GROUP_ITERS,
                weights=weights,
                initial=farthest_first(points, weights, k),
            )
            spread_score = silhouette(centers, spread)
            if spread_score > score:
                clustering, score = spread, spread_score
        clusterings[k] = clustering
        silhouettes[k] = score
    if force_k:
        return Grouping(clusterings=clusterings, silhouettes=silhouettes, smoother=smoother, k=force_k)
    best = max(silhouettes.values())
    this_k = max(k for k in ks if silhouettes[k] == best)
    smoother = smoother.update(this_k)
    k = smoother.smoothed_k if smoother.smoothed_k in clusterings else this_k
    return Grouping(clusterings=clusterings, silhouettes=silhouettes, smoother=smoother, k=k)
