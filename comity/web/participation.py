"""What a person takes part in, for "My account": homes, appeals, consultations, decisions, budget ballots and
organisations.

One query per list, whatever its length (the page asserts it): every list is read with the rows it shows joined in,
never one query per item. A secret ballot's choice is never read here: only that the person took part and where
to check a receipt code (the codes themselves are shown once when voting and never stored, ADR 0012).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from comity.appeals.models import Appeal
from comity.budgeting.models import BudgetBallot
from comity.consultations.models import Consultation
from comity.decisions.models import Participation
from comity.structure.models import Community, Membership, Ownership, Person

#: The columns the page shows of an appeal (reading every column of the appeal and of its joins cost more CPU in
#: compiling and building the rows than the rows are worth).
APPEAL_FIELDS = (
    "id",
    "number",
    "community_id",
    "kind",
    "status",
    "received_at",
    "category_id",
    "category__id",
    "category__name_en",
    "category__name_zh",
)

#: Most recent appeals shown on "My account"; the rest are on the appeals page.
RECENT_APPEALS = 20


@dataclass(frozen=True)
class OwnedUnit:
    ownership: Ownership
    share: Fraction

    @property
    def unit(self) -> Any:
        return self.ownership.unit

    @property
    def whole(self) -> bool:
        return self.share == 1

    @property
    def my_area(self) -> Any:
        """The exclusive area that counts for this owner: the unit's registered area times the share."""
        area = self.ownership.unit.exclusive_area
        return None if area is None else area * self.share.numerator / self.share.denominator


@dataclass
class MyParticipation:
    person: Person | None = None
    owned: list[OwnedUnit] = field(default_factory=list)
    appeals: list[Any] = field(default_factory=list)
    more_appeals: bool = False
    consultations: list[Any] = field(default_factory=list)
    decisions: list[Any] = field(default_factory=list)
    budget_ballots: list[Any] = field(default_factory=list)
    memberships: list[Membership] = field(default_factory=list)


def participation_for(user: Any) -> MyParticipation:
    """Everything the user took part in, newest first, in a fixed number of queries."""
    mine = MyParticipation()
    mine.person = (
        Person.objects.filter(user=user)
        .select_related("community", "household__unit__building", "household__unit__stairwell")
        .first()
    )
    appeals = list(
        Appeal.objects.filter(Q(requester_user=user) | Q(duplicates__requester_user=user))
        .select_related("category")
        .only(*APPEAL_FIELDS)
        .distinct()
        .order_by("-received_at", "-pk")[: RECENT_APPEALS + 1]
    )
    mine.appeals, mine.more_appeals = appeals[:RECENT_APPEALS], len(appeals) > RECENT_APPEALS
    mine.consultations = list(
        Consultation.objects.filter(votes__participant=user)
        .only("id", "title", "community_id", "closes_at")
        .annotate(my_votes=Count("votes", filter=Q(votes__participant=user)))
        .order_by("-closes_at", "-pk")
    )
    mine.budget_ballots = list(
        BudgetBallot.objects.filter(voter=user)
        .select_related("cycle", "district")
        .only(
            "id",
            "cast_at",
            "cycle_id",
            "district_id",
            "cycle__id",
            "cycle__title",
            "cycle__status",
            "cycle__community_id",
            "district__id",
            "district__name",
        )
        .order_by("-cast_at", "-pk")
    )
    if mine.person is None:
        return mine
    today = timezone.localdate()
    ownerships = (
        Ownership.objects.filter(person=mine.person)
        .filter(Q(until__isnull=True) | Q(until__gte=today))
        .select_related("unit__building", "unit__stairwell", "community")
        .order_by("community__name", "unit__building__code", "unit__number")
    )
    mine.owned = [
        OwnedUnit(ownership, Fraction(ownership.share_numerator, ownership.share_denominator or 1))
        for ownership in ownerships
    ]
    mine.decisions = list(
        Participation.objects.filter(elector__persons=mine.person)
        .select_related("decision")
        .only(
            "id",
            "created_at",
            "channel",
            "decision_id",
            "decision__id",
            "decision__title",
            "decision__secret",
            "decision__community_id",
        )
        .order_by("-created_at", "-pk")
    )
    mine.memberships = list(
        Membership.objects.filter(person=mine.person, started_on__lte=today)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=today))
        .select_related("subject")
        .only("id", "role", "title", "started_on", "subject_id", "subject__id", "subject__name")
        .order_by("subject__name")
    )
    return mine


def communities_named(ids: set[int]) -> list[Community]:
    """The communities of ``ids`` (their names), in the communities' order; no query for none."""
    if not ids:
        return []
    return list(Community.objects.filter(pk__in=ids).only("id", "name"))
