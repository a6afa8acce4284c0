"""Unusual access: one staff account reading many people's data in an hour raises an alert for review.

:func:`detect_unusual_access` (Celery beat every 15 minutes, ``comity/privacy/tasks_access.py``) counts, for each of
the last complete hours, per community and staff account, the distinct people and households whose data that
account read. Over the threshold (``settings.COMITY_UNUSUAL_ACCESS_PEOPLE`` people, 200 unless set) it raises one
:class:`~comity.privacy.models.AccessAlert` per account and hour — a second run finds it there and raises nothing —
and tells the community's committee staff and the street's officials. They review it (:func:`review_alert`): what
they found is recorded on the alert and in the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from comity.accounts.models import User
from comity.foundation.audit import record_audit
from comity.foundation.services import Actor, lock, require, service
from comity.notifications.services import notify
from comity.privacy.models import AccessAlert, AccessRecord
from comity.privacy.selectors.access import complete_hours, reviewers, threshold
from comity.structure.models import Community

#: The longest finding a reviewer may write.
NOTE_MAX = 2000


@dataclass
class Detection:
    """What a run found: the alerts it raised (ids) and how many account-hours it looked at."""

    raised: list[int] = field(default_factory=list)
    checked: int = 0


@service
def detect_unusual_access(now: datetime | None = None) -> Detection:
    """Raise an alert for every staff account that read more people than the threshold in one of the last
    complete hours (one per account and hour), and notify the committee and the street."""
    now = now or timezone.now()
    limit = threshold()
    found = Detection()
    for hour in complete_hours(now):
        rows = (
            AccessRecord.objects.filter(at__gte=hour, at__lt=hour + timedelta(hours=1), viewer__isnull=False)
            .order_by()
            .values("community_id", "viewer_id")
            .annotate(
                people=Count("person_id", distinct=True),
                households=Count("person__household_id", distinct=True),
            )
        )
        for row in rows:
            found.checked += 1
            if row["people"] <= limit:
                continue
            alert, created = AccessAlert.objects.get_or_create(
                community_id=row["community_id"],
                viewer_id=row["viewer_id"],
                hour=hour,
                defaults={"people": row["people"], "households": row["households"], "raised_at": now},
            )
            if created:
                found.raised.append(alert.pk)
                _raised(alert)
    return found


def _raised(alert: AccessAlert) -> None:
    community = Community.objects.select_related("street").get(pk=alert.community_id)
    viewer = (
        User.objects.select_related("person").filter(pk=alert.viewer_id).first()
        if alert.viewer_id is not None
        else None
    )
    person = getattr(viewer, "person", None) if viewer is not None else None
    who = (person.full_name if person is not None and person.full_name else str(viewer)) if viewer else "—"
    params: dict[str, Any] = {"who": who, "people": alert.people, "households": alert.households}
    record_audit(
        actor=None,
        action="privacy.access_alert",
        obj=alert,
        community=community,
        summary=gettext_noop(
            "Unusual access: %(who)s read the data of %(people)s people (%(households)s households) in one hour"
        ),
        params=params,
        changes={"people": alert.people, "households": alert.households, "hour": alert.hour.isoformat()},
    )
    notify(
        [user for user in reviewers(community) if user.pk != alert.viewer_id],
        kind="privacy.unusual_access",
        summary=gettext_noop(
            "Unusual access to review: %(who)s read the data of %(people)s people (%(households)s households) "
            "in one hour"
        ),
        params=params,
        url=reverse("privacy:review_alert", args=[community.pk, alert.pk]),
        community=community,
    )


@service
def review_alert(actor: Actor, alert: AccessAlert, note: str) -> AccessAlert:
    """Record what the reviewer found about an alert (once)."""
    community = Community.objects.select_related("street").get(pk=alert.community_id)
    require(actor, "privacy.review_access", community)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": [_("Write what you found: why this account read so much.")]})
    if len(note) > NOTE_MAX:
        raise ValidationError(
            {"note": [_("Keep the finding under %(count)d characters.") % {"count": NOTE_MAX}]}
        )
    alert = lock(alert)
    if alert.reviewed_at is not None:
        raise ValidationError({"note": [_("This alert has already been reviewed.")]})
    alert.reviewed_by_id = actor.pk
    alert.reviewed_at = timezone.now()
    alert.note = note
    alert.save(update_fields=["reviewed_by", "reviewed_at", "note"])
    record_audit(
        actor=actor,
        action="privacy.review_alert",
        obj=alert,
        community=community,
        summary=gettext_noop("Reviewed the unusual access of %(hour)s"),
        params={"hour": timezone.localtime(alert.hour).strftime("%Y-%m-%d %H:00")},
        changes={"note": note},
    )
    return alert
