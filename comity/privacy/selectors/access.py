"""Reads of the "who looked" log: a resident's own list, a community's log for the committee, unusual access.

Every read of residents' personal data by staff is one :class:`~comity.privacy.models.AccessRecord` per person
(written through :func:`comity.structure.reads.note_reads`). A resident sees who — the staff member's name — in
which role read what, and when; the committee (and the street office, and platform staff) see the community's
whole log, filtered by staff account and by what was read, with the open alerts first.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comity.accounts.models import User
from comity.foundation.personal_data import Read
from comity.privacy.models import AccessAlert, AccessRecord
from comity.structure.models import Community, Person, Street, SubjectKind

#: The roles a read is recorded under, as residents read them.
ROLE_LABELS: dict[str, Any] = {
    "committee_staff": _("Residents' committee"),
    "street_official": _("Street office"),
    "grid_worker": _("Grid worker"),
    "subject_staff": _("Organisation handling an appeal"),
    "platform_staff": _("Platform staff"),
}

#: What was read, in words.
WHAT_LABELS: dict[str, Any] = {
    Read.REGISTRY: _("Your home in the registry"),
    Read.PERSON: _("Your registry record"),
    Read.CASE_CONTACT: _("Your appeal and how to reach you"),
    Read.EXPORT: _("A spreadsheet of the registry"),
    Read.API: _("Your data, through the API"),
    Read.VOTERS: _("The register of who may vote"),
}

#: What was read, in words for the committee's log and the alerts (the resident's words say "your").
STAFF_WHAT_LABELS: dict[str, Any] = {
    Read.REGISTRY: _("Home in the registry"),
    Read.PERSON: _("Registry record"),
    Read.CASE_CONTACT: _("Appeal and its contact"),
    Read.EXPORT: _("A spreadsheet of the registry"),
    Read.API: _("Personal data, through the API"),
    Read.VOTERS: _("The register of who may vote"),
}

#: People read by one account in one hour above which an alert is raised, unless the settings say otherwise.
DEFAULT_THRESHOLD = 200
#: Complete hours each run of the detector looks at: the last two, so an hour is still checked when a run was missed.
HOURS_CHECKED = 2
STREET_KINDS = (SubjectKind.STREET_OFFICE, SubjectKind.GOVERNMENT_DEPARTMENT)

#: Rows per page of the lists.
PAGE_SIZE = 50
#: How far back the street office's counts look.
STREET_DAYS = 30


def role_label(role: str) -> str:
    return str(ROLE_LABELS.get(role, role))


def what_label(what: str) -> str:
    return str(WHAT_LABELS.get(what, what))


def staff_what_label(what: str) -> str:
    return str(STAFF_WHAT_LABELS.get(what, what))


def viewer_name(record: AccessRecord | AccessAlert) -> str:
    """The staff member's name as the registry knows it (or the account's name); "—" for an account deleted."""
    user = record.viewer
    if user is None:
        return "—"
    person = getattr(user, "person", None)
    if isinstance(person, Person) and person.full_name:
        return person.full_name
    return str(user)


@dataclass(frozen=True)
class Look:
    """One read of a person's data, as shown to them or to the committee."""

    who: str
    role: str
    what: str
    at: datetime
    community: str
    viewer_id: int | None
    code: str
    #: How many reads this line stands for: the same person reading the same thing again within minutes (a page
    #: opened, a form sent, the page shown again) is one line "3 times".
    times: int = 1
    #: The earliest of them, when ``times`` > 1.
    since: datetime | None = None


#: Reads by the same account, in the same role, of the same thing, this close together are shown as one line.
REPEAT_WITHIN = timedelta(minutes=30)


def grouped(looks: list[Look]) -> list[Look]:
    """Consecutive reads (newest first) by the same account, role, kind and community within ``REPEAT_WITHIN``
    of the line's first, as one line with their number; every read still counts in the total."""
    lines: list[Look] = []
    for look in looks:
        last = lines[-1] if lines else None
        if (
            last is not None
            and (last.viewer_id, last.role, last.code, last.community)
            == (look.viewer_id, look.role, look.code, look.community)
            and last.at - look.at <= REPEAT_WITHIN
        ):
            lines[-1] = replace(last, times=last.times + 1, since=look.at)
        else:
            lines.append(look)
    return lines


def _look(record: AccessRecord) -> Look:
    return Look(
        who=viewer_name(record),
        role=role_label(record.role),
        what=what_label(record.what),
        at=record.at,
        community=record.community.name,
        viewer_id=record.viewer_id,
        code=record.what,
    )


def _records() -> QuerySet[AccessRecord]:
    return AccessRecord.objects.select_related("viewer__person", "community")


def person_of_user(user: Any) -> Person | None:
    """The registry's person of a signed-in account, or None (an account never matched to the registry)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Person.objects.filter(user_id=user.pk).first()


def recent_looks(person: Person | None, limit: int = 5) -> list[Look]:
    """The last few reads of ``person``'s data (for the My data page's summary)."""
    if person is None:
        return []
    limit = max(1, min(int(limit), 50))
    return grouped(
        [_look(record) for record in _records().filter(person=person).order_by("-at", "-id")[:limit]]
    )


def looks_page(person: Person, page: str | int | None = None) -> tuple[Page[Any], list[Look]]:
    """One page of every read of ``person``'s data, newest first, and its rows as :class:`Look`."""
    paginator = Paginator(_records().filter(person=person).order_by("-at", "-id"), PAGE_SIZE)
    shown = paginator.get_page(page)
    return shown, grouped([_look(record) for record in shown.object_list])


def looks_count(person: Person) -> int:
    return AccessRecord.objects.filter(person=person).count()


# --- The committee's log -------------------------------------------------------------------------------------------


def log_viewers(community: Community) -> list[tuple[int, str]]:
    """The staff accounts that appear in the community's log, for the filter: (user id, name), by name."""
    ids = AccessRecord.objects.filter(community=community, viewer__isnull=False).values("viewer_id")
    names = []
    for user in User.objects.filter(pk__in=ids).select_related("person"):
        person = getattr(user, "person", None)
        names.append((user.pk, person.full_name if person is not None and person.full_name else str(user)))
    return sorted(names, key=lambda item: item[1])


def community_log(
    community: Community, *, viewer_id: int | None = None, what: str = ""
) -> QuerySet[AccessRecord]:
    """The community's log, newest first, optionally of one staff account and one kind of read."""
    rows = _records().filter(community=community).select_related("person")
    if viewer_id is not None:
        rows = rows.filter(viewer_id=viewer_id)
    if what:
        rows = rows.filter(what=what)
    return rows.order_by("-at", "-id")


def alerts_of(community: Community) -> list[AccessAlert]:
    """The community's alerts, open ones first, newest first within each (at most 100 of each)."""
    rows = AccessAlert.objects.filter(community=community).select_related(
        "viewer__person", "reviewed_by__person"
    )
    return [
        *rows.filter(reviewed_at__isnull=True).order_by("-hour", "-id")[:100],
        *rows.filter(reviewed_at__isnull=False).order_by("-hour", "-id")[:100],
    ]


def alert_reads(alert: AccessAlert) -> QuerySet[AccessRecord]:
    """The reads the alert counted: the viewer's in the community during the alert's hour."""
    return (
        AccessRecord.objects.filter(
            community_id=alert.community_id,
            viewer_id=alert.viewer_id,
            at__gte=alert.hour,
            at__lt=alert.hour + timedelta(hours=1),
        )
        .select_related("person")
        .order_by("at", "id")
    )


# --- The street's view ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CommunityAccess:
    community: Community
    reads: int
    people: int
    staff: int
    open_alerts: int
    alerts: int


def street_access(street: Street, now: datetime | None = None) -> list[CommunityAccess]:
    """Per community of the street: reads, people read and staff who read in the last 30 days, and its alerts."""
    since = (now or timezone.now()) - timedelta(days=STREET_DAYS)
    communities = list(Community.objects.filter(street=street).order_by("name"))
    counts = {
        row["community_id"]: row
        for row in AccessRecord.objects.filter(community__street=street, at__gte=since)
        .order_by()
        .values("community_id")
        .annotate(
            reads=Count("id"),
            people=Count("person_id", distinct=True),
            staff=Count("viewer_id", distinct=True),
        )
    }
    alerts = {
        row["community_id"]: row
        for row in AccessAlert.objects.filter(community__street=street)
        .order_by()
        .values("community_id")
        .annotate(total=Count("id"), open=Count("id", filter=Q(reviewed_at__isnull=True)))
    }
    return [
        CommunityAccess(
            community=community,
            reads=counts.get(community.pk, {}).get("reads", 0),
            people=counts.get(community.pk, {}).get("people", 0),
            staff=counts.get(community.pk, {}).get("staff", 0),
            open_alerts=alerts.get(community.pk, {}).get("open", 0),
            alerts=alerts.get(community.pk, {}).get("total", 0),
        )
        for community in communities
    ]


def street_open_alerts(street: Street) -> list[AccessAlert]:
    return list(
        AccessAlert.objects.filter(community__street=street, reviewed_at__isnull=True)
        .select_related("viewer__person", "community")
        .order_by("-hour", "-id")[:100]
    )


# --- Unusual access: the detector's terms ----------------------------------------------------------------------------


def threshold() -> int:
    return max(1, int(getattr(settings, "COMITY_UNUSUAL_ACCESS_PEOPLE", DEFAULT_THRESHOLD)))


def complete_hours(now: datetime, count: int = HOURS_CHECKED) -> list[datetime]:
    """The starts of the last ``count`` complete hours before ``now``, oldest first."""
    this_hour = now.replace(minute=0, second=0, microsecond=0)
    return [this_hour - timedelta(hours=n) for n in range(count, 0, -1)]


def reviewers(community: Community) -> QuerySet[User]:
    """Who is told about an alert: acting members of the community's residents' committee and of the street's
    offices, today."""
    today = timezone.localdate()
    acting = Q(
        person__memberships__role__in=["chair", "member", "staff"],
        person__memberships__started_on__lte=today,
        person__memberships__subject__is_active=True,
    ) & (Q(person__memberships__ended_on__isnull=True) | Q(person__memberships__ended_on__gt=today))
    committee = Q(
        person__memberships__subject__community=community,
        person__memberships__subject__kind=SubjectKind.RESIDENTS_COMMITTEE,
    )
    street = Q(
        person__memberships__subject__street_id=community.street_id,
        person__memberships__subject__community__isnull=True,
        person__memberships__subject__kind__in=STREET_KINDS,
    )
    return User.objects.filter(acting & (committee | street), is_active=True).distinct()
