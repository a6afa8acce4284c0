from hypothesis import given
from hypothesis import strategies as st

from comity.engine.owners import Holding, owner_headcount


def test_each_unit_is_one_owner_by_headcount() -> None:
    assert owner_headcount([Holding("101", "li"), Holding("102", "wang")]) == 2


def test_co_owners_of_a_unit_hold_one_vote() -> None:
    assert owner_headcount([Holding("101", "li"), Holding("101", "li-spouse")]) == 1


def test_one_buyer_of_several_units_counts_once() -> None:
    assert owner_headcount([Holding("101", "li"), Holding("102", "li"), Holding("103", "wang")]) == 2


def test_the_developers_unsold_units_count_as_one_owner() -> None:
    unsold = [Holding(str(n), "Dev Co", "developer") for n in range(40)]
    assert owner_headcount([*unsold, Holding("999", "li")]) == 2


def test_an_organisation_is_distinct_from_a_person_of_the_same_name() -> None:
    assert owner_headcount([Holding("S1", "Li", "organisation"), Holding("101", "Li", "person")]) == 2


def test_nobody_owns_nothing() -> None:
    assert owner_headcount([]) == 0


@given(st.lists(st.tuples(st.integers(0, 20), st.integers(0, 8)), max_size=60))
def test_headcount_never_exceeds_units_or_depends_on_order(pairs: list[tuple[int, int]]) -> None:
    holdings = [Holding(unit, holder) for unit, holder in pairs]
    count = owner_headcount(holdings)
    assert count <= len({unit for unit, _ in pairs})
    assert count == owner_headcount(list(reversed(holdings)))
