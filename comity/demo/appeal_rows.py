"""Demo appeals as rows: the appeal, its timeline, its dispatches and its rating, written in bulk.

Each drafted appeal arrives with its steps and the engine's transitions for them
(:mod:`comity.demo.appeal_paths`). The rows are what the services (:mod:`comity.appeals.services`) would have
stored for the same steps: the appeal's status and timestamps, one timeline entry per step after the intake
entry, a lead dispatch (and the co-handlers') opened at dispatch, signed for, ended on closing, withdrawal,
merge or re-dispatch and reopened with the appeal, and the latest rating. Each timeline entry records the part
played in ``data["part"]``, so the timeline can be replayed through the engine.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from comity.appeals.models import (
    RECEIVED,
    Appeal,
    Dispatch,
    DispatchEnd,
    DispatchRole,
    Rating,
)
from comity.appeals.models import AppealEvent as TimelineEntry
from comity.demo.appeal_drafts import AppealDraft
from comity.demo.appeal_paths import Step
from comity.demo.layout import BATCH
from comity.engine.appeals import Actor, AppealEvent, AppealStatus

E = AppealEvent


class _Writer:
    """Turns drafts into unsaved rows; ``users`` maps a subject to the demo account acting for it."""

    def __init__(self, users: dict[int, int]) -> None:
        self.users = users
        self.entries: list[TimelineEntry] = []
        self.dispatches: list[Dispatch] = []
        self.ratings: list[Rating] = []

    def actor(self, draft: AppealDraft, step: Step) -> int | None:
        if step.part == Actor.SYSTEM:
            return None
        if step.part == Actor.REQUESTER:
            return draft.requester.user if draft.requester else None
        return self.users.get(step.subject) if step.subject is not None else None

    def appeal(self, draft: AppealDraft) -> Appeal:
        assert draft.route is not None
        assert draft.limit is not None
        stamps: dict[str, datetime | None] = dict.fromkeys(
            ("signed_for_at", "replied_at", "closed_at", "reminded_at", "escalated_at")
        )
        lead = draft.route.lead.pk
        for step in draft.steps:
            if step.event == E.SIGN_FOR:
                stamps["signed_for_at"] = step.at
            elif step.event == E.REDISPATCH:
                lead, stamps["signed_for_at"] = step.facts["new_lead"], None
            elif step.event == E.REPLY:
                stamps["replied_at"] = step.at
            elif step.event == E.CLOSE:
                stamps["closed_at"] = step.at
            elif step.event == E.REOPEN:
                stamps["closed_at"] = None
            elif step.event == E.REMIND:
                stamps["reminded_at"] = step.at
            elif step.event == E.ESCALATE:
                stamps["escalated_at"] = step.at
        requester = draft.requester
        return Appeal(
            community=draft.community,
            number=draft.number,
            kind=draft.template.kind,
            channel=draft.channel,
            requester_id=requester.pk if requester else None,
            requester_user_id=requester.user if requester else None,
            contact_name=draft.contact_name,
            contact_phone=draft.contact_phone,
            recorded_by_id=draft.recorded_by,
            consent_note=draft.consent_note,
            consent_at=draft.received_at if draft.consent_note else None,
            category=draft.category,
            area=draft.area,
            unit_id=draft.unit,
            description=draft.description,
            is_public=draft.is_public,
            urgency=draft.template.urgency,
            status=draft.transitions[-1].to_status,
            responsibility=draft.route.responsibility,
            lead_subject_id=lead,
            time_limit_hours=draft.limit.hours,
            clock=draft.limit.clock,
            received_at=draft.received_at,
            due_at=draft.limit.due_at,
            remind_at=draft.limit.remind_at,
            **stamps,
        )

    def timeline(self, draft: AppealDraft, appeal: Appeal) -> None:
        intake_actor = draft.recorded_by or (draft.requester.user if draft.requester else None)
        self.entries.append(
            TimelineEntry(
                community_id=appeal.community_id,
                appeal=appeal,
                seq=1,
                kind=RECEIVED,
                actor_id=intake_actor,
                from_status="",
                to_status=AppealStatus.RECEIVED,
                data={"channel": draft.channel},
                at=draft.received_at,
            )
        )
        for seq, (step, transition) in enumerate(zip(draft.steps, draft.transitions, strict=True), start=2):
            data: dict[str, Any] = {"part": step.part.value, **step.data}
            if step.other is not None:
                other: AppealDraft = step.other
                assert other.appeal is not None
                if step.event == E.MERGE:
                    data.update(into=other.appeal.pk, into_number=other.number)
                else:
                    data.update(merged=other.appeal.pk, merged_number=other.number)
            self.entries.append(
                TimelineEntry(
                    community_id=appeal.community_id,
                    appeal=appeal,
                    seq=seq,
                    kind=transition.timeline_kind,
                    actor_id=self.actor(draft, step),
                    acting_subject_id=step.subject,
                    from_status=transition.from_status,
                    to_status=transition.to_status,
                    note=step.note,
                    data=data,
                    at=step.at,
                )
            )

    def handling(self, draft: AppealDraft, appeal: Appeal) -> None:
        """Dispatch rows and the rating, as the services keep them step by step."""
        assert draft.route is not None
        rows: list[Dispatch] = []

        def open_row(subject: int, role: str, at: datetime, **extra: Any) -> Dispatch:
            row = Dispatch(
                community_id=appeal.community_id,
                appeal=appeal,
                subject_id=subject,
                role=role,
                dispatched_at=at,
                due_at=appeal.due_at,
                **extra,
            )
            rows.append(row)
            return row

        def end(at: datetime, reason: str, *, role: str | None = None, subject: int | None = None) -> None:
            for row in rows:
                if row.ended_at is None and role in (None, row.role) and subject in (None, row.subject_id):
                    row.ended_at, row.end_reason = at, reason

        def lead_row() -> Dispatch | None:
            return next((r for r in rows if r.role == DispatchRole.LEAD and r.ended_at is None), None)

        lead: int = draft.route.lead.pk
        for step, transition in zip(draft.steps, draft.transitions, strict=True):
            at, by = step.at, self.actor(draft, step)
            if step.event == E.DISPATCH:
                row_of = draft.route.responsibility
                open_row(draft.route.lead.pk, DispatchRole.LEAD, at, responsibility=row_of)
                for subject in draft.route.co_handlers:
                    open_row(subject.pk, DispatchRole.CO_HANDLER, at, responsibility=row_of)
            elif step.event == E.SIGN_FOR and (row := lead_row()) is not None:
                row.signed_for_at, row.signed_for_by_id = at, by
            elif step.event == E.REDISPATCH:
                upheld = transition.from_status == AppealStatus.DISPUTED
                end(
                    at,
                    DispatchEnd.DISPUTE_UPHELD if upheld else DispatchEnd.REDISPATCHED,
                    role=DispatchRole.LEAD,
                )
                end(at, DispatchEnd.REDISPATCHED, subject=step.facts["new_lead"])
                lead = step.facts["new_lead"]
                open_row(lead, DispatchRole.LEAD, at, dispatched_by_id=by)
            elif step.event == E.CLOSE:
                end(at, DispatchEnd.DONE)
            elif step.event == E.REOPEN and lead_row() is None:
                open_row(lead, DispatchRole.LEAD, at, dispatched_by_id=by, signed_for_at=at)
            elif step.event == E.WITHDRAW:
                end(at, DispatchEnd.WITHDRAWN)
            elif step.event == E.MERGE:
                end(at, DispatchEnd.REDISPATCHED)
        self.dispatches.extend(rows)
        rated = [step for step in draft.steps if step.event == E.RATE]
        if rated:
            self.ratings.append(self.rating(draft, appeal, rated[-1]))

    def rating(self, draft: AppealDraft, appeal: Appeal, step: Step) -> Rating:
        method = step.data["method"]
        collected = None if step.data.get("via") == "sms" else self.actor(draft, step)
        return Rating(
            community_id=appeal.community_id,
            appeal=appeal,
            method=method,
            collected_by_id=collected,
            contacted=True,
            resolved=step.data["resolved"],
            satisfaction=step.data["satisfaction"],
            comment=step.note,
            rated_at=step.at,
        )


def write_appeals(drafts: list[AppealDraft], *, users: dict[int, int]) -> None:
    """Write the planned drafts (in the order given) with their timelines, dispatches and ratings."""
    writer = _Writer(users)
    for draft in drafts:
        draft.appeal = writer.appeal(draft)
    Appeal.objects.bulk_create([draft.appeal for draft in drafts if draft.appeal], batch_size=BATCH)
    merged = []
    for draft in drafts:
        assert draft.appeal is not None
        merge = next((step for step in draft.steps if step.event == E.MERGE), None)
        if merge is not None:
            draft.appeal.merged_into = merge.other.appeal
            merged.append(draft.appeal)
        writer.timeline(draft, draft.appeal)
        writer.handling(draft, draft.appeal)
    Appeal.objects.bulk_update(merged, ["merged_into"], batch_size=BATCH)
    TimelineEntry.objects.bulk_create(writer.entries, batch_size=BATCH)
    Dispatch.objects.bulk_create(writer.dispatches, batch_size=BATCH)
    Rating.objects.bulk_create(writer.ratings, batch_size=BATCH)
