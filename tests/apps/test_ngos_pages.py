"""Every page and endpoint of the community organisations × every role of the cast, what each POST changes, and
errors shown on their fields with the typed values kept."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from comity.ngos.models import Filing, Grade, HostedEntry, Incubation, OrganisationProfile, ServiceOffer
from comity.ngos.services import (
    apply_for_incubation,
    create_profile,
    record_hosted_money,
    review_filing,
    save_filing,
)
from comity.structure.models import MatterCategory

from ..cast import World
from ..conftest import CAST
from .test_ngos_services import charter

pytestmark = pytest.mark.django_db

LOGGED_IN = set(CAST) - {"anonymous"}
MEMBERS = LOGGED_IN - {"other_resident"}
MANAGERS = {"ngo_staff", "committee_staff", "platform_staff"}
QUEUE = {"committee_staff", "street_official", "platform_staff"}
COMMITTEE = {"committee_staff", "platform_staff"}
STREET = {"street_official", "platform_staff"}
FILING_READERS = {"ngo_staff", "committee_staff", "street_official", "platform_staff"}


def _only(allowed: set[str], ok: int, denied: int = 403, **overrides: int) -> dict[str, int]:
    found = {role: (ok if role in allowed else denied) for role in LOGGED_IN}
    found.update(overrides)
    found["anonymous"] = 302
    return found


def _api(allowed: set[str], ok: int = 200) -> dict[str, int]:
    found = _only(allowed, ok)
    found["anonymous"] = 403
    return found


def _objects(world: World) -> dict[str, Any]:
    """The ngo with a profile eligible for grading, hosted by the committee; a submitted filing; an applied
    incubation."""
    staff = world.user("committee_staff")
    profile = create_profile(
        staff,
        world.ngo,
        tier="community_guided",
        registered_or_filed_on=date(2020, 1, 1),
        fiscal_host=world.committee,
    )
    record_hosted_money(staff, profile, amount_fen=10_000, description="Donation", on=timezone.localdate())
    filing = save_filing(
        world.user("ngo_staff"),
        profile,
        tier="filed",
        purpose="Visits.",
        members_count=8,
        documents=[("Charter", charter())],
        submit=True,
    )
    incubation = apply_for_incubation(staff, profile, incubator=world.committee)
    return {
        "profile": profile,
        "filing": filing,
        "document": filing.documents.get(),
        "incubation": incubation,
    }


def _reviewed(world: World) -> dict[str, Any]:
    found = _objects(world)
    review_filing(world.user("committee_staff"), found["filing"], supports=True, note="Fine.")
    return found


def _filings(world: World, s: dict[str, Any]) -> Any:
    return list(Filing.objects.values_list("pk", "status", "purpose"))


def _profiles(world: World, s: dict[str, Any]) -> Any:
    return list(OrganisationProfile.objects.values_list("pk", "service_fields"))


def _offers(world: World, s: dict[str, Any]) -> Any:
    return list(ServiceOffer.objects.values_list("pk", "title"))


def _incubations(world: World, s: dict[str, Any]) -> Any:
    return list(Incubation.objects.values_list("pk", "stage"))


def _hosted(world: World, s: dict[str, Any]) -> Any:
    return list(HostedEntry.objects.values_list("pk", flat=True))


def _grades(world: World, s: dict[str, Any]) -> Any:
    return list(Grade.objects.values_list("pk", flat=True))


def _url(name: str, *extra: str) -> Callable[[World, dict[str, Any]], str]:
    def build(w: World, s: dict[str, Any]) -> str:
        args: list[Any] = [w.harmony.pk]
        for key in extra:
            args.append(w.ngo.pk if key == "ngo" else s[key].pk)
        return reverse(name, args=args)

    return build


@dataclass
class Case:
    name: str
    method: str
    url: Callable[[World, dict[str, Any]], str]
    status: dict[str, int]
    data: Callable[[World, dict[str, Any]], dict[str, Any]] = lambda w, s: {}
    setup: Callable[[World], dict[str, Any]] = _objects
    state: Callable[[World, dict[str, Any]], Any] | None = None
    changes: set[str] = field(default_factory=set)


GRADE = {
    "assessed_on": "2025-06-01",
    "assessor": "District civil affairs",
    "basic_conditions": "80",
    "internal_governance": "300",
    "performance": "350",
    "social_evaluation": "120",
}

CASES = [
    Case("organisations", "get", _url("ngos:organisations"), _only(MEMBERS, 200)),
    Case("organisation", "get", _url("ngos:organisation", "ngo"), _only(MEMBERS, 200)),
    Case("profile form", "get", _url("ngos:profile", "ngo"), _only(MANAGERS, 200)),
    Case(
        "save profile",
        "post",
        _url("ngos:profile", "ngo"),
        _only(MANAGERS, 302),
        data=lambda w, s: {"tier": "community_guided", "service_fields": "Elderly care"},
        state=_profiles,
        changes=MANAGERS,
    ),
    Case("offer form", "get", _url("ngos:offer_new", "ngo"), _only(MANAGERS, 200)),
    Case(
        "add a service",
        "post",
        _url("ngos:offer_new", "ngo"),
        _only(MANAGERS, 302),
        data=lambda w, s: {
            "title": "Home visits",
            "category": str(MatterCategory.objects.order_by("pk").values_list("pk", flat=True).first()),
            "service_type": "care",
            "areas": [str(w.building.pk)],
            "capacity": "20",
        },
        state=_offers,
        changes=MANAGERS,
    ),
    Case("filing page", "get", _url("ngos:filing", "ngo"), _only(MANAGERS, 200)),
    Case(
        "filing cannot change while reviewed",
        "post",
        _url("ngos:filing", "ngo"),
        _only(MANAGERS, 404),
        data=lambda w, s: {"tier": "filed", "purpose": "Changed", "members_count": "3", "action": "save"},
        state=_filings,
    ),
    Case("document", "get", _url("ngos:document", "filing", "document"), _only(FILING_READERS, 200)),
    Case("queue", "get", _url("ngos:queue"), _only(QUEUE, 200)),
    Case("review page", "get", _url("ngos:review", "filing"), _only(QUEUE, 200)),
    Case(
        "committee review",
        "post",
        _url("ngos:review", "filing"),
        _only(COMMITTEE, 302, street_official=404),
        data=lambda w, s: {"action": "review", "review-supports": "yes", "review-note": "Active."},
        state=_filings,
        changes=COMMITTEE,
    ),
    Case(
        "street approval",
        "post",
        _url("ngos:review", "filing"),
        _only(STREET, 302, committee_staff=404),
        data=lambda w, s: {"action": "approve", "decide-reasons": ""},
        setup=_reviewed,
        state=_filings,
        changes=STREET,
    ),
    Case("incubation", "get", _url("ngos:incubation"), _only(QUEUE, 200)),
    Case(
        "enter for incubation",
        "post",
        _url("ngos:incubation"),
        _only(COMMITTEE, 400, street_official=403),
        data=lambda w, s: {"profile": str(w.ngo.pk), "incubator": str(w.committee.pk)},
        state=_incubations,
    ),
    Case(
        "incubation page",
        "get",
        _url("ngos:incubation_detail", "incubation"),
        _only(MANAGERS, 200),
    ),
    Case(
        "start incubating",
        "post",
        _url("ngos:incubation_detail", "incubation"),
        _only(COMMITTEE, 302, ngo_staff=404),
        data=lambda w, s: {"action": "incubating"},
        state=_incubations,
        changes=COMMITTEE,
    ),
    Case("hosted ledger", "get", _url("ngos:hosted", "ngo"), _only(COMMITTEE, 200)),
    Case(
        "hosted money out",
        "post",
        _url("ngos:hosted", "ngo"),
        _only(COMMITTEE, 302),
        data=lambda w, s: {"direction": "out", "amount": "20.00", "description": "Tea", "on": "2026-01-05"},
        state=_hosted,
        changes=COMMITTEE,
    ),
    Case("grading", "get", _url("ngos:grading"), _only(QUEUE, 200)),
    Case("grade form", "get", _url("ngos:grade", "ngo"), _only(QUEUE, 200)),
    Case(
        "record a grade",
        "post",
        _url("ngos:grade", "ngo"),
        _only(QUEUE, 302),
        data=lambda w, s: GRADE,
        state=_grades,
        changes=QUEUE,
    ),
    Case(
        "street overview",
        "get",
        lambda w, s: reverse("ngos:street", args=[w.street.pk]),
        _only(STREET, 200),
    ),
    Case(
        "api list", "get", lambda w, s: reverse("api-ngos-organisations", args=[w.harmony.pk]), _api(MEMBERS)
    ),
    Case(
        "api organisation",
        "get",
        lambda w, s: reverse("api-ngos-organisation", args=[w.harmony.pk, w.ngo.pk]),
        _api(MEMBERS),
    ),
]


@pytest.mark.parametrize("role", CAST)
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_page_by_role(
    world: World, client_for: Any, case: Case, role: str, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    extra = case.setup(world)
    before = case.state(world, extra) if case.state else None
    client = client_for(role)
    url = case.url(world, extra)
    response = client.get(url) if case.method == "get" else client.post(url, case.data(world, extra))
    assert response.status_code == case.status[role], (case.name, role)
    if case.state is not None:
        after = case.state(world, extra)
        if role in case.changes:
            assert after != before, (case.name, role)
        else:
            assert after == before, (case.name, role)
