"""The appeal lifecycle: a pure state machine of statuses, events and the parties who act.

It follows the national closed loop of the 2021 guideline — 受理 intake → 调度 dispatch → 办理 handling →
回复 reply → 督办 supervision → 办结 closure → 回访 return visit → 评价 rating — with Beijing's 接诉即办 rules
(first-receiver responsibility, a return visit and a rating by the requester) and the later national rules
on lead and co-handlers, dispatch disputes, withdrawal, re-dispatch and merging duplicates
(``shared/reference/domain-practice.md`` §3). ``docs/algorithms/appeal-lifecycle.md`` draws the diagram.

The machine is data: :data:`TRANSITIONS` maps *(status, event)* to a :class:`Rule` — the target status, the
actors allowed and the requirements on the facts. :func:`apply_event` only looks rows up and runs their
requirements. Supervision (督办) is not a status: reminders and escalations may come in any open status and
keep it, as notes do.

**First-receiver responsibility.** The residents' committee of the community is the first receiver. It
answers for an appeal from intake until a lead subject signs for a dispatch; a matter that no matrix row
covers is dispatched to the committee itself (:func:`lead_for_dispatch`). When a lead disputes a dispatch or
the supervisor re-dispatches, the appeal is back in ``dispatched`` and the committee answers for it again
until the new lead signs for it (:func:`responsible_actor`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from comity.engine.appeals_requirements import (
    CONTACTED,
    LEAD,
    NEW_LEAD,
    RATING,
    UNSATISFIED,
    WINDOW,
    ErrorCode,
    Requirement,
    TransitionError,
    merge_target,
    street_level,
    text,
)

__all__ = [
    "TRANSITIONS",
    "Actor",
    "AppealEvent",
    "AppealStatus",
    "ErrorCode",
    "Rule",
    "Transition",
    "TransitionError",
    "allowed_events",
    "apply_event",
    "is_open",
    "is_terminal",
    "lead_for_dispatch",
    "responsible_actor",
]


class AppealStatus(StrEnum):
    RECEIVED = "received"  # 受理: recorded, not yet dispatched
    DISPATCHED = "dispatched"  # 派单: a lead dispatch is open and not yet signed for
    DISPUTED = "disputed"  # the lead contests the dispatch; the committee or the street office decides
    SIGNED_FOR = "signed_for"  # 签收: the lead accepted the appeal
    IN_PROGRESS = "in_progress"  # 办理
    REPLIED = "replied"  # 回复: the lead answered the requester
    CLOSED = "closed"  # 办结: the reply was accepted as the end of handling
    VISITED = "visited"  # 回访: a return visit reached the requester
    RATED = "rated"  # 评价: the requester rated the handling
    REOPENED = "reopened"  # 重办: the requester rejected the reply or was not satisfied
    WITHDRAWN = "withdrawn"  # 撤回 by the requester (terminal)
    MERGED = "merged"  # a duplicate merged into another appeal (terminal)


class AppealEvent(StrEnum):
    DISPATCH = "dispatch"
    SIGN_FOR = "sign_for"
    DISPUTE = "dispute"
    REJECT_DISPUTE = "reject_dispute"
    REDISPATCH = "redispatch"
    START = "start"
    REPLY = "reply"
    CLOSE = "close"
    VISIT = "visit"
    RATE = "rate"
    REOPEN = "reopen"
    WITHDRAW = "withdraw"
    MERGE = "merge"
    REMIND = "remind"
    ESCALATE = "escalate"
    NOTE = "note"


class Actor(StrEnum):
    """The part someone plays in one appeal (a user may hold several; the service tries each)."""

    REQUESTER = "requester"  # the resident who appealed, or who follows it after a merge
    HANDLER = "handler"  # staff of the subject holding the lead dispatch
    CO_HANDLER = "co_handler"  # staff of a co-handling subject
    FIRST_RECEIVER = "first_receiver"  # staff of the community's residents' committee
    SUPERVISOR = "supervisor"  # the supervising subject: officials of the street office
    SYSTEM = "system"  # scheduled jobs and automatic dispatch from the matrix


S, E, A = AppealStatus, AppealEvent, Actor

#: Handling is still owed: the requester may withdraw, staff may merge, reminders and escalations apply.
OPEN_STATUSES = frozenset(
    {S.RECEIVED, S.DISPATCHED, S.DISPUTED, S.SIGNED_FOR, S.IN_PROGRESS, S.REPLIED, S.REOPENED}
)
#: Handling is over but the return visit, the rating or a reopening may still come.
FINISHED_STATUSES = frozenset({S.CLOSED, S.VISITED, S.RATED})
#: No event is accepted any more.
TERMINAL_STATUSES = frozenset({S.WITHDRAWN, S.MERGED})
#: A lead subject has been chosen: its staff and its co-handlers' staff may add notes.
_WITH_LEAD = (OPEN_STATUSES | FINISHED_STATUSES) - {S.RECEIVED}
#: The lead has accepted the appeal and answers for it (first-receiver responsibility has passed on).
_LEAD_ANSWERS = frozenset({S.SIGNED_FOR, S.IN_PROGRESS, S.REPLIED, S.REOPENED})

#: The timeline entry each event writes (``AppealEvent.kind`` in ``docs/data-model.md`` §2).
TIMELINE_KIND: Mapping[AppealEvent, str] = {
    E.DISPATCH: "dispatched",
    E.SIGN_FOR: "signed_for",
    E.DISPUTE: "disputed",
    E.REJECT_DISPUTE: "dispute_rejected",
    E.REDISPATCH: "redispatched",
    E.START: "started",
    E.REPLY: "replied",
    E.CLOSE: "closed",
    E.VISIT: "visited",
    E.RATE: "rated",
    E.REOPEN: "reopened",
    E.WITHDRAW: "withdrawn",
    E.MERGE: "merged",
    E.REMIND: "reminded",
    E.ESCALATE: "escalated",
    E.NOTE: "note",
}


@dataclass(frozen=True, slots=True)
class Rule:
    """One row of the lifecycle table: where an event leads, who may make it and what it requires."""

    target: AppealStatus
    actors: frozenset[Actor]
    requires: tuple[Requirement, ...] = ()


def _rule(target: AppealStatus, actors: Iterable[Actor], *requires: Requirement) -> Rule:
    return Rule(target, frozenset(actors), requires)


def is_open(status: AppealStatus | str) -> bool:
    """Handling is still owed (received up to replied, or reopened)."""
    return _status(status) in OPEN_STATUSES


def is_terminal(status: AppealStatus | str) -> bool:
    """No event is accepted: withdrawn or merged. ``rated`` is not terminal while it may be reopened."""
    return _status(status) in TERMINAL_STATUSES


_DECIDERS = (A.FIRST_RECEIVER, A.SUPERVISOR)
_STREET_LEVEL = street_level(A.FIRST_RECEIVER)
_NEW_LEAD_BY_SUPERVISOR = _rule(S.DISPATCHED, [A.SUPERVISOR], NEW_LEAD)

#: Events that move the appeal (or, for a re-dispatch before signing, change its lead).
_MOVES: dict[tuple[AppealStatus, AppealEvent], Rule] = {
    (S.RECEIVED, E.DISPATCH): _rule(S.DISPATCHED, [A.SYSTEM, *_DECIDERS], LEAD),
    (S.DISPATCHED, E.SIGN_FOR): _rule(S.SIGNED_FOR, [A.HANDLER]),
    (S.DISPATCHED, E.DISPUTE): _rule(S.DISPUTED, [A.HANDLER], text("reason")),
    (S.DISPATCHED, E.REDISPATCH): _rule(S.DISPATCHED, _DECIDERS, NEW_LEAD, _STREET_LEVEL),
    (S.DISPUTED, E.REDISPATCH): _rule(S.DISPATCHED, _DECIDERS, NEW_LEAD, _STREET_LEVEL),
    (S.DISPUTED, E.REJECT_DISPUTE): _rule(S.DISPATCHED, _DECIDERS, text("reason"), _STREET_LEVEL),
    (S.SIGNED_FOR, E.START): _rule(S.IN_PROGRESS, [A.HANDLER]),
    (S.SIGNED_FOR, E.REPLY): _rule(S.REPLIED, [A.HANDLER], text("reply_text")),
    (S.SIGNED_FOR, E.REDISPATCH): _NEW_LEAD_BY_SUPERVISOR,
    (S.IN_PROGRESS, E.REPLY): _rule(S.REPLIED, [A.HANDLER], text("reply_text")),
    (S.IN_PROGRESS, E.REDISPATCH): _NEW_LEAD_BY_SUPERVISOR,
    (S.REPLIED, E.CLOSE): _rule(S.CLOSED, [A.SYSTEM, *_DECIDERS]),
    (S.REPLIED, E.REOPEN): _rule(S.REOPENED, [A.REQUESTER], text("reason"), WINDOW),
    (S.CLOSED, E.VISIT): _rule(S.VISITED, _DECIDERS, CONTACTED),
    (S.CLOSED, E.RATE): _rule(S.RATED, [A.REQUESTER], RATING),
    (S.VISITED, E.RATE): _rule(S.RATED, [A.REQUESTER, *_DECIDERS], RATING),
    (S.RATED, E.REOPEN): _rule(S.REOPENED, [A.REQUESTER, A.SUPERVISOR], UNSATISFIED, WINDOW),
    (S.REOPENED, E.START): _rule(S.IN_PROGRESS, [A.HANDLER]),
    (S.REOPENED, E.REPLY): _rule(S.REPLIED, [A.HANDLER], text("reply_text")),
    (S.REOPENED, E.REDISPATCH): _NEW_LEAD_BY_SUPERVISOR,
}
_MERGE = merge_target(is_open)
_MOVES.update({(status, E.WITHDRAW): _rule(S.WITHDRAWN, [A.REQUESTER]) for status in OPEN_STATUSES})
_MOVES.update({(status, E.MERGE): _rule(S.MERGED, _DECIDERS, _MERGE) for status in OPEN_STATUSES})


def _stays() -> dict[tuple[AppealStatus, AppealEvent], Rule]:
    """Events that keep the status: reminders and escalations (督办) in open statuses, notes on the timeline."""
    rows: dict[tuple[AppealStatus, AppealEvent], Rule] = {}
    for status in OPEN_STATUSES:
        rows[status, E.REMIND] = _rule(status, [A.SYSTEM, *_DECIDERS])
        rows[status, E.ESCALATE] = _rule(status, [A.SYSTEM, A.FIRST_RECEIVER])
    for status in OPEN_STATUSES | FINISHED_STATUSES:
        note_takers = [*_DECIDERS, A.HANDLER, A.CO_HANDLER] if status in _WITH_LEAD else _DECIDERS
        rows[status, E.NOTE] = _rule(status, note_takers, text("text"))
    return rows


#: The lifecycle table: *(status, event)* → :class:`Rule`. A pair that is missing is not allowed.
TRANSITIONS: Mapping[tuple[AppealStatus, AppealEvent], Rule] = {**_MOVES, **_stays()}


@dataclass(frozen=True, slots=True, kw_only=True)
class Transition:
    """What an accepted event did: the status before and after, and the timeline entry to write."""

    from_status: AppealStatus
    event: AppealEvent
    actor: Actor
    to_status: AppealStatus
    #: ``AppealEvent.kind`` of the timeline entry (see :data:`TIMELINE_KIND`).
    timeline_kind: str
    #: Who answers for the appeal afterwards (:func:`responsible_actor`).
    responsible: Actor | None

    @property
    def changes_status(self) -> bool:
        return self.from_status != self.to_status


_EnumT = TypeVar("_EnumT", AppealStatus, AppealEvent, Actor)


def _coerce(kind: type[_EnumT], value: str, code: ErrorCode) -> _EnumT:
    try:
        return kind(value)
    except ValueError:
        raise TransitionError(code, value=value) from None


def _status(status: AppealStatus | str) -> AppealStatus:
    return _coerce(AppealStatus, status, ErrorCode.UNKNOWN_STATUS)


def apply_event(
    status: AppealStatus | str, event: AppealEvent | str, *, actor: Actor | str, **facts: object
) -> Transition:
    """Apply ``event`` by ``actor`` to an appeal in ``status``, or raise :class:`TransitionError`.

    The checks run in a fixed order, so each refusal has one code: an unknown value; a terminal status
    (``terminal_status``); no row for the pair (``event_not_allowed``); an actor outside the row
    (``actor_not_allowed``); then the row's requirements in order. Facts the row does not read are ignored.
    """
    current = _status(status)
    what = _coerce(AppealEvent, event, ErrorCode.UNKNOWN_EVENT)
    who = _coerce(Actor, actor, ErrorCode.UNKNOWN_ACTOR)
    if current in TERMINAL_STATUSES:
        raise TransitionError(ErrorCode.TERMINAL_STATUS, status=current, event=what)
    rule = TRANSITIONS.get((current, what))
    if rule is None:
        raise TransitionError(ErrorCode.EVENT_NOT_ALLOWED, status=current, event=what)
    if who not in rule.actors:
        raise TransitionError(
            ErrorCode.ACTOR_NOT_ALLOWED, status=current, event=what, actor=who, allowed=sorted(rule.actors)
        )
    for requirement in rule.requires:
        requirement(who, facts)
    return Transition(
        from_status=current,
        event=what,
        actor=who,
        to_status=rule.target,
        timeline_kind=TIMELINE_KIND[what],
        responsible=responsible_actor(rule.target),
    )


def allowed_events(status: AppealStatus | str, actor: Actor | str) -> frozenset[AppealEvent]:
    """The events ``actor`` may attempt in ``status`` (their requirements are checked on applying)."""
    current, who = _status(status), _coerce(Actor, actor, ErrorCode.UNKNOWN_ACTOR)
    return frozenset(
        event for (at, event), rule in TRANSITIONS.items() if at == current and who in rule.actors
    )


def responsible_actor(status: AppealStatus | str) -> Actor | None:
    """Who answers for an appeal in ``status`` under first-receiver responsibility.

    The first receiver (the residents' committee) from intake until a lead signs for a dispatch, and again
    after every dispute or re-dispatch until the new lead signs; the lead's staff from signing for until the
    appeal is closed; nobody once handling is over (return visits and ratings are the committee's and the
    street office's work, but not a handling duty). Beijing's regulation, domain-practice.md §3.
    """
    current = _status(status)
    if current in _LEAD_ANSWERS:
        return A.HANDLER
    if current in OPEN_STATUSES:
        return A.FIRST_RECEIVER
    return None


_SubjectT = TypeVar("_SubjectT")


def lead_for_dispatch(matrix_lead: _SubjectT | None, *, first_receiver: _SubjectT) -> _SubjectT:
    """The lead of the first dispatch: the matrix row's lead, or the first receiver when no row covers it.

    :func:`comity.engine.responsibility.resolve_responsibility` returns ``None`` for a matter outside the
    matrix; the residents' committee then keeps the appeal it received and handles it as the lead, rather than
    pushing it down or leaving it unassigned (domain-practice.md §3: first-receiver responsibility).
    """
    return first_receiver if matrix_lead is None else matrix_lead
