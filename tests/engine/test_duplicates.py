"""Duplicate appeals: hand-built merge candidates, clusters and properties of the candidate relation."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from fractions import Fraction
from random import Random
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from comity.engine.catalogue import iter_catalogue
from comity.engine.duplicates import (
    AppealKey,
    Candidate,
    CategoryMatch,
    Reason,
    cluster_duplicates,
    duplicate_candidates,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
PARENTS = {spec.code: parent for spec, parent in iter_catalogue()}
LIFTS, WATER = "facilities.lifts", "facilities.water"
# Building 3 in the north zone: stairwells 3-1 and 3-2; building 5 in the south zone.
FLAT_301 = ("3-1-301", "3-1", "b3", "north")
FLAT_502 = ("3-1-502", "3-1", "b3", "north")
FLAT_1101 = ("3-2-1101", "3-2", "b3", "north")
BUILDING_3 = ("b3", "north")
FLAT_5 = ("5-1-101", "5-1", "b5", "south")


def at(day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A moment in May 2025, Shanghai time."""
    return datetime(2025, 5, day, hour, minute, tzinfo=SHANGHAI)


def appeal(
    id: str, place: tuple[str, ...], received_at: datetime, category: str = LIFTS, open: bool = True
) -> AppealKey:
    return AppealKey(id=id, category=category, place=place, received_at=received_at, open=open)


def ids(candidates: list[Candidate]) -> list[object]:
    return [candidate.id for candidate in candidates]


def test_a_lift_fault_reported_by_three_residents_of_one_building_is_one_cluster() -> None:
    reports = [
        appeal("A-1", FLAT_301, at(6, 8)),
        appeal("A-2", FLAT_1101, at(6, 9, 30)),
        appeal("A-3", FLAT_502, at(6, 11)),
        appeal("A-4", FLAT_5, at(6, 9), category=WATER),
    ]
    assert cluster_duplicates(reports) == [["A-1", "A-2", "A-3"]]


def test_candidates_are_scored_by_category_place_and_time() -> None:
    first = appeal("A-1", FLAT_301, at(6, 8))
    same_stairwell = appeal("A-3", FLAT_502, at(6, 11))
    same_building = appeal("A-2", FLAT_1101, at(6, 9, 30))
    found = duplicate_candidates(first, [same_building, same_stairwell])
    # Same stairwell: (1 + 4/5 + (1 − 3 h / 72 h)) / 3 = (1 + 4/5 + 23/24) / 3 = 331/360.
    # Same building: (1 + 3/5 + (1 − 1.5 h / 72 h)) / 3 = (1 + 3/5 + 47/48) / 3 = 619/720.
    assert found == [
        Candidate(
            "A-3",
            Fraction(331, 360),
            (Reason("same_category"), Reason("same_stairwell"), Reason("within_hours", 3)),
        ),
        Candidate(
            "A-2",
            Fraction(619, 720),
            (Reason("same_category"), Reason("same_building"), Reason("within_hours", 2)),
        ),
    ]


def test_same_flat_at_the_same_moment_scores_one() -> None:
    found = duplicate_candidates(appeal("A-1", FLAT_301, at(6)), [appeal("A-2", FLAT_301, at(6))])
    assert found == [
        Candidate(
            "A-2", Fraction(1), (Reason("same_category"), Reason("same_unit"), Reason("within_hours", 1))
        )
    ]


def test_same_category_in_different_zones_is_not_a_candidate() -> None:
    assert duplicate_candidates(appeal("A-1", FLAT_301, at(6)), [appeal("A-2", FLAT_5, at(6))]) == []


def test_same_place_with_a_different_category_is_not_a_candidate() -> None:
    other = appeal("A-2", FLAT_301, at(6, 1), category=WATER)
    assert duplicate_candidates(appeal("A-1", FLAT_301, at(6)), [other]) == []


def test_outside_the_window_is_not_a_candidate_and_the_edge_is_inside() -> None:
    first = appeal("A-1", FLAT_301, at(6))
    edge, late = appeal("A-2", FLAT_301, at(9)), appeal("A-3", FLAT_301, at(9, 0, 1))
    found = duplicate_candidates(first, [late, edge])
    assert ids(found) == ["A-2"]
    assert found[0].reasons[-1] == Reason("within_days", 3)
    assert found[0].score == (1 + 1 + 0) / Fraction(3)
    assert ids(duplicate_candidates(first, [late], window=timedelta(days=4))) == ["A-3"]


def test_closed_appeals_are_excluded_on_either_side() -> None:
    first = appeal("A-1", FLAT_301, at(6))
    closed = appeal("A-2", FLAT_301, at(6, 1), open=False)
    assert duplicate_candidates(first, [closed]) == []
    assert duplicate_candidates(replace(first, open=False), [replace(closed, open=True)]) == []
    assert cluster_duplicates([first, closed]) == []


def test_the_appeal_itself_is_never_its_own_candidate() -> None:
    first = appeal("A-1", FLAT_301, at(6))
    assert duplicate_candidates(first, [first]) == []


def test_community_wide_appeals_match_each_other_but_not_placed_ones() -> None:
    noise = appeal("A-1", (), at(6), category="facilities")
    found = duplicate_candidates(noise, [appeal("A-2", (), at(6), category="facilities")])
    assert found[0].reasons[1] == Reason("community_wide")
    assert found[0].score == (1 + Fraction(1, 5) + 1) / 3
    assert duplicate_candidates(noise, [appeal("A-3", BUILDING_3, at(6), category="facilities")]) == []


def test_same_parent_mode_links_siblings_and_parents_at_half_credit() -> None:
    first = appeal("A-1", FLAT_301, at(6))
    sibling = appeal("A-2", FLAT_301, at(6), category=WATER)
    parent = appeal("A-3", FLAT_301, at(6), category="facilities")
    assert duplicate_candidates(first, [sibling, parent]) == []
    found = duplicate_candidates(first, [sibling, parent], category_match="same_parent", parents=PARENTS)
    assert [(c.id, c.score, c.reasons[0].code) for c in found] == [
        ("A-2", Fraction(5, 6), "same_parent_category"),
        ("A-3", Fraction(5, 6), "parent_category"),
    ]
    exact = duplicate_candidates(
        first, [appeal("A-4", FLAT_301, at(6))], category_match="same_parent", parents=PARENTS
    )
    assert exact[0].score > found[0].score


def test_place_known_only_at_building_level_matches_as_same_building() -> None:
    found = duplicate_candidates(appeal("A-1", FLAT_301, at(6)), [appeal("A-2", BUILDING_3, at(6))])
    assert found[0].reasons[1] == Reason("same_building")


def test_ties_break_by_received_at_then_id_as_string_and_limit_cuts() -> None:
    first = appeal("A-1", FLAT_301, at(6, 12))
    before, after = appeal("A-9", FLAT_301, at(6, 10)), appeal("A-2", FLAT_301, at(6, 14))
    twin = appeal("A-10", FLAT_301, at(6, 10))
    assert ids(duplicate_candidates(first, [after, before, twin])) == ["A-10", "A-9", "A-2"]
    assert ids(duplicate_candidates(first, [after, before, twin], limit=1)) == ["A-10"]


def test_invalid_input_is_rejected() -> None:
    with pytest.raises(ValueError, match="naive"):
        AppealKey(id=1, category=LIFTS, place=(), received_at=datetime(2025, 5, 6))
    first = appeal("A-1", FLAT_301, at(6))
    with pytest.raises(ValueError, match="window"):
        duplicate_candidates(first, [], window=timedelta(0))
    with pytest.raises(ValueError, match="parents"):
        duplicate_candidates(first, [], category_match="same_parent")
    with pytest.raises(ValueError, match="share the id"):
        cluster_duplicates([first, first])
    with pytest.raises(ValueError, match="unknown category"):
        duplicate_candidates(
            first,
            [appeal("A-2", FLAT_301, at(6), category="nope")],
            category_match="same_parent",
            parents=PARENTS,
        )


def test_results_are_deterministic() -> None:
    reports = [appeal(f"A-{n}", FLAT_301 if n % 2 else FLAT_1101, at(6, n)) for n in range(8)]
    assert duplicate_candidates(reports[0], reports) == duplicate_candidates(reports[0], reports)
    assert cluster_duplicates(reports) == cluster_duplicates(list(reversed(reports)))


PLACES = st.sampled_from([(), FLAT_301, FLAT_502, FLAT_1101, BUILDING_3, ("b3", "north"), FLAT_5, ("south",)])
CATEGORIES = st.sampled_from([LIFTS, WATER, "facilities", "other"])


@st.composite
def appeal_sets(draw: st.DrawFn) -> list[AppealKey]:
    count = draw(st.integers(min_value=1, max_value=8))
    return [
        AppealKey(
            id=f"A-{n}",
            category=draw(CATEGORIES),
            place=draw(PLACES),
            received_at=at(6) + timedelta(hours=draw(st.integers(min_value=0, max_value=120))),
            open=draw(st.booleans()),
        )
        for n in range(count)
    ]


MODES: st.SearchStrategy[CategoryMatch] = st.sampled_from(["exact", "same_parent"])


@given(appeal_sets(), MODES)
def test_candidate_relation_is_symmetric_and_excludes_itself(
    appeals: list[AppealKey], mode: CategoryMatch
) -> None:
    links = {
        a.id: set(ids(duplicate_candidates(a, appeals, category_match=mode, parents=PARENTS, limit=None)))
        for a in appeals
    }
    for a in appeals:
        assert a.id not in links[a.id]
        for b in links[a.id]:
            assert a.id in links[b]


@given(appeal_sets(), MODES)
def test_scores_lie_in_the_open_unit_interval(appeals: list[AppealKey], mode: CategoryMatch) -> None:
    for a in appeals:
        for found in duplicate_candidates(a, appeals, category_match=mode, parents=PARENTS):
            assert 0 < found.score <= 1


@given(appeal_sets(), st.randoms(use_true_random=False))
def test_permuting_others_changes_nothing(appeals: list[AppealKey], rng: Random) -> None:
    shuffled = list(appeals)
    rng.shuffle(shuffled)
    for a in appeals:
        assert duplicate_candidates(a, shuffled, limit=3) == duplicate_candidates(a, appeals, limit=3)
    assert cluster_duplicates(shuffled) == cluster_duplicates(appeals)


@given(appeal_sets())
def test_clusters_are_the_components_of_the_candidate_relation(appeals: list[AppealKey]) -> None:
    groups = cluster_duplicates(appeals)
    member_of = {member: index for index, group in enumerate(groups) for member in group}
    for a in appeals:
        for found in duplicate_candidates(a, appeals, limit=None):
            assert member_of[a.id] == member_of[found.id]
    assert all(len(group) >= 2 for group in groups)
