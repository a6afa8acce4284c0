"""Intake: recording an appeal and dispatching it through the responsibility matrix in one transaction."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from comity.accounts.models import User
from comity.appeals.computing import next_number, route_appeal
from comity.appeals.models import (
    RECEIVED,
    Appeal,
    AppealEvent,
    AppealKind,
    Attachment,
    Channel,
    DispatchRole,
    Urgency,
)
from comity.appeals.notifying import notify_step
from comity.appeals.time_limits import time_limit
from comity.appeals.timeline import open_dispatch, write_event
from comity.engine import appeals as engine
from comity.engine.appeals import Actor, AppealStatus
from comity.foundation.audit import record_audit
from comity.foundation.photos import CheckedPhoto, check_photos
from comity.foundation.services import lock, require, service
from comity.structure.models import (
    Area,
    Community,
    MatterCategory,
    Person,
    Unit,
)


def _place_errors(community: Community, area: Area | None, unit: Unit | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if area is not None and area.community_id != community.pk:
        errors["area"] = [str(_("This place is not part of the community."))]
    if unit is not None and unit.community_id != community.pk:
        errors["unit"] = [str(_("This unit is not part of the community."))]
    if not errors and area is not None and unit is not None and not _unit_in_area(unit, area):
        errors["unit"] = [str(_("This home is not in the place chosen: choose one or the other."))]
    return errors


def _unit_in_area(unit: Unit, area: Area) -> bool:
    """The unit's stairwell, building or the zone around its building is ``area``."""
    return area.pk in {unit.stairwell_id, unit.building_id, unit.building.parent_id}


def _requester(
    actor: User,
    community: Community,
    on_behalf_of: Person | None,
    consent_note: str,
    *,
    for_resident: bool,
    contact_name: str,
    contact_phone: str,
) -> tuple[Person | None, User | None]:
    """The person appealing and their account.

    Assisted entry (``for_resident``, or a registered ``on_behalf_of``) needs a committee or grid role and a
    note of how the resident consented; a resident who is not in the register (or has no account) is recorded
    by name and phone.
    """
    if on_behalf_of is None and not for_resident:
        return Person.objects.filter(user=actor, community=community).first(), actor
    require(actor, "appeals.record_for_resident", community)
    errors: dict[str, list[str]] = {}
    if on_behalf_of is not None and on_behalf_of.community_id != community.pk:
        errors["on_behalf_of"] = [str(_("This person is not registered in the community."))]
    if on_behalf_of is None and not (contact_name.strip() and contact_phone.strip()):
        errors["contact_name"] = [
            str(_("Give the resident's name and phone number, or choose them from the register."))
        ]
    if not consent_note.strip():
        errors["consent_note"] = [str(_("Note how the resident agreed that you record the appeal for them."))]
    if errors:
        raise ValidationError(errors)
    if on_behalf_of is None:
        return None, None
    return on_behalf_of, on_behalf_of.user


def _attach_photo(
    appeal: Appeal, photo: CheckedPhoto, *, by: User, at: datetime, event: AppealEvent | None = None
) -> Attachment:
    attachment = Attachment(
        community_id=appeal.community_id,
        appeal=appeal,
        event=event,
        original_name=(photo.upload.name or "photo")[-200:],
        content_type=photo.content_type,
        size=photo.upload.size or 0,
        width=photo.width,
        height=photo.height,
        uploaded_by=by if getattr(by, "is_authenticated", False) else None,
        uploaded_at=at,
    )
    attachment.file.save(photo.upload.name or "photo", photo.upload, save=False)
    attachment.save()
    return attachment


@service
def submit_appeal(
    actor: User,
    community: Community,
    *,
    kind: str,
    category: MatterCategory,
    description: str,
    area: Area | None = None,
    unit: Unit | None = None,
    is_public: bool = False,
    contact_name: str = "",
    contact_phone: str = "",
    on_behalf_of: Person | None = None,
    for_resident: bool = False,
    consent_note: str = "",
    channel: str | None = None,
    urgency: str = Urgency.NORMAL,
    photos: list[UploadedFile] | None = None,
) -> Appeal:
    """Record an appeal and dispatch it at once through the responsibility matrix.

    The lead comes from the matrix row for the category (most specific first) and the place (unit's stairwell
    → building → zone → whole community); with no row the residents' committee keeps it as first receiver
    (:func:`comity.engine.appeals.lead_for_dispatch`). The due date counts the row's time limit (or the
    category default, or the community's policy for the category and urgency — :mod:`comity.appeals.time_limits`)
    from receipt. Photos are checked before anything is written; every refusal is a ``ValidationError`` keyed
    by field and nothing is stored.
    """
    require(actor, "appeals.submit_appeal", community)
    requester, requester_user = _requester(
        actor,
        community,
        on_behalf_of,
        consent_note,
        for_resident=for_resident,
        contact_name=contact_name,
        contact_phone=contact_phone,
    )
    errors = _place_errors(community, area, unit)
    if not description.strip():
        errors["description"] = [str(_("Describe the matter."))]
    if kind not in AppealKind.values:
        errors["kind"] = [str(_("Choose what kind of appeal this is."))]
    if urgency not in Urgency.values:
        errors["urgency"] = [str(_("Choose how urgent the matter is."))]
    checked: list[CheckedPhoto] = []
    try:
        checked = check_photos(list(photos or []))
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    if area is None and unit is not None:
        area = unit.stairwell if unit.stairwell_id else unit.building
    locked = lock(community, "street")
    route = route_appeal(locked, category=category, area=area, unit=unit)
    transition = engine.apply_event(
        AppealStatus.RECEIVED,
        engine.AppealEvent.DISPATCH,
        actor=Actor.SYSTEM,
        lead=route.lead.pk,
        co_handlers=[s.pk for s in route.co_handlers],
    )
    now = timezone.now()
    assisted = on_behalf_of is not None or for_resident
    appeal = Appeal.objects.create(
        community=locked,
        number=next_number(locked, now),
        kind=kind,
        channel=channel or (Channel.ASSISTED if assisted else Channel.WEB),
        requester=requester,
        requester_user=requester_user,
        contact_name=contact_name or (requester.full_name if requester else ""),
        contact_phone=contact_phone or (requester.phone if requester else ""),
        recorded_by=actor if assisted else None,
        consent_note=consent_note.strip() if assisted else "",
        consent_at=now if assisted else None,
        category=category,
        area=area,
        unit=unit,
        description=description.strip(),
        is_public=is_public,
        urgency=urgency,
        status=AppealStatus.RECEIVED,
        received_at=now,
    )
    received = write_event(
        appeal, kind=RECEIVED, actor=actor, from_status="", at=now, data={"channel": appeal.channel}
    )
    limit = time_limit(
        locked,
        category=category,
        urgency=urgency,
        route_hours=route.time_limit_hours,
        received_at=now,
        categories=route.categories,
    )
    appeal.status = transition.to_status
    appeal.lead_subject = route.lead
    appeal.responsibility = route.responsibility
    appeal.time_limit_hours = limit.hours
    appeal.clock = limit.clock
    appeal.due_at = limit.due_at
    appeal.remind_at = limit.remind_at
    appeal.save(
        update_fields=[
            "status",
            "lead_subject",
            "responsibility",
            "time_limit_hours",
            "clock",
            "due_at",
            "remind_at",
        ]
    )
    open_dispatch(appeal, route.lead, role=DispatchRole.LEAD, at=now, responsibility=route.responsibility)
    for subject in route.co_handlers:
        open_dispatch(
            appeal, subject, role=DispatchRole.CO_HANDLER, at=now, responsibility=route.responsibility
        )
    write_event(
        appeal,
        kind=transition.timeline_kind,
        actor=None,
        from_status=transition.from_status,
        at=now,
        data={
            "lead": route.lead.pk,
            "co_handlers": [s.pk for s in route.co_handlers],
            "responsibility": route.responsibility.pk if route.responsibility else None,
            "time_limit_hours": limit.hours,
            "clock": limit.clock,
        },
    )
    for photo in checked:
        _attach_photo(appeal, photo, by=actor, at=now, event=received)
    record_audit(
        actor=actor,
        action="appeal.submit",
        obj=appeal,
        community=locked,
        summary=gettext_noop("Received appeal %(number)s and dispatched it to %(lead)s"),
        params={"number": appeal.number, "lead": route.lead},
    )
    notify_step(appeal, transition.timeline_kind)
    return appeal
