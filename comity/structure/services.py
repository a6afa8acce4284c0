"""Writes to the governance structure. Each service: one transaction, a permission check, an audit entry."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from comity.engine.responsibility import MAX_TIME_LIMIT_HOURS, MIN_TIME_LIMIT_HOURS
from comity.foundation.audit import record_audit
from comity.structure.fields import clean_phone
from comity.structure.models import (
    Area,
    ClaimRelation,
    ClaimStatus,
    Community,
    GovernanceSubject,
    Household,
    MatterCategory,
    Membership,
    Ownership,
    Person,
    ResidencyClaim,
    Responsibility,
    Tenancy,
    Unit,
)
from comity.structure.scope import forget_scope


def _require(actor: Any, perm: str, obj: Any) -> None:
    if not actor.has_perm(perm, obj):
        raise PermissionDenied


def _check_subjects_serve(
    community: Community, lead: GovernanceSubject, co_handlers: Iterable[GovernanceSubject]
) -> None:
    errors: dict[str, list[str]] = {}
    for subject in [lead, *co_handlers]:
        serves = subject.community_id == community.pk or (
            subject.community_id is None and subject.street_id == community.street_id
        )
        if not serves:
            errors.setdefault("lead_subject" if subject is lead else "co_handlers", []).append(
                _("%(subject)s does not serve %(community)s.") % {"subject": subject, "community": community}
            )
    if any(subject.pk == lead.pk for subject in co_handlers):
        errors.setdefault("co_handlers", []).append(_("The lead subject cannot also be a co-handler."))
    if errors:
        raise ValidationError(errors)


def _check_time_limit(hours: int) -> None:
    """From one hour to 90 days: a longer limit is a typing slip, and no due date may fall off the calendar."""
    if not MIN_TIME_LIMIT_HOURS <= hours <= MAX_TIME_LIMIT_HOURS:
        raise ValidationError(
            {
                "time_limit_hours": [
                    _("The time limit must be from %(min)s to %(max)s hours (90 days).")
                    % {"min": MIN_TIME_LIMIT_HOURS, "max": f"{MAX_TIME_LIMIT_HOURS:,}"}
                ]
            }
        )


def _matrix_snapshot(row: Responsibility) -> dict[str, Any]:
    return {
        "category": row.category.code,
        "scope": row.scope_area.code if row.scope_area_id and row.scope_area else None,
        "lead": row.lead_subject.name,
        "co_handlers": sorted(s.name for s in row.co_handlers.all()),
        "time_limit_hours": row.time_limit_hours,
        "notes": row.notes,
    }


@transaction.atomic
def create_responsibility(
    actor: Any,
    community: Community,
    *,
    category: MatterCategory,
    scope_area: Area | None,
    lead_subject: GovernanceSubject,
    co_handlers: Iterable[GovernanceSubject] = (),
    time_limit_hours: int | None = None,
    notes: str = "",
) -> Responsibility:
    """Add a row to the community's responsibility matrix."""
    _require(actor, "structure.edit_matrix", community)
    co_handlers = list(co_handlers)
    _check_subjects_serve(community, lead_subject, co_handlers)
    if scope_area is not None and scope_area.community_id != community.pk:
        raise ValidationError({"scope_area": [_("This area is not part of the community.")]})
    if time_limit_hours is not None:
        _check_time_limit(time_limit_hours)
    exists = Responsibility.objects.filter(community=community, category=category, scope_area=scope_area)
    if exists.exists():
        raise ValidationError(
            {"category": [_("This category already has a row for that scope; edit it instead.")]}
        )
    row = Responsibility.objects.create(
        community=community,
        category=category,
        scope_area=scope_area,
        lead_subject=lead_subject,
        time_limit_hours=time_limit_hours or category.default_time_limit_hours,
        notes=notes,
    )
    row.co_handlers.set(co_handlers)
    record_audit(
        actor=actor,
        action="responsibility.create",
        obj=row,
        community=community,
        summary=gettext_noop("Added responsibility: %(category)s → %(lead)s"),
        params={"category": category, "lead": lead_subject},
        changes={"after": _matrix_snapshot(row)},
    )
    return row


@transaction.atomic
def update_responsibility(
    actor: Any,
    row: Responsibility,
    *,
    lead_subject: GovernanceSubject,
    co_handlers: Iterable[GovernanceSubject],
    time_limit_hours: int,
    notes: str = "",
) -> Responsibility:
    """Change who leads, who co-handles and the time limit of one matrix row."""
    community = row.community
    _require(actor, "structure.edit_matrix", community)
    co_handlers = list(co_handlers)
    _check_subjects_serve(community, lead_subject, co_handlers)
    _check_time_limit(time_limit_hours)
    before = _matrix_snapshot(row)
    row.lead_subject = lead_subject
    row.time_limit_hours = time_limit_hours
    row.notes = notes
    row.save(update_fields=["lead_subject", "time_limit_hours", "notes", "updated_at"])
    row.co_handlers.set(co_handlers)
    after = _matrix_snapshot(row)
    changed = {
        key: {"before": before[key], "after": after[key]} for key in after if before[key] != after[key]
    }
    record_audit(
        actor=actor,
        action="responsibility.update",
        obj=row,
        community=community,
        summary=gettext_noop("Changed responsibility for %(category)s: lead %(lead)s, %(hours)s h"),
        params={"category": row.category, "lead": lead_subject, "hours": time_limit_hours},
        changes=changed,
    )
    return row


@transaction.atomic
def delete_responsibility(actor: Any, row: Responsibility) -> None:
    community = row.community
    _require(actor, "structure.edit_matrix", community)
    snapshot = _matrix_snapshot(row)
    pk = row.pk
    category = row.category
    row.delete()
    record_audit(
        actor=actor,
        action="responsibility.delete",
        community=community,
        summary=gettext_noop("Removed responsibility for %(category)s"),
        params={"category": category},
        changes={"before": snapshot, "id": pk},
    )


@transaction.atomic
def submit_residency_claim(
    actor: Any, unit: Unit, *, relation: str, full_name: str, phone: str = "", message: str = ""
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
    if ResidencyClaim.objects.filter(user=actor, unit=unit, status=ClaimStatus.PENDING).exists():
        raise ValidationError(_("You already have a claim for this unit waiting for confirmation."))
    claim = ResidencyClaim.objects.create(
        community=unit.community,
        user=actor,
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


def _decide(actor: Any, claim: ResidencyClaim) -> None:
    _require(actor, "structure.review_claims", claim.community)
    if claim.status != ClaimStatus.PENDING:
        raise ValidationError(_("This claim has already been decided."))


@transaction.atomic
def confirm_residency_claim(actor: Any, claim: ResidencyClaim) -> Person:
    """Confirm a claim: link the account to the registry person at the unit (or record a new one).

    An owner claim is confirmed only against an ownership already registered under that name, because the
    owner's area and headcount count in owners' votes (Civil Code Art. 278); the committee imports the
    property register first.
    """
    claim = (
        ResidencyClaim.objects.select_for_update()
        .select_related("unit", "community", "user")
        .get(pk=claim.pk)
    )
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
        if not owns.exists():
            raise ValidationError(
                _(
                    "No owner named %(name)s is registered for unit %(unit)s. Import the property register "
                    "first, or confirm the claimant as a family member."
                )
                % {"name": claim.full_name, "unit": unit}
            )
        registry_person = owns.first().person  # type: ignore[union-attr]
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
    claim.decided_by = actor
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
    Area.objects.filter(grid_worker=duplicate).update(grid_worker=into)
    if into.household_id is None and duplicate.household_id is not None:
        into.household_id = duplicate.household_id
    into.birth_year = into.birth_year or duplicate.birth_year
    into.gender = into.gender or duplicate.gender
    duplicate.delete()


@transaction.atomic
def reject_residency_claim(actor: Any, claim: ResidencyClaim, *, reason: str) -> ResidencyClaim:
    """Reject a claim with a reason the claimant will read."""
    claim = ResidencyClaim.objects.select_for_update().select_related("unit", "community").get(pk=claim.pk)
    _decide(actor, claim)
    if not reason.strip():
        raise ValidationError({"reason": [_("Give the claimant a reason.")]})
    claim.status = ClaimStatus.REJECTED
    claim.reason = reason.strip()
    claim.decided_by = actor
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
