"""The demo's volunteers and time bank in 幸福里 (the old estate): a year of verified hours, stars, a redemption.

Hours go through the volunteers' services, as the organisers' staff would record and verify them, so the ledger is
a real hash chain that verifies; the policy is Nanjing's with a cap lowered to 300 hours, so the busiest volunteer's
excess is donated to the community pool. The history is then dated back: each claim verified two days after it was
served, and a roll of honour posted a month ago whose posting period is over, so the stars it names are awarded.
The same seed gives the same rows.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from comity.demo.specs import OLD_ESTATE
from comity.engine.volunteering import posting_ends
from comity.structure.models import Community, GovernanceSubject, Person, Street, SubjectKind
from comity.volunteers.computing import calendar_of
from comity.volunteers.models import Account, HonourRoll, HoursClaim, Ledger, LedgerEntry, Policy, Redemption
from comity.volunteers.services import record_hours, redeem, set_policy, verify_hours

#: Hours a volunteer usually serves at once, and how many volunteers of each kind.
SHIFTS = (Decimal(2), Decimal("2.5"), Decimal(3), Decimal(4))
VOLUNTEERS = 24
#: The busiest volunteers' total hours: past 100 (one star) and past 300 (two stars, and the cap).
BUSY_HOURS = (Decimal(120), Decimal(330))
DEMO_CAP = Decimal(300)


def generate_demo_volunteers(street: Street, *, seed: int, now: datetime) -> dict[str, int]:
    old = Community.objects.get(street=street, code=OLD_ESTATE)
    staff = get_user_model().objects.get(username="committee-staff")
    return fill_time_bank(old, staff, seed=seed, today=timezone.localdate(now))


def _organisers(community: Community) -> list[GovernanceSubject]:
    kinds = (SubjectKind.VOLUNTEER_TEAM, SubjectKind.SOCIAL_ORGANISATION, SubjectKind.RESIDENTS_COMMITTEE)
    found = list(GovernanceSubject.objects.filter(community=community, kind__in=kinds).order_by("kind", "pk"))
    return found or list(GovernanceSubject.objects.filter(community=community).order_by("pk")[:1])


def _shifts(rng: random.Random, total: Decimal) -> list[Decimal]:
    hours: list[Decimal] = []
    while sum(hours, Decimal(0)) < total:
        hours.append(rng.choice(SHIFTS))
    return hours


def fill_time_bank(community: Community, staff: Any, *, seed: int, today: date) -> dict[str, int]:
    """A year of volunteering in ``community``, recorded and verified by ``staff`` (committee staff there)."""
    rng = random.Random(f"volunteers-{seed}")
    set_policy(
        staff,
        community,
        cap=DEMO_CAP,
        min_age=60,
        beneficiaries=["self", "spouse", "parent"],
        yearly_limit=None,
        transfers="same_household",
    )
    organisers = _organisers(community)
    people = list(
        Person.objects.filter(community=community, birth_year__isnull=False).order_by("pk")[: VOLUNTEERS * 3]
    )
    volunteers = rng.sample(people, min(VOLUNTEERS, len(people)))
    claims = 0
    for index, person in enumerate(volunteers):
        total = BUSY_HOURS[index] if index < len(BUSY_HOURS) else Decimal(rng.randint(4, 60))
        for hours in _shifts(rng, total):
            served = today - timedelta(days=rng.randint(3, 360))
            claim = record_hours(staff, rng.choice(organisers), person, served, hours, "社区志愿服务")
            verify_hours(staff, claim)
            claims += 1
    # Dated back: verified two days after being served (never later than yesterday).
    for claim in HoursClaim.objects.filter(community=community, person__in=volunteers).only(
        "pk", "served_on"
    ):
        verified = min(claim.served_on + timedelta(days=2), today - timedelta(days=1))
        HoursClaim.objects.filter(pk=claim.pk).update(
            verified_at=timezone.make_aware(datetime.combine(verified, datetime.min.time().replace(hour=10)))
        )
    # A few hours still waiting for verification, for the organisers' queue.
    for person in volunteers[-3:]:
        record_hours(staff, organisers[0], person, today - timedelta(days=1), Decimal(2), "清扫楼道")
    posted = today - timedelta(days=30)
    HonourRoll.objects.create(
        community=community,
        as_of=posted,
        posted_on=posted,
        ends_on=posting_ends(posted, calendar_of(community)),
        posted_by=staff,
    )
    redemptions = 0
    elder = next(
        (p for p in volunteers if p.birth_year is not None and today.year - p.birth_year >= 60), None
    )
    if elder is not None:
        account = Account.objects.get(person=elder)
        hours = min(Decimal(4), account.balance)
        if hours > 0:
            redeem(staff, account, elder, "self", "助浴服务", hours)
            redemptions = 1
    return {"volunteers": len(volunteers), "volunteer_hours": claims, "time_bank_redemptions": redemptions}


def delete_demo_volunteers(street: Street) -> None:
    """The street's volunteering rows, before the persons and subjects they protect are deleted."""
    in_street: dict[str, Any] = {"community__street": street}
    Redemption.objects.filter(**in_street).delete()
    HoursClaim.objects.filter(**in_street).delete()
    LedgerEntry.objects.filter(**in_street).delete()
    Ledger.objects.filter(**in_street).delete()
    Account.objects.filter(**in_street).delete()
    Policy.objects.filter(**in_street).delete()
    HonourRoll.objects.filter(**in_street).delete()
