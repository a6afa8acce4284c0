"""A volunteer's own hours, stars, account and ledger entries, and the roll of honour's stars.

Stars are computed, never stored: the stars *awarded* are those earned by hours verified up to the ``as_of`` day of
the last roll of honour whose posting period is over; the stars *earned* count every verified hour and are
awarded at the next roll.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from comity.engine.volunteering import hours_to_next_star, star_level
from comity.structure.models import Community, Person
from comity.volunteers.models import Account, ClaimStatus, HonourRoll, HoursClaim, LedgerEntry

ZERO = Decimal(0)
#: How many of a volunteer's own ledger entries the summary shows (the certificate shows the year's hours).
RECENT_ENTRIES = 50


def person_of(user: Any) -> Person | None:
    """The signed-in user's record in a register."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Person.objects.select_related("community").filter(user_id=user.pk).first()


def awarded_roll(community: Community | int, today: date | None = None) -> HonourRoll | None:
    """The last roll whose posting period is over (its stars are awarded)."""
    today = today or timezone.localdate()
    return (
        HonourRoll.objects.filter(community=community, ends_on__lt=today).order_by("-ends_on", "-pk").first()
    )


def posting_roll(community: Community | int, today: date | None = None) -> HonourRoll | None:
    """The roll being posted now, if any (objections to the committee until its end)."""
    today = today or timezone.localdate()
    return HonourRoll.objects.filter(community=community, ends_on__gte=today).order_by("-pk").first()


def verified_hours(person: Person, up_to: date | None = None) -> Decimal:
    found = HoursClaim.objects.filter(person=person, status=ClaimStatus.VERIFIED)
    if up_to is not None:
        found = found.filter(verified_at__date__lte=up_to)
    return found.aggregate(total=Sum("hours"))["total"] or ZERO


@dataclass
class Summary:
    person: Person | None
    verified: Decimal = ZERO
    stars_earned: int = 0
    stars_awarded: int = 0
    to_next_star: Decimal | None = None
    pending: list[HoursClaim] = field(default_factory=list)
    recent: list[HoursClaim] = field(default_factory=list)
    account: Account | None = None
    entries: list[LedgerEntry] = field(default_factory=list)
    roll: HonourRoll | None = None


def summary(person: Person | None) -> Summary:
    """What My volunteering shows: hours, stars, pending claims, the account and its last entries."""
    if person is None:
        return Summary(None)
    verified = verified_hours(person)
    roll = awarded_roll(person.community_id)
    claims = HoursClaim.objects.filter(person=person).select_related("organiser", "activity")
    account = Account.objects.filter(person=person, community_id=person.community_id).first()
    entries: list[LedgerEntry] = []
    if account is not None:
        entries = list(
            LedgerEntry.objects.filter(Q(debit=account) | Q(credit=account))
            .select_related("debit", "credit")
            .order_by("-sequence")[:RECENT_ENTRIES]
        )
    return Summary(
        person=person,
        verified=verified,
        stars_earned=star_level(verified),
        stars_awarded=star_level(verified_hours(person, roll.as_of)) if roll else 0,
        to_next_star=hours_to_next_star(verified),
        pending=list(claims.filter(status=ClaimStatus.CLAIMED)),
        recent=list(claims.exclude(status=ClaimStatus.CLAIMED)[:20]),
        account=account,
        entries=entries,
        roll=roll,
    )


def year_claims(person: Person, year: int) -> QuerySet[HoursClaim]:
    """The verified hours served in ``year``: the yearly statement's lines."""
    return (
        HoursClaim.objects.filter(person=person, status=ClaimStatus.VERIFIED, served_on__year=year)
        .select_related("organiser", "activity")
        .order_by("served_on", "pk")
    )


@dataclass(frozen=True)
class RollLine:
    person_id: int
    name: str
    hours: Decimal
    stars: int


def roll_lines(roll: HonourRoll) -> list[RollLine]:
    """Everyone with at least one star by the hours verified up to the roll's day, most hours first."""
    totals = (
        HoursClaim.objects.filter(
            community_id=roll.community_id, status=ClaimStatus.VERIFIED, verified_at__date__lte=roll.as_of
        )
        .values("person_id", "person__full_name")
        .annotate(total=Sum("hours"))
        .order_by("-total", "person__full_name")
    )
    lines = [
        RollLine(row["person_id"], row["person__full_name"], row["total"], star_level(row["total"]))
        for row in totals
    ]
    return [line for line in lines if line.stars > 0]
