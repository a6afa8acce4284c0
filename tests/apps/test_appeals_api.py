"""The appeals API: the closed loop through the endpoints, every bad input, what each caller may see, and the
permission matrix of every endpoint × every member of the cast. Every refusal asserts that nothing changed."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image

from comity.appeals import services
from comity.appeals.models import STATUS_LABELS, Appeal, AppealEvent, Attachment, Rating
from comity.appeals.services import ERROR_MESSAGES
from comity.audit.models import AuditEntry
from comity.engine.appeals import AppealStatus, ErrorCode
from comity.structure.models import Area, AreaKind, MatterCategory

from ..cast import World
from ..conftest import CAST
from ..factories import UnitFactory

PHONE = "13812345678"


def _lifts() -> MatterCategory:
    return MatterCategory.objects.get(code="facilities.lifts")


def _png(size: tuple[int, int] = (40, 30), name: str = "lift.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 80, 40)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def _appeal(world: World, role: str = "resident", **kwargs: Any) -> Appeal:
    options: dict[str, Any] = {
        "kind": "help_request",
        "category": _lifts(),
        "description": "The lift is stuck.",
        "unit": world.unit,
    }
    options.update(kwargs)
    return services.submit_appeal(world.user(role), world.harmony, **options)


def _list_url(world: World) -> str:
    return reverse("api-appeals", args=[world.harmony.pk])


def _detail_url(world: World, appeal: Appeal) -> str:
    return reverse("api-appeal", args=[appeal.community_id, appeal.pk])


def _events_url(world: World, appeal: Appeal) -> str:
    return reverse("api-appeal-events", args=[appeal.community_id, appeal.pk])


def _post(client: Any, url: str, data: dict[str, Any], **extra: Any) -> Any:
    return client.post(url, data=json.dumps(data), content_type="application/json", **extra)


def _step(client_for: Any, role: str, world: World, appeal: Appeal, event: str, **fields: Any) -> Any:
    return _post(client_for(role), _events_url(world, appeal), {"event": event, **fields})


def _counts() -> tuple[int, int, int, int, int]:
    return (
        Appeal.objects.count(),
        AppealEvent.objects.count(),
        AuditEntry.objects.count(),
        Attachment.objects.count(),
        Rating.objects.count(),
    )


def _submission(world: World, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": "help_request",
        "category": "facilities.lifts",
        "description": "电梯困人，1单元的电梯卡在三楼",
        "area": world.building.pk,
    }
    data.update(extra)
    return data


# --- the closed loop ----------------------------------------------------------------------------------------


def test_the_full_loop_runs_through_the_api(world: World, client_for: Any) -> None:
    created = _post(client_for("resident"), _list_url(world), _submission(world, unit=world.unit.pk))
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["status"], body["lead_subject"], body["category"]) == (
        "dispatched",
        world.property_company.pk,
        "facilities.lifts",
    )
    assert body["is_mine"] is True
    assert body["actions"] == ["withdraw"]
    appeal = Appeal.objects.get(pk=body["id"])

    for role, event, fields in [
        ("enterprise_staff", "sign_for", {}),
        ("enterprise_staff", "start", {}),
        ("enterprise_staff", "reply", {"text": "The lift was repaired and inspected."}),
        ("committee_staff", "close", {}),
        ("resident", "rate", {"resolved": "yes", "satisfaction": "satisfied", "comment": "Quick!"}),
    ]:
        response = _step(client_for, role, world, appeal, event, **fields)
        assert response.status_code == 200, (event, response.json())

    final = response.json()
    assert final["status"] == "rated"
    assert [entry["kind"] for entry in final["timeline"]] == [
        "received", "dispatched", "signed_for", "started", "replied", "closed", "rated",
    ]  # fmt: skip
    assert final["timeline"][4]["note"] == "The lift was repaired and inspected."
    assert final["timeline"][2]["acting_subject_name"] == "Evergreen Property"
    assert final["rating"]["satisfaction"] == "satisfied"
    assert final["rating"]["method"] == "self"
    assert AuditEntry.objects.filter(action__startswith="appeal.").count() == 6


def test_every_other_step_reaches_its_service(world: World, client_for: Any) -> None:
    appeal = _appeal(world)
    steps = [
        ("enterprise_staff", "dispute", {"reason": "The owners run this lift."}, "disputed"),
        ("committee_staff", "reject_dispute", {"reason": "The contract says you do."}, "dispatched"),
        ("committee_staff", "redispatch", {"lead_subject": world.ngo.pk, "reason": "The NGO does."}, "dispatched"),
        ("ngo_staff", "sign_for", {}, "signed_for"),
        ("ngo_staff", "note", {"text": "Parts ordered."}, "signed_for"),
        ("ngo_staff", "reply", {"text": "Fixed."}, "replied"),
        ("resident", "reopen", {"reason": "It broke again."}, "reopened"),
        ("ngo_staff", "reply", {"text": "Fixed for good."}, "replied"),
        ("committee_staff", "close", {}, "closed"),
        ("committee_staff", "visit", {"contacted": True, "note": "Happy."}, "visited"),
        (
            "committee_staff",
            "rate",
            {"resolved": "yes", "satisfaction": "basically_satisfied", "method": "visit"},
            "rated",
        ),
    ]  # fmt: skip
    for role, event, fields, status in steps:
        response = _step(client_for, role, world, appeal, event, **fields)
        assert response.status_code == 200, (event, response.json())
        assert response.json()["status"] == status, event
    assert Rating.objects.get(appeal=appeal).method == "visit"

    duplicate, other = _appeal(world), _appeal(world)
    primary = _appeal(world, "owner")
    merged = _step(
        client_for, "committee_staff", world, duplicate, "merge", into=primary.pk, reason="Same lift."
    )
    assert merged.status_code == 200
    assert (merged.json()["status"], merged.json()["merged_into"]) == ("merged", primary.pk)
    withdrawn = _step(client_for, "resident", world, other, "withdraw")
    assert withdrawn.json()["status"] == "withdrawn"


# --- reading ------------------------------------------------------------------------------------------------


def test_the_list_is_scoped_to_what_the_caller_may_open(world: World, client_for: Any) -> None:
    mine, owners = _appeal(world), _appeal(world, "owner")

    def ids(role: str) -> list[int]:
        response = client_for(role).get(_list_url(world))
        assert response.status_code == 200
        return [row["id"] for row in response.json()["results"]]

    assert ids("resident") == [mine.pk]
    assert ids("owner") == [owners.pk]
    assert ids("ngo_staff") == []
    assert ids("enterprise_staff") == ids("committee_staff") == [owners.pk, mine.pk]
    assert client_for("other_resident").get(_list_url(world)).status_code == 403


def test_the_list_filters_by_status_category_and_overdue(world: World, client_for: Any) -> None:
    lift = _appeal(world)
    noise = _appeal(world, category=MatterCategory.objects.get(code="noise.renovation"), kind="complaint")
    client = client_for("committee_staff")
    services.sign_for(world.user("enterprise_staff"), lift)

    def ids(query: str) -> list[int]:
        response = client.get(_list_url(world) + query)
        assert response.status_code == 200, response.json()
        return [row["id"] for row in response.json()["results"]]

    assert ids("?status=signed_for") == [lift.pk]
    assert ids("?status=signed_for&status=dispatched") == [noise.pk, lift.pk]
    assert ids("?category=facilities") == [lift.pk]
    assert ids("?category=noise.renovation") == [noise.pk]
    assert ids("?overdue=1") == []
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        client.force_login(world.user("committee_staff"))  # staff sessions end after 30 idle minutes
        assert ids("?overdue=1") == [lift.pk]
        row = client.get(_list_url(world)).json()["results"][1]
        assert (row["id"], row["is_overdue"]) == (lift.pk, True)
    bad = client.get(_list_url(world) + "?status=lost&category=nothing")
    assert bad.status_code == 400
    assert set(bad.json()) == {"status", "category"}


def test_the_list_is_paginated_and_its_queries_do_not_grow_with_it(
    world: World, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for("committee_staff")
    _appeal(world)
    with django_assert_max_num_queries(12) as one:
        client.get(_list_url(world))
    for _ in range(5):
        _appeal(world)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(_list_url(world) + "?limit=4")
    body = response.json()
    assert (body["count"], len(body["results"])) == (6, 4)
    assert body["next"] is not None


def test_internal_notes_are_for_staff_taking_part_only(world: World, client_for: Any) -> None:
    appeal = _appeal(world)
    services.note(world.user("committee_staff"), appeal, text="Caller sounded distressed.")

    def kinds(role: str) -> list[str]:
        response = client_for(role).get(_detail_url(world, appeal))
        assert response.status_code == 200
        return [entry["kind"] for entry in response.json()["timeline"]]

    assert kinds("resident") == ["received", "dispatched"]
    assert kinds("grid_worker") == ["received", "dispatched"]
    assert kinds("platform_staff") == ["received", "dispatched"]
    for role in ["enterprise_staff", "committee_staff", "street_official"]:
        assert kinds(role) == ["received", "dispatched", "note"], role
    staff_view = client_for("enterprise_staff").get(_detail_url(world, appeal)).json()
    assert staff_view["timeline"][2]["actor_name"] == "Chen"
    resident_view = client_for("resident").get(_detail_url(world, appeal)).json()
    assert {entry["actor_name"] for entry in resident_view["timeline"]} == {None}


def test_the_contact_phone_is_shown_in_full_only_to_those_who_handle_it(
    world: World, client_for: Any
) -> None:
    person = world.user("resident").person
    person.phone = PHONE
    person.save()
    lifts = world.harmony.responsibilities.get(category__code="facilities.lifts")
    lifts.co_handlers.add(world.ngo)
    appeal = _appeal(world)

    def contact(role: str) -> tuple[str, str]:
        data = client_for(role).get(_detail_url(world, appeal)).json()
        return data["contact_name"], data["contact_phone"]

    for role in ["resident", "enterprise_staff", "committee_staff", "street_official"]:
        assert contact(role) == ("Rui", PHONE), role
    for role in ["ngo_staff", "grid_worker", "platform_staff"]:
        assert contact(role) == ("R**", "138****5678"), role


def test_a_resident_following_a_merged_duplicate_sees_the_contact_masked(
    world: World, client_for: Any
) -> None:
    primary = _appeal(world, contact_phone=PHONE)
    services.merge(world.user("committee_staff"), _appeal(world, "owner"), into=primary, reason="Same lift.")

    data = client_for("owner").get(_detail_url(world, primary)).json()

    assert (data["contact_phone"], data["is_mine"], data["actions"]) == ("138****5678", False, [])


def test_an_appeal_of_another_community_is_not_found(world: World, client_for: Any) -> None:
    elsewhere = services.submit_appeal(
        world.user("other_resident"),
        world.riverside,
        kind="suggestion",
        category=_lifts(),
        description="More benches, please.",
    )
    before = _counts()
    client = client_for("street_official")
    wrong = reverse("api-appeal", args=[world.harmony.pk, elsewhere.pk])
    assert client.get(wrong).status_code == 404
    events = reverse("api-appeal-events", args=[world.harmony.pk, elsewhere.pk])
    assert _post(client, events, {"event": "note", "text": "hello"}).status_code == 404
    assert client.get(reverse("api-appeal", args=[world.harmony.pk, 999999])).status_code == 404
    assert _counts() == before


# --- submitting, and every bad input ------------------------------------------------------------------------


def test_a_resident_submits_with_photos_as_multipart(
    world: World, client_for: Any, tmp_path: Any, settings: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    response = client_for("resident").post(
        _list_url(world), _submission(world, photos=[_png(), _png(name="b.png")], is_public="true")
    )

    assert response.status_code == 201, response.json()
    photos = response.json()["photos"]
    assert [(p["original_name"], p["content_type"], p["width"]) for p in photos] == [
        ("lift.png", "image/png", 40),
        ("b.png", "image/png", 40),
    ]
    appeal = Appeal.objects.get()
    assert appeal.is_public
    assert photos[0]["url"] == reverse(
        "appeals:photo", args=[world.harmony.pk, appeal.pk, appeal.attachments.first().pk]
    )


def _elsewhere_area(world: World) -> dict[str, Any]:
    area = Area.objects.create(community=world.riverside, kind=AreaKind.BUILDING, code="9", name="B9")
    return {"area": area.pk}


def _elsewhere_unit(world: World) -> dict[str, Any]:
    building = Area.objects.create(community=world.riverside, kind=AreaKind.BUILDING, code="9", name="B9")
    unit = UnitFactory(building=building, number="901", floor=9)
    return {"unit": unit.pk, "area": None}


@pytest.mark.parametrize(
    ("make", "errors"),
    [
        (lambda w: {"category": "facilities.teleporters"}, {"category": ["There is no matter category “facilities.teleporters”."]}),
        (_elsewhere_area, {"area": ["This place is not part of the community."]}),
        (_elsewhere_unit, {"unit": ["This unit is not part of the community."]}),
        (lambda w: {"area": 999999}, {"area": ["This place is not part of the community."]}),
        (lambda w: {"description": "   "}, {"description": ["This field may not be blank."]}),
        (lambda w: {"kind": "rant"}, {"kind": ["\"rant\" is not a valid choice."]}),
    ],
    ids=["unknown category", "place elsewhere", "unit elsewhere", "no such place", "no text", "no such kind"],
)  # fmt: skip
def test_bad_submissions_are_400_and_write_nothing(
    world: World, client_for: Any, make: Callable[[World], dict[str, Any]], errors: dict[str, list[str]]
) -> None:
    data = _submission(world, **make(world))
    before = _counts()

    response = _post(client_for("resident"), _list_url(world), data)

    assert response.status_code == 400
    assert response.json() == errors
    assert _counts() == before


def test_a_non_image_or_oversized_photo_is_400_and_nothing_is_stored(
    world: World, client_for: Any, tmp_path: Any, settings: Any, monkeypatch: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    client = client_for("resident")
    before = _counts()
    fake = SimpleUploadedFile("photo.jpg", b"%PDF-1.4 not a photo", content_type="image/jpeg")

    response = client.post(_list_url(world), _submission(world, photos=[_png(), fake]))

    assert response.status_code == 400
    assert response.json() == {"photos": ["“photo.jpg” is not a photo (JPEG, PNG or WebP)."]}
    monkeypatch.setattr("comity.foundation.photos.MAX_BYTES", 100)
    response = client.post(_list_url(world), _submission(world, photos=[_png((300, 300))]))
    assert response.status_code == 400
    assert list(response.json()) == ["photos"]
    assert "larger than" in response.json()["photos"][0]
    assert _counts() == before
    assert not [path for path in tmp_path.rglob("*") if path.is_file()]


def test_staff_record_an_appeal_for_a_resident_with_consent(world: World, client_for: Any) -> None:
    client = client_for("grid_worker")
    assisted = _submission(world, for_resident=True, contact_name="Wang Fang", contact_phone=PHONE)
    before = _counts()

    refused = _post(client, _list_url(world), assisted)

    assert refused.status_code == 400
    assert list(refused.json()) == ["consent_note"]
    assert _counts() == before
    created = _post(client, _list_url(world), {**assisted, "consent_note": "Asked at the door, agreed."})
    assert created.status_code == 201
    body = created.json()
    assert (body["channel"], body["contact_name"], body["contact_phone"]) == ("assisted", "Wang Fang", PHONE)
    assert (
        client_for("enterprise_staff").get(_detail_url(world, Appeal.objects.get())).json()["contact_phone"]
        == PHONE
    )


def test_residents_cannot_record_appeals_for_others(world: World, client_for: Any) -> None:
    before = _counts()
    response = _post(
        client_for("owner"),
        _list_url(world),
        _submission(world, on_behalf_of=world.user("resident").person.pk, consent_note="yes"),
    )
    assert response.status_code == 403
    assert _counts() == before


# --- steps that are refused ---------------------------------------------------------------------------------


def test_a_step_not_allowed_now_is_400_with_the_engines_message_and_changes_nothing(
    world: World, client_for: Any
) -> None:
    appeal = _appeal(world)
    before = _counts()

    response = _step(client_for, "committee_staff", world, appeal, "close")

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["This cannot be done while the appeal is “Dispatched”."]}
    appeal.refresh_from_db()
    assert appeal.status == "dispatched"
    assert _counts() == before


def test_refusals_come_in_the_callers_language(world: World, client_for: Any) -> None:
    appeal = _appeal(world)
    before = _counts()
    client = client_for("committee_staff")

    refused = _post(client, _events_url(world, appeal), {"event": "close"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    missing = _post(client, _events_url(world, appeal), {"event": "note"}, HTTP_ACCEPT_LANGUAGE="zh-hans")

    with translation.override("zh-hans"):
        status = str(STATUS_LABELS[AppealStatus.DISPATCHED])
        expected = str(ERROR_MESSAGES[ErrorCode.EVENT_NOT_ALLOWED]) % {"status": status}
    assert refused.json() == {"non_field_errors": [expected]}
    assert missing.json() == {"text": ["该字段是必填项。"]}
    assert _counts() == before


@pytest.mark.parametrize(
    ("role", "body", "errors"),
    [
        ("committee_staff", {"event": "teleport"}, {"event": ["\"teleport\" is not a valid choice."]}),
        ("committee_staff", {}, {"event": ["This field is required."]}),
        ("enterprise_staff", {"event": "dispute", "reason": " "}, {"reason": ["This field cannot be empty."]}),
        ("resident", {"event": "sign_for"}, {"non_field_errors": ["You cannot do this while the appeal is “Dispatched”."]}),
        ("resident", {"event": "rate", "resolved": "yes", "satisfaction": "ecstatic"}, {"satisfaction": ["\"ecstatic\" is not a valid choice."]}),
        ("committee_staff", {"event": "redispatch", "lead_subject": "riverside", "reason": "x"}, {"lead_subject": ["Incorrect type. Expected pk value, received str."]}),
        ("committee_staff", {"event": "merge", "into": 999999}, {"into": ["No appeal of this community has this id."]}),
    ],
    ids=["unknown event", "no event", "empty reason", "not the requester's part", "bad choice", "bad subject", "no such appeal"],
)  # fmt: skip
def test_bad_steps_are_400_and_change_nothing(
    world: World, client_for: Any, role: str, body: dict[str, Any], errors: dict[str, list[str]]
) -> None:
    appeal = _appeal(world)
    before = _counts()

    response = _post(client_for(role), _events_url(world, appeal), body)

    assert response.status_code == 400
    assert response.json() == errors
    appeal.refresh_from_db()
    assert appeal.status == "dispatched"
    assert _counts() == before


def test_a_redispatch_to_a_subject_of_another_community_is_refused(world: World, client_for: Any) -> None:
    appeal = _appeal(world)
    before = _counts()
    response = _step(
        client_for,
        "committee_staff",
        world,
        appeal,
        "redispatch",
        lead_subject=world.riverside_committee.pk,
        reason="Theirs.",
    )
    assert response.status_code == 400
    assert response.json() == {"lead_subject": ["This subject does not serve the community."]}
    assert _counts() == before


# --- suggestions and the schema -----------------------------------------------------------------------------


def test_category_suggestions_come_from_the_catalogue(world: World, client_for: Any) -> None:
    url = reverse("api-appeal-suggest", args=[world.harmony.pk])
    client = client_for("resident")

    found = client.get(url, {"text": "电梯困人了"}).json()
    in_chinese = client.get(url, {"text": "电梯困人了"}, HTTP_ACCEPT_LANGUAGE="zh-hans").json()

    assert found == [{"code": "facilities.lifts", "name": "Lifts", "score": 4.0, "matched": ["电梯", "困人"]}]
    assert in_chinese[0]["name"] == "电梯"
    assert client.get(url, {"text": ""}).json() == []
    assert [s["code"] for s in client.get(url, {"text": "楼道", "limit": 1}).json()] == ["facilities.fabric"]
    assert client.get(url, {"limit": 0}).status_code == 400


def test_suggestions_follow_keywords_edited_in_the_database(world: World, client_for: Any) -> None:
    MatterCategory.objects.filter(code="facilities.lifts").update(keywords="lift 电梯 扶梯")

    found = client_for("resident").get(
        reverse("api-appeal-suggest", args=[world.harmony.pk]), {"text": "扶梯"}
    )

    assert [s["code"] for s in found.json()] == ["facilities.lifts"]


def test_the_openapi_schema_describes_the_appeal_endpoints(client: Any, db: Any) -> None:
    response = client.get(reverse("api-schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    paths = json.loads(response.content)["paths"]
    base = "/api/v1/communities/{community_id}/appeals/"
    assert {"get", "post"} <= set(paths[base])
    assert "get" in paths[base + "{appeal_id}/"]
    assert "post" in paths[base + "{appeal_id}/events/"]
    assert "get" in paths[base + "suggest-category/"]


# --- the permission matrix ----------------------------------------------------------------------------------

LOGGED_IN = set(CAST) - {"anonymous"}
VIEWERS = LOGGED_IN - {"other_resident"}
#: Superusers pass every ``has_perm`` (Django's rule), so platform staff may submit; the engine gives them no part.
SUBMITTERS = {"resident", "owner", "grid_worker", "committee_staff", "platform_staff"}
#: Who may open the resident's lift appeal: the requester, the lead, the committee, the grid, the street office.
CASE_VIEWERS = {
    "resident",
    "enterprise_staff",
    "committee_staff",
    "grid_worker",
    "street_official",
    "platform_staff",
}
#: Parties to the appeal whose part the engine refuses for the step get a 400, not a 403.
PARTIES = {"resident", "enterprise_staff", "committee_staff", "street_official"}


@dataclass
class Case:
    name: str
    method: str
    url: Callable[[World, Appeal], str]
    allowed: set[str]
    body: Callable[[World], dict[str, Any]] = lambda w: {}
    #: Roles whose request is understood but refused by the engine (400).
    refused: set[str] = field(default_factory=set)
    ok_status: int = 200


def _state() -> Any:
    return (
        list(Appeal.objects.order_by("pk").values_list("status", "lead_subject_id")),
        AppealEvent.objects.count(),
        AuditEntry.objects.count(),
    )


CASES = [
    Case("list", "get", lambda w, a: _list_url(w), VIEWERS),
    Case(
        "submit",
        "post",
        lambda w, a: _list_url(w),
        SUBMITTERS,
        body=lambda w: _submission(w),
        ok_status=201,
    ),
    Case("detail", "get", lambda w, a: _detail_url(w, a), CASE_VIEWERS),
    Case(
        "sign for",
        "post",
        lambda w, a: _events_url(w, a),
        {"enterprise_staff"},
        body=lambda w: {"event": "sign_for"},
        refused=PARTIES - {"enterprise_staff"},
    ),
    Case(
        "note",
        "post",
        lambda w, a: _events_url(w, a),
        {"enterprise_staff", "committee_staff", "street_official"},
        body=lambda w: {"event": "note", "text": "A note"},
        refused={"resident"},
    ),
    Case(
        "withdraw",
        "post",
        lambda w, a: _events_url(w, a),
        {"resident"},
        body=lambda w: {"event": "withdraw"},
        refused=PARTIES - {"resident"},
    ),
    Case(
        "suggest",
        "get",
        lambda w, a: reverse("api-appeal-suggest", args=[w.harmony.pk]) + "?text=lift",
        SUBMITTERS,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
@pytest.mark.parametrize("role", CAST)
def test_permission_matrix(world: World, client_for: Any, case: Case, role: str) -> None:
    appeal = _appeal(world)
    url = case.url(world, appeal)
    client = client_for(role)
    before = _state()

    response = _post(client, url, case.body(world)) if case.method == "post" else client.get(url)

    if role in case.allowed:
        assert response.status_code == case.ok_status, (role, response.content[:300])
        if case.method == "post":
            assert _state() != before
        return
    expected = 400 if role in case.refused else 403
    assert response.status_code == expected, (role, response.status_code, response.content[:300])
    assert _state() == before
