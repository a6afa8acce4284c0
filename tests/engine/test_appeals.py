"""The appeal lifecycle, checked against a hand-written table of every allowed (status, event, actor) triple.

The expectations below are written out by hand from domain-practice.md §3 and docs/algorithms/
appeal-lifecycle.md, not derived from ``comity.engine.appeals.TRANSITIONS``, so a wrong row in the engine fails.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from comity.engine.appeals import (
    TRANSITIONS,
    Actor,
    AppealEvent,
    AppealStatus,
    ErrorCode,
    TransitionError,
    allowed_events,
    apply_event,
    is_open,
    is_terminal,
    lead_for_dispatch,
    responsible_actor,
)

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

# status, event, target, allowed actors. Written by hand; "=" as target means the status is kept.
EXPECTED_TABLE = """
received     dispatch        dispatched   system first_receiver supervisor
received     withdraw        withdrawn    requester
received     merge           merged       first_receiver supervisor
received     remind          =            system first_receiver supervisor
received     escalate        =            system first_receiver
received     note            =            first_receiver supervisor
dispatched   sign_for        signed_for   handler
dispatched   dispute         disputed     handler
dispatched   redispatch      dispatched   first_receiver supervisor
dispatched   withdraw        withdrawn    requester
dispatched   merge           merged       first_receiver supervisor
dispatched   remind          =            system first_receiver supervisor
dispatched   escalate        =            system first_receiver
dispatched   note            =            first_receiver supervisor handler co_handler
disputed     redispatch      dispatched   first_receiver supervisor
disputed     reject_dispute  dispatched   first_receiver supervisor
disputed     withdraw        withdrawn    requester
disputed     merge           merged       first_receiver supervisor
disputed     remind          =            system first_receiver supervisor
disputed     escalate        =            system first_receiver
disputed     note            =            first_receiver supervisor handler co_handler
signed_for   start           in_progress  handler
signed_for   reply           replied      handler
signed_for   redispatch      dispatched   supervisor
signed_for   withdraw        withdrawn    requester
signed_for   merge           merged       first_receiver supervisor
signed_for   remind          =            system first_receiver supervisor
signed_for   escalate        =            system first_receiver
signed_for   note            =            first_receiver supervisor handler co_handler
in_progress  reply           replied      handler
in_progress  redispatch      dispatched   supervisor
in_progress  withdraw        withdrawn    requester
in_progress  merge           merged       first_receiver supervisor
in_progress  remind          =            system first_receiver supervisor
in_progress  escalate        =            system first_receiver
in_progress  note            =            first_receiver supervisor handler co_handler
replied      close           closed       system first_receiver supervisor
replied      reopen          reopened     requester
replied      withdraw        withdrawn    requester
replied      merge           merged       first_receiver supervisor
replied      remind          =            system first_receiver supervisor
replied      escalate        =            system first_receiver
replied      note            =            first_receiver supervisor handler co_handler
closed       visit           visited      first_receiver supervisor
closed       rate            rated        requester
closed       note            =            first_receiver supervisor handler co_handler
visited      rate            rated        requester first_receiver supervisor
visited      note            =            first_receiver supervisor handler co_handler
rated        reopen          reopened     requester supervisor
rated        note            =            first_receiver supervisor handler co_handler
reopened     start           in_progress  handler
reopened     reply           replied      handler
reopened     redispatch      dispatched   supervisor
reopened     withdraw        withdrawn    requester
reopened     merge           merged       first_receiver supervisor
reopened     remind          =            system first_receiver supervisor
reopened     escalate        =            system first_receiver
reopened     note            =            first_receiver supervisor handler co_handler
"""


def _parse(table: str) -> dict[tuple[str, str], tuple[str, frozenset[str]]]:
    rows: dict[tuple[str, str], tuple[str, frozenset[str]]] = {}
    for line in table.strip().splitlines():
        status, event, target, *actors = line.split()
        assert (status, event) not in rows, line
        rows[status, event] = (status if target == "=" else target, frozenset(actors))
    return rows


EXPECTED = _parse(EXPECTED_TABLE)
ALLOWED_TRIPLES = {(s, e, a) for (s, e), (_, actors) in EXPECTED.items() for a in actors}
TERMINAL = {"withdrawn", "merged"}
ALL_TRIPLES = list(itertools.product(AppealStatus, AppealEvent, Actor))

#: Facts that satisfy every requirement at once (rows ignore the facts they do not read).
GOOD_FACTS: dict[str, Any] = {
    "lead": "property",
    "co_handlers": ("grid",),
    "reason": "not our remit",
    "current_lead": "property",
    "new_lead": "water company",
    "involves_street_level": False,
    "reply_text": "The lift was repaired on Monday.",
    "contacted": True,
    "satisfaction": "unsatisfied",
    "resolved": "partly",
    "now": NOW,
    "reopen_until": NOW + timedelta(days=7),
    "appeal": 2,
    "primary": 1,
    "primary_status": "in_progress",
    "text": "called the requester",
}


def test_the_counts_of_the_hand_written_table() -> None:
    assert len(ALL_TRIPLES) == 12 * 16 * 6 == 1152
    assert len(EXPECTED) == 58
    assert len(ALLOWED_TRIPLES) == 125


@pytest.mark.parametrize(("status", "event", "actor"), ALL_TRIPLES)
def test_every_triple_follows_the_hand_written_table(
    status: AppealStatus, event: AppealEvent, actor: Actor
) -> None:
    if (status, event, actor) in ALLOWED_TRIPLES:
        result = apply_event(status, event, actor=actor, **GOOD_FACTS)
        target = EXPECTED[status, event][0]
        assert (result.from_status, result.event, result.actor, result.to_status) == (
            status,
            event,
            actor,
            target,
        )
        assert result.changes_status == (target != status)
        return
    with pytest.raises(TransitionError) as refused:
        apply_event(status, event, actor=actor, **GOOD_FACTS)
    if status in TERMINAL:
        assert refused.value.code == ErrorCode.TERMINAL_STATUS
    elif (status, event) not in EXPECTED:
        assert refused.value.code == ErrorCode.EVENT_NOT_ALLOWED
    else:
        assert refused.value.code == ErrorCode.ACTOR_NOT_ALLOWED
        assert refused.value.params["allowed"] == sorted(EXPECTED[status, event][1])


@pytest.mark.parametrize(("status", "actor"), list(itertools.product(AppealStatus, Actor)))
def test_allowed_events_match_the_hand_written_table(status: AppealStatus, actor: Actor) -> None:
    expected = {event for (s, event, a) in ALLOWED_TRIPLES if s == status and a == actor}
    assert allowed_events(status, actor) == expected
    assert allowed_events(str(status), str(actor)) == expected


def test_the_engine_table_has_exactly_the_hand_written_pairs() -> None:
    assert {(str(s), str(e)) for s, e in TRANSITIONS} == set(EXPECTED)


def test_open_finished_and_terminal_statuses_partition_the_statuses() -> None:
    assert {s for s in AppealStatus if is_open(s)} == {
        "received",
        "dispatched",
        "disputed",
        "signed_for",
        "in_progress",
        "replied",
        "reopened",
    }
    assert {s for s in AppealStatus if is_terminal(s)} == TERMINAL
    assert {s for s in AppealStatus if not is_open(s) and not is_terminal(s)} == {
        "closed",
        "visited",
        "rated",
    }


# --- first-receiver responsibility ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("received", Actor.FIRST_RECEIVER),
        ("dispatched", Actor.FIRST_RECEIVER),
        ("disputed", Actor.FIRST_RECEIVER),
        ("signed_for", Actor.HANDLER),
        ("in_progress", Actor.HANDLER),
        ("replied", Actor.HANDLER),
        ("reopened", Actor.HANDLER),
        ("closed", None),
        ("visited", None),
        ("rated", None),
        ("withdrawn", None),
        ("merged", None),
    ],
)
def test_the_first_receiver_answers_until_a_lead_signs_for_the_appeal(
    status: str, expected: Actor | None
) -> None:
    assert responsible_actor(status) == expected


def test_a_redispatch_hands_responsibility_back_to_the_first_receiver() -> None:
    moved = apply_event(
        "in_progress", "redispatch", actor="supervisor", current_lead="property", new_lead="water"
    )
    assert (moved.to_status, moved.responsible, moved.timeline_kind) == (
        "dispatched",
        Actor.FIRST_RECEIVER,
        "redispatched",
    )
    signed = apply_event(moved.to_status, "sign_for", actor="handler")
    assert signed.responsible == Actor.HANDLER


def test_an_uncovered_matter_is_dispatched_to_the_first_receiver() -> None:
    assert lead_for_dispatch(None, first_receiver="committee") == "committee"
    assert lead_for_dispatch("property", first_receiver="committee") == "property"


# --- requirement failures --------------------------------------------------------------------------------


_DROP = object()


def _refusal(status: str, event: str, actor: str, **changes: Any) -> TransitionError:
    facts = {**GOOD_FACTS, **changes}
    for name in [name for name, value in changes.items() if value is _DROP]:
        del facts[name]
    with pytest.raises(TransitionError) as refused:
        apply_event(status, event, actor=actor, **facts)
    return refused.value


@pytest.mark.parametrize(
    ("status", "event", "actor", "changes", "code", "params"),
    [
        ("received", "dispatch", "system", {"lead": _DROP}, "missing_fact", {"fact": "lead"}),
        ("received", "dispatch", "system", {"lead": ""}, "invalid_fact", {"fact": "lead"}),
        ("received", "dispatch", "system", {"co_handlers": ("property",)}, "lead_among_co_handlers", {}),
        ("received", "dispatch", "system", {"co_handlers": "grid"}, "invalid_fact", {"fact": "co_handlers"}),
        ("dispatched", "dispute", "handler", {"reason": "  "}, "empty_text", {"fact": "reason"}),
        ("dispatched", "dispute", "handler", {"reason": _DROP}, "missing_fact", {"fact": "reason"}),
        ("dispatched", "dispute", "handler", {"reason": 3}, "invalid_fact", {"fact": "reason"}),
        ("disputed", "reject_dispute", "supervisor", {"reason": ""}, "empty_text", {"fact": "reason"}),
        ("disputed", "redispatch", "supervisor", {"new_lead": "property"}, "same_lead", {}),
        ("in_progress", "redispatch", "supervisor", {"current_lead": _DROP}, "missing_fact", {}),
        ("signed_for", "reply", "handler", {"reply_text": "\n"}, "empty_text", {"fact": "reply_text"}),
        ("in_progress", "reply", "handler", {"reply_text": _DROP}, "missing_fact", {}),
        ("closed", "visit", "first_receiver", {"contacted": False}, "not_contacted", {}),
        ("closed", "visit", "first_receiver", {"contacted": "yes"}, "invalid_fact", {}),
        ("closed", "rate", "requester", {"satisfaction": "happy"}, "invalid_satisfaction", {}),
        ("visited", "rate", "supervisor", {"resolved": True}, "invalid_resolved", {}),
        ("visited", "rate", "requester", {"resolved": _DROP}, "missing_fact", {"fact": "resolved"}),
        ("rated", "reopen", "requester", {"satisfaction": "basically_satisfied"}, "not_unsatisfied", {}),
        ("rated", "reopen", "supervisor", {"satisfaction": "meh"}, "invalid_satisfaction", {}),
        ("rated", "reopen", "requester", {"now": NOW + timedelta(days=8)}, "reopen_window_closed", {}),
        ("replied", "reopen", "requester", {"reason": ""}, "empty_text", {"fact": "reason"}),
        ("replied", "reopen", "requester", {"now": datetime(2026, 3, 2)}, "naive_datetime", {"fact": "now"}),
        ("replied", "reopen", "requester", {"reopen_until": "tomorrow"}, "invalid_fact", {}),
        ("replied", "reopen", "requester", {"reopen_until": _DROP}, "missing_fact", {}),
        ("received", "merge", "first_receiver", {"primary": 2}, "merge_into_itself", {"appeal": 2}),
        ("reopened", "merge", "supervisor", {"primary_status": "closed"}, "primary_not_open", {}),
        ("reopened", "merge", "supervisor", {"primary_status": "merged"}, "primary_not_open", {}),
        ("dispatched", "merge", "supervisor", {"primary_status": 5}, "invalid_fact", {}),
        ("dispatched", "merge", "supervisor", {"primary_status": "lost"}, "unknown_status", {}),
        ("closed", "note", "handler", {"text": ""}, "empty_text", {"fact": "text"}),
    ],
)
def test_requirement_failures_have_their_codes(
    status: str, event: str, actor: str, changes: dict[str, Any], code: str, params: dict[str, object]
) -> None:
    refused = _refusal(status, event, actor, **changes)
    assert refused.code == code
    assert params.items() <= refused.params.items()


def test_reopening_is_allowed_on_the_last_moment_of_the_window() -> None:
    done = apply_event(
        "rated", "reopen", actor="requester", **{**GOOD_FACTS, "now": GOOD_FACTS["reopen_until"]}
    )
    assert done.to_status == "reopened"


@pytest.mark.parametrize("event", ["redispatch", "reject_dispute"])
def test_the_committee_may_not_decide_a_dispute_involving_a_street_level_subject(event: str) -> None:
    refused = _refusal("disputed", event, "first_receiver", involves_street_level=True)
    assert refused.code == ErrorCode.STREET_LEVEL_DECISION
    assert _refusal("disputed", event, "first_receiver", involves_street_level=_DROP).code == "missing_fact"
    done = apply_event("disputed", event, actor="supervisor", **{**GOOD_FACTS, "involves_street_level": True})
    assert done.to_status == "dispatched"


def test_the_street_office_need_not_say_whether_a_street_level_subject_is_involved() -> None:
    facts = {k: v for k, v in GOOD_FACTS.items() if k != "involves_street_level"}
    assert apply_event("disputed", "redispatch", actor="supervisor", **facts).to_status == "dispatched"


@pytest.mark.parametrize(
    ("status", "event", "actor", "code"),
    [
        ("lost", "note", "handler", ErrorCode.UNKNOWN_STATUS),
        ("received", "shout", "handler", ErrorCode.UNKNOWN_EVENT),
        ("received", "dispatch", "mayor", ErrorCode.UNKNOWN_ACTOR),
    ],
)
def test_unknown_values_are_refused_with_codes(status: str, event: str, actor: str, code: ErrorCode) -> None:
    with pytest.raises(TransitionError) as refused:
        apply_event(status, event, actor=actor)
    assert refused.value.code == code
    with pytest.raises(TransitionError):
        is_open("lost")


def test_errors_carry_a_developer_message_but_the_api_is_the_code() -> None:
    error = TransitionError(ErrorCode.SAME_LEAD, lead="property")
    assert str(error) == "same_lead (lead='property')"
    assert str(TransitionError(ErrorCode.NOT_CONTACTED)) == "not_contacted"


def test_reminders_escalations_and_notes_keep_the_status() -> None:
    for event, actor in [("remind", "system"), ("escalate", "system"), ("note", "co_handler")]:
        done = apply_event("in_progress", event, actor=actor, text="called")
        assert (done.to_status, done.changes_status) == ("in_progress", False)


def test_the_full_closed_loop_from_intake_to_rating() -> None:
    steps = [
        ("dispatch", "system"),
        ("sign_for", "handler"),
        ("start", "handler"),
        ("remind", "system"),
        ("reply", "handler"),
        ("close", "first_receiver"),
        ("visit", "first_receiver"),
        ("rate", "requester"),
    ]
    status: str = "received"
    kinds = []
    for event, actor in steps:
        done = apply_event(status, event, actor=actor, **GOOD_FACTS)
        status = done.to_status
        kinds.append(done.timeline_kind)
    assert status == "rated"
    assert kinds == [
        "dispatched",
        "signed_for",
        "started",
        "reminded",
        "replied",
        "closed",
        "visited",
        "rated",
    ]


# --- random walks ------------------------------------------------------------------------------------------

LEADS = ["committee", "property", "water company", "street office"]


@st.composite
def walks(draw: st.DrawFn) -> list[tuple[str, str, str]]:
    """Walk from ``received`` through allowed events with facts that satisfy them; return the steps."""
    status: AppealStatus = AppealStatus.RECEIVED
    lead = "committee"
    rating = "satisfied"
    steps: list[tuple[str, str, str]] = []
    for _ in range(draw(st.integers(min_value=0, max_value=40))):
        choices = sorted((event, actor) for actor in Actor for event in allowed_events(status, actor))
        if not choices:
            break
        event, actor = draw(st.sampled_from(choices))
        facts = {**GOOD_FACTS, "current_lead": lead, "lead": lead, "co_handlers": ()}
        if event in {"redispatch", "dispatch"}:
            facts["new_lead"] = facts["lead"] = draw(st.sampled_from([x for x in LEADS if x != lead]))
        if event == "rate":
            facts["satisfaction"] = draw(st.sampled_from(["satisfied", "basically_satisfied", "unsatisfied"]))
        if event == "reopen" and status == "rated" and rating != "unsatisfied":
            with pytest.raises(TransitionError) as refused:
                apply_event(status, event, actor=actor, **{**facts, "satisfaction": rating})
            assert refused.value.code == ErrorCode.NOT_UNSATISFIED
            continue
        facts["satisfaction"] = facts["satisfaction"] if event == "rate" else rating
        done = apply_event(status, event, actor=actor, **facts)
        if event in {"redispatch", "dispatch"}:
            lead = str(facts["new_lead"])
        if event == "rate":
            rating = str(facts["satisfaction"])
        steps.append((str(status), event, str(done.to_status)))
        status = done.to_status
    return steps


@settings(max_examples=300, deadline=None)
@given(walks())
def test_random_walks_stay_inside_the_lifecycle(steps: list[tuple[str, str, str]]) -> None:
    statuses = {str(s) for s in AppealStatus}
    if steps:
        assert steps[0][0] == "received"
    for (_, _, after), (before, _, _) in itertools.pairwise(steps):
        assert after == before
    signed = False
    for index, (before, event, after) in enumerate(steps):
        assert before in statuses
        assert after in statuses
        assert before not in TERMINAL
        if after in TERMINAL:
            assert index == len(steps) - 1
            assert all(not allowed_events(after, actor) for actor in Actor)
        if event == "sign_for":
            signed = True
        if after in {"dispatched", "disputed"}:
            signed = False
        if is_open(after):
            expected = Actor.HANDLER if signed else Actor.FIRST_RECEIVER
            assert responsible_actor(after) == expected


@settings(max_examples=300, deadline=None)
@given(walks())
def test_every_rating_follows_a_reply_and_a_closure_since_the_last_reopening(
    steps: list[tuple[str, str, str]],
) -> None:
    seen: list[str] = ["received"]
    for _, _, after in steps:
        if after == "reopened":
            seen = []
        if after != (seen[-1] if seen else None):
            seen.append(after)
        if after == "rated":
            assert "replied" in seen
            assert "closed" in seen
            assert seen.index("replied") < seen.index("closed") < seen.index("rated")
