"""Simple structure indicators shown on the overview pages.

* **Subject diversity** is the complement of the Herfindahl–Hirschman index over the shares of subjects by
  sector, ``1 − Σ sᵢ²`` (``shared/reference/domain-practice.md`` §7). 0 means every subject is of one sector
  — the "single subject under pressure" the paper diagnoses (§3); it approaches ``1 − 1/n`` when n sectors
  are equally present.
* **Residents per committee worker** compares with the Ministry of Civil Affairs' guideline of one community
  worker per 350 residents (MCA 2020, same reference §7).
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

RESIDENTS_PER_WORKER_GUIDELINE = 350


def diversity_index(counts: Mapping[str, int]) -> Fraction:
    """``1 − Σ sᵢ²`` over the shares of each category; 0 for no subjects at all."""
    if any(count < 0 for count in counts.values()):
        raise ValueError("counts cannot be negative")
    total = sum(counts.values())
    if total == 0:
        return Fraction(0)
    return 1 - sum((Fraction(count, total) ** 2 for count in counts.values()), Fraction(0))


def residents_per_worker(residents: int, workers: int) -> Fraction | None:
    """Residents per committee worker, or ``None`` when the committee has no worker on record."""
    if residents < 0 or workers < 0:
        raise ValueError("counts cannot be negative")
    if workers == 0:
        return None
    return Fraction(residents, workers)


def coverage(covered: int, total: int) -> Fraction:
    """Share of matter categories the responsibility matrix covers."""
    if total <= 0:
        return Fraction(0)
    if not 0 <= covered <= total:
        raise ValueError("covered must lie between 0 and total")
    return Fraction(covered, total)
