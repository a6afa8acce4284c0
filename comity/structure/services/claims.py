"""Residency claims: a signed-in user says they live in or own a unit; committee staff confirm or reject it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from comity.foundation.audit import record_audit
from comity.foundation.services import Actor, lock, require, service
from comity.structure.fields import clean_phone
from comity.structure.models import (
    Area,
    ClaimRelation,
    ClaimStatus,
    Household,
    Membership,
    Ownership,
    Person,
    ResidencyClaim,
    Tenancy,
    Unit,
)
from comity.structure.scope import forget_scope, roles_changed


@service
def submit_residency_claim(
    actor: Actor, unit: Unit, *, relation: str, full_name: str, phone: str = "", message: str = ""
) -> ResidencyClaim:
    """A logged-in user claims to live in or own a unit; committee staff will confirm or reject it."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied
    if relation not in ClaimRelation.values:
        raise ValidationError({"relation": [_("Choose how you are related to the unit.")]})
    if not full_name.strip():
        raise ValidationError({"full_name": [_("Enter your full name.")]})
    try:
        phone = clean_phone(phone)
    except ValidationError as error:
        raise ValidationError({"phone": error.messages}) from None
    if ResidencyClaim.objects.filter(user_id=actor.pk, unit=unit, status=ClaimStatus.PENDING).exists():
        raise ValidationError(_("You already have a claim for this unit waiting for confirmation."))
    claim = ResidencyClaim.objects.create(
        community=unit.community,
        user_id=actor.pk,
        unit=unit,
        relation=relation,
        full_name=full_name.strip(),
        phone=phone,
        message=message.strip(),
    )
    record_audit(
        actor=actor,
        action="claim.submit",
        obj=claim,
        community=unit.community,
        summary=gettext_noop("%(name)s claimed unit %(unit)s"),
        params={"name": claim.full_name, "unit": unit},
    )
    return claim


def _decide(actor: Actor, claim: ResidencyClaim) -> None:
    require(actor, "structure.review_claims", claim.community)
    if claim.status != ClaimStatus.PENDING:
        raise ValidationError(_("This claim has already been decided."))


@service
def confirm_residency_claim(actor: Actor, claim: ResidencyClaim) -> Person:
    """Confirm a claim: link the account to the registry person at the unit (or record a new one).

    An owner claim is confirmed only against an ownership already registered under that name, because the
    owner's area and headcount count in owners' votes (Civil Code Art. 278); the committee imports the
    property register first.
    """
    claim = lock(claim, "unit", "community", "user")
    _decide(actor, claim)
    unit = claim.unit
    registry_person = (
        Person.objects.filter(community=claim.community, full_name=claim.full_name, user__isnull=True)
        .filter(Q(household__unit=unit) | Q(ownerships__unit=unit))
        .distinct()
        .first()
    )
    if claim.relation == ClaimRelation.OWNER:
        owns = Ownership.objects.filter(unit=unit, person__full_name=claim.full_name).filter(
            Q(person__user__isnull=True) | Q(person__user=claim.user)
        )
        owner = owns.first()
        if owner is None:
            raise ValidationError(
                _(
                    "No owner named %(name)s is registered for unit %(unit)s. Import the property register "
                    "first, or confirm the claimant as a family member."
                )
                % {"name": claim.full_name, "unit": unit}
            )
        registry_person = owner.person
    person = Person.objects.filter(user=claim.user).first()
    if person is None:
        person = registry_person
    elif registry_person is not None and registry_person.pk != person.pk:
        # The account's person (say, a committee worker) and the registry's record at the unit are one human.
        _merge_person(into=person, duplicate=registry_person)
    household = Household.objects.filter(community=claim.community, unit=unit).order_by("pk").first()
    if claim.relation == ClaimRelation.TENANT:
        household = None
    if household is None:
        household = Household.objects.create(
            community=claim.community, unit=unit, moved_in_on=timezone.localdate()
        )
    if (
        claim.relation == ClaimRelation.TENANT
        and not Tenancy.objects.filter(household=household, unit=unit).exists()
    ):
        Tenancy.objects.create(
            community=claim.community, unit=unit, household=household, since=timezone.localdate()
        )
    if person is None:
        person = Person(community=claim.community, full_name=claim.full_name)
    person.user = claim.user
    person.community = claim.community
    person.phone = person.phone or claim.phone
    person.is_resident = True
    if claim.relation != ClaimRelation.OWNER or person.household_id is None:
        person.household = household
    person.verified_at = timezone.now()
    person.save()
    claim.status = ClaimStatus.CONFIRMED
    claim.decided_by_id = actor.pk
    claim.decided_at = timezone.now()
    claim.save(update_fields=["status", "decided_by", "decided_at"])
    forget_scope(claim.user)
    record_audit(
        actor=actor,
        action="claim.confirm",
        obj=claim,
        community=claim.community,
        summary=gettext_noop("Confirmed %(name)s as %(relation)s of %(unit)s"),
        params={"name": claim.full_name, "relation": claim.get_relation_display(), "unit": unit},
    )
    return person


def _merge_person(*, into: Person, duplicate: Person) -> None:
    """Move what the registry holds on ``duplicate`` (ownerships, roles, grids, household) to ``into``."""
    Ownership.objects.filter(person=duplicate).update(person=into)
    Membership.objects.filter(person=duplicate).update(person=into)
    roles_changed()  # update() sends no post_save: the cached roles (scope.py) of both accounts are stale
    Area.objects.filter(grid_worker=duplicate).update(grid_worker=into)
    if into.household_id is None and duplicate.household_id is not None:
        into.household_id = duplicate.household_id
    into.birth_year = into.birth_year or duplicate.birth_year
    into.gender = into.gender or duplicate.gender
    duplicate.delete()


@service
def reject_residency_claim(actor: Actor, claim: ResidencyClaim, *, reason: str) -> ResidencyClaim:
    """Reject a claim with a reason the claimant will read."""
    claim = lock(claim, "unit", "community")
    _decide(actor, claim)
    if not reason.strip():
        raise ValidationError({"reason": [_("Give the claimant a reason.")]})
    claim.status = ClaimStatus.REJECTED
    claim.reason = reason.strip()
    claim.decided_by_id = actor.pk
    claim.decided_at = timezone.now()
    claim.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    record_audit(
        actor=actor,
        action="claim.reject",
        obj=claim,
        community=claim.community,
        summary=gettext_noop("Rejected the claim of %(name)s to %(unit)s"),
        params={"name": claim.full_name, "unit": claim.unit},
        changes={"reason": claim.reason},
    )
    return claim
