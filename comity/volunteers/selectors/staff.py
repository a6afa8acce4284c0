"""The staff's reads: the verification queue, accounts, redemptions and the ledger; each a protected object reached
through a ``get_…_for_user`` helper (``Http404`` outside the community, ``PermissionDenied`` without the right)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from comity.activities.models import Activity
from comity.structure.models import Community, GovernanceSubject, Person
from comity.structure.scope import scope_for
from comity.volunteers.models import Account, AccountKind, ClaimStatus, HoursClaim, LedgerEntry, Redemption

VERIFY = "volunteers.verify_hours"
MANAGE = "volunteers.manage_time_bank"


def _sees_all(user: Any, community: Community) -> bool:
    return bool(user.has_perm(MANAGE, community))


def organisers_for(user: Any, community: Community) -> QuerySet[GovernanceSubject]:
    """The subjects whose volunteers' hours the user records: every subject for the committee, else their own."""
    found = GovernanceSubject.objects.filter(community=community, is_active=True).order_by("name")
    if _sees_all(user, community):
        return found
    return found.filter(pk__in=scope_for(user).acting_subject_ids)


def verification_queue(user: Any, community: Community) -> QuerySet[HoursClaim]:
    found = (
        HoursClaim.objects.filter(community=community, status=ClaimStatus.CLAIMED)
        .select_related("person", "organiser", "activity")
        .order_by("served_on", "pk")
    )
    if _sees_all(user, community):
        return found
    return found.filter(organiser_id__in=scope_for(user).acting_subject_ids)


def get_claim_for_verifying(user: Any, community: Community, claim_id: int) -> HoursClaim:
    claim = (
        HoursClaim.objects.select_related("person", "organiser", "community", "activity")
        .filter(community=community, pk=claim_id)
        .first()
    )
    if claim is None:
        raise Http404
    if not user.has_perm(VERIFY, claim.organiser):
        raise PermissionDenied
    return claim


def volunteers_of(community: Community) -> QuerySet[Person]:
    return Person.objects.filter(community=community).order_by("full_name")


def accounts(community: Community) -> QuerySet[Account]:
    return Account.objects.filter(community=community).select_related("person").order_by("kind", "code")


def get_account(community: Community, account_id: int) -> Account:
    found = (
        Account.objects.select_related("person", "community")
        .filter(community=community, pk=account_id, kind=AccountKind.PERSON)
        .first()
    )
    if found is None:
        raise Http404
    return found


def redemptions(community: Community) -> QuerySet[Redemption]:
    return (
        Redemption.objects.filter(community=community)
        .select_related("account__person", "beneficiary", "provider", "entry")
        .order_by("-recorded_at")
    )


def ledger_entries(community: Community) -> QuerySet[LedgerEntry]:
    return (
        LedgerEntry.objects.filter(community=community)
        .select_related("debit", "credit")
        .order_by("-sequence")
    )


def get_activity(community: Community, activity_id: int) -> Activity:
    found = Activity.objects.select_related("organiser").filter(community=community, pk=activity_id).first()
    if found is None:
        raise Http404
    return found


def providers(community: Community) -> QuerySet[GovernanceSubject]:
    return GovernanceSubject.objects.filter(community=community, is_active=True).order_by("name")
