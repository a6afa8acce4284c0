"""One demo appeal's path through the lifecycle: what happens to it and when, each step allowed by the engine.

A :class:`Fate` says what will happen to an appeal (a dispute, a late reply, a withdrawal, how it is rated, a
reopening); :meth:`Planner.lay_out` turns it into timed :class:`Step`s — intake and dispatch, signing for,
handling, the reply, closing, the return visit and the rating — in the hours handlers actually work.
:func:`replay` runs steps through :func:`comity.engine.appeals.apply_event`, the real state machine, so a step
the engine refuses stops the generator; every status written comes from one of its transitions.
:func:`supervision` then adds the reminders and escalations that ``check_deadlines`` would have made on its
five-minute schedule, at the ticks it would have run.

Nothing here touches the database; subjects are ids and the caller supplies the words.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, time, timedelta, tzinfo
from typing import Any

from comity.demo.appeal_specs import Profile
from comity.engine.appeals import Actor, AppealEvent, AppealStatus, Transition, apply_event, is_open

E, A = AppealEvent, Actor
MINUTE = timedelta(minutes=1)
#: ``check_deadlines`` runs every 300 seconds (``CELERY_BEAT_SCHEDULE`` in the settings).
JOB_SECONDS = 300
#: Handlers other than the round-the-clock utilities act between these local times.
DAY_STARTS, DAY_ENDS = time(7, 30), time(21, 30)
#: Share of late appeals that stay stuck for weeks (a contractor to find, owners to agree).
STUCK_SHARE = 0.15
SATISFACTIONS = ("satisfied", "basically_satisfied", "unsatisfied")
#: How satisfied requesters are, given whether the matter was resolved.
_SATISFACTION_WEIGHTS = {"yes": (80, 17, 3), "partly": (30, 45, 25), "no": (5, 30, 65)}

#: ``say(what, subject)``: the words of a step (a reply, a dispute's reason, …), by the subject acting.
Say = Callable[[str, int | None], str]


@dataclass(slots=True)
class Step:
    """One planned event: when, which event, the part played and the subject acting, and its facts."""

    at: datetime
    event: AppealEvent
    part: Actor
    subject: int | None = None
    note: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    facts: dict[str, Any] = field(default_factory=dict)
    #: The other appeal of a merge (the caller's object; written as its id).
    other: Any = None


@dataclass(slots=True)
class Fate:
    """What happens to one appeal. The ``*_after`` delays fix the timing (for the demo logins' appeals);
    left ``None`` they are drawn."""

    dispute: str = ""  # "upheld" or "rejected"
    started: bool = True
    late: bool = False
    withdraw: bool = False
    rating: str = "phone"  # self, sms, phone, visit, unreached or none
    resolved: str = "yes"
    satisfaction: str = "satisfied"
    reopen: str = ""  # "reply": the requester rejects the reply; "rating": after an unsatisfied rating
    again: tuple[str, str] = ("yes", "basically_satisfied")
    dispute_after: timedelta | None = None  # from receipt
    decide_after: timedelta | None = None  # from the dispute
    sign_after: timedelta | None = None  # from receipt
    reply_after: timedelta | None = None  # from receipt
    close_after: timedelta | None = None  # from the reply
    rate_after: timedelta | None = None  # from closing
    reopen_after: timedelta | None = None  # from the rating (or the reply)
    withdraw_after: timedelta | None = None  # from receipt


@dataclass(frozen=True, slots=True)
class Parties:
    """The subjects an appeal involves, by id."""

    lead: int
    co_handlers: tuple[int, ...]
    committee: int
    street_office: int
    street_level: frozenset[int]
    #: Who takes over if a dispute is upheld; ``None`` when nobody can (the committee leads already).
    alternative: int | None = None


def replay(steps: Sequence[Step]) -> list[Transition]:
    """Run ``steps`` through the engine from ``received``; raises ``TransitionError`` on a refused step."""
    status: AppealStatus | str = AppealStatus.RECEIVED
    transitions = []
    for step in steps:
        transition = apply_event(status, step.event, actor=step.part, **step.facts)
        transitions.append(transition)
        status = transition.to_status
    return transitions


def status_at(steps: Sequence[Step], moment: datetime) -> AppealStatus:
    """The status after the steps taken before ``moment``."""
    done = [step for step in steps if step.at < moment]
    return replay(done)[-1].to_status if done else AppealStatus.RECEIVED


def _tick(moment: datetime, *, strictly_after: bool = False) -> datetime:
    """The first run of the deadline job at or after ``moment`` (strictly after, if asked)."""
    seconds = moment.timestamp() / JOB_SECONDS
    ticks = math.floor(seconds) + 1 if strictly_after else math.ceil(seconds)
    return datetime.fromtimestamp(ticks * JOB_SECONDS, UTC)


def supervision(
    steps: Sequence[Step],
    transitions: Sequence[Transition],
    *,
    remind_at: datetime,
    due_at: datetime,
    now: datetime,
) -> list[Step]:
    """The reminder and escalation ``check_deadlines`` would have sent, each at most once.

    The job warns an appeal open at a run on or after ``remind_at`` and before ``due_at``, and escalates one
    open at a run after ``due_at`` (``comity.appeals.services.supervision``); a reopened appeal past its due
    date is escalated at the next run.
    """
    spans: list[tuple[datetime, datetime]] = []
    since: datetime | None = steps[0].at
    for step, transition in zip(steps, transitions, strict=True):
        was, stays = is_open(transition.from_status), is_open(transition.to_status)
        if was and not stays and since is not None:
            spans.append((since, step.at))
            since = None
        elif stays and not was:
            since = step.at
    if since is not None:
        spans.append((since, now + MINUTE))
    found: list[Step] = []
    data = {"due_at": due_at.isoformat()}
    for start, end in spans:
        tick = _tick(max(start, remind_at))
        if tick < end and tick < due_at and tick <= now:
            found.append(Step(tick, E.REMIND, A.SYSTEM, data=dict(data)))
            break
    for start, end in spans:
        tick = max(_tick(due_at, strictly_after=True), _tick(start))
        if tick < end and tick <= now:
            found.append(Step(tick, E.ESCALATE, A.SYSTEM, data=dict(data)))
            break
    return found


def merge_into(
    steps: list[Step], *, at: datetime, committee: int, primary: Any, primary_status: str, note: str
) -> list[Step]:
    """The duplicate's steps up to ``at``, then its merge by the committee into ``primary``."""
    kept = [step for step in steps if step.at < at]
    facts = {"appeal": "duplicate", "primary": "primary", "primary_status": primary_status}
    merge = Step(
        at, E.MERGE, A.FIRST_RECEIVER, committee, note, {"primary_status": primary_status}, facts, primary
    )
    return [*kept, merge]


class Planner:
    """Draws fates and lays out steps with one seeded generator, in the community's time zone."""

    def __init__(self, rng: random.Random, *, zone: tzinfo, reopen_days: int) -> None:
        self.rng = rng
        self.zone = zone
        self.reopen_window = timedelta(days=reopen_days)

    # --- time ----------------------------------------------------------------------------------------------

    @staticmethod
    def span(rng: random.Random, low: float, high: float) -> timedelta:
        """A whole number of seconds between ``low`` and ``high`` hours."""
        return timedelta(seconds=rng.randint(int(low * 3600), int(high * 3600)))

    def hours(self, low: float, high: float) -> timedelta:
        return self.span(self.rng, low, high)

    def on_duty(self, moment: datetime) -> datetime:
        """``moment``, or the start of the next working day's hours when it falls at night."""
        local = moment.astimezone(self.zone)
        if DAY_STARTS <= local.time() < DAY_ENDS:
            return moment
        day = local.date() + timedelta(days=1) if local.time() >= DAY_ENDS else local.date()
        start = datetime.combine(day, DAY_STARTS, tzinfo=self.zone) + self.hours(0, 0.8)
        return start.astimezone(UTC)

    def on_duty_before(self, moment: datetime) -> datetime:
        """``moment``, or the end of the previous working hours when it falls at night."""
        local = moment.astimezone(self.zone)
        if DAY_STARTS <= local.time() < DAY_ENDS:
            return moment
        day = local.date() if local.time() >= DAY_ENDS else local.date() - timedelta(days=1)
        end = datetime.combine(day, DAY_ENDS, tzinfo=self.zone) - self.hours(0.1, 1.5)
        return end.astimezone(UTC)

    # --- fates ---------------------------------------------------------------------------------------------

    def outcome(self, quality: float) -> tuple[str, str]:
        """Whether the matter was resolved and how satisfied the requester is."""
        draw = self.rng.random()
        resolved = "yes" if draw < quality else "partly" if draw < quality + (1 - quality) * 0.55 else "no"
        satisfaction = self.rng.choices(SATISFACTIONS, weights=_SATISFACTION_WEIGHTS[resolved])[0]
        return resolved, satisfaction

    def draw_fate(self, profile: Profile, *, has_account: bool, elderly: bool) -> Fate:
        rng = self.rng
        fate = Fate()
        if rng.random() < profile.dispute:
            fate.dispute = "upheld" if rng.random() < 0.5 else "rejected"
        fate.started = rng.random() < 0.6
        fate.late = rng.random() < profile.late
        fate.withdraw = rng.random() < 0.02
        quality = profile.quality - (0.1 if fate.late else 0.0)
        fate.resolved, fate.satisfaction = self.outcome(quality)
        draw = rng.random()
        if has_account and draw < 0.8:
            fate.rating = "self"
        elif draw < 0.28:
            fate.rating = "sms"
        elif draw < 0.32:
            fate.rating = "unreached"
        elif draw < 0.35:
            fate.rating = "none"
        else:
            fate.rating = "visit" if elderly and rng.random() < 0.5 else "phone"
        rated = fate.rating not in {"unreached", "none"}
        if fate.satisfaction == "unsatisfied" and rated and rng.random() < 0.35:
            fate.reopen = "rating"
        elif rng.random() < 0.01:
            fate.reopen = "reply"
        fate.again = self.outcome(quality + 0.05)
        return fate

    # --- steps ---------------------------------------------------------------------------------------------

    def lay_out(
        self,
        *,
        received_at: datetime,
        due_at: datetime,
        parties: Parties,
        fate: Fate,
        say: Say,
        round_the_clock: bool,
        profiles: Callable[[int], Profile],
        dispatch_data: dict[str, Any],
    ) -> list[Step]:
        """The steps of an appeal from dispatch to its last rating, in time order (some may lie after now)."""
        lead = parties.lead
        steps = [
            Step(
                received_at,
                E.DISPATCH,
                A.SYSTEM,
                data=dispatch_data,
                facts={"lead": lead, "co_handlers": list(parties.co_handlers)},
            )
        ]
        moment = received_at
        if fate.dispute and parties.alternative is not None:
            moment, lead = self._dispute(steps, fate, parties, lead, parties.alternative, received_at, say)
        sign_at = self._sign_at(moment, received_at, fate, profiles(lead), round_the_clock)
        steps.append(Step(sign_at, E.SIGN_FOR, A.HANDLER, lead))
        reply_at, close_at = self._reply_and_close(received_at, due_at, sign_at, fate, round_the_clock)
        first_close = close_at
        if fate.started:
            start_at = self._within(sign_at, reply_at, self.rng.uniform(0.05, 0.4), round_the_clock)
            steps.append(Step(start_at, E.START, A.HANDLER, lead))
        self._reply(steps, reply_at, lead, say)
        if fate.reopen == "reply":
            reopen_at = reply_at + (fate.reopen_after or self.hours(1, 20))
            self._reopen(steps, reopen_at, A.REQUESTER, None, reply_at, say, {})
            close_at = self._handle_again(steps, reopen_at, lead, say)
        steps.append(Step(close_at, E.CLOSE, A.FIRST_RECEIVER, parties.committee))
        rated_at = self._rate(steps, close_at, fate, parties, say, fate.resolved, fate.satisfaction)
        if fate.reopen == "rating" and fate.satisfaction == "unsatisfied" and rated_at is not None:
            reopen_at = rated_at + (fate.reopen_after or self.hours(2, 96))
            by_requester = fate.rating in {"self", "sms"}
            part = A.REQUESTER if by_requester else A.SUPERVISOR
            subject = None if by_requester else parties.street_office
            facts = {"satisfaction": "unsatisfied"}
            self._reopen(steps, reopen_at, part, subject, rated_at, say, facts)
            close_at = self._handle_again(steps, reopen_at, lead, say)
            steps.append(Step(close_at, E.CLOSE, A.FIRST_RECEIVER, parties.committee))
            self._rate(steps, close_at, fate, parties, say, *fate.again)
        if fate.withdraw:
            withdraw_at = received_at + (
                fate.withdraw_after or (first_close - received_at) * self.rng.uniform(0.05, 0.8)
            )
            steps = [step for step in steps if step.at < withdraw_at]
            steps.append(Step(withdraw_at, E.WITHDRAW, A.REQUESTER))
        steps.sort(key=lambda step: step.at)
        return steps

    def _dispute(
        self,
        steps: list[Step],
        fate: Fate,
        parties: Parties,
        lead: int,
        alternative: int,
        received_at: datetime,
        say: Say,
    ) -> tuple[datetime, int]:
        reason = say("dispute", lead)
        disputed_at = received_at + (
            fate.dispute_after or self.on_duty(received_at + self.hours(0.3, 5)) - received_at
        )
        steps.append(Step(disputed_at, E.DISPUTE, A.HANDLER, lead, reason, facts={"reason": reason}))
        decided_at = disputed_at + (
            fate.decide_after or self.on_duty(disputed_at + self.hours(1, 20)) - disputed_at
        )
        street_level = lead in parties.street_level or alternative in parties.street_level
        part, decider = (
            (A.SUPERVISOR, parties.street_office) if street_level else (A.FIRST_RECEIVER, parties.committee)
        )
        if fate.dispute == "upheld":
            reason = say("redispatch", alternative)
            facts = {
                "current_lead": lead,
                "new_lead": alternative,
                "involves_street_level": street_level,
                "reason": reason,
            }
            data = {"from_lead": lead, "to_lead": alternative, "street_level": street_level}
            steps.append(Step(decided_at, E.REDISPATCH, part, decider, reason, data, facts))
            return decided_at, alternative
        reason = say("reject", lead)
        facts = {"reason": reason, "involves_street_level": street_level}
        steps.append(
            Step(decided_at, E.REJECT_DISPUTE, part, decider, reason, {"street_level": street_level}, facts)
        )
        return decided_at, lead

    def _sign_at(
        self, moment: datetime, received_at: datetime, fate: Fate, profile: Profile, round_the_clock: bool
    ) -> datetime:
        if fate.sign_after is not None:
            return max(moment + MINUTE, received_at + fate.sign_after)
        if round_the_clock and moment == received_at:
            return moment + self.hours(0.05, 0.4)
        if self.rng.random() < profile.slow_sign:
            return self.on_duty(moment + self.hours(25, 60))
        delay = min(20.0, profile.sign_hours * math.exp(self.rng.gauss(0, 0.8)))
        return self.on_duty(moment + timedelta(seconds=int(delay * 3600) + 60))

    def _reply_and_close(
        self, received_at: datetime, due_at: datetime, sign_at: datetime, fate: Fate, round_the_clock: bool
    ) -> tuple[datetime, datetime]:
        if fate.reply_after is not None:
            reply_at = max(sign_at + MINUTE, received_at + fate.reply_after)
            return reply_at, reply_at + (fate.close_after or self.hours(0.3, 4))
        limit = due_at - received_at
        if fate.late:
            close_at = due_at + limit * self.rng.uniform(0.05, 0.6) + self.hours(1, 30)
            if self.rng.random() < STUCK_SHARE:
                close_at += self.hours(7 * 24, 40 * 24)
            close_at = max(
                close_at if round_the_clock else self.on_duty(close_at), sign_at + self.hours(1, 3)
            )
        else:
            target = received_at + limit * self.rng.triangular(0.03, 0.97, 0.35)
            target = target if round_the_clock else self.on_duty_before(target)
            close_at = max(target, sign_at + (15 * MINUTE if round_the_clock else self.hours(1, 2)))
        reply_at = close_at - min(self.hours(0.1, 3), (close_at - sign_at) / 2)
        if not round_the_clock:
            reply_at = self._within(sign_at, close_at, (reply_at - sign_at) / (close_at - sign_at), False)
        return reply_at, close_at

    def _within(self, start: datetime, end: datetime, share: float, round_the_clock: bool) -> datetime:
        """A moment ``share`` of the way from ``start`` to ``end``, moved into working hours if it fits."""
        moment = start + (end - start) * share
        if round_the_clock:
            return moment
        for moved in (self.on_duty(moment), self.on_duty_before(moment)):
            if start < moved < end:
                return moved
        return moment

    def _reply(self, steps: list[Step], at: datetime, lead: int, say: Say) -> None:
        text = say("reply", lead)
        steps.append(Step(at, E.REPLY, A.HANDLER, lead, text, facts={"reply_text": text}))

    def _reopen(
        self,
        steps: list[Step],
        at: datetime,
        part: Actor,
        subject: int | None,
        since: datetime,
        say: Say,
        facts: dict[str, Any],
    ) -> None:
        reason = say("reopen" if part == A.REQUESTER else "supervisor_reopen", subject)
        until = since + self.reopen_window
        facts = {**facts, "reason": reason, "now": at, "reopen_until": until}
        steps.append(Step(at, E.REOPEN, part, subject, reason, {"reopen_until": until.isoformat()}, facts))

    def _handle_again(self, steps: list[Step], reopened_at: datetime, lead: int, say: Say) -> datetime:
        """The lead handles a reopened appeal again; returns when the committee closes it."""
        start_at = self.on_duty(reopened_at + self.hours(2, 24))
        steps.append(Step(start_at, E.START, A.HANDLER, lead))
        reply_at = self.on_duty(start_at + self.hours(12, 96))
        self._reply(steps, reply_at, lead, say)
        return self.on_duty(reply_at + self.hours(0.3, 6))

    def _rate(
        self,
        steps: list[Step],
        closed_at: datetime,
        fate: Fate,
        parties: Parties,
        say: Say,
        resolved: str,
        satisfaction: str,
    ) -> datetime | None:
        """The return visit and the rating after closing; returns when the rating was made."""
        method = fate.rating
        if method == "none":
            return None
        good = "good" if satisfaction != "unsatisfied" else "bad"
        rating = {"resolved": resolved, "satisfaction": satisfaction, "contacted": True}
        facts = {"resolved": resolved, "satisfaction": satisfaction}
        if method in {"self", "sms"}:
            at = closed_at + (fate.rate_after or self.hours(0.5, 48))
            data = {**rating, "method": "self", "via": method}
            steps.append(Step(at, E.RATE, A.REQUESTER, None, say(f"comment_{good}", None), data, facts))
            return at
        visited_at = self.on_duty(closed_at + (fate.rate_after or self.hours(20, 140)))
        committee = parties.committee
        if method == "unreached":
            text = say("unreached", committee)
            steps.append(
                Step(
                    visited_at,
                    E.NOTE,
                    A.FIRST_RECEIVER,
                    committee,
                    text,
                    {"visit": "not_reached"},
                    {"text": text},
                )
            )
            return None
        visit_note = say(f"{method}_{good}", committee)
        steps.append(
            Step(
                visited_at,
                E.VISIT,
                A.FIRST_RECEIVER,
                committee,
                visit_note,
                {"visit": "reached"},
                {"contacted": True},
            )
        )
        rated_at = visited_at + self.hours(0.03, 0.2)
        steps.append(
            Step(rated_at, E.RATE, A.FIRST_RECEIVER, committee, "", {**rating, "method": method}, facts)
        )
        return rated_at


def story_fate(**fixed: Any) -> Fate:
    """A fate with fixed outcomes and delays, for the appeals the demo logins are meant to find."""
    return replace(Fate(rating="self", started=True), **fixed)
