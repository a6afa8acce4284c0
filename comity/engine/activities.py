"""Activities, framework-free: capacity bounds, the wait-list's order and who is promoted when places free.

A registration is registered (holds a place), wait-listed (queues) or cancelled. Arrival numbers are strictly
increasing per activity; the wait-list is served in arrival order, lowest first. The rules here are pure: the app
applies them to the rows it holds under the activity's row lock."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

#: The largest number of places an activity may offer (a street-wide performance in a stadium is not a community
#: activity); forms, the API and a database check use the same bound.
MAX_CAPACITY = 10_000


class State(StrEnum):
    REGISTERED = "registered"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"


class CapacityError(ValueError):
    """A capacity out of bounds or below the number already registered; ``code`` names which."""

    def __init__(self, code: str, minimum: int) -> None:
        super().__init__(code)
        self.code = code
        self.minimum = minimum


@dataclass(frozen=True, slots=True)
class Seat:
    """One registration as the rules see it."""

    key: int
    arrival: int
    state: State


def registered_count(seats: Iterable[Seat]) -> int:
    return sum(1 for seat in seats if seat.state is State.REGISTERED)


def state_for_newcomer(capacity: int, registered: int) -> State:
    """A new registration holds a place while there is one free; otherwise it queues."""
    return State.REGISTERED if registered < capacity else State.WAITLISTED


def waitlist(seats: Iterable[Seat]) -> list[Seat]:
    """The wait-list in the order it is served: by arrival."""
    return sorted((seat for seat in seats if seat.state is State.WAITLISTED), key=lambda seat: seat.arrival)


def waitlist_position(seats: Iterable[Seat], key: int) -> int | None:
    """1 for the first in the queue; None when the registration is not wait-listed."""
    for position, seat in enumerate(waitlist(seats), start=1):
        if seat.key == key:
            return position
    return None


def to_promote(capacity: int, seats: Sequence[Seat]) -> list[Seat]:
    """The wait-listed registrations that take the places free under ``capacity``, first arrived first."""
    free = capacity - registered_count(seats)
    if free <= 0:
        return []
    return waitlist(seats)[:free]


def check_capacity(capacity: int, registered: int = 0) -> None:
    """Raise ``CapacityError`` unless 1 ≤ capacity ≤ MAX_CAPACITY and capacity ≥ places already taken."""
    if capacity < 1:
        raise CapacityError("too_small", 1)
    if capacity > MAX_CAPACITY:
        raise CapacityError("too_large", MAX_CAPACITY)
    if capacity < registered:
        raise CapacityError("below_registered", registered)
