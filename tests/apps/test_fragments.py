"""Cached parts of community pages (``comity.structure.fragments`` and ``{% fragment %}``)."""

from __future__ import annotations

from itertools import count
from typing import Any

import pytest
from django.middleware.csrf import _unmask_cipher_token, get_token
from django.template import Context, Template, TemplateSyntaxError
from django.test import RequestFactory
from django.utils import translation

from comity.accounts.models import User
from comity.foundation.caching import community_changed
from comity.structure.fragments import CSRF_PLACEHOLDER, cached_fragment
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

TEMPLATE = Template(
    "{% load fragments %}"
    '{% fragment "numbers" community per=per seconds=60 page %}'
    '<b>{{ next_number }}</b><form method="post">{% csrf_token %}</form>'
    "{% endfragment %}"
)


def _request(user: Any) -> Any:
    request = RequestFactory().get("/")
    request.user = user
    request.session = {}  # type: ignore[assignment]
    return request


def _render(request: Any, community: Any, numbers: Any, *, per: str = "roles", page: int = 1) -> str:
    context = Context(
        {
            "request": request,
            "community": community,
            "per": per,
            "page": page,
            "next_number": lambda: next(numbers),
            "csrf_token": get_token(request),
        }
    )
    return TEMPLATE.render(context)


def _number(html: str) -> int:
    return int(html.split("<b>")[1].split("</b>")[0])


def test_a_part_is_rendered_once_until_the_community_changes(world: Any) -> None:
    numbers = count(1)
    request = _request(world.user("resident"))
    assert _number(_render(request, world.harmony, numbers)) == 1
    assert _number(_render(request, world.harmony, numbers)) == 1
    community_changed(world.harmony)
    assert _number(_render(request, world.harmony, numbers)) == 2
    # another community's change leaves it alone; another page of it is its own part
    community_changed(world.riverside)
    assert _number(_render(request, world.harmony, numbers)) == 2
    assert _number(_render(request, world.harmony, numbers, page=2)) == 3


def test_viewers_with_other_roles_get_their_own_part(world: Any) -> None:
    numbers = count(1)
    assert _number(_render(_request(world.user("resident")), world.harmony, numbers)) == 1
    assert _number(_render(_request(world.user("owner")), world.harmony, numbers)) == 2
    assert _number(_render(_request(world.user("committee_staff")), world.harmony, numbers)) == 3
    # a second resident with the same roles shares the resident's part
    assert _number(_render(_request(world.user("resident")), world.harmony, numbers)) == 1


def test_per_user_parts_are_the_users_own_and_everyone_parts_shared(world: Any) -> None:
    numbers = count(1)
    assert _number(_render(_request(world.user("resident")), world.harmony, numbers, per="user")) == 1
    assert _number(_render(_request(world.user("owner")), world.harmony, numbers, per="user")) == 2
    assert _number(_render(_request(world.user("resident")), world.harmony, numbers, per="user")) == 1
    assert _number(_render(_request(world.user("resident")), world.harmony, numbers, per="everyone")) == 3
    assert (
        _number(_render(_request(world.user("committee_staff")), world.harmony, numbers, per="everyone")) == 3
    )


def test_each_language_has_its_own_part(world: Any) -> None:
    numbers = count(1)
    request = _request(world.user("resident"))
    assert _number(_render(request, world.harmony, numbers)) == 1
    with translation.override("zh-hans"):
        assert _number(_render(request, world.harmony, numbers)) == 2
    assert _number(_render(request, world.harmony, numbers)) == 1


def test_a_cached_form_carries_each_viewers_own_csrf_token(world: Any) -> None:
    numbers = count(1)
    first, second = _request(world.user("resident")), _request(world.user("resident"))
    html_first = _render(first, world.harmony, numbers)
    html_second = _render(second, world.harmony, numbers)
    assert _number(html_second) == 1  # the same cached part …
    assert CSRF_PLACEHOLDER not in html_first + html_second

    def token(html: str) -> str:
        return html.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]

    # … with each request's own secret in its form
    assert _unmask_cipher_token(token(html_first)) == first.META["CSRF_COOKIE"]
    assert _unmask_cipher_token(token(html_second)) == second.META["CSRF_COOKIE"]
    assert first.META["CSRF_COOKIE"] != second.META["CSRF_COOKIE"]


def test_the_python_api_passes_the_placeholder_to_render(world: Any) -> None:
    request = _request(world.user("resident"))
    seen: list[str] = []

    def render(token: str) -> str:
        seen.append(token)
        return f"<i>{token}</i>"

    html = cached_fragment(request, world.harmony, "api", render=render)
    assert seen == [CSRF_PLACEHOLDER]
    assert _unmask_cipher_token(html[3:-4]) == request.META["CSRF_COOKIE"]
    cached_fragment(request, world.harmony, "api", render=render)
    assert len(seen) == 1


def test_a_wrong_per_is_an_error(world: Any) -> None:
    with pytest.raises(TemplateSyntaxError):
        _render(_request(world.user("resident")), world.harmony, count(1), per="someone")
    with pytest.raises(TemplateSyntaxError):
        Template('{% load fragments %}{% fragment "x" %}{% endfragment %}')


def test_each_serving_of_a_cached_create_form_has_a_new_one_time_token(world: Any) -> None:
    request = _request(world.user("resident"))
    template = Template(
        '{% load fragments once_token %}{% fragment "create" community %}<form>{% once_token %}</form>{% endfragment %}'
    )

    def token() -> str:
        html = template.render(Context({"request": request, "community": world.harmony}))
        return html.split('name="once_token" value="')[1].split('"')[0]

    tokens = {token() for _ in range(3)}
    assert len(tokens) == 3


def test_a_per_user_part_follows_the_viewers_roles_at_once(world: Any) -> None:
    numbers = count(1)
    resident = world.user("resident")
    assert _number(_render(_request(resident), world.harmony, numbers, per="user")) == 1
    assert _number(_render(_request(resident), world.harmony, numbers, per="user")) == 1
    MembershipFactory(subject=world.committee, person=resident.person, role="staff")
    resident = User.objects.get(pk=resident.pk)  # the next request's account, roles read afresh
    assert _number(_render(_request(resident), world.harmony, numbers, per="user")) == 2
