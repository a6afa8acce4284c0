"""Volunteer hours: recorded by the organiser's staff, verified or rejected by them, revoked by a correction.

Verifying deposits the hours in the volunteer's time-bank account; what would lift the account past the
community's cap is donated to the community pool in a second entry (the Nanjing rule). Revoking verified hours
(falsified, entered twice) never edits the ledger: a correction entry takes back what is still in the account.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from comity.activities.models import Activity, Registration
from comity.engine.volunteering import split_deposit
from comity.foundation.audit import record_audit
from comity.foundation.services import Actor, lock, require, service
from comity.structure.models import GovernanceSubject, Person
from comity.volunteers.computing import engine_policy, policy_row
from comity.volunteers.models import MAX_HOURS, MIN_HOURS, ClaimStatus, EntryKind, HoursClaim
from comity.volunteers.services.common import VERIFY, _account_of, _append, _locked_ledger, _pool

#: How far back hours may be recorded.
OLDEST_DAYS = 366


def _check_hours(hours: Decimal, served_on: date) -> None:
    errors: dict[str, list[str]] = {}
    if not MIN_HOURS <= hours <= MAX_HOURS:
        errors["hours"] = [_("Enter between 0.25 and 24 hours.")]
    elif hours % Decimal("0.25"):
        errors["hours"] = [_("Count hours in quarters of an hour (0.25, 0.5, 0.75).")]
    today = timezone.localdate()
    if served_on > today:
        errors["served_on"] = [_("Hours are recorded once they are served.")]
    elif (today - served_on).days > OLDEST_DAYS:
        errors["served_on"] = [_("Hours older than a year are not recorded.")]
    if errors:
        raise ValidationError(errors)


@service
def record_hours(
    actor: Actor,
    organiser: GovernanceSubject,
    person: Person,
    served_on: date,
    hours: Decimal,
    description: str = "",
) -> HoursClaim:
    """The organiser's staff record hours a volunteer served (waiting for verification)."""
    require(actor, VERIFY, organiser)
    if organiser.community_id is None or person.community_id != organiser.community_id:
        raise ValidationError(
            {"person": [_("The volunteer is not registered in the organiser's community.")]}
        )
    _check_hours(hours, served_on)
    description = description.strip()
    if len(description) > 200:
        raise ValidationError({"description": [_("Write at most 200 characters.")]})
    claim = HoursClaim.objects.create(
        community_id=organiser.community_id,
        person=person,
        organiser=organiser,
        served_on=served_on,
        hours=hours,
        description=description,
        recorded_by_id=actor.pk if getattr(actor, "is_authenticated", False) else None,
    )
    record_audit(
        actor=actor,
        action="volunteers.record_hours",
        obj=claim,
        community=organiser.community,
        summary=gettext_noop("%(hours)s volunteer hours recorded for %(date)s"),
        params={"hours": str(hours), "date": served_on.isoformat()},
    )
    return claim


def _open_claim(actor: Actor, claim: HoursClaim) -> HoursClaim:
    claim = lock(claim, "organiser", "community", "person")
    require(actor, VERIFY, claim.organiser)
    return claim


@service
def verify_hours(actor: Actor, claim: HoursClaim) -> HoursClaim:
    """Verify the hours and deposit them; what passes the cap is donated to the pool. Verifying twice is a no-op."""
    claim = _open_claim(actor, claim)
    if claim.status == ClaimStatus.VERIFIED:
        return claim
    if claim.status != ClaimStatus.CLAIMED:
        raise ValidationError(_("Only hours waiting for verification can be verified."))
    ledger = _locked_ledger(claim.community)
    account = _account_of(claim.person)
    split = split_deposit(account.balance, claim.hours, engine_policy(policy_row(claim.community)).cap)
    reference = f"hours:{claim.pk}"
    deposit = _append(ledger, actor, EntryKind.DEPOSIT, claim.hours, credit=account, reference=reference)
    if split.donated:
        _append(
            ledger,
            actor,
            EntryKind.DONATION,
            split.donated,
            debit=account,
            credit=_pool(claim.community),
            reference=reference,
        )
    claim.status = ClaimStatus.VERIFIED
    claim.verified_at = timezone.now()
    claim.verified_by_id = actor.pk
    claim.deposit = deposit
    claim.save(update_fields=["status", "verified_at", "verified_by", "deposit"])
    record_audit(
        actor=actor,
        action="volunteers.verify_hours",
        obj=claim,
        community=claim.community,
        summary=gettext_noop(
            "%(hours)s volunteer hours verified and deposited (%(donated)s donated to the pool)"
        ),
        params={"hours": str(claim.hours), "donated": str(split.donated)},
        changes={"entry": deposit.sequence},
    )
    return claim


@service
def reject_hours(actor: Actor, claim: HoursClaim, reason: str) -> HoursClaim:
    """Reject hours waiting for verification, with the reason the volunteer reads."""
    claim = _open_claim(actor, claim)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why, for the volunteer.")]})
    if len(reason) > 500:
        raise ValidationError({"reason": [_("Write at most 500 characters.")]})
    if claim.status == ClaimStatus.REJECTED:
        return claim
    if claim.status != ClaimStatus.CLAIMED:
        raise ValidationError(_("Only hours waiting for verification can be rejected."))
    claim.status, claim.reason = ClaimStatus.REJECTED, reason
    claim.verified_at, claim.verified_by_id = timezone.now(), actor.pk
    claim.save(update_fields=["status", "reason", "verified_at", "verified_by"])
    record_audit(
        actor=actor,
        action="volunteers.reject_hours",
        obj=claim,
        community=claim.community,
        summary=gettext_noop("%(hours)s volunteer hours rejected"),
        params={"hours": str(claim.hours)},
    )
    return claim


@service
def revoke_hours(actor: Actor, claim: HoursClaim, reason: str) -> HoursClaim:
    """Take back verified hours (falsified or entered twice): a correction entry, never an edit of the ledger.

    The correction takes back at most what the account still holds (hours already redeemed stay redeemed)."""
    claim = _open_claim(actor, claim)
    reason = reason.strip()
    if not reason or len(reason) > 500:
        raise ValidationError({"reason": [_("Say why, in at most 500 characters.")]})
    if claim.status != ClaimStatus.VERIFIED or claim.deposit_id is None:
        raise ValidationError(_("Only verified hours can be revoked."))
    ledger = _locked_ledger(claim.community)
    account = _account_of(claim.person)
    account.refresh_from_db()
    taken = min(claim.hours, account.balance)
    sequence = claim.deposit.sequence if claim.deposit else None
    if taken > 0:
        _append(
            ledger,
            actor,
            EntryKind.CORRECTION,
            taken,
            debit=account,
            reference=f"hours:{claim.pk}",
            corrects=sequence,
        )
    claim.status, claim.reason = ClaimStatus.REVOKED, reason
    claim.save(update_fields=["status", "reason"])
    record_audit(
        actor=actor,
        action="volunteers.revoke_hours",
        obj=claim,
        community=claim.community,
        summary=gettext_noop("%(hours)s verified volunteer hours revoked (%(taken)s taken back)"),
        params={"hours": str(claim.hours), "taken": str(taken)},
    )
    return claim


@service
def record_activity_hours(actor: Actor, activity: Activity) -> list[HoursClaim]:
    """Record the activity's volunteer hours for every checked-in participant not recorded yet (waiting for
    verification). Sent twice, the second call records nobody."""
    activity = lock(activity, "organiser", "community")
    require(actor, VERIFY, activity.organiser)
    hours = activity.volunteer_hours
    if not hours:
        raise ValidationError({"activity": [_("The activity credits no volunteer hours.")]})
    served_on = timezone.localdate(activity.starts_at)
    if served_on > timezone.localdate():
        raise ValidationError({"activity": [_("Hours are recorded once they are served.")]})
    recorded = set(HoursClaim.objects.filter(activity=activity).values_list("person_id", flat=True))
    attended = (
        Registration.objects.filter(activity=activity, checked_in_at__isnull=False)
        .exclude(person_id__in=recorded)
        .order_by("person_id")
        .values_list("person_id", flat=True)
        .distinct()
    )
    claims = [
        HoursClaim(
            community_id=activity.community_id,
            person_id=person_id,
            organiser=activity.organiser,
            activity=activity,
            served_on=served_on,
            hours=hours,
            description=activity.title[:200],
            recorded_by_id=actor.pk,
        )
        for person_id in attended
    ]
    HoursClaim.objects.bulk_create(claims)
    if claims:
        record_audit(
            actor=actor,
            action="volunteers.record_activity_hours",
            obj=activity,
            community=activity.community,
            summary=gettext_noop("Volunteer hours recorded for %(count)s checked-in participants"),
            params={"count": len(claims)},
        )
    return claims
