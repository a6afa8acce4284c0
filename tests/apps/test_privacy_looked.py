"""Who looked (issue 16, point 5): every page, API endpoint and export through which staff read residents' data
records the read — a page served from the cache too — and the resident sees who, in which role, looked; unusual
access raises one alert per account and hour and tells the committee and the street; phones and ages are masked
for roles that should not see them; and every page and endpoint of this work answers every role as it should."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from comity.appeals import services as appeal_services
from comity.audit.models import AuditEntry
from comity.decisions import services as decision_services
from comity.foundation.personal_data import Read, record_access
from comity.notifications.models import Notification
from comity.privacy.models import AccessAlert, AccessRecord
from comity.privacy.selectors.access import complete_hours, recent_looks
from comity.privacy.services.access import detect_unusual_access
from comity.structure.masking import contact_visible, shown_age, shown_phone
from comity.structure.models import MatterCategory
from comity.structure.reads import note_reads_by, reader_role
from comity.structure.registry_export import export_registry_csv
from comity.structure.services.claims import submit_residency_claim

from ..cast import World
from ..conftest import CAST
from ..factories import MembershipFactory, PersonFactory, UserFactory
from .decisions import Estate, end_voting, make_decision, make_estate, vote_for

pytestmark = pytest.mark.django_db

PHONE = "13812345678"


def _records(**filters: Any) -> list[AccessRecord]:
    return list(AccessRecord.objects.filter(**filters).order_by("id"))


def _person(world: World, role: str) -> Any:
    return world.user(role).person


def _appeal(world: World) -> Any:
    return appeal_services.submit_appeal(
        world.user("resident"),
        world.harmony,
        kind="help_request",
        category=MatterCategory.objects.get(code="facilities.lifts"),
        description="The lift is stuck.",
        unit=world.unit,
        contact_phone=PHONE,
    )


# --- the role a read is recorded under ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("committee_staff", "committee_staff"),
        ("grid_worker", "grid_worker"),
        ("street_official", "street_official"),
        ("enterprise_staff", "subject_staff"),
        ("ngo_staff", "subject_staff"),
        ("platform_staff", "platform_staff"),
        ("resident", None),
        ("owner", None),
        ("other_resident", None),
        ("anonymous", None),
    ],
)
def test_the_role_is_the_most_senior_staff_role_held_there(
    world: World, role: str, expected: str | None
) -> None:
    user = world.user(role) or AnonymousUser()
    assert reader_role(user, world.harmony) == expected


def test_nothing_is_recorded_for_ones_own_data_or_for_a_reader_without_a_staff_role(world: World) -> None:
    staff = world.user("committee_staff")
    assert note_reads_by(staff, world.harmony, [staff.person.pk], Read.PERSON) == 0
    assert (
        note_reads_by(world.user("resident"), world.harmony, [_person(world, "owner").pk], Read.PERSON) == 0
    )
    assert note_reads_by(staff, world.harmony, [_person(world, "owner").pk], Read.PERSON) == 1
    assert _records()[0].role == "committee_staff"


# --- the registry's pages and export ---------------------------------------------------------------------------


def test_the_building_page_records_the_owners_it_names_even_when_served_from_the_cache(
    world: World, client_for: Any
) -> None:
    url = reverse("structure:building", args=[world.harmony.pk, world.building.pk])
    olga = _person(world, "owner")
    client = client_for("committee_staff")
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200  # the units' part from the cache
    rows = _records(person=olga)
    assert len(rows) == 2
    assert {(r.what, r.role, r.viewer_id) for r in rows} == {
        (Read.REGISTRY, "committee_staff", world.user("committee_staff").pk)
    }
    assert rows[0].path == url
    assert client_for("grid_worker").get(url).status_code == 200
    assert _records(person=olga)[-1].role == "grid_worker"


def test_the_verification_queue_records_whom_it_names_beside_each_claim(
    world: World, client_for: Any
) -> None:
    claimant = UserFactory(username="claire")
    submit_residency_claim(claimant, world.unit, relation="tenant", full_name="Claire")
    url = reverse("structure:claims", args=[world.harmony.pk])
    client = client_for("committee_staff")
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200
    assert len(_records(person=_person(world, "owner"), what=Read.REGISTRY)) == 2


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_registry_export_records_one_row_per_person_exported(
    world: World, client_for: Any, file_format: str
) -> None:
    url = reverse("structure:registry_export", args=[world.harmony.pk]) + f"?format={file_format}"
    response = client_for("committee_staff").get(url)
    assert response.status_code == 200
    rows = _records(what=Read.EXPORT)
    assert [r.person_id for r in rows] == [_person(world, "owner").pk]
    assert rows[0].role == "committee_staff"


def test_the_registry_export_outside_the_pages_is_recorded_too(world: World) -> None:
    """The command line calls the same function: the file is logged whoever asks for it."""
    export_registry_csv(world.user("platform_staff"), world.harmony, "en")
    assert [(r.person_id, r.role) for r in _records(what=Read.EXPORT)] == [
        (_person(world, "owner").pk, "platform_staff")
    ]


@pytest.mark.parametrize("role", ["grid_worker", "resident", "enterprise_staff", "street_official"])
def test_the_registry_export_is_only_for_those_who_may_export_personal_data(
    world: World, client_for: Any, role: str
) -> None:
    url = reverse("structure:registry_export", args=[world.harmony.pk])
    assert client_for(role).get(url).status_code == 403
    assert not world.user(role).has_perm("privacy.export_personal_data", world.harmony)
    assert not _records(what=Read.EXPORT)


# --- appeals ----------------------------------------------------------------------------------------------------


def test_the_case_page_records_the_requesters_data_for_staff_also_from_the_cache(
    world: World, client_for: Any
) -> None:
    appeal = _appeal(world)
    url = reverse("appeals:detail", args=[world.harmony.pk, appeal.pk])
    client = client_for("committee_staff")
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200
    rows = _records(person=_person(world, "resident"))
    assert [(r.what, r.role) for r in rows] == [(Read.CASE_CONTACT, "committee_staff")] * 2
    client_for("resident").get(url)  # the requester's own case: not a read by staff
    assert len(_records(person=_person(world, "resident"))) == 2


@pytest.mark.parametrize(
    ("role", "recorded_as"),
    [
        ("committee_staff", "committee_staff"),
        ("enterprise_staff", "subject_staff"),
        ("street_official", "street_official"),
        ("grid_worker", "grid_worker"),
        ("platform_staff", "platform_staff"),
        ("resident", None),
    ],
)
def test_the_appeals_api_records_the_requesters_data_too(
    world: World, client_for: Any, role: str, recorded_as: str | None
) -> None:
    appeal = _appeal(world)
    response = client_for(role).get(reverse("api-appeal", args=[world.harmony.pk, appeal.pk]))
    assert response.status_code == 200
    rows = _records(person=_person(world, "resident"))
    assert [r.role for r in rows] == ([recorded_as] if recorded_as else [])


# --- decisions --------------------------------------------------------------------------------------------------


@pytest.fixture
def estate(world: World) -> Estate:
    return make_estate(world)


def _decision_url(name: str, decision: Any) -> str:
    return reverse(f"decisions:{name}", args=[decision.community_id, decision.pk])


def test_the_register_of_electors_records_the_people_on_it(
    world: World, estate: Estate, client_for: Any
) -> None:
    decision = make_decision(world, estate)
    assert client_for("committee_staff").get(_decision_url("register", decision)).status_code == 200
    read = {r.person_id for r in _records(what=Read.VOTERS)}
    assert estate.owners["302"].person.pk in read
    assert len(read) >= 8


@pytest.mark.parametrize("name", ["paper", "proxies"])
def test_the_pages_listing_who_has_not_voted_record_them(
    world: World, estate: Estate, client_for: Any, name: str
) -> None:
    decision = make_decision(world, estate)
    assert client_for("committee_staff").get(_decision_url(name, decision)).status_code == 200
    assert estate.owners["302"].person.pk in {r.person_id for r in _records(what=Read.VOTERS)}


def test_the_named_record_is_recorded_on_the_page_in_the_download_and_through_the_api(
    world: World, estate: Estate, client_for: Any
) -> None:
    decision = make_decision(world, estate)
    vote_for(decision, [estate.owners["302"]], "yes")
    end_voting(decision)
    decision_services.close_decision(world.user("committee_staff"), decision)
    voter = estate.owners["302"].person.pk
    client = client_for("committee_staff")
    assert client.get(_decision_url("log", decision)).status_code == 200
    assert len(_records(what=Read.VOTERS, person_id=voter)) == 1
    assert "named" in json.loads(client.get(_decision_url("log_json", decision)).content)
    assert len(_records(what=Read.VOTERS, person_id=voter)) == 2
    api = reverse("api-decision-log", args=[decision.community_id, decision.pk])
    assert "named" in client.get(api).json()
    assert len(_records(what=Read.VOTERS, person_id=voter)) == 3
    # An elector reading the named record of their own vote is no staff member looking.
    client_for("resident").logout()
    client.force_login(estate.owners["401"])
    client.get(_decision_url("log", decision))
    assert len(_records(what=Read.VOTERS)) == 3


# --- the resident sees who looked --------------------------------------------------------------------------------


def test_the_resident_sees_who_looked_in_which_role_on_the_page_and_through_the_api(
    world: World, client_for: Any
) -> None:
    appeal = _appeal(world)
    client_for("committee_staff").get(reverse("appeals:detail", args=[world.harmony.pk, appeal.pk]))
    client_for("enterprise_staff").get(reverse("api-appeal", args=[world.harmony.pk, appeal.pk]))
    page = client_for("resident").get(reverse("privacy:who_looked"))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Chen" in text
    assert "Residents&#x27; committee" in text
    assert "Eli" in text
    assert "Organisation handling an appeal" in text
    assert "Your appeal and how to reach you" in text
    data = client_for("resident").get(reverse("api-privacy-access")).json()
    assert data["in_registry"] is True
    assert data["count"] == 2
    assert [(row["who"], row["code"]) for row in data["results"]] == [
        ("Eli", "case_contact"),
        ("Chen", "case_contact"),
    ]
    looks = recent_looks(_person(world, "resident"), limit=1)
    assert [look.who for look in looks] == ["Eli"]


def test_the_summary_include_lists_the_last_looks(world: World) -> None:
    record_access(
        viewer=world.user("grid_worker"),
        community_id=world.harmony.pk,
        person_ids=[_person(world, "resident").pk],
        what=Read.REGISTRY,
        role="grid_worker",
    )
    html = Template('{% include "privacy/_looked_summary.html" %}').render(
        Context({"looked": recent_looks(_person(world, "resident"))})
    )
    assert "Gao" in html
    assert "Grid worker" in html
    assert reverse("privacy:who_looked") in html


def test_an_account_without_a_registry_record_is_told_why_the_list_is_empty(
    world: World, client_for: Any
) -> None:
    page = client_for("platform_staff").get(reverse("privacy:who_looked"))
    assert page.status_code == 200
    assert "not linked to a registry record" in page.content.decode()
    data = client_for("platform_staff").get(reverse("api-privacy-access")).json()
    assert data == {"in_registry": False, "count": 0, "page": 1, "pages": 1, "results": []}


def test_a_resident_sees_only_their_own_reads(world: World, client_for: Any) -> None:
    record_access(
        viewer=world.user("committee_staff"),
        community_id=world.harmony.pk,
        person_ids=[_person(world, "owner").pk],
        what=Read.REGISTRY,
        role="committee_staff",
    )
    assert client_for("resident").get(reverse("api-privacy-access")).json()["count"] == 0
    assert client_for("owner").get(reverse("api-privacy-access")).json()["count"] == 1


# --- unusual access ----------------------------------------------------------------------------------------------


def _flood(world: World, role: str, people: int, at: Any) -> list[Any]:
    persons = [PersonFactory(community=world.harmony, full_name=f"P{n}") for n in range(people)]
    record_access(
        viewer=world.user(role),
        community_id=world.harmony.pk,
        person_ids=[p.pk for p in persons],
        what=Read.REGISTRY,
        role=role,
    )
    AccessRecord.objects.filter(viewer=world.user(role)).update(at=at)
    return persons


def test_one_alert_per_account_and_hour_over_the_threshold_and_the_committee_and_street_are_told(
    world: World, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.COMITY_UNUSUAL_ACCESS_PEOPLE = 5
    now = timezone.now()
    hour = complete_hours(now)[-1]
    _flood(world, "grid_worker", 6, hour + timedelta(minutes=10))
    _flood(world, "enterprise_staff", 5, hour + timedelta(minutes=10))  # at the threshold: not over it
    with django_capture_on_commit_callbacks(execute=True):
        found = detect_unusual_access(now=now)
    alert = AccessAlert.objects.get()
    assert found.raised == [alert.pk]
    assert (alert.viewer, alert.hour, alert.people, alert.households) == (
        world.user("grid_worker"),
        hour,
        6,
        0,
    )
    told = set(Notification.objects.filter(kind="privacy.unusual_access").values_list("recipient", flat=True))
    assert told == {world.user("committee_staff").pk, world.user("street_official").pk}
    assert AuditEntry.objects.filter(action="privacy.access_alert").count() == 1
    # The next run (a quarter of an hour later) finds the same hour again, and raises nothing new.
    with django_capture_on_commit_callbacks(execute=True):
        again = detect_unusual_access(now=now + timedelta(minutes=15))
    assert again.raised == []
    assert AccessAlert.objects.count() == 1
    assert Notification.objects.filter(kind="privacy.unusual_access").count() == 2


def test_the_hour_still_running_is_not_judged_yet(world: World, settings: Any) -> None:
    settings.COMITY_UNUSUAL_ACCESS_PEOPLE = 2
    now = timezone.now()
    _flood(world, "grid_worker", 3, now)
    assert detect_unusual_access(now=now).raised == []


def _alert(world: World) -> AccessAlert:
    hour = complete_hours(timezone.now())[-1]
    _flood(world, "grid_worker", 3, hour + timedelta(minutes=5))
    return AccessAlert.objects.create(
        community=world.harmony, viewer=world.user("grid_worker"), hour=hour, people=3, households=0
    )


def test_the_committee_sees_open_alerts_first_and_records_its_finding(world: World, client_for: Any) -> None:
    alert = _alert(world)
    client = client_for("committee_staff")
    page = client.get(reverse("privacy:access", args=[world.harmony.pk])).content.decode()
    assert reverse("privacy:review_alert", args=[world.harmony.pk, alert.pk]) in page
    assert page.index("Unusual access to review") < page.index("access-log")
    url = reverse("privacy:review_alert", args=[world.harmony.pk, alert.pk])
    shown = client.get(url).content.decode()
    assert "P0" in shown
    assert "P2" in shown
    refused = client.post(url, {"note": "  "})
    assert refused.status_code == 400
    assert "This field is required" in refused.content.decode()
    done = client.post(url, {"note": "Checking the registry before the census."})
    assert done.status_code == 302
    alert.refresh_from_db()
    assert alert.reviewed_by == world.user("committee_staff")
    assert alert.note == "Checking the registry before the census."
    assert AuditEntry.objects.filter(action="privacy.review_alert").count() == 1
    assert 'name="note"' not in client.get(url).content.decode()  # reviewed: no form offered again
    assert client.post(url, {"note": "Again"}).status_code == 302
    alert.refresh_from_db()
    assert alert.note == "Checking the registry before the census."


def test_the_community_log_filters_by_staff_account_and_by_what(world: World, client_for: Any) -> None:
    olga = _person(world, "owner")
    for role, what in [("grid_worker", Read.REGISTRY), ("committee_staff", Read.EXPORT)]:
        record_access(
            viewer=world.user(role), community_id=world.harmony.pk, person_ids=[olga.pk], what=what, role=role
        )
    url = reverse("privacy:access", args=[world.harmony.pk])
    client = client_for("committee_staff")
    by_gao = client.get(url, {"viewer": world.user("grid_worker").pk}).context["records"]
    assert [row["who"] for row in by_gao] == ["Gao"]
    exports = client.get(url, {"what": Read.EXPORT}).context["records"]
    assert [row["who"] for row in exports] == ["Chen"]
    assert len(client.get(url, {"what": "nonsense", "viewer": "x"}).context["records"]) == 2


def test_the_street_sees_its_communities_counts_and_open_alerts(world: World, client_for: Any) -> None:
    _alert(world)
    response = client_for("street_official").get(reverse("privacy:street_access", args=[world.street.pk]))
    rows = {row.community.name: row for row in response.context["rows"]}
    assert (rows["Harmony"].reads, rows["Harmony"].people, rows["Harmony"].open_alerts) == (3, 3, 1)
    assert rows["Riverside"].reads == 0
    assert len(response.context["alerts"]) == 1


# --- masking by role ---------------------------------------------------------------------------------------------

SEES_CONTACT = {"committee_staff", "grid_worker", "platform_staff"}


@pytest.mark.parametrize("role", CAST)
def test_phones_and_ages_in_full_only_for_committee_grid_and_platform(world: World, role: str) -> None:
    user = world.user(role) or AnonymousUser()
    sees = role in SEES_CONTACT
    year = timezone.localdate().year
    assert contact_visible(user, world.harmony) is sees
    assert user.has_perm("privacy.see_contact", world.harmony) is sees
    assert shown_phone(user, world.harmony, PHONE) == (PHONE if sees else "138****5678")
    assert shown_age(user, world.harmony, year - 73) == ("73" if sees else "70–79")
    html = Template(
        "{% load masking %}{% may_see_contact c as may %}{{ p|phone_for:may }} {{ y|age_for:may }}"
    ).render(
        Context({"c": world.harmony, "p": PHONE, "y": year - 73, "request": type("R", (), {"user": user})()})
    )
    assert html == (f"{PHONE} 73" if sees else "138****5678 70–79")


def test_riversides_committee_sees_harmonys_phones_masked(world: World) -> None:
    staff = UserFactory(username="rita")
    MembershipFactory(
        subject=world.riverside_committee,
        person=PersonFactory(user=staff, community=world.riverside, is_resident=False),
        role="staff",
    )
    assert contact_visible(staff, world.riverside) is True
    assert contact_visible(staff, world.harmony) is False


@pytest.mark.parametrize(
    ("role", "full"),
    [
        ("committee_staff", True),  # first receiver: returns the call
        ("enterprise_staff", True),  # the lead subject's staff handle it (register: subject_staff may see)
        ("street_official", True),  # supervisor
        ("grid_worker", False),
        ("platform_staff", False),
    ],
)
def test_the_appeals_api_shows_the_contact_phone_by_the_part_played(
    world: World, client_for: Any, role: str, full: bool
) -> None:
    appeal = _appeal(world)
    data = client_for(role).get(reverse("api-appeal", args=[world.harmony.pk, appeal.pk])).json()
    assert data["contact_phone"] == (PHONE if full else "138****5678")


def test_the_building_page_never_prints_an_owners_phone_in_full(world: World, client_for: Any) -> None:
    olga = _person(world, "owner")
    olga.phone = PHONE
    olga.save()
    url = reverse("structure:building", args=[world.harmony.pk, world.building.pk])
    text = client_for("committee_staff").get(url).content.decode()
    assert PHONE not in text
    assert "138****5678" in text


# --- the permission matrix: every page and endpoint of "who looked" × every role ---------------------------------

LOGGED_IN = set(CAST) - {"anonymous"}
REVIEWERS = {"committee_staff", "street_official", "platform_staff"}
STREET = {"street_official", "platform_staff"}


def _expected(role: str, allowed: set[str], ok: int = 200, anonymous: int = 302) -> int:
    if role == "anonymous":
        return anonymous
    return ok if role in allowed else 403


@pytest.mark.parametrize("role", CAST)
def test_matrix_who_looked_page(world: World, client_for: Any, role: str) -> None:
    assert client_for(role).get(reverse("privacy:who_looked")).status_code == _expected(role, LOGGED_IN)


@pytest.mark.parametrize("role", CAST)
def test_matrix_who_looked_api(world: World, client_for: Any, role: str) -> None:
    response = client_for(role).get(reverse("api-privacy-access"))
    assert response.status_code == _expected(role, LOGGED_IN, anonymous=403)


@pytest.mark.parametrize("role", CAST)
def test_matrix_community_access_log(world: World, client_for: Any, role: str) -> None:
    response = client_for(role).get(reverse("privacy:access", args=[world.harmony.pk]))
    assert response.status_code == _expected(role, REVIEWERS)


@pytest.mark.parametrize("role", CAST)
def test_matrix_another_communitys_access_log(world: World, client_for: Any, role: str) -> None:
    """Riverside is on the same street: its log is for the street office and platform staff, not Harmony's."""
    response = client_for(role).get(reverse("privacy:access", args=[world.riverside.pk]))
    assert response.status_code == _expected(role, STREET)


@pytest.mark.parametrize("role", CAST)
def test_matrix_review_alert_page(world: World, client_for: Any, role: str) -> None:
    alert = _alert(world)
    url = reverse("privacy:review_alert", args=[world.harmony.pk, alert.pk])
    assert client_for(role).get(url).status_code == _expected(role, REVIEWERS)


@pytest.mark.parametrize("role", CAST)
def test_matrix_review_alert_post(world: World, client_for: Any, role: str) -> None:
    alert = _alert(world)
    url = reverse("privacy:review_alert", args=[world.harmony.pk, alert.pk])
    response = client_for(role).post(url, {"note": "Seen."})
    assert response.status_code == _expected(role, REVIEWERS, ok=302)
    alert.refresh_from_db()
    assert (alert.reviewed_at is not None) is (role in REVIEWERS)


@pytest.mark.parametrize("role", CAST)
def test_matrix_an_alert_of_another_community_is_not_found_under_this_one(
    world: World, client_for: Any, role: str
) -> None:
    alert = _alert(world)
    url = reverse("privacy:review_alert", args=[world.riverside.pk, alert.pk])
    assert client_for(role).get(url).status_code == _expected(role, STREET, ok=404)


@pytest.mark.parametrize("role", CAST)
def test_matrix_street_access(world: World, client_for: Any, role: str) -> None:
    response = client_for(role).get(reverse("privacy:street_access", args=[world.street.pk]))
    assert response.status_code == _expected(role, STREET)


# --- sign-in help: committee staff find a resident and open their page -------------------------------------------


def test_sign_in_help_records_the_names_found_and_the_person_opened(world: World, client_for: Any) -> None:
    client = client_for("committee_staff")
    rui = _person(world, "resident")
    assert client.get(reverse("accounts:sign_in_help"), {"q": "Rui"}).status_code == 200
    assert [(r.person_id, r.what) for r in _records()] == [(rui.pk, Read.REGISTRY)]
    assert client.get(reverse("accounts:sign_in_help_person", args=[rui.pk])).status_code == 200
    assert [(r.person_id, r.what, r.role) for r in _records()][-1] == (rui.pk, Read.PERSON, "committee_staff")


def test_the_same_read_again_within_minutes_is_one_line_with_its_count_and_every_read_still_counts(
    world: World, client_for: Any
) -> None:
    appeal = _appeal(world)
    staff = client_for("committee_staff")
    for _ in range(3):
        staff.get(reverse("appeals:detail", args=[world.harmony.pk, appeal.pk]))
    resident = _person(world, "resident")
    looks = recent_looks(resident)
    assert [(look.who, look.times) for look in looks] == [("Chen", 3)]
    later = AccessRecord.objects.filter(person=resident).order_by("at").first()
    assert later is not None
    AccessRecord.objects.filter(pk=later.pk).update(at=later.at - timedelta(hours=2))
    assert [look.times for look in recent_looks(resident)] == [2, 1]
    text = client_for("resident").get(reverse("privacy:who_looked")).content.decode()
    assert "3 times your data was read." in text
    assert "2 times" in text
