"""The registry's cached lists: fresh after an audited write, and never one community's or language's for another."""

from __future__ import annotations

from django.urls import reverse

from comity.structure import services
from comity.structure.models import AreaKind

from ..factories import AreaFactory, UnitFactory, UserFactory


def _building_page(client, world):
    return client.get(
        reverse("structure:building", args=[world.harmony.pk, world.building.pk])
    ).content.decode()


def _registry_page(client, community):
    return client.get(reverse("structure:registry", args=[community.pk])).content.decode()


def test_a_confirmed_tenant_shows_at_once_on_the_cached_registry_and_building_pages(world, client_for):
    staff = client_for("committee_staff")
    assert "rented" not in _building_page(staff, world)
    before = _registry_page(staff, world.harmony)
    assert "2 households" in before

    user = UserFactory(username="tenant-claimant")
    claim = services.submit_residency_claim(user, world.unit, relation="tenant", full_name="Zhao Lei")
    services.confirm_residency_claim(world.user("committee_staff"), claim)

    assert "rented" in _building_page(staff, world)
    assert "3 households" in _registry_page(staff, world.harmony)


def test_the_cached_registry_of_one_community_is_not_shown_for_another(world, client_for):
    AreaFactory(community=world.riverside, kind=AreaKind.BUILDING, code="R1", name="River House")
    platform = client_for("platform_staff")
    harmony = _registry_page(platform, world.harmony)
    riverside = _registry_page(platform, world.riverside)
    assert "Building 1" in harmony
    assert "River House" not in harmony
    assert "River House" in riverside
    assert "Building 1" not in riverside


def test_the_cached_building_list_follows_the_language(world, client_for):
    staff = client_for("committee_staff")
    english = _building_page(staff, world)
    chinese = staff.get(
        reverse("structure:building", args=[world.harmony.pk, world.building.pk]),
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    ).content.decode()
    assert "Residents" in english
    assert "Residents" not in chinese


def test_a_unit_added_to_another_building_does_not_change_this_one(world, client_for):
    other = AreaFactory(community=world.harmony, kind=AreaKind.BUILDING, code="2", name="Building 2")
    UnitFactory(building=other, number="909", floor=9)
    staff = client_for("committee_staff")
    assert "909" not in _building_page(staff, world)
    assert (
        "909" in staff.get(reverse("structure:building", args=[world.harmony.pk, other.pk])).content.decode()
    )
