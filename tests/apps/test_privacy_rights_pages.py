"""The consent and rights pages: My data, giving and withdrawing consent, asking, the committee's queue and answers,
and consent recorded in person — every page × every role of the cast, form errors and forms sent twice."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.urls import reverse

from comity.audit.models import AuditEntry
from comity.privacy.models import AccessRecord, Consent, RequestKind, RequestStatus, RightsRequest
from comity.privacy.services.requests import ask

from ..cast import World
from ..conftest import CAST
from ..factories import PersonFactory

pytestmark = pytest.mark.django_db

LOGGED_IN = set(CAST) - {"anonymous"}
#: Everyone of the cast with a record in a register (platform staff has an account only).
WITH_PERSON = LOGGED_IN - {"platform_staff"}
HANDLERS = {"committee_staff", "platform_staff"}
SERVERS = {"committee_staff", "grid_worker", "platform_staff"}


def _open_request(world: World) -> dict[str, Any]:
    request = ask(world.user("resident"), RequestKind.CORRECTION, "full_name", "Rui Wang", "Spelling.")
    return {"request": request}


def _walk_in(world: World) -> dict[str, Any]:
    return {"person": PersonFactory(community=world.harmony, full_name="Walk In", birth_year=1950)}


def _requests(world: World, s: dict[str, Any]) -> Any:
    return list(RightsRequest.objects.values_list("pk", "status"))


def _consents(world: World, s: dict[str, Any]) -> Any:
    return list(Consent.objects.values_list("pk", "person_id", "category", "withdrawn_at"))


@dataclass
class Case:
    name: str
    method: str
    url: Callable[[World, dict[str, Any]], str]
    #: The exact status for each role; anonymous visitors are always sent to sign in (302).
    status: dict[str, int]
    data: Callable[[World, dict[str, Any]], dict[str, Any]] = lambda w, s: {}
    setup: Callable[[World], dict[str, Any]] = lambda w: {}
    state: Callable[[World, dict[str, Any]], Any] | None = None
    changes: set[str] = field(default_factory=set)


def _statuses(default: int, **overrides: int) -> dict[str, int]:
    found = dict.fromkeys(LOGGED_IN, default)
    found.update(overrides)
    found["anonymous"] = 302
    return found


def _only(allowed: set[str], ok: int, denied: int = 403) -> dict[str, int]:
    found = {role: (ok if role in allowed else denied) for role in LOGGED_IN}
    found["anonymous"] = 302
    return found


CASES = [
    Case("mine", "get", lambda w, s: reverse("privacy:mine"), _statuses(200)),
    Case(
        "consent page",
        "get",
        lambda w, s: reverse("privacy:my_consent", args=["contact"]),
        _statuses(200, platform_staff=404),
    ),
    Case(
        "give consent",
        "post",
        lambda w, s: reverse("privacy:my_consent", args=["contact"]),
        _statuses(302, platform_staff=404),
        data=lambda w, s: {"action": "give"},
        state=_consents,
        changes=WITH_PERSON,
    ),
    Case(
        "consent to a category asked by law is not a page",
        "get",
        lambda w, s: reverse("privacy:my_consent", args=["identity_home"]),
        _statuses(404),
    ),
    Case(
        "new correction",
        "get",
        lambda w, s: reverse("privacy:new_request", args=["correction"]),
        _statuses(200),
    ),
    Case(
        "new deletion", "get", lambda w, s: reverse("privacy:new_request", args=["deletion"]), _statuses(200)
    ),
    Case("new review", "get", lambda w, s: reverse("privacy:new_request", args=["review"]), _statuses(200)),
    Case(
        "new unknown kind",
        "get",
        lambda w, s: reverse("privacy:new_request", args=["anything"]),
        _statuses(404),
    ),
    Case(
        "ask for a deletion",
        "post",
        lambda w, s: reverse("privacy:new_request", args=["deletion"]),
        _statuses(302, platform_staff=200),
        data=lambda w, s: {"target": "activities", "details": ""},
        state=_requests,
        changes=WITH_PERSON,
    ),
    Case(
        "my request",
        "get",
        lambda w, s: reverse("privacy:my_request", args=[s["request"].pk]),
        _only({"resident"}, 200, 404),
        setup=_open_request,
    ),
    Case(
        "withdraw my request",
        "post",
        lambda w, s: reverse("privacy:my_request", args=[s["request"].pk]),
        _only({"resident"}, 302, 404),
        setup=_open_request,
        state=_requests,
        changes={"resident"},
    ),
    Case("queue", "get", lambda w, s: reverse("privacy:requests", args=[w.harmony.pk]), _only(HANDLERS, 200)),
    Case(
        "handle",
        "get",
        lambda w, s: reverse("privacy:handle_request", args=[w.harmony.pk, s["request"].pk]),
        _only(HANDLERS, 200),
        setup=_open_request,
    ),
    Case(
        "refuse",
        "post",
        lambda w, s: reverse("privacy:handle_request", args=[w.harmony.pk, s["request"].pk]),
        _only(HANDLERS, 302),
        data=lambda w, s: {"action": "refuse", "refuse-reasons": "The name is as on the household register."},
        setup=_open_request,
        state=_requests,
        changes=HANDLERS,
    ),
    Case(
        "assisted consent",
        "get",
        lambda w, s: reverse("privacy:assisted_consent", args=[w.harmony.pk, s["person"].pk]),
        _only(SERVERS, 200),
        setup=_walk_in,
    ),
    Case(
        "record assisted consent",
        "post",
        lambda w, s: reverse("privacy:assisted_consent", args=[w.harmony.pk, s["person"].pk]),
        _only(SERVERS, 302),
        data=lambda w, s: {"action": "give", "category": "activities", "channel": "assisted", "document": ""},
        setup=_walk_in,
        state=_consents,
        changes=SERVERS,
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
    if role == "anonymous":
        assert response["Location"].startswith(reverse("accounts:login"))
    if case.state is not None:
        after = case.state(world, extra)
        if role in case.changes:
            assert after != before, (case.name, role)
        else:
            assert after == before, (case.name, role)


def test_another_community_request_is_not_found_under_ours(world: World, client_for: Any) -> None:
    other = ask(world.user("other_resident"), RequestKind.DELETION, "all")
    response = client_for("committee_staff").get(
        reverse("privacy:handle_request", args=[world.harmony.pk, other.pk])
    )
    assert response.status_code == 404
    response = client_for("committee_staff").get(
        reverse("privacy:handle_request", args=[world.riverside.pk, other.pk])
    )
    assert response.status_code == 403


def test_my_account_and_the_footer_link_to_privacy(world: World, client_for: Any) -> None:
    page = client_for("resident").get(reverse("web:me")).content.decode()
    assert reverse("privacy:mine") in page
    assert reverse("privacy:notice") in page


def test_my_data_lists_consents_requests_and_the_asked_again(world: World, client_for: Any) -> None:
    client = client_for("resident")
    client.post(reverse("privacy:my_consent", args=["contact"]), {"action": "give"})
    Consent.objects.filter(category="contact").update(fingerprint="0" * 64)
    request = ask(world.user("resident"), RequestKind.DELETION, "activities")
    page = client.get(reverse("privacy:mine")).content.decode()
    assert 'id="asked-again"' in page
    assert reverse("privacy:my_request", args=[request.pk]) in page
    assert reverse("privacy:new_request", args=["correction"]) in page


def test_withdrawing_says_the_consequences_first_and_sent_twice_withdraws_once(
    world: World, client_for: Any
) -> None:
    rui = world.user("resident")
    rui.person.phone = "13912345678"
    rui.person.save()
    client = client_for("resident")
    url = reverse("privacy:my_consent", args=["contact"])
    client.post(url, {"action": "give"})
    page = client.get(url).content.decode()
    assert "Your number is removed from the register" in page
    unconfirmed = client.post(url, {"action": "withdraw"})
    assert unconfirmed.status_code == 200
    assert Consent.objects.get(category="contact").withdrawn_at is None
    assert client.post(url, {"action": "withdraw", "confirmed": "on"}).status_code == 302
    assert client.post(url, {"action": "withdraw", "confirmed": "on"}).status_code == 302
    assert AuditEntry.objects.filter(action="privacy.withdraw_consent").count() == 1
    rui.person.refresh_from_db()
    assert rui.person.phone == ""


def test_a_bad_correction_shows_the_error_on_its_field_with_the_value_kept(
    world: World, client_for: Any
) -> None:
    response = client_for("resident").post(
        reverse("privacy:new_request", args=["correction"]),
        {"target": "phone", "proposed": "12345", "details": "typo", "once_token": "t" * 20},
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert list(form.errors) == ["proposed"]
    assert 'value="12345"' in response.content.decode()
    assert not RightsRequest.objects.exists()


def test_over_long_details_are_refused(world: World, client_for: Any) -> None:
    response = client_for("resident").post(
        reverse("privacy:new_request", args=["deletion"]), {"target": "all", "details": "x" * 2001}
    )
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["details"]
    response = client_for("resident").post(
        reverse("privacy:new_request", args=["deletion"]), {"target": "nonsense"}
    )
    assert list(response.context["form"].errors) == ["target"]
    assert not RightsRequest.objects.exists()


def test_a_request_sent_twice_is_made_once(world: World, client_for: Any) -> None:
    client = client_for("resident")
    url = reverse("privacy:new_request", args=["correction"])
    data = {"target": "full_name", "proposed": "Rui Wang", "details": "", "once_token": "a" * 24}
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    assert RightsRequest.objects.count() == 1


def test_refusing_without_reasons_shows_the_error(world: World, client_for: Any) -> None:
    request = _open_request(world)["request"]
    url = reverse("privacy:handle_request", args=[world.harmony.pk, request.pk])
    response = client_for("committee_staff").post(url, {"action": "refuse", "refuse-reasons": ""})
    assert response.status_code == 400
    assert list(response.context["forms"]["refuse"].errors) == ["reasons"]
    request.refresh_from_db()
    assert request.status == RequestStatus.OPEN


def test_handling_shows_the_registry_record_records_the_read_and_carries_out(
    world: World, client_for: Any
) -> None:
    request = _open_request(world)["request"]
    client = client_for("committee_staff")
    url = reverse("privacy:handle_request", args=[world.harmony.pk, request.pk])
    page = client.get(url).content.decode()
    assert 'id="registry-record"' in page
    assert "Rui Wang" in page
    assert AccessRecord.objects.filter(
        person=request.person, what="person", viewer=world.user("committee_staff")
    ).exists()
    assert (
        client.post(url, {"action": "correct", "correct-value": "Rui Wang", "correct-answer": ""}).status_code
        == 302
    )
    again = client.post(url, {"action": "correct", "correct-value": "Rui Wang", "correct-answer": ""})
    assert again.status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.DONE
    assert AuditEntry.objects.filter(action="person.correct").count() == 1
    assert 'id="answer-forms"' not in client.get(url).content.decode()


def test_assisted_consent_errors_and_sent_twice(world: World, client_for: Any) -> None:
    person = _walk_in(world)["person"]
    client = client_for("grid_worker")
    url = reverse("privacy:assisted_consent", args=[world.harmony.pk, person.pk])
    paper = {
        "action": "give",
        "category": "contact",
        "channel": "paper",
        "document": "",
        "once_token": "p" * 24,
    }
    response = client.post(url, paper)
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["document"]
    paper["document"] = "Form 17"
    assert client.post(url, paper).status_code == 302
    assert client.post(url, paper).status_code == 302
    assert Consent.objects.filter(person=person).count() == 1
    assert Consent.objects.get(person=person).document == "Form 17"


def test_the_queue_reads_a_fixed_number_of_queries_however_many_requests(
    world: World, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for("committee_staff")
    url = reverse("privacy:requests", args=[world.harmony.pk])
    ask(world.user("resident"), RequestKind.DELETION, "all")
    client.get(url)
    for code in ("activities", "appeal_photos", "participation", "contact", "care_needs"):
        ask(world.user("owner"), RequestKind.DELETION, code)
    with django_assert_max_num_queries(5):
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["rows"]) == 6


def test_my_data_reads_in_chinese(world: World, client_for: Any) -> None:
    client = client_for("resident")
    response = client.get(reverse("privacy:mine"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    assert 'lang="zh' in response.content.decode()
