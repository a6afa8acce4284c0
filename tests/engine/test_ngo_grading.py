"""The 1000-point grading, validity, eligibility and the two stage machines, against hand-written expectations
from domain-practice.md §5 (not derived from the engine's tables)."""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from comity.engine.ngo_grading import (
    DEFAULT_MAXIMA,
    Dimension,
    FilingStatus,
    IncubationStage,
    Party,
    ScoreError,
    band,
    check_maxima,
    check_scores,
    eligible_from,
    filing_next,
    incubation_next,
    is_eligible,
    is_valid,
    may_move_filing,
    may_move_incubation,
    valid_until,
)


@pytest.mark.parametrize(
    ("total", "grade"),
    [
        (1000, "5A"),
        (950, "5A"),
        (949, "4A"),
        (901, "4A"),
        (900, "3A"),
        (851, "3A"),
        (850, "2A"),
        (801, "2A"),
        (800, "1A"),
        (0, "1A"),
    ],
)
def test_bands_at_their_edges(total: int, grade: str) -> None:
    assert band(total) == grade


@pytest.mark.parametrize("total", [-1, 1001])
def test_a_total_outside_the_scale_is_refused(total: int) -> None:
    with pytest.raises(ScoreError) as error:
        band(total)
    assert error.value.problems == {"total": "out_of_scale"}


def test_the_default_split_adds_up_to_1000() -> None:
    assert sum(DEFAULT_MAXIMA.values()) == 1000
    check_maxima(DEFAULT_MAXIMA)


def test_a_split_that_does_not_add_up_is_refused() -> None:
    with pytest.raises(ValueError, match="add up to 1001"):
        check_maxima({**DEFAULT_MAXIMA, Dimension.PERFORMANCE: 401})


def test_scores_add_up_and_each_dimension_is_bounded() -> None:
    full = dict(DEFAULT_MAXIMA)
    assert check_scores(full) == 1000
    with pytest.raises(ScoreError) as error:
        check_scores({**full, Dimension.PERFORMANCE: 401, Dimension.BASIC_CONDITIONS: -1})
    assert error.value.problems == {"performance": "over_maximum", "basic_conditions": "negative"}
    partial = {Dimension.PERFORMANCE: 10}
    with pytest.raises(ScoreError) as error:
        check_scores(partial)
    assert set(error.value.problems) == {"basic_conditions", "internal_governance", "social_evaluation"}


def test_a_grade_is_valid_five_years() -> None:
    assert valid_until(date(2026, 3, 1)) == date(2031, 2, 28)
    assert is_valid(date(2026, 3, 1), date(2031, 2, 28))
    assert not is_valid(date(2026, 3, 1), date(2031, 3, 1))
    assert not is_valid(date(2026, 3, 1), date(2026, 2, 28))
    # A leap day: the anniversary falls on 28 February.
    assert valid_until(date(2024, 2, 29)) == date(2029, 2, 27)


def test_eligible_two_years_after_registration() -> None:
    assert eligible_from(date(2024, 6, 15)) == date(2026, 6, 15)
    assert not is_eligible(date(2024, 6, 15), date(2026, 6, 14))
    assert is_eligible(date(2024, 6, 15), date(2026, 6, 15))
    assert not is_eligible(None, date(2030, 1, 1))


ORG, INC, C, S = Party.ORGANISATION, Party.INCUBATOR, Party.COMMITTEE, Party.STREET
A, N, G, L = "applied", "incubating", "graduated", "left"

#: Every allowed (from, to, party), written out by hand.
INCUBATION = {
    (A, N, INC),
    (A, N, C),
    (A, L, ORG),
    (A, L, INC),
    (A, L, C),
    (N, G, INC),
    (N, G, C),
    (N, L, ORG),
    (N, L, INC),
    (N, L, C),
}
D, SU, R, AP, RF = "draft", "submitted", "reviewed", "approved", "refused"
FILING = {(D, SU, ORG), (D, SU, C), (SU, R, C), (R, AP, S), (R, RF, S), (RF, SU, ORG), (RF, SU, C)}


def test_the_incubation_machine_is_the_table() -> None:
    stages = [stage.value for stage in IncubationStage]
    for source, target, party in itertools.product(stages, stages, Party):
        expected = (source, target, party) in INCUBATION
        assert may_move_incubation(source, target, frozenset({party})) is expected, (source, target, party)
    assert incubation_next(G, frozenset(Party)) == []
    assert incubation_next(L, frozenset(Party)) == []
    assert incubation_next(A, frozenset({ORG})) == [L]


def test_the_filing_machine_is_the_table() -> None:
    statuses = [status.value for status in FilingStatus]
    for source, target, party in itertools.product(statuses, statuses, Party):
        expected = (source, target, party) in FILING
        assert may_move_filing(source, target, frozenset({party})) is expected, (source, target, party)
    assert filing_next(AP, frozenset(Party)) == []
    assert sorted(filing_next(R, frozenset({S}))) == [AP, RF]
    assert filing_next(R, frozenset({ORG, C})) == []
