"""What each page shows, in both languages, with bounded queries."""

from __future__ import annotations

import pytest
from django.urls import reverse

from comity.structure.models import AreaKind, MatterCategory, Responsibility, SubjectKind

from ..factories import AreaFactory, HouseholdFactory, PersonFactory, SubjectFactory, UnitFactory


def test_overview_counts_the_community(world, client_for):
    response = client_for("resident").get(reverse("structure:overview", args=[world.harmony.pk]))
    counts = response.context["counts"]
    assert counts.buildings == 1
    assert counts.stairwells == 1
    assert counts.units == 2
    assert counts.households == 2
    # Rui and Olga live here; staff records are not residents.
    assert counts.residents == 2
    assert counts.owners == 1
    by_kind = {kind: n for kind, _label, n in counts.subjects_by_kind}
    assert by_kind[SubjectKind.RESIDENTS_COMMITTEE] == 1
    assert by_kind[SubjectKind.STREET_OFFICE] == 1
    assert by_kind[SubjectKind.HOMEOWNERS_COMMITTEE] == 0
    assert "Harmony" in response.content.decode()


def test_owner_count_follows_the_supreme_court_headcount_rule(world, client_for):
    """One owner of several units counts once; the developer's unsold units together count as one."""
    from comity.structure.models import Ownership

    owner = world.user("owner").person
    second = UnitFactory(building=world.building, number="301", floor=3)
    Ownership.objects.create(community=world.harmony, unit=second, person=owner)
    for number in ["401", "402"]:
        unit = UnitFactory(building=world.building, number=number, floor=4)
        Ownership.objects.create(
            community=world.harmony, unit=unit, holder_kind="developer", holder_name="Dev Co"
        )
    response = client_for("committee_staff").get(reverse("structure:overview", args=[world.harmony.pk]))
    assert response.context["counts"].owners == 2


def test_overview_tells_staff_about_waiting_claims(world, client_for):
    from comity.structure.models import ResidencyClaim

    from ..factories import UserFactory

    ResidencyClaim.objects.create(
        community=world.harmony, user=UserFactory(), unit=world.unit, relation="family", full_name="X"
    )
    staff_page = client_for("committee_staff").get(reverse("structure:overview", args=[world.harmony.pk]))
    assert "1 resident is waiting for verification." in staff_page.content.decode()
    resident_page = client_for("resident").get(reverse("structure:overview", args=[world.harmony.pk]))
    assert "waiting for verification" not in resident_page.content.decode()


def test_structure_map_shows_each_subject_with_its_matters(world, client_for):
    response = client_for("owner").get(reverse("structure:map", args=[world.harmony.pk]))
    tiers = {tier["tier"]: tier for tier in response.context["page"]["tiers"]}
    market = tiers["market"]["subjects"]
    assert [node["subject"] for node in market] == [world.property_company]
    assert [row.category.code for row in market[0]["leads"]] == ["facilities.lifts"]
    assert [node["subject"] for node in tiers["government"]["subjects"]] == [world.street_office]
    assert world.riverside_committee not in [n["subject"] for t in tiers.values() for n in t["subjects"]]
    html = response.content.decode()
    assert "Evergreen Property" in html
    assert "Lifts" in html


def test_matrix_lists_rows_and_uncovered_categories(world, client_for):
    response = client_for("resident").get(reverse("structure:matrix", args=[world.harmony.pk]))
    assert [row.category.code for row in response.context["page"]["rows"]] == ["facilities.lifts"]
    uncovered = {c.code for c in response.context["page"]["uncovered"]}
    assert "facilities.lifts" not in uncovered
    assert "noise.square_dancing" in uncovered
    assert response.context["can_edit"] is False
    assert "Edit Lifts" not in response.content.decode()
    staff = client_for("committee_staff").get(reverse("structure:matrix", args=[world.harmony.pk]))
    assert "Edit Lifts" in staff.content.decode()
    assert "24 hours" in staff.content.decode()


def test_matrix_page_has_bounded_queries(world, client_for, django_assert_max_num_queries):
    for code in ["facilities.water", "facilities.gas", "noise.square_dancing", "environment.garbage"]:
        row = Responsibility.objects.create(
            community=world.harmony,
            category=MatterCategory.objects.get(code=code),
            lead_subject=world.committee,
            time_limit_hours=48,
        )
        row.co_handlers.set([world.property_company, world.ngo])
    client = client_for("committee_staff")
    with django_assert_max_num_queries(16):
        response = client.get(reverse("structure:matrix", args=[world.harmony.pk]))
    assert len(response.context["page"]["rows"]) == 5


def test_structure_map_has_bounded_queries(world, client_for, django_assert_max_num_queries):
    for n in range(6):
        SubjectFactory(community=world.harmony, kind=SubjectKind.VOLUNTEER_TEAM, name=f"Team {n}")
    client = client_for("resident")
    with django_assert_max_num_queries(14):
        client.get(reverse("structure:map", args=[world.harmony.pk]))


def test_invalid_matrix_edit_shows_errors_and_changes_nothing(world, client_for):
    row = Responsibility.objects.get(community=world.harmony)
    response = client_for("committee_staff").post(
        reverse("structure:matrix_edit", args=[world.harmony.pk, row.pk]),
        {"lead_subject": world.riverside_committee.pk, "time_limit_hours": 0},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "lead_subject" in form.errors
    assert "time_limit_hours" in form.errors
    row.refresh_from_db()
    assert (row.lead_subject, row.time_limit_hours) == (world.property_company, 24)


def test_validation_messages_are_in_the_users_language(world, client_for):
    row = Responsibility.objects.get(community=world.harmony)
    client = client_for("committee_staff")
    response = client.post(
        reverse("structure:matrix_edit", args=[world.harmony.pk, row.pk]),
        {"lead_subject": world.committee.pk, "co_handlers": [world.committee.pk], "time_limit_hours": 5},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert "牵头主体不能同时是协办主体" in response.content.decode()


def test_subject_directory_filters_by_kind(world, client_for):
    client = client_for("ngo_staff")
    response = client.get(
        reverse("structure:subjects", args=[world.harmony.pk]), {"kind": "social_organisation"}
    )
    subjects = [s for items in response.context["groups"].values() for s in items]
    assert subjects == [world.ngo]
    everything = client.get(reverse("structure:subjects", args=[world.harmony.pk]))
    names = {s.name for items in everything.context["groups"].values() for s in items}
    assert names == {"Harmony RC", "Peace Street Office", "Evergreen Property", "Silver Age Care"}


def test_subject_detail_shows_members_and_hides_phones_from_residents(world, client_for):
    member = world.user("enterprise_staff").person
    member.phone = "13900001111"
    member.save()
    page = client_for("resident").get(reverse("structure:subject", args=[world.property_company.pk]))
    assert member.full_name in page.content.decode()
    assert "13900001111" not in page.content.decode()
    staff_page = client_for("committee_staff").get(
        reverse("structure:subject", args=[world.property_company.pk])
    )
    assert "13900001111" in staff_page.content.decode()


def test_street_overview_compares_communities(world, client_for):
    zone = AreaFactory(community=world.riverside, kind=AreaKind.BUILDING, code="9")
    for n in range(3):
        HouseholdFactory(unit=UnitFactory(building=zone, number=f"9{n}"))
    PersonFactory(community=world.riverside, birth_year=1950)
    response = client_for("street_official").get(reverse("structure:street", args=[world.street.pk]))
    rows = {row.community.code: row for row in response.context["rows"]}
    assert rows["harmony"].households == 2
    assert rows["riverside"].households == 3
    assert rows["riverside"].elderly == 1  # the person born in 1950; Otto was born in 1970
    assert rows["harmony"].committee_workers == 2  # Chen (staff) and Gao (grid worker)
    assert 0 < rows["harmony"].diversity < 1
    assert rows["riverside"].residents_per_worker is None


def test_home_sends_people_where_they_work(world, client_for):
    assert client_for("street_official").get("/")["Location"] == reverse(
        "structure:street", args=[world.street.pk]
    )
    assert client_for("resident").get("/")["Location"] == reverse(
        "structure:overview", args=[world.harmony.pk]
    )
    assert client_for("anonymous").get("/").status_code == 200


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_language_switch_sets_the_page_language(world, client_for, language):
    client = client_for("resident")
    client.post(reverse("set_language"), {"language": language, "next": "/"})
    response = client.get(reverse("structure:overview", args=[world.harmony.pk]))
    assert f'lang="{language}"' in response.content.decode()


def test_large_text_preference_is_remembered(world, client_for):
    client = client_for("resident")
    client.post(reverse("web:text_size"), {"large_text": "1", "next": "/evil.example/"})
    world.user("resident").refresh_from_db()
    assert world.user("resident").large_text is True
    response = client.get(reverse("structure:overview", args=[world.harmony.pk]))
    assert 'class="large-text"' in response.content.decode()


def test_text_size_never_redirects_off_site(db, client):
    response = client.post(reverse("web:text_size"), {"large_text": "1", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_audit_log_lists_community_entries_newest_first(world, client_for):
    from comity.structure import services

    staff = world.user("committee_staff")
    row = Responsibility.objects.get(community=world.harmony)
    services.update_responsibility(
        staff, row, lead_subject=world.committee, co_handlers=[], time_limit_hours=10
    )
    services.update_responsibility(
        staff, row, lead_subject=world.committee, co_handlers=[], time_limit_hours=8
    )
    response = client_for("street_official").get(reverse("audit:log", args=[world.harmony.pk]))
    entries = list(response.context["page"])
    assert [e.changes["time_limit_hours"]["after"] for e in entries] == [8, 10]
    assert response.context["prefixes"] == [("responsibility", "Responsibilities")]
    other = client_for("street_official").get(reverse("audit:log", args=[world.riverside.pk]))
    assert list(other.context["page"]) == []


def test_registry_lists_buildings_with_their_counts(world, client_for):
    grid = AreaFactory(community=world.harmony, kind=AreaKind.GRID, code="G1", name="Grid 1")
    grid.grid_buildings.add(world.building)
    grid.grid_worker = world.user("grid_worker").person
    grid.save()
    response = client_for("grid_worker").get(reverse("structure:registry", args=[world.harmony.pk]))
    (building,) = [b for items in response.context["zones"].values() for b in items]
    assert (building.n_stairwells, building.n_units, building.n_households) == (1, 2, 2)
    assert [g.grid_worker for g in building.grids.all()] == [world.user("grid_worker").person]
    assert "Gao" in response.content.decode()


def test_building_register_shows_owners_residents_and_masked_phones(world, client_for):
    owner = world.user("owner").person
    owner.phone = "13912345678"
    owner.save()
    response = client_for("committee_staff").get(
        reverse("structure:building", args=[world.harmony.pk, world.building.pk])
    )
    ((stairwell, rows),) = response.context["stairwells"]
    assert stairwell.name == world.stairwell.name
    by_number = {row.number: row for row in rows}
    assert by_number["101"].owners == ["Olga"]
    assert by_number["101"].residents == 1
    assert by_number["101"].phone == "139****5678"
    html = response.content.decode()
    assert "139****5678" in html
    assert "13912345678" not in html


def test_a_building_of_another_community_is_not_found(world, client_for):
    other = AreaFactory(community=world.riverside, kind=AreaKind.BUILDING, code="R1")
    response = client_for("committee_staff").get(
        reverse("structure:building", args=[world.harmony.pk, other.pk])
    )
    assert response.status_code == 404


def test_building_register_has_bounded_queries(world, client_for, django_assert_max_num_queries):
    for n in range(20):
        unit = UnitFactory(building=world.building, stairwell=world.stairwell, number=f"9{n:02d}", floor=2)
        HouseholdFactory(unit=unit)
    client = client_for("committee_staff")
    with django_assert_max_num_queries(14):
        client.get(reverse("structure:building", args=[world.harmony.pk, world.building.pk]))


def test_mask_phone():
    from comity.structure.selectors import mask_phone

    assert mask_phone("13912345678") == "139****5678"
    assert mask_phone("12345") == "*****"


def test_a_new_account_is_invited_to_claim_its_unit(world, client):
    from ..factories import UserFactory

    client.force_login(UserFactory(username="fresh"))
    response = client.get("/")
    assert response.status_code == 200
    assert reverse("accounts:claim") in response.content.decode()


def test_claim_form_explains_a_unit_that_does_not_exist(world, client_for):
    response = client_for("resident").post(
        reverse("accounts:claim"),
        {
            "community": world.harmony.pk,
            "unit": "1-999",
            "relation": "tenant",
            "full_name": "Rui",
        },
    )
    assert response.status_code == 200
    assert "There is no unit “1-999” in Harmony." in response.content.decode()


def test_health_check_answers_ok(db, client):
    response = client.get("/healthz")
    assert (response.status_code, response.content) == (200, b"ok")


def test_production_refuses_the_development_secret_key():
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", "import comity.config.settings"],
        env={"COMITY_DEBUG": "false", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "Set COMITY_SECRET_KEY" in result.stderr


def test_list_pages_have_bounded_queries(world, client_for, django_assert_max_num_queries):
    from comity.structure import services

    for n in range(8):
        SubjectFactory(community=world.harmony, kind=SubjectKind.VOLUNTEER_TEAM, name=f"Team {n}")
    staff = world.user("committee_staff")
    row = Responsibility.objects.get(community=world.harmony)
    for hours in range(1, 30):
        services.update_responsibility(
            staff, row, lead_subject=world.committee, co_handlers=[], time_limit_hours=hours
        )
    for role, url, limit in [
        ("resident", reverse("structure:subjects", args=[world.harmony.pk]), 10),
        ("street_official", reverse("structure:street", args=[world.street.pk]), 20),
        ("committee_staff", reverse("audit:log", args=[world.harmony.pk]), 12),
        ("resident", reverse("structure:overview", args=[world.harmony.pk]), 20),
    ]:
        client = client_for(role)
        with django_assert_max_num_queries(limit):
            assert client.get(url).status_code == 200


def test_structure_map_shows_who_carries_the_load(world, client_for):
    for code in ["noise.square_dancing", "disputes.pets"]:
        row = Responsibility.objects.create(
            community=world.harmony,
            category=MatterCategory.objects.get(code=code),
            lead_subject=world.committee,
            time_limit_hours=72,
        )
        row.co_handlers.set([world.ngo])
    response = client_for("resident").get(reverse("structure:map", args=[world.harmony.pk]))
    load = [
        (item["subject"].name, item["leads"], item["helps"], item["lead_pct"])
        for item in response.context["page"]["load"]
    ]
    assert load == [("Harmony RC", 2, 0, 100), ("Evergreen Property", 1, 0, 50), ("Silver Age Care", 0, 2, 0)]


def test_audit_entries_read_in_the_readers_language(world, client_for):
    from comity.structure import services

    row = Responsibility.objects.get(community=world.harmony)
    services.update_responsibility(
        world.user("committee_staff"), row, lead_subject=world.committee, co_handlers=[], time_limit_hours=10
    )
    client = client_for("street_official")
    english = client.get(reverse("audit:log", args=[world.harmony.pk]))
    assert "Changed responsibility for Lifts: lead Harmony RC, 10 h" in english.content.decode()
    chinese = client.get(reverse("audit:log", args=[world.harmony.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    page = chinese.content.decode()
    assert "Changed responsibility" not in page
    assert "Harmony RC" in page
    assert "职责清单" in page  # the filter label


def test_the_running_source_code_is_offered_with_its_licence(db, client):
    import io
    import tarfile

    response = client.get("/source.tar.gz")
    with tarfile.open(fileobj=io.BytesIO(b"".join(response.streaming_content))) as archive:
        names = archive.getnames()
    assert "comity/LICENSE" in names
    assert "comity/comity/structure/services/__init__.py" in names
    assert not [name for name in names if "__pycache__" in name]
    assert "/source.tar.gz" in client.get("/").content.decode()
