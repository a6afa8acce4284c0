"""Every view and endpoint × every member of the cast.

Each case names who may use it. An allowed role gets its page (or its write takes effect); a denied role
gets 403 — anonymous visitors are sent to the login page instead — and every denied write also asserts that
nothing changed (saleor's pattern).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.urls import reverse

from comity.audit.models import AuditEntry
from comity.structure.models import MatterCategory, ResidencyClaim, Responsibility

from ..cast import World
from ..conftest import CAST
from ..factories import UserFactory

MEMBERS = {"resident", "owner", "grid_worker", "committee_staff", "ngo_staff", "enterprise_staff"}
VIEWERS = MEMBERS | {"street_official", "platform_staff"}
MANAGERS = {"committee_staff", "platform_staff"}
AUDITORS = {"committee_staff", "street_official", "platform_staff"}
OVERSEERS = {"street_official", "platform_staff"}
SERVERS = {"committee_staff", "grid_worker", "platform_staff"}
LOGGED_IN = set(CAST) - {"anonymous"}


def _pending_claim(world: World) -> ResidencyClaim:
    claimant = UserFactory(username="newcomer")
    return ResidencyClaim.objects.create(
        community=world.harmony, user=claimant, unit=world.unit, relation="family", full_name="New Comer"
    )


@dataclass
class Case:
    name: str
    method: str
    url: Callable[[World, dict[str, Any]], str]
    allowed: set[str]
    data: Callable[[World, dict[str, Any]], dict[str, Any]] = lambda w, s: {}
    setup: Callable[[World], dict[str, Any]] = lambda w: {}
    #: A snapshot of the state the write would change; denied writes must leave it equal.
    state: Callable[[World, dict[str, Any]], Any] | None = None
    #: Status of an allowed request.
    ok_status: set[int] = field(default_factory=lambda: {200})
    api: bool = False
    content_type: str | None = None


def _lifts_row(world: World) -> Responsibility:
    return Responsibility.objects.get(community=world.harmony, category__code="facilities.lifts")


def _matrix_state(world: World, setup: dict[str, Any]) -> Any:
    return sorted(
        Responsibility.objects.filter(community=world.harmony).values_list(
            "category__code", "lead_subject_id", "time_limit_hours", "notes"
        )
    )


def _subject_state(world: World, setup: dict[str, Any]) -> Any:
    from comity.structure.models import GovernanceSubject

    return sorted(GovernanceSubject.objects.values_list("pk", "name", "phone"))


def _membership_state(world: World, setup: dict[str, Any]) -> Any:
    from comity.structure.models import Membership

    return sorted(Membership.objects.values_list("pk", "role", "ended_on"))


def _claim_state(world: World, setup: dict[str, Any]) -> Any:
    return sorted(ResidencyClaim.objects.values_list("pk", "status", "reason"))


EVERYONE = set(CAST)

CASES = [
    Case("home", "get", lambda w, s: reverse("web:home"), EVERYONE, ok_status={200, 302}),
    Case("health check", "get", lambda w, s: reverse("web:health"), EVERYONE),
    Case("source code", "get", lambda w, s: reverse("web:source"), EVERYONE),
    Case("login page", "get", lambda w, s: reverse("accounts:login"), EVERYONE, ok_status={200, 302}),
    Case("log out", "post", lambda w, s: reverse("accounts:logout"), EVERYONE, ok_status={302}),
    Case(
        "switch language",
        "post",
        lambda w, s: reverse("set_language"),
        EVERYONE,
        data=lambda w, s: {"language": "zh-hans", "next": "/"},
        ok_status={302},
    ),
    Case(
        "text size",
        "post",
        lambda w, s: reverse("web:text_size"),
        EVERYONE,
        data=lambda w, s: {"large_text": "1", "next": "/"},
        ok_status={302},
    ),
    Case("overview", "get", lambda w, s: reverse("structure:overview", args=[w.harmony.pk]), VIEWERS),
    Case("structure map", "get", lambda w, s: reverse("structure:map", args=[w.harmony.pk]), VIEWERS),
    Case("matrix", "get", lambda w, s: reverse("structure:matrix", args=[w.harmony.pk]), VIEWERS),
    Case("subjects", "get", lambda w, s: reverse("structure:subjects", args=[w.harmony.pk]), VIEWERS),
    Case(
        "subject detail",
        "get",
        lambda w, s: reverse("structure:subject", args=[w.property_company.pk]),
        VIEWERS,
    ),
    Case(
        "street-level subject detail",
        "get",
        lambda w, s: reverse("structure:subject", args=[w.street_office.pk]),
        VIEWERS | {"other_resident"},
    ),
    Case(
        "matrix edit form",
        "get",
        lambda w, s: reverse("structure:matrix_edit", args=[w.harmony.pk, _lifts_row(w).pk]),
        MANAGERS,
    ),
    Case(
        "matrix edit",
        "post",
        lambda w, s: reverse("structure:matrix_edit", args=[w.harmony.pk, _lifts_row(w).pk]),
        MANAGERS,
        data=lambda w, s: {"lead_subject": w.committee.pk, "time_limit_hours": 12, "notes": "changed"},
        state=_matrix_state,
        ok_status={302},
    ),
    Case(
        "matrix new form", "get", lambda w, s: reverse("structure:matrix_new", args=[w.harmony.pk]), MANAGERS
    ),
    Case(
        "matrix new",
        "post",
        lambda w, s: reverse("structure:matrix_new", args=[w.harmony.pk]),
        MANAGERS,
        data=lambda w, s: {
            "category": MatterCategory.objects.get(code="noise.square_dancing").pk,
            "lead_subject": w.committee.pk,
            "time_limit_hours": 72,
        },
        state=_matrix_state,
        ok_status={302},
    ),
    Case(
        "matrix delete",
        "post",
        lambda w, s: reverse("structure:matrix_delete", args=[w.harmony.pk, _lifts_row(w).pk]),
        MANAGERS,
        state=_matrix_state,
        ok_status={302},
    ),
    Case(
        "registry of buildings",
        "get",
        lambda w, s: reverse("structure:registry", args=[w.harmony.pk]),
        SERVERS,
    ),
    Case(
        "building register",
        "get",
        lambda w, s: reverse("structure:building", args=[w.harmony.pk, w.building.pk]),
        SERVERS,
    ),
    Case(
        "register a subject form",
        "get",
        lambda w, s: reverse("structure:subject_new", args=[w.harmony.pk]),
        MANAGERS,
    ),
    Case(
        "register a subject",
        "post",
        lambda w, s: reverse("structure:subject_new", args=[w.harmony.pk]),
        MANAGERS,
        data=lambda w, s: {"kind": "volunteer_team", "name": "Night Patrol"},
        state=_subject_state,
        ok_status={302},
    ),
    Case(
        "edit a community subject",
        "post",
        lambda w, s: reverse("structure:subject_edit", args=[w.property_company.pk]),
        MANAGERS,
        data=lambda w, s: {"kind": "property_management", "name": "Evergreen", "phone": "110"},
        state=_subject_state,
        ok_status={302},
    ),
    Case(
        "edit a street-level subject",
        "post",
        lambda w, s: reverse("structure:subject_edit", args=[w.street_office.pk]),
        OVERSEERS,
        data=lambda w, s: {"kind": "street_office", "name": "Peace Street Office", "phone": "0371-1"},
        state=_subject_state,
        ok_status={302},
    ),
    Case(
        "add a member",
        "post",
        lambda w, s: reverse("structure:membership_add", args=[w.ngo.pk]),
        MANAGERS,
        data=lambda w, s: {"full_name": "Rui", "role": "volunteer"},
        state=_membership_state,
        ok_status={302},
    ),
    Case(
        "end a role",
        "post",
        lambda w, s: reverse("structure:membership_end", args=[w.ngo.pk, w.ngo.memberships.get().pk]),
        MANAGERS,
        state=_membership_state,
        ok_status={302},
    ),
    Case("street overview", "get", lambda w, s: reverse("structure:street", args=[w.street.pk]), OVERSEERS),
    Case("claims queue", "get", lambda w, s: reverse("structure:claims", args=[w.harmony.pk]), MANAGERS),
    Case(
        "claim confirm",
        "post",
        lambda w, s: reverse("structure:claim_decide", args=[w.harmony.pk, s["claim"].pk]),
        MANAGERS,
        setup=lambda w: {"claim": _pending_claim(w)},
        data=lambda w, s: {"decision": "confirm"},
        state=_claim_state,
        ok_status={302},
    ),
    Case(
        "claim reject",
        "post",
        lambda w, s: reverse("structure:claim_decide", args=[w.harmony.pk, s["claim"].pk]),
        MANAGERS,
        setup=lambda w: {"claim": _pending_claim(w)},
        data=lambda w, s: {"decision": "reject", "reason": "Not on the register"},
        state=_claim_state,
        ok_status={302},
    ),
    Case(
        "registry import form",
        "get",
        lambda w, s: reverse("structure:registry_import", args=[w.harmony.pk]),
        MANAGERS,
    ),
    Case(
        "registry template",
        "get",
        lambda w, s: reverse("structure:registry_template", args=[w.harmony.pk]) + "?format=csv",
        MANAGERS,
    ),
    Case(
        "registry export",
        "get",
        lambda w, s: reverse("structure:registry_export", args=[w.harmony.pk]) + "?format=csv",
        MANAGERS,
    ),
    Case("audit log", "get", lambda w, s: reverse("audit:log", args=[w.harmony.pk]), AUDITORS),
    Case("my account", "get", lambda w, s: reverse("accounts:me"), LOGGED_IN),
    Case("claim form", "get", lambda w, s: reverse("accounts:claim"), LOGGED_IN),
    Case(
        "claim a unit",
        "post",
        lambda w, s: reverse("accounts:claim"),
        LOGGED_IN,
        data=lambda w, s: {
            "community": w.harmony.pk,
            "building": "1",
            "unit_number": "101",
            "relation": "family",
            "full_name": "Some One",
        },
        state=_claim_state,
        ok_status={302},
    ),
    Case("admin", "get", lambda w, s: reverse("admin:index"), {"platform_staff"}),
    Case("api communities", "get", lambda w, s: reverse("api-communities"), LOGGED_IN, api=True),
    Case(
        "api community", "get", lambda w, s: reverse("api-community", args=[w.harmony.pk]), VIEWERS, api=True
    ),
    Case("api subjects", "get", lambda w, s: reverse("api-subjects", args=[w.harmony.pk]), VIEWERS, api=True),
    Case(
        "api responsibilities",
        "get",
        lambda w, s: reverse("api-responsibilities", args=[w.harmony.pk]),
        VIEWERS,
        api=True,
    ),
    Case(
        "api responsibility",
        "get",
        lambda w, s: reverse("api-responsibility", args=[w.harmony.pk, _lifts_row(w).pk]),
        VIEWERS,
        api=True,
    ),
    Case(
        "api responsibility patch",
        "patch",
        lambda w, s: reverse("api-responsibility", args=[w.harmony.pk, _lifts_row(w).pk]),
        MANAGERS,
        data=lambda w, s: {"time_limit_hours": 6},
        state=_matrix_state,
        api=True,
        content_type="application/json",
    ),
    Case("api schema (public)", "get", lambda w, s: reverse("api-schema"), set(CAST), api=True),
]


@pytest.mark.parametrize("role", CAST)
@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_every_role_gets_exactly_its_permissions(
    case: Case, role: str, world: World, client_for: Any
) -> None:
    extra = case.setup(world)
    url = case.url(world, extra)
    data = case.data(world, extra)
    before = case.state(world, extra) if case.state else None
    audit_before = AuditEntry.objects.count()
    client = client_for(role)
    if case.content_type:
        response = getattr(client, case.method)(url, data=json.dumps(data), content_type=case.content_type)
    else:
        response = getattr(client, case.method)(url, data=data)

    if role in case.allowed:
        assert response.status_code in case.ok_status, (case.name, role, response.status_code)
        if case.state is not None:
            assert case.state(world, extra) != before, f"{role} was allowed {case.name} but nothing changed"
        return

    if role == "anonymous":
        if case.api:
            assert response.status_code == 403
        else:
            assert response.status_code == 302
            assert "/login/" in response["Location"]
    elif case.name == "admin":
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]
    else:
        assert response.status_code == 403, (case.name, role, response.status_code)
    if case.state is not None:
        assert case.state(world, extra) == before, f"{role} was denied {case.name} but the state changed"
    assert AuditEntry.objects.count() == audit_before
