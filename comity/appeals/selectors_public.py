"""Reads of public appeals: the page a neighbour opens, its public timeline, photos and counts.

``get_public_appeal_for_user`` is the one way the public page, its photos and the following endpoints reach an
appeal: ``Http404`` when it does not exist in the community or is not public, ``PermissionDenied`` when the user
may not see the community. Nothing here names the requester or shows their contact; internal notes, dispute
reasons, return-visit notes and the staff's names stay on the case page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from comity.appeals.models import Appeal, AppealEvent, AppealFollower, AppealMeToo, Attachment
from comity.appeals.selectors import Reader
from comity.structure.models import Community

#: Timeline kinds a neighbour sees: what was received, who handles it, the reply and every change of status.
PUBLIC_KINDS = frozenset(
    {
        "received",
        "dispatched",
        "redispatched",
        "disputed",
        "dispute_rejected",
        "signed_for",
        "started",
        "replied",
        "closed",
        "visited",
        "rated",
        "reopened",
        "withdrawn",
        "merged",
    }
)
#: The only public entries whose text is shown: the handler's reply is the public answer.
PUBLIC_NOTE_KINDS = frozenset({"replied"})


def get_public_appeal_for_user(user: Reader, community: Community, appeal_id: int) -> Appeal:
    try:
        appeal = Appeal.objects.select_related(
            "community__street", "category", "lead_subject", "area__parent", "unit__building", "merged_into"
        ).get(community=community, pk=appeal_id, is_public=True)
    except Appeal.DoesNotExist as exc:
        raise Http404 from exc
    if not user.has_perm("appeals.see_public_appeal", appeal):
        raise PermissionDenied
    return appeal


def _count_of(model: type[AppealMeToo] | type[AppealFollower]) -> Coalesce:
    rows = (
        model.objects.filter(appeal=OuterRef("pk"))
        .order_by()
        .values("appeal")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def with_counts(appeals: QuerySet[Appeal]) -> QuerySet[Appeal]:
    """Each appeal with ``me_too_count`` and ``follower_count``, in the same query (no query per row)."""
    return appeals.annotate(me_too_count=_count_of(AppealMeToo), follower_count=_count_of(AppealFollower))


def public_appeals(community: Community) -> QuerySet[Appeal]:
    """The community's public appeals a neighbour may browse (not withdrawn or merged), newest first."""
    appeals = (
        Appeal.objects.filter(community=community, is_public=True)
        .exclude(status__in=["withdrawn", "merged"])
        .select_related("category", "lead_subject", "area__parent", "unit__building")
        .order_by("-received_at", "-pk")
    )
    return with_counts(appeals)


@dataclass(frozen=True)
class PublicEntry:
    """One public step of an appeal's timeline, as neighbours see it."""

    kind: str
    label: str
    at: datetime
    #: The organisation acting ("" when none is named).
    by: str
    #: The reply's text; other steps show none.
    text: str
    photos: list[Attachment]


def public_timeline(appeal: Appeal) -> list[PublicEntry]:
    """The public entries, oldest first: kind, moment, the organisation acting, and the reply's text."""
    events = (
        AppealEvent.objects.filter(community=appeal.community_id, appeal=appeal, kind__in=PUBLIC_KINDS)
        .select_related("acting_subject")
        .prefetch_related("attachments")
        .order_by("seq")
    )
    return [
        PublicEntry(
            kind=event.kind,
            label=event.get_kind_display(),
            at=event.at,
            by=event.acting_subject.name if event.acting_subject_id and event.acting_subject else "",
            text=event.note if event.kind in PUBLIC_NOTE_KINDS else "",
            photos=list(event.attachments.all()) if event.kind == "replied" else [],
        )
        for event in events
    ]


def public_photos(appeal: Appeal) -> QuerySet[Attachment]:
    """Photos a neighbour may see: those of the appeal itself and of its replies."""
    return Attachment.objects.filter(community=appeal.community_id, appeal=appeal).filter(
        Q(event__isnull=True) | Q(event__kind__in=["received", "replied"])
    )


@dataclass(frozen=True)
class Engagement:
    """How many follow the appeal and say it affects them, and what the viewer has done."""

    me_too_count: int
    follower_count: int
    reports: int
    me_too: bool
    following: bool
    is_requester: bool


def engagement(appeal: Appeal, user: Reader) -> Engagement:
    user_id = user.pk if getattr(user, "is_authenticated", False) else None
    me_toos = AppealMeToo.objects.filter(appeal=appeal)
    follows = AppealFollower.objects.filter(appeal=appeal)
    duplicates = Appeal.objects.filter(merged_into=appeal)
    return Engagement(
        me_too_count=me_toos.count(),
        follower_count=follows.count(),
        # The appeal itself and every duplicate merged into it: each is one resident's report.
        reports=1 + duplicates.count(),
        me_too=user_id is not None and me_toos.filter(user_id=user_id).exists(),
        following=user_id is not None and follows.filter(user_id=user_id).exists(),
        is_requester=user_id is not None
        and (appeal.requester_user_id == user_id or duplicates.filter(requester_user_id=user_id).exists()),
    )


def me_too_count(appeal: Appeal) -> int:
    return AppealMeToo.objects.filter(appeal=appeal).count()
