"""Every activities page and API route × every member of the cast: the exact status, and whether it changed rows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from comity.activities import codes
from comity.activities.models import Activity, Registration
from comity.activities.services.registrations import register

from ..cast import World
from ..conftest import CAST
from ..factories import PersonFactory
from .test_activities_services import make_activity

pytestmark = pytest.mark.django_db

LOGGED_IN = set(CAST) - {"anonymous"}
#: Everyone who belongs to Harmony, and the street office and platform staff who oversee it.
SEE = LOGGED_IN - {"other_resident"}
#: Those who register themselves: everyone with a role in Harmony.
REGISTER = SEE - {"street_official", "platform_staff"}
#: The organiser's staff (Silver Age Care: Nia), the committee's staff and platform staff.
RUN = {"ngo_staff", "committee_staff", "platform_staff"}
#: Any subject of Harmony or Peace Street may organise.
CREATE = RUN | {"enterprise_staff", "street_official"}
COUNTER = {"committee_staff", "grid_worker", "platform_staff"}


def _only(roles: set[str], ok: int, other: int = 403) -> dict[str, int]:
    return {role: 302 if role == "anonymous" else ok if role in roles else other for role in CAST}


def _api(roles: set[str], ok: int, other: int = 403) -> dict[str, int]:
    return {role: 403 if role == "anonymous" else ok if role in roles else other for role in CAST}


def _activity(world: World) -> dict[str, Any]:
    activity = make_activity(world, capacity=2)
    mine = register(world.user("resident"), activity)
    walk_in = register(
        world.user("committee_staff"), activity, PersonFactory(community=world.harmony, full_name="Walk In")
    )
    return {"activity": activity, "mine": mine, "walk_in": walk_in}


def _draft(world: World) -> dict[str, Any]:
    return {"activity": make_activity(world, publish=False)}


def _registrations(world: World, s: dict[str, Any]) -> Any:
    return list(Registration.objects.order_by("pk").values_list("pk", "status", "checked_in_at"))


def _activities(world: World, s: dict[str, Any]) -> Any:
    return list(Activity.objects.order_by("pk").values_list("pk", "status", "capacity", "title"))


def _new_activity(world: World, s: dict[str, Any]) -> dict[str, Any]:
    start = timezone.localtime() + timedelta(days=5)
    return {
        "organiser": world.ngo.pk,
        "title": "Tai chi class",
        "kind": "class",
        "place": "Garden",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "capacity": "20",
    }


def _a(name: str, *keys: str) -> Callable[[World, dict[str, Any]], str]:
    def url(world: World, s: dict[str, Any]) -> str:
        return reverse(name, args=[s["activity"].pk, *(s[key].pk for key in keys)])

    return url


@dataclass
class Case:
    name: str
    method: str
    url: Callable[[World, dict[str, Any]], str]
    status: dict[str, int]
    data: Callable[[World, dict[str, Any]], dict[str, Any]] = lambda w, s: {}
    setup: Callable[[World], dict[str, Any]] = _activity
    state: Callable[[World, dict[str, Any]], Any] | None = None
    changes: set[str] = field(default_factory=set)


CASES = [
    Case("list", "get", lambda w, s: reverse("activities:list", args=[w.harmony.pk]), _only(SEE, 200)),
    Case("activity", "get", _a("activities:activity"), _only(SEE, 200)),
    Case(
        "register",
        "post",
        _a("activities:register"),
        # Platform staff may do anything, but have no record in the registry to register: an error, nothing made.
        _only(REGISTER | {"platform_staff"}, 302),
        state=_registrations,
        changes=REGISTER - {"resident"},
    ),
    Case(
        "cancel mine",
        "post",
        _a("activities:cancel_mine"),
        _only(SEE, 302),
        state=_registrations,
        changes={"resident"},
    ),
    Case("my registrations", "get", lambda w, s: reverse("activities:mine"), _only(LOGGED_IN, 200)),
    Case(
        "ticket",
        "get",
        lambda w, s: reverse("activities:ticket", args=[s["mine"].pk]),
        _only({"resident"}, 200, 404),
    ),
    Case(
        "ticket QR",
        "get",
        lambda w, s: reverse("activities:ticket_qr", args=[s["mine"].pk]),
        _only({"resident"}, 200, 404),
    ),
    Case(
        "create form",
        "get",
        lambda w, s: reverse("activities:create", args=[w.harmony.pk]),
        _only(CREATE, 200),
    ),
    Case(
        "create",
        "post",
        lambda w, s: reverse("activities:create", args=[w.harmony.pk]),
        # Staff of the property company and the street office may organise, but not for Silver Age Care.
        _only(RUN, 302) | {"enterprise_staff": 200, "street_official": 200},
        data=_new_activity,
        state=_activities,
        changes=RUN,
    ),
    Case("edit form", "get", _a("activities:edit"), _only(RUN, 200)),
    Case(
        "edit",
        "post",
        _a("activities:edit"),
        _only(RUN, 302),
        data=lambda w, s: _new_activity(w, s) | {"title": "Renamed"},
        state=_activities,
        changes=RUN,
    ),
    Case(
        "publish",
        "post",
        _a("activities:publish"),
        _only(RUN, 302),
        setup=_draft,
        state=_activities,
        changes=RUN,
    ),
    Case("cancel page", "get", _a("activities:cancel"), _only(RUN, 200)),
    Case(
        "cancel activity",
        "post",
        _a("activities:cancel"),
        _only(RUN, 302),
        data=lambda w, s: {"reason": "Rain"},
        state=_activities,
        changes=RUN,
    ),
    Case("registrations", "get", _a("activities:registrations"), _only(RUN, 200)),
    Case(
        "change places",
        "post",
        _a("activities:registrations"),
        _only(RUN, 302),
        data=lambda w, s: {"capacity": "30"},
        state=_activities,
        changes=RUN,
    ),
    Case(
        "cancel for someone",
        "post",
        _a("activities:cancel_for", "walk_in"),
        _only(RUN, 302),
        state=_registrations,
        changes=RUN,
    ),
    Case("counter", "get", _a("activities:counter"), _only(COUNTER, 200), data=lambda w, s: {"q": "Walk"}),
    Case(
        "counter register",
        "post",
        _a("activities:counter"),
        _only(COUNTER, 302),
        data=lambda w, s: {"person": w.user("owner").person.pk},
        state=_registrations,
        changes=COUNTER,
    ),
    Case("check-in list", "get", _a("activities:check_in"), _only(RUN, 200)),
    Case(
        "tick",
        "post",
        _a("activities:tick", "walk_in"),
        _only(RUN, 302),
        state=_registrations,
        changes=RUN,
    ),
    Case("scan page", "get", _a("activities:scan"), _only(RUN, 200)),
    Case(
        "scan",
        "post",
        _a("activities:scan"),
        _only(RUN, 302),
        data=lambda w, s: {"code": codes.check_in_code(s["mine"])},
        state=_registrations,
        changes=RUN,
    ),
    Case("print", "get", _a("activities:print"), _only(RUN, 200)),
    Case("api list", "get", lambda w, s: reverse("api-activities", args=[w.harmony.pk]), _api(SEE, 200)),
    Case("api activity", "get", _a("api-activity"), _api(SEE, 200)),
    Case(
        "api register",
        "post",
        _a("api-activity-registration"),
        _api(REGISTER - {"resident"}, 201) | {"resident": 200, "platform_staff": 400},
        state=_registrations,
        changes=REGISTER - {"resident"},
    ),
    Case(
        "api cancel",
        "delete",
        _a("api-activity-registration"),
        _api({"resident"}, 200, 404) | {"other_resident": 403},
        state=_registrations,
        changes={"resident"},
    ),
]


@pytest.mark.parametrize("role", CAST)
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_page_by_role(world: World, client_for: Any, case: Case, role: str) -> None:
    extra = case.setup(world)
    before = case.state(world, extra) if case.state else None
    client = client_for(role)
    url = case.url(world, extra)
    if case.method == "get":
        response = client.get(url, case.data(world, extra))
    elif case.method == "delete":
        response = client.delete(url)
    else:
        response = client.post(url, case.data(world, extra))
    assert response.status_code == case.status[role], (case.name, role, response.content[:300])
    if role == "anonymous" and case.status[role] == 302:
        assert response["Location"].startswith(reverse("accounts:login"))
    if case.state is not None:
        after = case.state(world, extra)
        if role in case.changes:
            assert after != before, (case.name, role)
        else:
            assert after == before, (case.name, role)
