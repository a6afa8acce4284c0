"""Sending an appeal twice creates one appeal (issue 13, point 2): going back and sending again, a double click,
an API client retrying with the same ``Idempotency-Key``. A form that comes back with an error can be sent again.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from comity.appeals.models import Appeal
from comity.audit.models import AuditEntry
from comity.decisions.models import Decision
from comity.foundation import idempotency
from comity.foundation.idempotency import TOKEN_FIELD, State, claim
from comity.structure.models import GovernanceSubject, MatterCategory, ResidencyClaim

from ..cast import World


def _lifts() -> MatterCategory:
    return MatterCategory.objects.get(code="facilities.lifts")


def _token(client: Any, url: str) -> str:
    form = client.get(url).context["form"]
    token = form[TOKEN_FIELD].value()
    assert isinstance(token, str)
    assert len(token) >= 16
    return token


def _data(world: World, token: str, **extra: Any) -> dict[str, Any]:
    return {
        "kind": "help_request",
        "category": _lifts().pk,
        "description": "The lift is stuck on the third floor",
        "area": world.building.pk,
        TOKEN_FIELD: token,
        **extra,
    }


def _said(response: Any) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_sending_the_intake_form_again_returns_the_first_appeal(world: World, client_for: Any) -> None:
    client = client_for("resident")
    url = reverse("appeals:new", args=[world.harmony.pk])
    token = _token(client, url)
    first = client.post(url, _data(world, token))
    appeal = Appeal.objects.get()
    assert first.status_code == 302
    assert first["Location"] == reverse("appeals:detail", args=[world.harmony.pk, appeal.pk])

    again = client.post(url, _data(world, token))  # "back", then "send" once more
    assert again.status_code == 302
    assert again["Location"] == first["Location"]
    assert Appeal.objects.count() == 1
    assert AuditEntry.objects.filter(action="appeal.submit").count() == 1
    assert "This was already sent: here it is." in _said(again)
    page = client.get(again["Location"])
    assert "This was already sent: here it is." in page.content.decode()


def test_a_corrected_form_can_be_sent_with_the_same_token(world: World, client_for: Any) -> None:
    client = client_for("resident")
    url = reverse("appeals:new", args=[world.harmony.pk])
    token = _token(client, url)
    wrong = client.post(url, _data(world, token, description=""))
    assert wrong.status_code == 400
    assert wrong.context["form"][TOKEN_FIELD].value() == token  # the form shown again keeps its token
    assert Appeal.objects.count() == 0
    right = client.post(url, _data(world, token))
    assert right.status_code == 302
    assert Appeal.objects.count() == 1


def test_a_double_click_racing_the_first_sending_creates_nothing(
    world: World, client_for: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(idempotency, "PENDING_WAIT_SECONDS", 0.0)
    client = client_for("resident")
    url = reverse("appeals:new", args=[world.harmony.pk])
    token = _token(client, url)
    running = claim(world.user("resident"), token, scope=f"appeals.new:{world.harmony.pk}")
    assert running.state == State.CLAIMED  # the first click is still being handled
    second = client.post(url, _data(world, token))
    assert second.status_code == 302
    assert second["Location"] == reverse("appeals:mine", args=[world.harmony.pk])
    assert "This was already sent: here it is." in _said(second)
    assert Appeal.objects.count() == 0


def test_staff_assisted_entry_is_safe_to_send_twice(world: World, client_for: Any) -> None:
    client = client_for("grid_worker")
    url = reverse("appeals:new", args=[world.harmony.pk]) + "?for=resident"
    token = _token(client, url)
    data = _data(
        world,
        token,
        contact_name="Wang",
        contact_phone="13812345678",
        channel="walk_in",
        consent_note="Asked in person.",
    )
    first = client.post(url, data)
    again = client.post(url, data)
    assert first.status_code == again.status_code == 302
    assert again["Location"] == first["Location"]
    assert Appeal.objects.count() == 1


def test_tokens_are_per_user_so_another_account_cannot_land_on_the_appeal(world: World) -> None:
    token = "same-token-for-two-people"
    mine = claim(world.user("resident"), token, scope="appeals.new:1")
    mine.complete("/c/1/appeals/1/")
    theirs = claim(world.user("owner"), token, scope="appeals.new:1")
    assert theirs.state == State.CLAIMED
    assert claim(world.user("resident"), token, scope="appeals.new:1").url == "/c/1/appeals/1/"
    assert claim(world.user("resident"), "short", scope="appeals.new:1").state == State.UNPROTECTED


def _api(client: Any, world: World, key: str | None) -> Any:
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    body = {
        "kind": "help_request",
        "category": "facilities.lifts",
        "description": "Lift stuck",
        "unit": world.unit.pk,
    }
    return client.post(
        reverse("api-appeals", args=[world.harmony.pk]),
        data=json.dumps(body),
        content_type="application/json",
        **headers,
    )


def test_the_api_returns_the_first_appeal_for_a_repeated_idempotency_key(
    world: World, client_for: Any
) -> None:
    client = client_for("owner")
    first = _api(client, world, "retry-0001-abcdef")
    second = _api(client, world, "retry-0001-abcdef")
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json()["id"] == first.json()["id"]
    assert Appeal.objects.count() == 1
    assert _api(client, world, "another-key-000002").status_code == 201
    assert _api(client, world, None).status_code == 201
    assert Appeal.objects.count() == 3


def test_the_api_answers_409_while_the_first_request_with_the_key_runs(
    world: World, client_for: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(idempotency, "PENDING_WAIT_SECONDS", 0.0)
    claim(world.user("owner"), "racing-key-0001", scope=f"api.appeals.submit:{world.harmony.pk}")
    response = _api(client_for("owner"), world, "racing-key-0001")
    assert response.status_code == 409
    assert Appeal.objects.count() == 0


def test_a_refused_api_body_frees_the_key_for_the_corrected_request(world: World, client_for: Any) -> None:
    client = client_for("owner")
    bad = client.post(
        reverse("api-appeals", args=[world.harmony.pk]),
        data=json.dumps({"kind": "rant", "category": "facilities.lifts", "description": "x"}),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="fix-and-retry-01",
    )
    assert bad.status_code == 400
    assert _api(client, world, "fix-and-retry-01").status_code == 201


@pytest.mark.parametrize("fmt", ["json"])
def test_the_schema_documents_the_idempotency_key_header(client_for: Any, fmt: str) -> None:
    schema = client_for("owner").get("/api/schema/", {"format": fmt}).json()
    post = schema["paths"]["/api/v1/communities/{community_id}/appeals/"]["post"]
    headers = [p["name"] for p in post["parameters"] if p["in"] == "header"]
    assert headers == ["Idempotency-Key"]
    assert set(post["responses"]) >= {"200", "201", "409"}


def test_the_same_form_fetched_anew_and_sent_again_returns_the_first_appeal(
    world: World, client_for: Any
) -> None:
    """Going back, a browser may fetch the form again (a new token) and fill in what was typed."""
    client = client_for("resident")
    url = reverse("appeals:new", args=[world.harmony.pk])
    first = client.post(url, _data(world, _token(client, url)))
    again = client.post(url, _data(world, _token(client, url)))
    assert again.status_code == 302
    assert again["Location"] == first["Location"]
    assert "This was already sent: here it is." in _said(again)
    assert Appeal.objects.count() == 1
    other = client.post(url, _data(world, _token(client, url), description="A different matter"))
    assert other["Location"] != first["Location"]
    assert Appeal.objects.count() == 2


# --- the other create forms ----------------------------------------------------------------------------------


def _sent_twice(client: Any, url: str, data: dict[str, Any]) -> tuple[Any, Any]:
    form_page = client.get(url)
    token = re.search(rf'name="{TOKEN_FIELD}" value="([^"]+)"', form_page.content.decode())
    assert token is not None, url
    first = client.post(url, {**data, TOKEN_FIELD: token.group(1)})
    again = client.post(url, {**data, TOKEN_FIELD: token.group(1)})
    return first, again


def test_registering_a_subject_twice_registers_it_once(world: World, client_for: Any) -> None:
    first, again = _sent_twice(
        client_for("committee_staff"),
        reverse("structure:subject_new", args=[world.harmony.pk]),
        {"kind": "social_organisation", "name": "Reading Club", "legal_status": "community_guided"},
    )
    assert first.status_code == again.status_code == 302
    assert again["Location"] == first["Location"]
    assert GovernanceSubject.objects.filter(name="Reading Club").count() == 1
    assert "This was already sent: here it is." in _said(again)


def test_claiming_a_unit_twice_sends_one_claim(world: World, client_for: Any) -> None:
    before = ResidencyClaim.objects.count()
    first, again = _sent_twice(
        client_for("resident"),
        reverse("accounts:claim"),
        {"community": world.harmony.pk, "unit": "1-1-101", "relation": "family", "full_name": "Rui"},
    )
    assert first.status_code == again.status_code == 302
    assert ResidencyClaim.objects.count() == before + 1


def test_drafting_a_decision_twice_drafts_it_once(world: World, client_for: Any) -> None:
    from .decisions import make_estate

    estate = make_estate(world)
    now = timezone.now()

    def local(moment: Any) -> str:
        return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")

    first, again = _sent_twice(
        client_for("committee_staff"),
        reverse("decisions:new", args=[world.harmony.pk]),
        {
            "title": "Elevator for stairwell 5-1",
            "agenda": "Install an elevator on the north side.",
            "rule_name": "elevator-retrofit",
            "area": estate.stairwell.pk,
            "ballot_kind": "motion",
            "opens_at": local(now + timedelta(hours=1)),
            "closes_at": local(now + timedelta(days=14)),
        },
    )
    assert first.status_code == again.status_code == 302, first.context and first.context["form"].errors
    assert again["Location"] == first["Location"]
    assert Decision.objects.count() == 1
