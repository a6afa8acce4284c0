"""Organisation profiles and their service catalogues."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from comity.foundation.audit import record_audit
from comity.foundation.services import Actor, require, service
from comity.ngos.models import ORGANISATION_KINDS, OrganisationProfile, ServiceOffer
from comity.ngos.services.common import _user_id
from comity.structure.models import Area, GovernanceSubject, MatterCategory

PROFILE_FIELDS = (
    "tier",
    "credit_code",
    "contact_name",
    "contact_phone",
    "founded_on",
    "registered_or_filed_on",
    "service_fields",
    "fiscal_host",
)


def _check_profile(subject: GovernanceSubject, data: dict[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    credit = data.get("credit_code") or ""
    if data.get("tier") == "registered" and len(credit) != 18:
        errors["credit_code"] = [_("A registered organisation has an 18-character credit code.")]
    founded: date | None = data.get("founded_on")
    registered: date | None = data.get("registered_or_filed_on")
    if founded and registered and registered < founded:
        errors["registered_or_filed_on"] = [_("It cannot be registered or filed before it was founded.")]
    host: GovernanceSubject | None = data.get("fiscal_host")
    if host is not None and (host.pk == subject.pk or host.street_id != subject.street_id):
        errors["fiscal_host"] = [_("The fiscal host is another subject of the same street.")]
    if errors:
        raise ValidationError(errors)


@service
def create_profile(actor: Actor, subject: GovernanceSubject, **data: Any) -> OrganisationProfile:
    """The profile of a social organisation or volunteer team (its staff, or committee staff for it)."""
    require(actor, "ngos.create_profile", subject)
    if subject.kind not in ORGANISATION_KINDS or subject.community_id is None:
        raise ValidationError(
            _("Only a community's social organisations and volunteer teams have a profile.")
        )
    if OrganisationProfile.objects.filter(subject=subject).exists():
        raise ValidationError(_("This organisation has a profile already."))
    data.setdefault("tier", subject.legal_status or "community_guided")
    _check_profile(subject, data)
    profile = OrganisationProfile.objects.create(
        community_id=subject.community_id,
        subject=subject,
        updated_by_id=_user_id(actor),
        **(_blank() | {k: data[k] for k in PROFILE_FIELDS if k in data}),
    )
    record_audit(
        actor=actor,
        action="ngos.profile_created",
        obj=profile,
        community=profile.community,
        summary=gettext_noop("Profile of %(name)s created"),
        params={"name": subject.name},
    )
    return profile


def _blank() -> dict[str, Any]:
    return {
        "tier": "community_guided",
        "credit_code": "",
        "contact_name": "",
        "contact_phone": "",
        "founded_on": None,
        "registered_or_filed_on": None,
        "service_fields": "",
        "fiscal_host": None,
    }


@service
def update_profile(actor: Actor, profile: OrganisationProfile, **data: Any) -> OrganisationProfile:
    require(actor, "ngos.manage_profile", profile)
    merged = {field: getattr(profile, field) for field in PROFILE_FIELDS} | data
    _check_profile(profile.subject, merged)
    changes = {
        field: [str(getattr(profile, field)), str(merged[field])]
        for field in PROFILE_FIELDS
        if getattr(profile, field) != merged[field]
    }
    for field in PROFILE_FIELDS:
        setattr(profile, field, merged[field])
    profile.updated_by_id = _user_id(actor)
    profile.save()
    record_audit(
        actor=actor,
        action="ngos.profile_updated",
        obj=profile,
        community=profile.community,
        summary=gettext_noop("Profile of %(name)s updated"),
        params={"name": profile.subject.name},
        changes=changes,
    )
    return profile


@service
def add_offer(
    actor: Actor,
    profile: OrganisationProfile,
    *,
    category: MatterCategory,
    service_type: str,
    title: str,
    capacity: int,
    areas: list[Area] | None = None,
) -> ServiceOffer:
    """A line of the organisation's service catalogue."""
    require(actor, "ngos.manage_profile", profile)
    areas = areas or []
    if any(area.community_id != profile.community_id for area in areas):
        raise ValidationError({"areas": [_("Choose areas of the organisation's community.")]})
    if capacity < 1:
        raise ValidationError({"capacity": [_("At least one place.")]})
    offer = ServiceOffer.objects.create(
        community_id=profile.community_id,
        profile=profile,
        category=category,
        service_type=service_type,
        title=title,
        capacity=capacity,
    )
    offer.areas.set(areas, through_defaults={"community_id": profile.community_id})
    record_audit(
        actor=actor,
        action="ngos.offer_added",
        obj=offer,
        community=profile.community,
        summary=gettext_noop("Service %(title)s added to the catalogue of %(name)s"),
        params={"title": title, "name": profile.subject.name},
    )
    return offer


@service
def withdraw_offer(actor: Actor, offer: ServiceOffer) -> ServiceOffer:
    require(actor, "ngos.manage_profile", offer.profile)
    offer.is_active = False
    offer.save(update_fields=["is_active"])
    record_audit(
        actor=actor,
        action="ngos.offer_withdrawn",
        obj=offer,
        community=offer.profile.community,
        summary=gettext_noop("Service %(title)s withdrawn"),
        params={"title": offer.title},
    )
    return offer
