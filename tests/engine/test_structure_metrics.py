from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from comity.engine.structure_metrics import coverage, diversity_index, residents_per_worker


def test_one_sector_has_no_diversity() -> None:
    assert diversity_index({"government": 5}) == 0


def test_equal_sectors_reach_one_minus_one_over_n() -> None:
    assert diversity_index({"a": 2, "b": 2, "c": 2, "d": 2}) == Fraction(3, 4)


def test_hand_computed_diversity() -> None:
    # shares 1/2, 1/4, 1/4 → 1 − (1/4 + 1/16 + 1/16) = 5/8
    assert diversity_index({"government": 2, "market": 1, "nonprofit": 1}) == Fraction(5, 8)


def test_no_subjects_is_zero_and_negative_counts_are_rejected() -> None:
    assert diversity_index({}) == 0
    with pytest.raises(ValueError, match="negative"):
        diversity_index({"a": -1})


@given(st.dictionaries(st.text(min_size=1, max_size=3), st.integers(min_value=0, max_value=50), max_size=8))
def test_diversity_lies_between_zero_and_one_minus_one_over_n(counts: dict[str, int]) -> None:
    value = diversity_index(counts)
    present = sum(1 for n in counts.values() if n > 0)
    assert value >= 0
    if present:
        assert value <= 1 - Fraction(1, present)


def test_residents_per_worker() -> None:
    assert residents_per_worker(7000, 20) == 350
    assert residents_per_worker(100, 0) is None
    with pytest.raises(ValueError, match="negative"):
        residents_per_worker(-1, 2)


def test_coverage() -> None:
    assert coverage(3, 4) == Fraction(3, 4)
    assert coverage(0, 0) == 0
    with pytest.raises(ValueError, match="between"):
        coverage(5, 4)
