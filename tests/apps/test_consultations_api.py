"""The consultations API: voting and adding statements through the endpoints, bad input, what each caller sees
of the opinion map, and every endpoint × every member of the cast. Every refusal asserts that nothing changed."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from comity.consultations import computing
from comity.consultations.models import Statement, Vote

from ..cast import World
from ..conftest import CAST
from .consultations import make_consultation


def _url(name: str, consultation: Any) -> str:
    return reverse(name, args=[consultation.community_id, consultation.pk])


@pytest.fixture
def consultation(world: World) -> Any:
    return make_consultation(world)


def test_a_resident_votes_and_adds_a_statement(world: World, client_for: Any, consultation: Any) -> None:
    client = client_for("resident")
    detail = client.get(_url("api-consultation", consultation)).json()
    assert detail["may_take_part"] is True
    assert detail["total"] == 3
    assert detail["voted"] == 0
    assert detail["next_statement"] in (0, 1, 2)
    response = client.post(_url("api-consultation-votes", consultation), {"statement": 1, "value": -1})
    assert response.status_code == 201
    assert response.json() == {"statement": 1, "value": -1}
    assert (
        client.post(_url("api-consultation-votes", consultation), {"statement": 1, "value": 1}).status_code
        == 201
    )
    assert Vote.objects.get(participant=world.user("resident"), statement__number=1).value == 1
    assert Vote.objects.filter(participant=world.user("resident")).count() == 1
    detail = client.get(_url("api-consultation", consultation)).json()
    assert detail["voted"] == 1
    assert {s["number"]: s["my_vote"] for s in detail["statements"]}[1] == 1
    assert detail["next_statement"] in (0, 2)
    created = client.post(_url("api-consultation-statements", consultation), {"text": "Plant more trees."})
    assert created.status_code == 201
    assert created.json()["number"] == 3
    assert Statement.objects.filter(consultation=consultation, number=3, text="Plant more trees.").exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"statement": 99, "value": 1}, "statement"),
        ({"statement": 0, "value": 5}, "value"),
        ({"statement": "x", "value": 1}, "statement"),
        ({"value": 1}, "statement"),
    ],
)
def test_bad_votes_are_refused(
    client_for: Any, consultation: Any, payload: dict[str, Any], field: str
) -> None:
    response = client_for("resident").post(_url("api-consultation-votes", consultation), payload)
    assert response.status_code == 400
    assert field in response.json()
    assert not Vote.objects.exists()


def test_votes_on_a_closed_consultation_are_refused_in_the_users_language(
    world: World, client_for: Any
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from comity.consultations.models import Consultation

    closed = make_consultation(world)
    Consultation.objects.filter(pk=closed.pk).update(
        opens_at=timezone.now() - timedelta(days=9), closes_at=timezone.now() - timedelta(days=1)
    )
    client = client_for("resident")
    response = client.post(
        _url("api-consultation-votes", closed), {"statement": 0, "value": 1}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 400
    assert not Vote.objects.exists()
    message = str(response.json())
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message)  # the refusal is in Chinese


def test_empty_and_duplicate_statements_are_refused(client_for: Any, consultation: Any) -> None:
    client = client_for("resident")
    assert client.post(_url("api-consultation-statements", consultation), {"text": "  "}).status_code == 400
    duplicate = client.post(
        _url("api-consultation-statements", consultation), {"text": "the courtyard needs more BENCHES."}
    )
    assert duplicate.status_code == 400
    assert Statement.objects.filter(consultation=consultation).count() == 3


def test_the_report_hides_who_is_who(world: World, client_for: Any, consultation: Any) -> None:
    client = client_for("resident")
    assert client.get(_url("api-consultation-report", consultation)).json()["report"] is None
    for role in ("resident", "owner"):
        for number, value in ((0, 1), (1, -1), (2, 1)):
            client_for(role).post(
                _url("api-consultation-votes", consultation), {"statement": number, "value": value}
            )
    computing.compute_analysis(consultation.pk)
    body = client_for("resident").get(_url("api-consultation-report", consultation)).json()
    report = body["report"]
    assert body["votes_seen"] == 6
    assert all("id" not in p for p in report["participants"])
    assert sum(p["you"] for p in report["participants"]) == 1
    assert {s["text"] for s in report["statements"]} >= {"The courtyard needs more benches."}
    assert all("flagged" not in b for b in report["bridging"])
    staff = client_for("committee_staff").get(_url("api-consultation-report", consultation)).json()["report"]
    assert all("flagged" in b for b in staff["bridging"])
    assert not any(p["you"] for p in staff["participants"])


# --- every endpoint × every member of the cast -----------------------------------------------------------

SEE = {
    "resident",
    "owner",
    "grid_worker",
    "committee_staff",
    "street_official",
    "ngo_staff",
    "enterprise_staff",
    "platform_staff",
}
TAKE_PART = {"resident", "owner"}


@pytest.mark.parametrize("role", CAST)
@pytest.mark.parametrize("endpoint", ["api-consultations", "api-consultation", "api-consultation-report"])
def test_reading(world: World, client_for: Any, consultation: Any, role: str, endpoint: str) -> None:
    client = client_for(role)
    url = (
        reverse(endpoint, args=[world.harmony.pk])
        if endpoint == "api-consultations"
        else _url(endpoint, consultation)
    )
    response = client.get(url)
    if role in SEE:
        assert response.status_code == 200
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", CAST)
def test_voting(world: World, client_for: Any, consultation: Any, role: str) -> None:
    response = client_for(role).post(
        _url("api-consultation-votes", consultation), {"statement": 0, "value": 1}
    )
    if role in TAKE_PART:
        assert response.status_code == 201
        assert Vote.objects.count() == 1
    else:
        assert response.status_code == 403
        assert not Vote.objects.exists()


@pytest.mark.parametrize("role", CAST)
def test_adding_statements(world: World, client_for: Any, consultation: Any, role: str) -> None:
    response = client_for(role).post(
        _url("api-consultation-statements", consultation), {"text": "More shade."}
    )
    if role in TAKE_PART:
        assert response.status_code == 201
    else:
        assert response.status_code == 403
        assert not Statement.objects.filter(text="More shade.").exists()


def test_drafts_are_invisible_to_residents(world: World, client_for: Any) -> None:
    draft = make_consultation(world, publish=False)
    assert client_for("resident").get(_url("api-consultation", draft)).status_code == 403
    listing = client_for("resident").get(reverse("api-consultations", args=[world.harmony.pk])).json()
    assert draft.pk not in [c["id"] for c in listing]
    staff = client_for("committee_staff").get(reverse("api-consultations", args=[world.harmony.pk])).json()
    assert draft.pk in [c["id"] for c in staff]


def test_the_schema_documents_the_endpoints(client_for: Any) -> None:
    schema = client_for("committee_staff").get(reverse("api-schema")).content.decode()
    assert "/consultations/{consultation_id}/votes/" in schema
