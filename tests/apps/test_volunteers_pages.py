"""The volunteers' pages and API: every page and endpoint × every role of the cast, form errors on their fields,
the ledger page naming a changed entry, and the certificate."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from comity.privacy.models import AccessRecord
from comity.volunteers.models import Account, HoursClaim, LedgerEntry, Policy
from comity.volunteers.services import record_hours, verify_hours

from ..cast import World
from ..conftest import CAST
from ..factories import PersonFactory

pytestmark = pytest.mark.django_db

LOGGED_IN = set(CAST) - {"anonymous"}
MANAGERS = {"committee_staff", "platform_staff"}
#: Those who work for a subject of Harmony: the committee, the organisation, the property company.
ORGANISERS = MANAGERS | {"ngo_staff", "enterprise_staff"}
LEDGER_READERS = MANAGERS | {"street_official"}
HARMONY = LOGGED_IN - {"other_resident"}


def _claim(world: World) -> dict[str, Any]:
    day = timezone.localdate() - timedelta(days=1)
    return {
        "claim": record_hours(
            world.user("ngo_staff"), world.ngo, world.user("resident").person, day, Decimal(3)
        )
    }


def _account(world: World) -> dict[str, Any]:
    year = timezone.localdate().year
    elder = PersonFactory(community=world.harmony, full_name="Old Wang", birth_year=year - 70)
    day = timezone.localdate() - timedelta(days=1)
    verify_hours(
        world.user("ngo_staff"), record_hours(world.user("ngo_staff"), world.ngo, elder, day, Decimal(6))
    )
    return {"account": Account.objects.get(person=elder), "elder": elder}


def _claims(world: World, s: dict[str, Any]) -> Any:
    return list(HoursClaim.objects.values_list("pk", "status"))


def _ledger(world: World, s: dict[str, Any]) -> Any:
    return list(LedgerEntry.objects.values_list("sequence", "hash"))


def _policy(world: World, s: dict[str, Any]) -> Any:
    return list(Policy.objects.values_list("min_age", "cap"))


@dataclass
class Case:
    name: str
    method: str
    url: Callable[[World, dict[str, Any]], str]
    status: dict[str, int]
    data: Callable[[World, dict[str, Any]], dict[str, Any]] = lambda w, s: {}
    setup: Callable[[World], dict[str, Any]] = lambda w: {}
    state: Callable[[World, dict[str, Any]], Any] | None = None
    changes: set[str] = field(default_factory=set)


def _only(allowed: set[str], ok: int, denied: int = 403, anonymous: int = 302) -> dict[str, int]:
    found = {role: (ok if role in allowed else denied) for role in LOGGED_IN}
    found["anonymous"] = anonymous
    return found


def _c(name: str, *args: Any) -> Callable[[World, dict[str, Any]], str]:
    return lambda w, s: reverse(f"volunteers:{name}", args=[w.harmony.pk, *[a(w, s) for a in args]])


YEAR = timezone.localdate().year

CASES = [
    Case("mine", "get", lambda w, s: reverse("volunteers:mine"), _only(LOGGED_IN, 200)),
    Case(
        "certificate",
        "get",
        lambda w, s: reverse("volunteers:certificate", args=[YEAR]),
        _only(LOGGED_IN - {"platform_staff"}, 200, 404),
    ),
    Case("queue", "get", _c("queue"), _only(ORGANISERS, 200)),
    Case(
        "record hours",
        "post",
        _c("queue"),
        # The organisation's and the company's staff record hours for their own subject only: the committee is
        # not among their choices, so the form says so.
        {**_only(ORGANISERS, 302), "ngo_staff": 400, "enterprise_staff": 400},
        data=lambda w, s: {
            "organiser": w.committee.pk,
            "person": w.user("resident").person.pk,
            "served_on": (timezone.localdate() - timedelta(days=1)).isoformat(),
            "hours": "2.5",
        },
        state=_claims,
        changes=MANAGERS,
    ),
    Case(
        "claim",
        "get",
        _c("claim", lambda w, s: s["claim"].pk),
        _only(MANAGERS | {"ngo_staff"}, 200),
        setup=_claim,
    ),
    Case(
        "verify",
        "post",
        _c("claim", lambda w, s: s["claim"].pk),
        _only(MANAGERS | {"ngo_staff"}, 302),
        data=lambda w, s: {"action": "verify"},
        setup=_claim,
        state=_ledger,
        changes=MANAGERS | {"ngo_staff"},
    ),
    Case(
        "activity hours",
        "post",
        _c("activity_hours", lambda w, s: 999_999),
        _only(ORGANISERS, 404),
    ),
    Case("policy", "get", _c("policy"), _only(MANAGERS, 200)),
    Case(
        "set policy",
        "post",
        _c("policy"),
        _only(MANAGERS, 302),
        data=lambda w, s: {
            "cap": "1500",
            "min_age": "65",
            "beneficiaries": ["self", "spouse"],
            "transfers": "none",
        },
        state=_policy,
        changes=MANAGERS,
    ),
    Case("accounts", "get", _c("accounts"), _only(MANAGERS, 200), setup=_account),
    Case("account", "get", _c("account", lambda w, s: s["account"].pk), _only(MANAGERS, 200), setup=_account),
    Case(
        "redeem",
        "post",
        _c("account", lambda w, s: s["account"].pk),
        _only(MANAGERS, 302),
        data=lambda w, s: {
            "action": "redeem",
            "r-beneficiary": s["elder"].pk,
            "r-relation": "self",
            "r-service": "Home cleaning",
            "r-hours": "2",
        },
        setup=_account,
        state=_ledger,
        changes=MANAGERS,
    ),
    Case("ledger", "get", _c("ledger"), _only(LEDGER_READERS, 200), setup=_account),
    Case("roll", "get", _c("roll"), _only(HARMONY, 200)),
    Case(
        "post roll",
        "post",
        _c("roll"),
        _only(MANAGERS, 302),
        data=lambda w, s: {"as_of": timezone.localdate().isoformat()},
    ),
    Case(
        "api summary", "get", lambda w, s: reverse("api-volunteering"), _only(LOGGED_IN, 200, anonymous=403)
    ),
    Case(
        "api ledger",
        "get",
        lambda w, s: reverse("api-volunteering-ledger"),
        _only(LOGGED_IN, 200, anonymous=403),
    ),
]


@pytest.mark.parametrize("role", CAST)
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_page_by_role(world: World, client_for: Any, case: Case, role: str) -> None:
    extra = case.setup(world)
    before = case.state(world, extra) if case.state else None
    client = client_for(role)
    url = case.url(world, extra)
    response = client.get(url) if case.method == "get" else client.post(url, case.data(world, extra))
    assert response.status_code == case.status[role], (case.name, role)
    if role == "anonymous" and response.status_code == 302:
        assert response["Location"].startswith(reverse("accounts:login"))
    if case.state is not None:
        after = case.state(world, extra)
        if role in case.changes:
            assert after != before, (case.name, role)
        else:
            assert after == before, (case.name, role)


def test_the_ledger_page_names_a_changed_entry(world: World, client_for: Any) -> None:
    _account(world)
    client = client_for("committee_staff")
    url = reverse("volunteers:ledger", args=[world.harmony.pk])
    assert (
        "All 1 entries" in client.get(url).content.decode()
        or "entry verifies" in client.get(url).content.decode()
    )
    LedgerEntry.objects.filter(sequence=1).update(hours=Decimal(60))
    page = client.get(url).content.decode()
    assert "Entry 1: the entry was changed after it was written." in page
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'lang="zh' in page


def test_a_refused_redemption_shows_the_reason_on_its_field(world: World, client_for: Any) -> None:
    s = _account(world)
    url = reverse("volunteers:account", args=[world.harmony.pk, s["account"].pk])
    data = {"action": "redeem", "r-beneficiary": s["elder"].pk, "r-relation": "self", "r-service": "Meals"}
    response = client_for("committee_staff").post(url, {**data, "r-hours": "7"})
    assert response.status_code == 400
    assert list(response.context["redeem_form"].errors) == ["hours"]
    assert "holds only 6.00 hours" in response.content.decode()
    response = client_for("committee_staff").post(url, {**data, "r-hours": "-1"})
    assert list(response.context["redeem_form"].errors) == ["hours"]
    assert LedgerEntry.objects.count() == 1


def test_bad_hours_show_on_their_field_and_record_nothing(world: World, client_for: Any) -> None:
    url = reverse("volunteers:queue", args=[world.harmony.pk])
    data = {
        "organiser": world.committee.pk,
        "person": world.user("resident").person.pk,
        "served_on": (timezone.localdate() + timedelta(days=3)).isoformat(),
        "hours": "30",
    }
    response = client_for("committee_staff").post(url, data)
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["hours"]
    data["hours"] = "2"
    response = client_for("committee_staff").post(url, data)
    assert list(response.context["form"].errors) == ["served_on"]
    assert not HoursClaim.objects.exists()


def test_the_queue_records_who_looked(world: World, client_for: Any) -> None:
    claim = _claim(world)["claim"]
    client_for("committee_staff").get(reverse("volunteers:queue", args=[world.harmony.pk]))
    assert AccessRecord.objects.filter(person=claim.person, viewer=world.user("committee_staff")).exists()


def test_my_volunteering_and_the_certificate_show_verified_hours(world: World, client_for: Any) -> None:
    claim = _claim(world)["claim"]
    verify_hours(world.user("ngo_staff"), claim)
    client = client_for("resident")
    page = client.get(reverse("volunteers:mine")).content.decode()
    assert 'id="verified-hours">3.00<' in page
    assert "3.00" in page
    certificate = client.get(reverse("volunteers:certificate", args=[claim.served_on.year])).content.decode()
    assert 'id="year-total">3.00<' in certificate
    assert "Silver Age Care" in certificate
    assert client.get(reverse("volunteers:mine"), HTTP_ACCEPT_LANGUAGE="zh-hans").status_code == 200
    data = client.get(reverse("api-volunteering")).json()
    assert data["verified_hours"] == "3.00"
    assert data["balance"] == "3.00"
    ledger = client.get(reverse("api-volunteering-ledger")).json()
    assert [row["kind"] for row in ledger["results"]] == ["deposit"]
