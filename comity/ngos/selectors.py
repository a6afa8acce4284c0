"""Reads of the ngos app: a community's organisations with their tier, stage and grade, one organisation, the
review queues, and the street's count against the target of 10."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from comity.engine.ngo_grading import URBAN_TARGET, is_eligible, is_valid
from comity.foundation.services import require
from comity.ngos.models import (
    ORGANISATION_KINDS,
    Filing,
    Grade,
    HostedEntry,
    Incubation,
    OrganisationProfile,
    ServiceOffer,
)
from comity.structure.models import Community, GovernanceSubject, Street


@dataclass
class OrganisationRow:
    subject: GovernanceSubject
    profile: OrganisationProfile | None
    tier: str
    stage: str
    grade: Grade | None
    offers: list[ServiceOffer]


def organisation_subjects(community: Community) -> QuerySet[GovernanceSubject]:
    """The community's active social organisations and volunteer teams."""
    return GovernanceSubject.objects.filter(
        community=community, kind__in=ORGANISATION_KINDS, is_active=True
    ).order_by("name")


def counted(community: Community) -> int:
    """Community social organisations counted against the target: active social organisations and volunteer
    teams of the community (owners' committees are not community social organisations)."""
    return organisation_subjects(community).count()


def current_grade(grades: list[Grade], today: date) -> Grade | None:
    return next((grade for grade in grades if is_valid(grade.assessed_on, today)), None)


def organisation_rows(community: Community) -> list[OrganisationRow]:
    today = timezone.localdate()
    subjects = organisation_subjects(community).select_related("organisation_profile")
    profiles = {
        profile.subject_id: profile
        for profile in OrganisationProfile.objects.filter(community=community).prefetch_related(
            Prefetch("grades", queryset=Grade.objects.order_by("-assessed_on", "-pk")),
            Prefetch("incubations", queryset=Incubation.objects.order_by("-applied_on", "-pk")),
            Prefetch(
                "offers", queryset=ServiceOffer.objects.filter(is_active=True).select_related("category")
            ),
        )
    }
    rows = []
    for subject in subjects:
        profile = profiles.get(subject.pk)
        incubations = list(profile.incubations.all()) if profile else []
        rows.append(
            OrganisationRow(
                subject=subject,
                profile=profile,
                tier=profile.tier if profile else subject.legal_status,
                stage=incubations[0].stage if incubations else "",
                grade=current_grade(list(profile.grades.all()), today) if profile else None,
                offers=list(profile.offers.all()) if profile else [],
            )
        )
    return rows


def target_words(count: int) -> dict[str, Any]:
    return {
        "count": count,
        "target": URBAN_TARGET,
        "met": count >= URBAN_TARGET,
        "short": max(0, URBAN_TARGET - count),
    }


def street_counts(street: Street) -> list[tuple[Community, dict[str, Any]]]:
    return [
        (community, target_words(counted(community))) for community in street.communities.order_by("name")
    ]


def get_subject_in(user: Any, community: Community, subject_id: int) -> GovernanceSubject:
    """An organisation subject of the community, or ``Http404``."""
    subject = (
        organisation_subjects(community).filter(pk=subject_id).select_related("street", "community").first()
    )
    if subject is None:
        raise Http404
    require(user, "ngos.see_organisation", subject)
    return subject


def get_profile_for_user(user: Any, community: Community, profile_id: int, perm: str) -> OrganisationProfile:
    profile = (
        OrganisationProfile.objects.select_related("subject", "community", "fiscal_host")
        .filter(pk=profile_id, community=community)
        .first()
    )
    if profile is None:
        raise Http404
    require(user, perm, profile)
    return profile


def get_filing_for_user(user: Any, community: Community, filing_id: int, perm: str) -> Filing:
    filing = (
        Filing.objects.select_related("profile__subject", "community__street")
        .filter(pk=filing_id, community=community)
        .first()
    )
    if filing is None:
        raise Http404
    require(user, perm, filing)
    return filing


def get_incubation_for_user(user: Any, community: Community, incubation_id: int, perm: str) -> Incubation:
    incubation = (
        Incubation.objects.select_related("profile__subject", "incubator", "community")
        .filter(pk=incubation_id, community=community)
        .first()
    )
    if incubation is None:
        raise Http404
    require(user, perm, incubation)
    return incubation


def open_filing(profile: OrganisationProfile) -> Filing | None:
    return Filing.objects.filter(profile=profile).exclude(status=Filing.Status.APPROVED).first()


def filings_of(profile: OrganisationProfile) -> list[Filing]:
    return list(Filing.objects.filter(profile=profile).prefetch_related("documents"))


def filing_queue(community: Community, status: str) -> list[Filing]:
    return list(
        Filing.objects.filter(community=community, status=status)
        .select_related("profile__subject")
        .order_by("submitted_at", "pk")
    )


def street_filing_queue(street: Street) -> list[Filing]:
    return list(
        Filing.objects.filter(community__street=street, status=Filing.Status.REVIEWED)
        .select_related("profile__subject", "community")
        .order_by("reviewed_at", "pk")
    )


def incubations_of(community: Community) -> list[Incubation]:
    return list(
        Incubation.objects.filter(community=community)
        .select_related("profile__subject", "incubator")
        .prefetch_related("support")
        .order_by("stage", "-applied_on", "-pk")
    )


def incubators_for(community: Community) -> QuerySet[GovernanceSubject]:
    """Subjects that may incubate: the street's subjects other than government, the committee included."""
    return GovernanceSubject.objects.filter(street_id=community.street_id, is_active=True).exclude(
        kind__in=["street_office", "government_department"]
    )


def hosted_entries(profile: OrganisationProfile) -> list[HostedEntry]:
    return list(HostedEntry.objects.filter(profile=profile).order_by("pk"))


def hosted_balance(profile: OrganisationProfile) -> int:
    last = (
        HostedEntry.objects.filter(profile=profile)
        .order_by("-pk")
        .values_list("balance_fen", flat=True)
        .first()
    )
    return int(last or 0)


def grading_rows(community: Community) -> list[tuple[OrganisationProfile, Grade | None, bool]]:
    today = timezone.localdate()
    rows = []
    for profile in (
        OrganisationProfile.objects.filter(community=community)
        .select_related("subject")
        .prefetch_related(Prefetch("grades", queryset=Grade.objects.order_by("-assessed_on", "-pk")))
    ):
        rows.append(
            (
                profile,
                current_grade(list(profile.grades.all()), today),
                is_eligible(profile.registered_or_filed_on, today),
            )
        )
    return rows


def profiles_of(community: Community) -> QuerySet[OrganisationProfile]:
    return OrganisationProfile.objects.filter(community=community).select_related("subject")
