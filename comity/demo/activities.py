"""The demo's activities in 幸福里 (the old estate): a full free clinic with its wait-list, a class with places left,
and last month's clean-up with everyone checked in.

Registrations go through the activities' services, as residents and the committee's counter would make them, so the
arrival order, the wait-list and the audit log are what the site itself would have written. The clean-up is dated
back afterwards (registration closes when an activity starts). The same seed and ``now`` give the same rows."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model

from comity.activities.models import Activity, Registration
from comity.activities.services.activities import create_activity, publish_activity
from comity.activities.services.registrations import check_in_from_list, register
from comity.demo.specs import OLD_ESTATE
from comity.structure.models import Community, GovernanceSubject, Person, Street, SubjectKind

CLINIC_PLACES = 20
CLINIC_WAITING = 8
CLASS_PLACES = 30
CLEAN_UP_PLACES = 15


def generate_demo_activities(street: Street, *, seed: int, now: datetime) -> dict[str, int]:
    """Hook for ``comity/demo/generator.py``: the old estate's activities, run by its committee's demo staff."""
    old = Community.objects.get(street=street, code=OLD_ESTATE)
    users = get_user_model().objects.filter(username__in=("committee-staff", "resident"))
    by_name = {user.username: user for user in users}
    return fill_activities(
        old, by_name["committee-staff"], resident=by_name.get("resident"), seed=seed, now=now
    )


def _organiser(community: Community, *kinds: str) -> GovernanceSubject:
    found = GovernanceSubject.objects.filter(community=community, kind__in=kinds).order_by("pk").first()
    return found or GovernanceSubject.objects.filter(community=community).order_by("pk")[0]


def _announce(staff: Any, community: Community, organiser: GovernanceSubject, **values: Any) -> Activity:
    activity = create_activity(staff, community, organiser=organiser, **values)
    return publish_activity(staff, activity)


def fill_activities(
    community: Community, staff: Any, *, resident: Any = None, seed: int, now: datetime
) -> dict[str, int]:
    """Three activities in ``community`` run by ``staff`` (committee staff there); ``resident`` (a demo login) is
    wait-listed for the full clinic, so the demo shows the queue and, on a cancellation, the promotion."""
    rng = random.Random(f"activities-{seed}")
    people = list(Person.objects.filter(community=community, is_resident=True).order_by("pk")[:400])
    others = [person for person in people if resident is None or person.user_id != resident.pk]
    crowd = rng.sample(
        others, min(len(others), CLINIC_PLACES + CLINIC_WAITING + CLASS_PLACES + CLEAN_UP_PLACES)
    )
    day = now.replace(hour=9, minute=0, second=0, microsecond=0)
    committee = _organiser(community, SubjectKind.RESIDENTS_COMMITTEE)
    ngo = _organiser(community, SubjectKind.SOCIAL_ORGANISATION, SubjectKind.VOLUNTEER_TEAM)

    clinic = _announce(
        staff,
        community,
        ngo,
        title="免费义诊：量血压、测血糖",
        kind="clinic",
        description="社区医院医生坐诊，请带上医保卡和近期的化验单。",
        place="社区活动中心一楼",
        starts_at=day + timedelta(days=6),
        ends_at=day + timedelta(days=6, hours=3),
        capacity=CLINIC_PLACES,
    )
    for person in crowd[: CLINIC_PLACES + CLINIC_WAITING - 1]:
        register(staff, clinic, person)
    if resident is not None and getattr(resident, "person", None) is not None:
        register(resident, clinic)
    else:
        register(staff, clinic, crowd[CLINIC_PLACES + CLINIC_WAITING - 1])

    tai_chi = _announce(
        staff,
        community,
        committee,
        title="太极拳课堂",
        kind="class",
        place="小区中心花园",
        starts_at=day + timedelta(days=10),
        ends_at=day + timedelta(days=10, hours=1),
        capacity=CLASS_PLACES,
    )
    start = CLINIC_PLACES + CLINIC_WAITING
    for person in crowd[start : start + CLASS_PLACES // 2]:
        register(staff, tai_chi, person)

    clean_up = _announce(
        staff,
        community,
        committee,
        title="楼道清扫日",
        kind="clean_up",
        place="各楼栋楼道",
        starts_at=day + timedelta(days=1),
        ends_at=day + timedelta(days=1, hours=2),
        capacity=CLEAN_UP_PLACES,
        volunteer_hours=2,
    )
    start += CLASS_PLACES
    came = []
    for person in crowd[start : start + CLEAN_UP_PLACES]:
        came.append(register(staff, clean_up, person))
    for registration in came[: CLEAN_UP_PLACES - 2]:
        check_in_from_list(staff, registration)
    # History: the clean-up was last month.
    back = timedelta(days=31)
    Activity.objects.filter(pk=clean_up.pk).update(
        starts_at=clean_up.starts_at - back, ends_at=clean_up.ends_at - back
    )
    rows = Registration.objects.filter(activity=clean_up)
    for row in rows:
        Registration.objects.filter(pk=row.pk).update(
            registered_at=row.registered_at - back,
            checked_in_at=row.checked_in_at - back if row.checked_in_at else None,
        )
    return {
        "activities": 3,
        "activity_registrations": Registration.objects.filter(activity__community=community).count(),
        "activity_waitlisted": Registration.objects.filter(activity=clinic, status="waitlisted").count(),
    }


def delete_demo_activities(street: Street) -> int:
    """Remove the demo's activities of the street (before its subjects: an activity protects its organiser)."""
    deleted, _ = Activity.objects.filter(community__street=street).delete()
    return deleted
