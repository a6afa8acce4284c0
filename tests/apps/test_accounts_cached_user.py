"""The signed-in account from the cache (``comity.accounts.authentication``): one query saved per page, and
nothing a change of the account must end or change survives it."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comity.accounts.models import User
from tests.cast import World


def _account_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len([q for q in queries.captured_queries if 'FROM "accounts_user"' in q["sql"]])


def test_the_second_page_reads_the_account_from_the_cache(world: World, client_for: Any) -> None:
    client = client_for("resident")
    url = reverse("web:me")
    assert _account_queries(client, url) >= 1
    assert _account_queries(client, url) == 0


def test_a_deactivated_account_is_signed_out_at_once(world: World, client_for: Any) -> None:
    client = client_for("resident")
    url = reverse("web:me")
    client.get(url)
    user = User.objects.get(pk=world.user("resident").pk)
    user.is_active = False
    user.save()
    response = client.get(url)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_new_password_ends_the_other_sessions(world: World) -> None:
    resident = world.user("resident")
    other = Client()
    other.force_login(resident)
    url = reverse("web:me")
    assert other.get(url).status_code == 200
    user = User.objects.get(pk=resident.pk)
    user.set_password("a completely new passphrase 42")
    user.save()
    assert other.get(url).status_code == 302
    assert other.session.get("_auth_user_id") is None


def test_a_changed_account_shows_on_the_next_page(world: World, client_for: Any) -> None:
    client = client_for("resident")
    url = reverse("web:me")
    client.get(url)
    user = User.objects.get(pk=world.user("resident").pk)
    user.first_name = "Ruixiang"
    user.save()
    response = client.get(url)
    assert response.wsgi_request.user.first_name == "Ruixiang"


def test_a_deleted_account_is_anonymous(world: World) -> None:
    user = User.objects.create_user("leaving", password="p-ssw0rd-long-enough")
    client = Client()
    client.force_login(user)
    client.get(reverse("web:me"))
    user.delete()
    response = client.get(reverse("web:me"))
    assert response.status_code == 302
    assert isinstance(response.wsgi_request.user, AnonymousUser)


def test_a_cached_account_never_serves_another_session(world: World) -> None:
    first, second = Client(), Client()
    first.force_login(world.user("resident"))
    second.force_login(world.user("owner"))
    for _ in range(2):
        assert first.get(reverse("web:me")).wsgi_request.user.pk == world.user("resident").pk
        assert second.get(reverse("web:me")).wsgi_request.user.pk == world.user("owner").pk
