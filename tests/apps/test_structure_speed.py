"""The structure pages' cached parts: each shows a write that changes it at once, and viewers who must see different
things do (``comity/structure/views_overview.py``, ``versions.py`` and the templates' ``{% fragment %}``)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from comity.foundation.caching import community_version
from comity.structure import services
from comity.structure.models import MatterCategory, Responsibility, SubjectKind
from comity.structure.versions import street_changed
from tests.factories import CommunityFactory

pytestmark = pytest.mark.django_db


def _page(client: Any, name: str, *args: Any, query: str = "") -> str:
    response = client.get(reverse(name, args=args) + query)
    assert response.status_code == 200
    return str(response.content.decode())


def _uncovered_leaf() -> MatterCategory:
    """A kind of matter no row of Harmony's matrix covers (the world's one row covers lifts)."""
    category = (
        MatterCategory.objects.filter(children__isnull=True)
        .exclude(code__startswith="facilities")
        .order_by("position", "pk")
        .first()
    )
    assert category is not None
    return category


def test_street_changed_makes_every_community_of_the_street_stale(world: Any) -> None:
    elsewhere: Any = CommunityFactory()  # type: ignore[no-untyped-call]
    before = {
        community.pk: community_version(community)
        for community in (world.harmony, world.riverside, elsewhere)
    }
    street_changed(world.street)
    assert community_version(world.harmony) != before[world.harmony.pk]
    assert community_version(world.riverside) != before[world.riverside.pk]
    assert community_version(elsewhere) == before[elsewhere.pk]


def test_a_street_level_subject_renamed_shows_at_once_on_who_is_who_and_subjects(
    world: Any, client_for: Any
) -> None:
    resident = client_for("resident")
    assert "Peace Street Office" in _page(resident, "structure:map", world.harmony.pk)
    assert "Peace Street Office" in _page(resident, "structure:subjects", world.harmony.pk)
    # the street official edits the street office: its audit entry names no community
    services.update_subject(
        world.user("street_official"), world.street_office, name="Peace Street Service Centre"
    )
    resident = client_for("resident")
    assert "Peace Street Service Centre" in _page(resident, "structure:map", world.harmony.pk)
    assert "Peace Street Service Centre" in _page(resident, "structure:subjects", world.harmony.pk)
    # and on the other community of the street too
    other = client_for("other_resident")
    assert "Peace Street Service Centre" in _page(other, "structure:subjects", world.riverside.pk)


def test_a_new_member_of_a_street_level_subject_shows_at_once_on_subjects(
    world: Any, client_for: Any
) -> None:
    kind = f"?kind={SubjectKind.STREET_OFFICE}"
    assert "1 member\n" in _page(client_for("resident"), "structure:subjects", world.harmony.pk, query=kind)
    services.add_membership(
        world.user("street_official"), world.street_office, full_name="Sun Li", role="staff"
    )
    assert "2 members\n" in _page(client_for("resident"), "structure:subjects", world.harmony.pk, query=kind)


def test_subjects_vary_on_the_kind_filter(world: Any, client_for: Any) -> None:
    resident = client_for("resident")
    offices = _page(
        resident, "structure:subjects", world.harmony.pk, query=f"?kind={SubjectKind.STREET_OFFICE}"
    )
    assert "Peace Street Office" in offices
    assert "Evergreen Property" not in offices
    everything = _page(resident, "structure:subjects", world.harmony.pk)
    assert "Peace Street Office" in everything
    assert "Evergreen Property" in everything
    # an unknown kind is no filter (and shares the unfiltered part)
    assert "Evergreen Property" in _page(
        resident, "structure:subjects", world.harmony.pk, query="?kind=nonsense"
    )


def test_a_catalogue_edit_in_the_admin_shows_at_once_on_home_and_matrix(world: Any, client_for: Any) -> None:
    category = _uncovered_leaf()
    staff = client_for("committee_staff")
    assert category.name_en in _page(staff, "structure:overview", world.harmony.pk)
    assert category.name_en in _page(staff, "structure:matrix", world.harmony.pk)
    assert category.name_en in _page(client_for("other_resident"), "structure:overview", world.riverside.pk)
    # the Django admin saves the row: no service, no audit entry
    category.name_en = "Renamed kind of matter"
    category.save()
    staff = client_for("committee_staff")
    assert "Renamed kind of matter" in _page(staff, "structure:overview", world.harmony.pk)
    assert "Renamed kind of matter" in _page(staff, "structure:matrix", world.harmony.pk)
    # every street's communities
    assert "Renamed kind of matter" in _page(
        client_for("other_resident"), "structure:overview", world.riverside.pk
    )


def test_a_new_matrix_row_shows_at_once_on_matrix_map_and_home(world: Any, client_for: Any) -> None:
    category = _uncovered_leaf()
    resident = client_for("resident")
    matrix_before = _page(resident, "structure:matrix", world.harmony.pk)
    assert 'id="group-' in matrix_before
    assert "Not yet assigned" in matrix_before
    map_before = _page(resident, "structure:map", world.harmony.pk)
    assert f"{category.name_en}</li>" not in map_before
    services.create_responsibility(
        world.user("committee_staff"),
        world.harmony,
        category=category,
        scope_area=None,
        lead_subject=world.ngo,
        co_handlers=[world.street_office],
        time_limit_hours=48,
    )
    resident = client_for("resident")
    matrix_after = _page(resident, "structure:matrix", world.harmony.pk)
    assert matrix_after.count('class="duty"') == matrix_before.count('class="duty"') + 1
    assert "Peace Street Office" in matrix_after  # the helper
    assert f"{category.name_en}</li>" in _page(resident, "structure:map", world.harmony.pk)


def test_a_matrix_row_written_in_the_admin_shows_at_once(world: Any, client_for: Any) -> None:
    row = Responsibility.objects.get(community=world.harmony)
    assert "Silver Age Care" not in _page(client_for("resident"), "structure:matrix", world.harmony.pk)
    row.co_handlers.add(world.ngo)  # the admin's many-to-many widget
    assert "Silver Age Care" in _page(client_for("resident"), "structure:matrix", world.harmony.pk)
    row.notes = "Call the lift company first"
    row.save()
    assert "Call the lift company first" in _page(
        client_for("resident"), "structure:matrix", world.harmony.pk
    )
    world.ngo.co_responsibilities.clear()  # from the subject's side
    assert "Silver Age Care" not in _page(client_for("resident"), "structure:matrix", world.harmony.pk)


def test_the_matrix_shows_edit_links_to_its_editors_only(world: Any, client_for: Any) -> None:
    row = Responsibility.objects.get(community=world.harmony)
    edit = reverse("structure:matrix_edit", args=[world.harmony.pk, row.pk])
    assert edit in _page(client_for("committee_staff"), "structure:matrix", world.harmony.pk)
    assert edit not in _page(client_for("resident"), "structure:matrix", world.harmony.pk)
    assert edit in _page(client_for("committee_staff"), "structure:matrix", world.harmony.pk)


def test_a_claim_shows_at_once_on_the_queue_the_home_and_the_street(world: Any, client_for: Any) -> None:
    staff = client_for("committee_staff")
    assert "No claims are waiting" in _page(staff, "structure:claims", world.harmony.pk)
    assert "waiting for verification" not in _page(staff, "structure:overview", world.harmony.pk)
    street_before = _page(client_for("street_official"), "structure:street", world.street.pk)
    claim = services.submit_residency_claim(
        world.user("other_resident"), world.unit, relation="tenant", full_name="Otto Wang"
    )
    staff = client_for("committee_staff")
    queue = _page(staff, "structure:claims", world.harmony.pk)
    assert "Otto Wang" in queue
    assert "1 resident is waiting for verification" in _page(staff, "structure:overview", world.harmony.pk)
    # the resident's home, with other roles, never shows the committee's notice
    assert "waiting for verification" not in _page(
        client_for("resident"), "structure:overview", world.harmony.pk
    )
    street_after = _page(client_for("street_official"), "structure:street", world.street.pk)
    assert street_after != street_before
    services.reject_residency_claim(world.user("committee_staff"), claim, reason="Not on the lease")
    staff = client_for("committee_staff")
    assert "Otto Wang" not in _page(staff, "structure:claims", world.harmony.pk)
    assert "waiting for verification" not in _page(staff, "structure:overview", world.harmony.pk)


def test_each_reviewer_gets_their_own_csrf_token_in_the_cached_queue(world: Any, client_for: Any) -> None:
    services.submit_residency_claim(
        world.user("other_resident"), world.unit, relation="tenant", full_name="Otto"
    )
    first = client_for("committee_staff")
    html = _page(first, "structure:claims", world.harmony.pk)
    assert "comity-csrf-placeholder" not in html
    token = html.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    second = client_for("platform_staff")
    other = _page(second, "structure:claims", world.harmony.pk)
    assert "Otto" in other
    assert token not in other


def test_the_street_overview_shows_a_write_of_any_of_its_communities_at_once(
    world: Any, client_for: Any
) -> None:
    official = client_for("street_official")
    before = _page(official, "structure:street", world.street.pk)
    services.create_subject(
        world.user("platform_staff"),
        world.riverside,
        kind=SubjectKind.VOLUNTEER_TEAM,
        name="Riverside Walkers",
        legal_status="",
        scope_area=None,
        description="",
    )
    response = client_for("street_official").get(reverse("structure:street", args=[world.street.pk]))
    rows = {row.community.code: row for row in response.context["rows"]}
    assert rows["riverside"].subjects == 3  # its committee, the new team and the street office
    assert response.content.decode() != before


def test_the_home_counts_subjects_at_once_after_a_new_one(world: Any, client_for: Any) -> None:
    resident = client_for("resident")
    before = _page(resident, "structure:overview", world.harmony.pk)
    assert f'?kind={SubjectKind.VOLUNTEER_TEAM}">' in before
    services.create_subject(
        world.user("committee_staff"),
        world.harmony,
        kind=SubjectKind.VOLUNTEER_TEAM,
        name="Harmony Helpers",
        legal_status="",
        scope_area=None,
        description="",
    )
    after = _page(client_for("resident"), "structure:overview", world.harmony.pk)
    team_row = after.split(f'?kind={SubjectKind.VOLUNTEER_TEAM}">')[1].split("</tr>")[0]
    assert '<td class="num">1</td>' in team_row


def test_the_home_shows_each_viewer_the_actions_of_their_own_roles(world: Any, client_for: Any) -> None:
    workbench = reverse("appeals:queue", args=[world.harmony.pk])
    import_link = reverse("structure:registry_import", args=[world.harmony.pk])
    resident = _page(client_for("resident"), "structure:overview", world.harmony.pk)
    assert workbench not in resident
    assert import_link not in resident
    staff = _page(client_for("committee_staff"), "structure:overview", world.harmony.pk)
    assert workbench in staff
    assert import_link in staff
    enterprise = _page(client_for("enterprise_staff"), "structure:overview", world.harmony.pk)
    assert workbench in enterprise
    assert import_link not in enterprise
    assert workbench not in _page(client_for("owner"), "structure:overview", world.harmony.pk)
