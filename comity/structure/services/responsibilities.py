"""The responsibility matrix: which subject leads on each matter category, in each scope, within what time."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from comity.engine.responsibility import MAX_TIME_LIMIT_HOURS, MIN_TIME_LIMIT_HOURS
from comity.foundation.audit import record_audit
from comity.foundation.services import Actor, require, service
from comity.structure.models import Area, Community, GovernanceSubject, MatterCategory, Responsibility


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


@service
def create_responsibility(
    actor: Actor,
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
    require(actor, "structure.edit_matrix", community)
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


@service
def update_responsibility(
    actor: Actor,
    row: Responsibility,
    *,
    lead_subject: GovernanceSubject,
    co_handlers: Iterable[GovernanceSubject],
    time_limit_hours: int,
    notes: str = "",
) -> Responsibility:
    """Change who leads, who co-handles and the time limit of one matrix row."""
    community = row.community
    require(actor, "structure.edit_matrix", community)
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


@service
def delete_responsibility(actor: Actor, row: Responsibility) -> None:
    community = row.community
    require(actor, "structure.edit_matrix", community)
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
