"""The site menu: every section the user's roles give, the current section marked from the URL, no JavaScript."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from comity.appeals import services as appeal_services
from comity.notifications.models import Notification
from comity.structure.models import MatterCategory
from comity.web.context_processors import SECTIONS
from tests.cast import World
from tests.factories import MembershipFactory


def _menu(body: str) -> str:
    """The phone menu: the <details> disclosure that holds every link."""
    match = re.search(r'<details class="site-menu">(.*?)</details>', body, re.S)
    assert match, "the page has no menu"
    return match.group(1)


def _sections(body: str) -> list[str]:
    return re.findall(r'data-section="([a-z_]+)"', _menu(body))


def _current(body: str) -> list[str]:
    return re.findall(r'data-section="([a-z_]+)" aria-current="page"', _menu(body))


def _appeal(world: World) -> Any:
    return appeal_services.submit_appeal(
        world.user("resident"),
        world.harmony,
        kind="help_request",
        category=MatterCategory.objects.get(code="facilities.lifts"),
        description="The lift is stuck.",
        unit=world.unit,
    )


def test_a_resident_finds_every_section_of_their_community_in_the_menu(world: World, client_for: Any) -> None:
    body = client_for("resident").get(reverse("web:me")).content.decode()
    assert _sections(body) == [
        "home",
        "appeals",
        "consultations",
        "decisions",
        "budget",
        "structure",
        "matrix",
        "subjects",
        "rates",
        "notifications",
        "account",
    ]
    menu = _menu(body)
    assert "<summary" in menu
    assert "Menu" in menu
    assert 'action="/accounts/logout/"' in menu
    assert f'href="/c/{world.harmony.pk}/decisions/"' in menu
    assert f'href="/c/{world.harmony.pk}/budgets/"' in menu


def test_committee_staff_also_find_registry_verification_and_audit(world: World, client_for: Any) -> None:
    body = client_for("committee_staff").get(reverse("web:me")).content.decode()
    sections = _sections(body)
    assert {"registry", "verification", "audit", "decisions", "budget"} <= set(sections)
    assert "street" not in sections


def test_a_street_official_finds_the_street_overview_and_its_rates(world: World, client_for: Any) -> None:
    body = client_for("street_official").get(reverse("web:me")).content.decode()
    menu = _menu(body)
    assert "street" in _sections(body)
    assert f'href="{reverse("structure:street", args=[world.street.pk])}"' in menu
    assert f'href="{reverse("appeal_rates:street", args=[world.street.pk])}"' in menu
    # On a community's page of their street they find that community's sections too.
    body = (
        client_for("street_official")
        .get(reverse("structure:overview", args=[world.harmony.pk]))
        .content.decode()
    )
    assert {"home", "appeals", "decisions", "budget", "audit", "street"} <= set(_sections(body))
    assert _current(body) == ["home"]


def test_the_unread_badge_sits_in_the_top_bar_outside_the_menu(world: World, client_for: Any) -> None:
    from comity.notifications.models import Notification

    for _ in range(3):
        Notification.objects.create(
            recipient=world.user("resident"), kind="appeal.replied", summary="Reply", params={}, url="/"
        )
    body = client_for("resident").get(reverse("web:me")).content.decode()
    top_bar = body.split('<details class="site-menu">')[0]
    assert 'class="site-bell"' in top_bar
    assert 'id="unread-badge">3<' in top_bar
    assert re.search(
        r'data-section="notifications">Notifications <span class="badge badge--count">3<', _menu(body)
    )


@pytest.mark.parametrize(
    ("name", "section"),
    [
        ("appeals:detail", "appeals"),
        ("appeals:mine", "appeals"),
        ("appeals:new", "appeals"),
        ("appeal_rates:community", "rates"),
        ("decisions:list", "decisions"),
        ("budgeting:cycles", "budget"),
        ("budgeting:funds", "budget"),
        ("consultations:list", "consultations"),
        ("structure:overview", "home"),
        ("structure:map", "structure"),
        ("structure:matrix", "matrix"),
        ("structure:subjects", "subjects"),
        ("notifications:inbox", "notifications"),
        ("web:me", "account"),
    ],
)
def test_exactly_the_current_section_is_highlighted(
    world: World, client_for: Any, name: str, section: str
) -> None:
    client = client_for("resident")
    if name == "appeals:detail":
        url = reverse(name, args=[world.harmony.pk, _appeal(world).pk])
    elif name.startswith(("notifications:", "accounts:")) or name == "web:me":
        url = reverse(name)
    else:
        url = reverse(name, args=[world.harmony.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert _current(response.content.decode()) == [section]


def test_staff_pages_highlight_their_own_section(world: World, client_for: Any) -> None:
    client = client_for("committee_staff")
    for name, section in [
        ("structure:registry", "registry"),
        ("structure:claims", "verification"),
        ("audit:log", "audit"),
        ("appeals:queue", "appeals"),
    ]:
        body = client.get(reverse(name, args=[world.harmony.pk])).content.decode()
        assert _current(body) == [section], name
    body = (
        client_for("street_official")
        .get(reverse("structure:street", args=[world.street.pk]))
        .content.decode()
    )
    assert _current(body) == ["street"]


def test_every_section_a_url_can_map_to_is_a_menu_section(world: World, client_for: Any) -> None:
    body = client_for("committee_staff").get(reverse("web:me")).content.decode()
    offered = set(_sections(body)) | {"street", "measures"}
    assert set(SECTIONS.values()) <= offered


def test_visitors_see_only_the_login_link(db: Any, client: Any) -> None:
    body = client.get(reverse("accounts:login")).content.decode()
    assert "site-menu" not in body
    assert 'href="/accounts/login/"' in body


def test_the_cached_menu_follows_a_new_role_and_a_new_notification_at_once(
    world: World, client_for: Any
) -> None:
    """The menu and its bar are cached per roles and badge: a role gained, or a notification, shows on the next page."""
    resident = world.user("resident")
    client = client_for("resident")
    url = reverse("web:me")
    assert "registry" not in _sections(client.get(url).content.decode())
    assert "registry" not in _sections(client.get(url).content.decode())  # now from the cache
    MembershipFactory(subject=world.committee, person=resident.person, role="staff")
    assert "registry" in _sections(client.get(url).content.decode())
    assert 'id="unread-badge"' not in client.get(url).content.decode()
    Notification.objects.create(
        recipient=resident, community=world.harmony, kind="appeal.replied", summary="Hi", in_app=True
    )
    assert re.search(r'id="unread-badge">1<', client.get(url).content.decode())


def test_the_logout_form_of_a_cached_menu_carries_the_viewers_own_token(world: World) -> None:
    tokens = []
    for role in ("resident", "resident", "owner"):
        client = Client(enforce_csrf_checks=True)
        client.force_login(world.user(role))
        body = client.get(reverse("web:me")).content.decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', _menu(body))
        assert token, "the menu has no logout form"
        tokens.append(token.group(1))
        assert (
            client.post(reverse("accounts:logout"), {"csrfmiddlewaretoken": token.group(1)}).status_code
            == 302
        )
        assert client.get(reverse("web:me")).status_code == 302  # signed out: the page sends them to log in
    assert len(set(tokens)) == 3
