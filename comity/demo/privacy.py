"""The demo's personal-information history in 幸福里: consents, requests about people's data, who looked, an
unusual-access alert and the retention job's first run.

Written last, as history. Consents are rows in bulk (most residents with a phone consented to be called, some
online, the others at the committee's counter); requests go through the privacy services, as a resident and staff
would make them; the reads are the committee's and the grid worker's ordinary work of the past weeks, and one hour
in which the grid worker read a whole building's worth of records, which raises the alert the committee reviews.
The same seed and ``now`` give the same rows.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model

from comity.demo.specs import OLD_ESTATE
from comity.foundation.personal_data import Read
from comity.privacy.models import AccessRecord, Channel, Consent, RequestKind
from comity.privacy.register import purposes_fingerprint
from comity.privacy.selectors.notice import current_notice
from comity.privacy.services.access import detect_unusual_access
from comity.privacy.services.notice import publish_notice
from comity.privacy.services.requests import ask, carry_out_correction, record_request
from comity.privacy.services.retention import apply_retention
from comity.structure.models import Community, Person, Street

#: Of the residents with a phone on record, the share who consented to be called.
CONTACT_CONSENT_SHARE = 0.8
#: People the grid worker read in the unusual hour (over the default threshold of 200).
BURST_PEOPLE = 240
BATCH = 2000


def generate_demo_privacy(street: Street, *, seed: int, now: datetime) -> dict[str, int]:
    rng = random.Random(f"privacy-{seed}")
    users = {user.username: user for user in get_user_model().objects.filter(username__in=_LOGINS)}
    notice = current_notice() or publish_notice(None)
    old = Community.objects.get(street=street, code=OLD_ESTATE)
    staff = users["committee-staff"]
    grid = users["grid-worker"]

    consents = []
    contact_print = purposes_fingerprint("contact")
    participation_print = purposes_fingerprint("participation")
    people = list(Person.objects.filter(community=old).order_by("pk").only("pk", "user_id", "phone"))
    for person in people:
        given = now - timedelta(days=rng.randint(20, 330), minutes=rng.randint(0, 600))
        if person.phone and rng.random() < CONTACT_CONSENT_SHARE:
            online = person.user_id is not None
            consents.append(
                Consent(
                    community=old,
                    person=person,
                    category="contact",
                    notice=notice,
                    fingerprint=contact_print,
                    channel=Channel.ONLINE if online else Channel.ASSISTED,
                    recorded_by=None if online else staff,
                    given_at=given,
                )
            )
        if person.user_id is not None:
            consents.append(
                Consent(
                    community=old,
                    person=person,
                    category="participation",
                    notice=notice,
                    fingerprint=participation_print,
                    channel=Channel.ONLINE,
                    given_at=given,
                )
            )
    Consent.objects.bulk_create(consents, batch_size=BATCH)

    # The resident asks for their year of birth to be corrected (open, for the committee to carry out); an older
    # neighbour without an account asked at the counter for their phone number, and staff corrected it.
    resident = users["resident"]
    ask(resident, RequestKind.CORRECTION, "birth_year", "1986", "我的出生年份登记错了，应该是1986年。")
    neighbour = next((p for p in people if p.user_id is None and p.phone), None)
    requests = 1
    if neighbour is not None:
        asked = record_request(
            staff,
            neighbour,
            RequestKind.CORRECTION,
            "phone",
            "13912345678",
            "老人到居委会当面提出，换了手机号。",
        )
        carry_out_correction(staff, asked, "13912345678", "已按您提供的新号码更正。")
        requests += 1

    # Who looked: the committee and the grid worker at work over the past weeks, on the resident's record among
    # others, then one hour in which the grid worker read a building's worth of records.
    resident_person = Person.objects.get(user=resident)
    reads = []
    for days in (2, 9, 16, 30):
        reads.append(_read(old, staff, "committee_staff", resident_person.pk, Read.CASE_CONTACT, now, days))
    reads.append(_read(old, grid, "grid_worker", resident_person.pk, Read.REGISTRY, now, 5))
    burst_hour = (now - timedelta(days=3)).replace(minute=0, second=0, microsecond=0)
    for index, person in enumerate(people[:BURST_PEOPLE]):
        reads.append(
            AccessRecord(
                community=old,
                viewer=grid,
                role="grid_worker",
                person_id=person.pk,
                what=Read.REGISTRY,
                path=f"/c/{old.pk}/registry/",
                at=burst_hour + timedelta(seconds=index * 10),
            )
        )
    AccessRecord.objects.bulk_create(reads, batch_size=BATCH)
    alerts = len(detect_unusual_access(now=burst_hour + timedelta(hours=1, minutes=5)).raised)

    cleaned = 0
    for community in Community.objects.filter(street=street).order_by("pk"):
        cleaned += apply_retention(community, now=now).total
    return {
        "privacy_consents": len(consents),
        "privacy_requests": requests,
        "privacy_reads": len(reads),
        "privacy_alerts": alerts,
        "privacy_retained": cleaned,
    }


_LOGINS = ("resident", "committee-staff", "grid-worker")


def _read(
    community: Community, viewer: Any, role: str, person_id: int, what: str, now: datetime, days: int
) -> AccessRecord:
    return AccessRecord(
        community=community,
        viewer=viewer,
        role=role,
        person_id=person_id,
        what=what,
        path=f"/c/{community.pk}/",
        at=now - timedelta(days=days, hours=3),
    )
