"""Who hears about a step: the requester and followers, the lead's staff, the committee, the street office."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils import timezone

from comity.appeals.models import Appeal, Dispatch
from comity.structure.models import GovernanceSubject, SubjectKind


def staff_of(subjects: Iterable[GovernanceSubject | int]) -> QuerySet[Any]:
    """Accounts of the people acting for these subjects today (chair, member or staff)."""
    ids = [s if isinstance(s, int) else s.pk for s in subjects]
    today = timezone.localdate()
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            person__memberships__subject_id__in=ids,
            person__memberships__role__in=["chair", "member", "staff"],
            person__memberships__started_on__lte=today,
        )
        .filter(Q(person__memberships__ended_on__isnull=True) | Q(person__memberships__ended_on__gt=today))
        .distinct()
    )


def requesters(appeal: Appeal) -> list[Any]:
    """The requester and the requesters of the duplicates merged into the appeal (they follow it)."""
    users = [appeal.requester_user] if appeal.requester_user_id else []
    users += [
        duplicate.requester_user
        for duplicate in Appeal.objects.filter(
            merged_into=appeal, requester_user__isnull=False
        ).select_related("requester_user")
    ]
    return users


def lead_staff(appeal: Appeal) -> list[Any]:
    return list(staff_of([appeal.lead_subject_id])) if appeal.lead_subject_id else []


def handlers_staff(appeal: Appeal) -> list[Any]:
    """Staff of every subject with an open dispatch (lead and co-handlers)."""
    subjects = Dispatch.objects.filter(appeal=appeal, ended_at__isnull=True).values_list(
        "subject_id", flat=True
    )
    return list(staff_of(list(subjects)))


def committee_staff(appeal: Appeal) -> list[Any]:
    committees = GovernanceSubject.objects.filter(
        community=appeal.community_id, kind=SubjectKind.RESIDENTS_COMMITTEE, is_active=True
    )
    return list(staff_of(committees))


def street_staff(appeal: Appeal) -> list[Any]:
    offices = GovernanceSubject.objects.filter(
        community__isnull=True,
        street=appeal.community.street_id,
        kind=SubjectKind.STREET_OFFICE,
        is_active=True,
    )
    return list(staff_of(offices))


def street_staff_if_street_level(appeal: Appeal) -> list[Any]:
    """The street office's officials when the lead is a street-level subject: the engine lets only the street
    office decide such a dispute (a committee decides only between community subjects)."""
    lead = appeal.lead_subject if appeal.lead_subject_id else None
    if lead is None or lead.community_id is not None:
        return []
    return street_staff(appeal)
