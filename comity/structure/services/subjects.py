"""Writes to governance subjects and their memberships: registering a new subject, editing it, and adding or
ending a member's role. Roles in the application follow from memberships, so these services are how people
get and lose their permissions; each leaves an audit entry."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, TypedDict, cast

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from comity.foundation.audit import record_audit
from comity.foundation.services import Actor, require, service
from comity.structure.fields import clean_phone
from comity.structure.models import (
    STREET_LEVEL_KINDS,
    Area,
    Community,
    GovernanceSubject,
    Membership,
    MembershipRole,
    Person,
    SubjectKind,
)
from comity.structure.scope import forget_scope

if TYPE_CHECKING:
    from typing_extensions import Unpack

SUBJECT_FIELDS = (
    "kind",
    "name",
    "legal_status",
    "scope_area",
    "description",
    "phone",
    "address",
    "established_on",
)


class SubjectData(TypedDict, total=False):
    """What a form, the API or the demo give for a subject; on an update, only the fields to change."""

    kind: str
    name: str
    legal_status: str
    scope_area: Area | None
    description: str
    phone: str
    address: str
    established_on: date | None
    is_active: bool


def _validate_subject(community: Community | None, data: SubjectData) -> None:
    errors: dict[str, list[str]] = {}
    kind = data.get("kind")
    if community is not None and kind in STREET_LEVEL_KINDS:
        errors["kind"] = [_("Street offices and government departments are registered for the whole street.")]
    if kind == SubjectKind.SOCIAL_ORGANISATION and not data.get("legal_status"):
        errors["legal_status"] = [
            _("Say whether the organisation is registered, filed or guided by the community.")
        ]
    if kind != SubjectKind.SOCIAL_ORGANISATION and data.get("legal_status"):
        errors["legal_status"] = [_("Only social organisations have a legal status here.")]
    scope: Area | None = data.get("scope_area")
    if kind == SubjectKind.SELF_GOVERNANCE_GROUP and scope is None:
        errors["scope_area"] = [_("A self-governance group acts for one area: choose it.")]
    if scope is not None and (community is None or scope.community_id != community.pk):
        errors["scope_area"] = [_("This area is not part of the community.")]
    if not str(data.get("name", "")).strip():
        errors["name"] = [_("Enter the subject's name.")]
    if data.get("phone"):
        try:
            data["phone"] = clean_phone(str(data["phone"]))
        except ValidationError as error:
            errors["phone"] = error.messages
    if errors:
        raise ValidationError(errors)


def _snapshot(subject: GovernanceSubject) -> dict[str, Any]:
    return {field: str(getattr(subject, field) or "") for field in SUBJECT_FIELDS}


@service
def create_subject(actor: Actor, community: Community, **data: Unpack[SubjectData]) -> GovernanceSubject:
    """Register a governance subject of the community (an enterprise, an NGO, a group, a team, …)."""
    require(actor, "structure.register_subject", community)
    _validate_subject(community, data)
    subject = GovernanceSubject.objects.create(
        street=community.street, community=community, **{k: v for k, v in data.items() if k in SUBJECT_FIELDS}
    )
    record_audit(
        actor=actor,
        action="subject.create",
        obj=subject,
        community=community,
        summary=gettext_noop("Registered %(kind)s: %(name)s"),
        params={"kind": subject.get_kind_display(), "name": subject.name},
        changes={"after": _snapshot(subject)},
    )
    return subject


@service
def update_subject(
    actor: Actor, subject: GovernanceSubject, **data: Unpack[SubjectData]
) -> GovernanceSubject:
    require(actor, "structure.manage_subject", subject)
    merged: dict[str, Any] = {**{field: getattr(subject, field) for field in SUBJECT_FIELDS}, **data}
    _validate_subject(subject.community, cast(SubjectData, merged))
    before = _snapshot(subject)
    for field in SUBJECT_FIELDS:
        setattr(subject, field, merged[field])
    if "is_active" in data:
        subject.is_active = bool(data["is_active"])
    subject.save()
    after = _snapshot(subject)
    record_audit(
        actor=actor,
        action="subject.update",
        obj=subject,
        community=subject.community,
        street=subject.street,
        summary=gettext_noop("Changed the details of %(name)s"),
        params={"name": subject.name},
        changes={
            key: {"before": before[key], "after": after[key]} for key in after if before[key] != after[key]
        },
    )
    return subject


def _find_or_record_person(subject: GovernanceSubject, full_name: str, phone: str) -> Person:
    """The registry person of that name (and phone, when several share the name), or a new non-resident."""
    home = subject.community or subject.street.communities.order_by("pk").first()
    if home is None:
        raise ValidationError({"full_name": [_("The street has no community to record the person in.")]})
    candidates = Person.objects.filter(full_name=full_name)
    candidates = (
        candidates.filter(community=subject.community)
        if subject.community
        else candidates.filter(community__street=subject.street)
    )
    if phone:
        candidates = candidates.filter(phone=phone)
    matches = list(candidates[:2])
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        raise ValidationError(
            {
                "phone": [
                    _("Several people named %(name)s are registered: add their phone number.")
                    % {"name": full_name}
                ]
            }
        )
    return Person.objects.create(community=home, full_name=full_name, phone=phone, is_resident=False)


@service
def add_membership(
    actor: Actor,
    subject: GovernanceSubject,
    *,
    full_name: str,
    phone: str = "",
    role: str,
    title: str = "",
    started_on: date | None = None,
) -> Membership:
    """Give a person a role in a subject. A person not in the registry is recorded as a non-resident."""
    require(actor, "structure.manage_subject", subject)
    full_name = full_name.strip()
    try:
        phone = clean_phone(phone)
    except ValidationError as error:
        raise ValidationError({"phone": error.messages}) from None
    if role not in MembershipRole.values:
        raise ValidationError({"role": [_("Choose a role.")]})
    if not full_name:
        raise ValidationError({"full_name": [_("Enter the person's full name.")]})
    person = _find_or_record_person(subject, full_name, phone)
    if Membership.objects.filter(subject=subject, person=person, role=role, ended_on__isnull=True).exists():
        raise ValidationError(_("%(name)s already has this role.") % {"name": person.full_name})
    membership = Membership.objects.create(
        community=subject.community,
        street_id=subject.street_id,
        subject=subject,
        person=person,
        role=role,
        title=title.strip(),
        started_on=started_on or timezone.localdate(),
    )
    if person.user is not None:
        forget_scope(person.user)
    record_audit(
        actor=actor,
        action="membership.add",
        obj=membership,
        community=subject.community,
        street=subject.street,
        summary=gettext_noop("%(name)s joined %(subject)s as %(role)s"),
        params={"name": person.full_name, "subject": subject.name, "role": membership.get_role_display()},
    )
    return membership


@service
def end_membership(actor: Actor, membership: Membership) -> Membership:
    """End a role today: the person loses what the role allowed; the history stays."""
    subject = membership.subject
    require(actor, "structure.manage_subject", subject)
    if membership.ended_on is not None:
        raise ValidationError(_("This role has already ended."))
    membership.ended_on = timezone.localdate()
    membership.save(update_fields=["ended_on"])
    if membership.person.user is not None:
        forget_scope(membership.person.user)
    record_audit(
        actor=actor,
        action="membership.end",
        obj=membership,
        community=subject.community,
        street=subject.street,
        summary=gettext_noop("%(name)s is no longer %(role)s of %(subject)s"),
        params={
            "name": membership.person.full_name,
            "role": membership.get_role_display(),
            "subject": subject.name,
        },
    )
    return membership
