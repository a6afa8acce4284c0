"""An edit in Django's admin goes around the services (no audit entry): it makes every cached page part stale
(``comity.web.admin_site``)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from comity.foundation import caching
from comity.structure.fragments import cached_fragment
from comity.structure.models import Area, AreaKind
from comity.web.admin_site import ComityAdminSite
from tests.cast import World
from tests.factories import AreaFactory


class Part:
    """A cached part of Harmony's pages that counts how often it is rendered."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.renders = 0

    def _render(self, token: str) -> str:
        self.renders += 1
        return "<p>part</p>"

    def show(self) -> None:
        cached_fragment(
            RequestFactory().get("/"), self.world.harmony, "part", render=self._render, per="everyone"
        )


def test_the_admin_site_is_comitys(db: Any) -> None:
    assert isinstance(admin.site._wrapped, ComityAdminSite)  # admin.site is Django's lazy default site


def test_a_deletion_in_the_admin_makes_cached_parts_stale(world: World, client: Any) -> None:
    area = AreaFactory(community=world.harmony, kind=AreaKind.BUILDING, name="Block Z")
    client.force_login(world.user("platform_staff"))
    part = Part(world)
    part.show()
    other = caching.community_key(world.riverside, "x")
    url = reverse("admin:structure_area_delete", args=[area.pk])
    assert client.get(url).status_code == 200  # the confirmation page changes nothing
    part.show()
    assert part.renders == 1
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not Area.objects.filter(pk=area.pk).exists()
    part.show()
    assert part.renders == 2
    assert caching.community_key(world.riverside, "x") != other  # every community's parts


def test_a_form_with_errors_or_signing_out_changes_nothing(world: World, client: Any) -> None:
    client.force_login(world.user("platform_staff"))
    key = caching.community_key(world.harmony, "x")
    response = client.post(reverse("admin:structure_area_add"), {"name": ""})
    assert response.status_code == 200  # the form again, with its errors
    assert caching.community_key(world.harmony, "x") == key
    assert client.post(reverse("admin:logout")).status_code in (200, 302)
    assert caching.community_key(world.harmony, "x") == key
