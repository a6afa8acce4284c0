"""The wait-list rules: who holds a place, the queue's order, who moves up when places free, the capacity bounds."""

from __future__ import annotations

import pytest

from comity.engine.activities import (
    MAX_CAPACITY,
    CapacityError,
    Seat,
    State,
    check_capacity,
    registered_count,
    state_for_newcomer,
    to_promote,
    waitlist,
    waitlist_position,
)

R, W, C = State.REGISTERED, State.WAITLISTED, State.CANCELLED


def _seats(*states: State) -> list[Seat]:
    return [Seat(key=100 + arrival, arrival=arrival, state=state) for arrival, state in enumerate(states, 1)]


def test_a_newcomer_takes_a_place_while_one_is_free_then_queues() -> None:
    assert state_for_newcomer(2, 0) is R
    assert state_for_newcomer(2, 1) is R
    assert state_for_newcomer(2, 2) is W
    assert state_for_newcomer(2, 5) is W


def test_the_wait_list_is_served_in_arrival_order_whatever_the_order_given() -> None:
    seats = list(reversed(_seats(R, W, C, W, W)))
    assert [seat.arrival for seat in waitlist(seats)] == [2, 4, 5]
    assert waitlist_position(seats, 104) == 2
    assert waitlist_position(seats, 101) is None


def test_one_freed_place_promotes_the_first_waiting_only() -> None:
    seats = _seats(R, C, W, W)
    assert [seat.arrival for seat in to_promote(2, seats)] == [3]


def test_raising_the_places_promotes_as_many_as_freed_in_order() -> None:
    seats = _seats(R, R, W, W, W)
    assert [seat.arrival for seat in to_promote(4, seats)] == [3, 4]
    assert [seat.arrival for seat in to_promote(10, seats)] == [3, 4, 5]
    assert to_promote(2, seats) == []


def test_nobody_is_promoted_when_no_place_is_free() -> None:
    assert to_promote(1, _seats(R, W)) == []
    assert registered_count(_seats(R, W, C, R)) == 2


@pytest.mark.parametrize(
    ("capacity", "registered", "code", "minimum"),
    [(0, 0, "too_small", 1), (MAX_CAPACITY + 1, 0, "too_large", MAX_CAPACITY), (3, 4, "below_registered", 4)],
)
def test_capacity_out_of_bounds_or_below_the_registered_is_refused(
    capacity: int, registered: int, code: str, minimum: int
) -> None:
    with pytest.raises(CapacityError) as raised:
        check_capacity(capacity, registered)
    assert (raised.value.code, raised.value.minimum) == (code, minimum)


def test_capacity_equal_to_the_registered_is_allowed() -> None:
    check_capacity(4, 4)
    check_capacity(MAX_CAPACITY)
