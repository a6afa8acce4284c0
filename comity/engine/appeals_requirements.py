"""What the appeal transitions require of their facts, and the error they raise when a requirement fails.

The lifecycle table in :mod:`comity.engine.appeals` names these requirements row by row; each one reads a few
keyword facts the service passes to :func:`~comity.engine.appeals.apply_event` and raises
:class:`TransitionError` with a machine-readable :class:`ErrorCode` and its parameters. The Django side turns
codes into translated messages, so nothing here is a user-facing sentence. The rules come from the national
closed loop and Beijing's 接诉即办 practice (``shared/reference/domain-practice.md`` §3) and the planned models in
``docs/data-model.md`` §2 (``Dispute``, ``Merge``, ``Rating``).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Hashable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

#: The requester's satisfaction, as the return visit collects it (``Rating.satisfaction``).
SATISFACTIONS: frozenset[str] = frozenset({"satisfied", "basically_satisfied", "unsatisfied"})
#: Whether the matter was resolved (``Rating.resolved``); ``partly`` is what the rates' partial credit reads.
RESOLUTIONS: frozenset[str] = frozenset({"yes", "partly", "no"})


class ErrorCode(StrEnum):
    UNKNOWN_STATUS = "unknown_status"
    UNKNOWN_EVENT = "unknown_event"
    UNKNOWN_ACTOR = "unknown_actor"
    TERMINAL_STATUS = "terminal_status"
    EVENT_NOT_ALLOWED = "event_not_allowed"
    ACTOR_NOT_ALLOWED = "actor_not_allowed"
    MISSING_FACT = "missing_fact"
    INVALID_FACT = "invalid_fact"
    EMPTY_TEXT = "empty_text"
    SAME_LEAD = "same_lead"
    LEAD_AMONG_CO_HANDLERS = "lead_among_co_handlers"
    STREET_LEVEL_DECISION = "street_level_decision"
    NOT_CONTACTED = "not_contacted"
    INVALID_SATISFACTION = "invalid_satisfaction"
    INVALID_RESOLVED = "invalid_resolved"
    NOT_UNSATISFIED = "not_unsatisfied"
    NAIVE_DATETIME = "naive_datetime"
    REOPEN_WINDOW_CLOSED = "reopen_window_closed"
    MERGE_INTO_ITSELF = "merge_into_itself"
    PRIMARY_NOT_OPEN = "primary_not_open"


class TransitionError(Exception):
    """A refused transition: ``code`` says why, ``params`` carry the values a translated message needs."""

    def __init__(self, code: ErrorCode, **params: object) -> None:
        self.code = code
        self.params = params
        super().__init__(code, params)

    def __str__(self) -> str:
        details = ", ".join(f"{key}={value!r}" for key, value in sorted(self.params.items()))
        return f"{self.code}" + (f" ({details})" if details else "")


Facts = Mapping[str, object]
#: A check receives the acting party (the ``Actor`` value as a string) and the facts, and raises on failure.
Check = Callable[[str, Facts], None]


@dataclass(frozen=True, slots=True)
class Requirement:
    """One named precondition of a transition; ``name`` is what the documentation table shows."""

    name: str
    check: Check

    def __call__(self, actor: str, facts: Facts) -> None:
        self.check(actor, facts)


def fact(facts: Facts, name: str) -> object:
    """The fact ``name``; a missing or ``None`` fact is refused with ``missing_fact``."""
    value = facts.get(name)
    if value is None:
        raise TransitionError(ErrorCode.MISSING_FACT, fact=name)
    return value


def _subject(facts: Facts, name: str) -> Hashable:
    value = fact(facts, name)
    if value == "" or not isinstance(value, Hashable):
        raise TransitionError(ErrorCode.INVALID_FACT, fact=name)
    return value


def _aware(facts: Facts, name: str) -> datetime:
    value = fact(facts, name)
    if not isinstance(value, datetime):
        raise TransitionError(ErrorCode.INVALID_FACT, fact=name)
    if value.tzinfo is None or value.utcoffset() is None:
        raise TransitionError(ErrorCode.NAIVE_DATETIME, fact=name)
    return value


def text(name: str) -> Requirement:
    """A non-blank text: the reply, a dispute's or a rejection's reason, a note."""

    def check(actor: str, facts: Facts) -> None:
        value = fact(facts, name)
        if not isinstance(value, str):
            raise TransitionError(ErrorCode.INVALID_FACT, fact=name)
        if not value.strip():
            raise TransitionError(ErrorCode.EMPTY_TEXT, fact=name)

    return Requirement(f"non-empty `{name}`", check)


def _lead(actor: str, facts: Facts) -> None:
    lead = _subject(facts, "lead")
    co_handlers = facts.get("co_handlers", ())
    if not isinstance(co_handlers, Collection) or isinstance(co_handlers, str):
        raise TransitionError(ErrorCode.INVALID_FACT, fact="co_handlers")
    if lead in co_handlers:
        raise TransitionError(ErrorCode.LEAD_AMONG_CO_HANDLERS, lead=lead)


def _new_lead(actor: str, facts: Facts) -> None:
    current, new = _subject(facts, "current_lead"), _subject(facts, "new_lead")
    if new == current:
        raise TransitionError(ErrorCode.SAME_LEAD, lead=new)


def street_level(first_receiver: str) -> Requirement:
    """Disputes involving a street-level subject are decided by the street office, not the committee.

    ``docs/data-model.md`` §2 (``Dispute``): "decided by committee staff, or street officials when a
    street-level subject is involved". Only the committee's decisions read ``involves_street_level``.
    """

    def check(actor: str, facts: Facts) -> None:
        if actor != first_receiver:
            return
        involved = fact(facts, "involves_street_level")
        if not isinstance(involved, bool):
            raise TransitionError(ErrorCode.INVALID_FACT, fact="involves_street_level")
        if involved:
            raise TransitionError(ErrorCode.STREET_LEVEL_DECISION)

    return Requirement("the committee decides only without a street-level subject", check)


def _contacted(actor: str, facts: Facts) -> None:
    contacted = fact(facts, "contacted")
    if not isinstance(contacted, bool):
        raise TransitionError(ErrorCode.INVALID_FACT, fact="contacted")
    if not contacted:
        raise TransitionError(ErrorCode.NOT_CONTACTED)


def _rating(actor: str, facts: Facts) -> None:
    satisfaction = fact(facts, "satisfaction")
    if satisfaction not in SATISFACTIONS:
        raise TransitionError(ErrorCode.INVALID_SATISFACTION, satisfaction=satisfaction)
    resolved = fact(facts, "resolved")
    if resolved not in RESOLUTIONS:
        raise TransitionError(ErrorCode.INVALID_RESOLVED, resolved=resolved)


def _unsatisfied(actor: str, facts: Facts) -> None:
    satisfaction = fact(facts, "satisfaction")
    if satisfaction not in SATISFACTIONS:
        raise TransitionError(ErrorCode.INVALID_SATISFACTION, satisfaction=satisfaction)
    if satisfaction != "unsatisfied":
        raise TransitionError(ErrorCode.NOT_UNSATISFIED, satisfaction=satisfaction)


def _window(actor: str, facts: Facts) -> None:
    now, until = _aware(facts, "now"), _aware(facts, "reopen_until")
    if now > until:
        raise TransitionError(ErrorCode.REOPEN_WINDOW_CLOSED, reopen_until=until.isoformat())


def merge_target(is_open: Callable[[str], bool]) -> Requirement:
    """A duplicate merges into *another* appeal that is still being handled (``Merge`` in data-model §2)."""

    def check(actor: str, facts: Facts) -> None:
        appeal, primary = _subject(facts, "appeal"), _subject(facts, "primary")
        if appeal == primary:
            raise TransitionError(ErrorCode.MERGE_INTO_ITSELF, appeal=appeal)
        primary_status = fact(facts, "primary_status")
        if not isinstance(primary_status, str):
            raise TransitionError(ErrorCode.INVALID_FACT, fact="primary_status")
        if not is_open(primary_status):
            raise TransitionError(ErrorCode.PRIMARY_NOT_OPEN, primary_status=primary_status)

    return Requirement("`primary` is another, open appeal", check)


LEAD = Requirement("`lead` given and not among `co_handlers`", _lead)
NEW_LEAD = Requirement("`new_lead` differs from `current_lead`", _new_lead)
CONTACTED = Requirement("`contacted` is true", _contacted)
RATING = Requirement("`satisfaction` and `resolved` are valid answers", _rating)
UNSATISFIED = Requirement("the rating was `unsatisfied`", _unsatisfied)
WINDOW = Requirement("`now` ≤ `reopen_until`", _window)
