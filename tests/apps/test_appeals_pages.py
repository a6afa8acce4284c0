"""The appeal pages: intake with photos, the case page and its steps, my appeals, public appeals, the workbench.

The permission matrix at the end runs every page × every member of the cast; denied writes change nothing.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from comity.appeals import services
from comity.appeals.models import Appeal, AppealEvent, Attachment
from comity.audit.models import AuditEntry
from comity.structure.models import Area, AreaKind, MatterCategory

from ..cast import World
from ..conftest import CAST

LOGGED_IN = set(CAST) - {"anonymous"}
VIEWERS = LOGGED_IN - {"other_resident"}
#: Platform staff are superusers: Django grants them every permission check (but the engine no part in a case).
SUBMITTERS = {"resident", "owner", "grid_worker", "committee_staff", "platform_staff"}
WORKBENCH = {
    "grid_worker",
    "committee_staff",
    "ngo_staff",
    "enterprise_staff",
    "street_official",
    "platform_staff",
}
#: Who may open the resident's lift appeal: the requester, the lead (property company), committee, grid, street.
CASE_VIEWERS = {
    "resident",
    "enterprise_staff",
    "committee_staff",
    "grid_worker",
    "street_official",
    "platform_staff",
}


def _png(size: tuple[int, int] = (40, 30)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 80, 40)).save(buffer, format="PNG")
    return SimpleUploadedFile("lift.png", buffer.getvalue(), content_type="image/png")


def _lifts() -> MatterCategory:
    return MatterCategory.objects.get(code="facilities.lifts")


def _appeal(world: World, **kwargs: Any) -> Appeal:
    options: dict[str, Any] = {
        "kind": "help_request",
        "category": _lifts(),
        "description": "The lift is stuck.",
        "unit": world.unit,
    }
    options.update(kwargs)
    return services.submit_appeal(world.user("resident"), world.harmony, **options)


def _form(world: World, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": "help_request",
        "category": _lifts().pk,
        "description": "电梯困人，1单元的电梯卡在三楼",
        "area": world.building.pk,
    }
    data.update(extra)
    return data


def _counts() -> tuple[int, int, int, int]:
    return (
        Appeal.objects.count(),
        AppealEvent.objects.count(),
        AuditEntry.objects.count(),
        Attachment.objects.count(),
    )


def test_a_resident_submits_with_a_photo_and_lands_on_the_case(
    world: World, client_for: Any, tmp_path: Any, settings: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    client = client_for("resident")
    response = client.post(
        reverse("appeals:new", args=[world.harmony.pk]), _form(world, photos=[_png()], is_public="on")
    )

    appeal = Appeal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("appeals:detail", args=[world.harmony.pk, appeal.pk])
    assert appeal.is_public
    assert appeal.lead_subject == world.property_company
    photo = Attachment.objects.get()
    assert (photo.content_type, photo.width, photo.height) == ("image/png", 40, 30)
    page = client.get(response["Location"])
    assert page.status_code == 200
    text = page.content.decode()
    assert appeal.number in text
    assert "Sign for this appeal" not in text
    assert "Withdraw my appeal" in text
    served = client.get(reverse("appeals:photo", args=[world.harmony.pk, appeal.pk, photo.pk]))
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert b"".join(served.streaming_content).startswith(b"\x89PNG")


@pytest.mark.parametrize(
    ("extra", "field_name"),
    [
        ({"category": 999999}, "category"),
        ({"description": ""}, "description"),
        ({"kind": "rant"}, "kind"),
    ],
)
def test_bad_intake_shows_the_error_and_writes_nothing(
    world: World, client_for: Any, extra: dict[str, Any], field_name: str
) -> None:
    before = _counts()
    response = client_for("resident").post(
        reverse("appeals:new", args=[world.harmony.pk]), _form(world, **extra)
    )
    assert response.status_code == 400
    assert field_name in response.context["form"].errors
    assert _counts() == before


def test_a_place_in_another_community_is_refused(world: World, client_for: Any) -> None:
    elsewhere = Area.objects.create(community=world.riverside, kind=AreaKind.BUILDING, code="9", name="B9")
    before = _counts()
    response = client_for("resident").post(
        reverse("appeals:new", args=[world.harmony.pk]), _form(world, area=elsewhere.pk)
    )
    assert response.status_code == 400
    assert "area" in response.context["form"].errors
    assert _counts() == before


def test_a_non_image_or_oversized_file_is_refused_in_the_users_language(
    world: World, client_for: Any, tmp_path: Any, settings: Any, monkeypatch: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    client = client_for("resident")
    before = _counts()
    fake = SimpleUploadedFile("photo.jpg", b"%PDF-1.4 not a photo", content_type="image/jpeg")
    response = client.post(reverse("appeals:new", args=[world.harmony.pk]), _form(world, photos=[fake]))
    assert response.status_code == 400
    assert response.context["form"].errors["photos"] == ["“photo.jpg” is not a photo (JPEG, PNG or WebP)."]
    monkeypatch.setattr("comity.foundation.photos.MAX_BYTES", 100)
    response = client.post(
        reverse("appeals:new", args=[world.harmony.pk]),
        _form(world, photos=[_png((300, 300))]),
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 400
    assert "photos" in response.context["form"].errors
    assert _counts() == before
    assert not list(tmp_path.rglob("*.png"))


def test_staff_record_an_appeal_for_a_resident_without_an_account(world: World, client_for: Any) -> None:
    client = client_for("grid_worker")
    url = reverse("appeals:new", args=[world.harmony.pk]) + "?for=resident"
    missing = client.post(
        url, _form(world, contact_name="Wang", contact_phone="13912345678", channel="walk_in")
    )
    assert missing.status_code == 400
    assert "consent_note" in missing.context["form"].errors
    assert Appeal.objects.count() == 0
    response = client.post(
        url,
        _form(
            world,
            contact_name="Wang",
            contact_phone="139 1234 5678",
            channel="walk_in",
            consent_note="Asked in the hall.",
        ),
    )
    appeal = Appeal.objects.get()
    assert response.status_code == 302
    assert (appeal.requester_id, appeal.contact_name, appeal.channel) == (None, "Wang", "walk_in")
    assert appeal.contact_phone == "13912345678"
    assert appeal.recorded_by == world.user("grid_worker")
    assert appeal.consent_note == "Asked in the hall."


def test_the_closed_loop_through_the_pages(world: World, client_for: Any) -> None:
    appeal = _appeal(world)
    detail = reverse("appeals:detail", args=[world.harmony.pk, appeal.pk])

    def step(role: str, action: str, **data: Any) -> Any:
        url = reverse("appeals:act", args=[world.harmony.pk, appeal.pk, action])
        return client_for(role).post(url, {f"{action}-{key}": value for key, value in data.items()})

    assert step("enterprise_staff", "sign_for").status_code == 302
    assert (
        step("enterprise_staff", "reply", text="Repaired the brake; the lift runs again.").status_code == 302
    )
    assert step("committee_staff", "close").status_code == 302
    assert (
        step("resident", "rate", resolved="yes", satisfaction="satisfied", comment="Fast").status_code == 302
    )
    appeal.refresh_from_db()
    assert appeal.status == "rated"
    page = client_for("resident").get(detail).content.decode()
    assert "Repaired the brake" in page
    assert "Satisfied" in page


def test_a_refused_step_is_a_form_error_and_changes_nothing(world: World, client_for: Any) -> None:
    appeal = _appeal(world)
    services.sign_for(world.user("enterprise_staff"), appeal)
    before = _counts()
    url = reverse("appeals:act", args=[world.harmony.pk, appeal.pk, "reply"])
    response = client_for("enterprise_staff").post(url, {"reply-text": "   "})
    assert response.status_code == 400
    assert _counts() == before
    committee = client_for("committee_staff")
    closing = committee.post(reverse("appeals:act", args=[world.harmony.pk, appeal.pk, "close"]))
    assert closing.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == "signed_for"
    assert _counts() == before
    shown = committee.get(closing["Location"]).content.decode()
    assert "This cannot be done while the appeal is “Signed for”." in shown


def test_internal_notes_are_hidden_from_the_requester(world: World, client_for: Any) -> None:
    appeal = _appeal(world)
    services.note(world.user("committee_staff"), appeal, text="Caller sounded distressed; call back.")
    detail = reverse("appeals:detail", args=[world.harmony.pk, appeal.pk])
    assert "distressed" in client_for("committee_staff").get(detail).content.decode()
    assert "distressed" not in client_for("resident").get(detail).content.decode()


def test_public_appeals_hide_names_and_private_ones(world: World, client_for: Any) -> None:
    shown = _appeal(world, is_public=True, description="Lift shaking on floor 3")
    _appeal(world, description="Secret private matter")
    page = client_for("owner").get(reverse("appeals:public", args=[world.harmony.pk])).content.decode()
    assert shown.number in page
    assert "Lift shaking" in page
    assert "Secret private" not in page
    assert "Rui" not in page
    assert str(world.unit) not in page


def test_the_workbench_filters_and_shows_each_subject_its_own(world: World, client_for: Any) -> None:
    lift = _appeal(world)
    noise = _appeal(world, category=MatterCategory.objects.get(code="noise.renovation"), kind="complaint")
    url = reverse("appeals:queue", args=[world.harmony.pk])
    committee = client_for("committee_staff").get(url).content.decode()
    assert lift.number in committee
    assert noise.number in committee
    enterprise = client_for("enterprise_staff").get(url).content.decode()
    assert lift.number in enterprise
    assert noise.number not in enterprise
    filtered = client_for("committee_staff").get(url, {"category": "noise"}).content.decode()
    assert noise.number in filtered
    assert lift.number not in filtered


def test_bulk_dispatch_moves_all_or_nothing(world: World, client_for: Any) -> None:
    first = _appeal(world)
    second = _appeal(world)
    url = reverse("appeals:bulk_dispatch", args=[world.harmony.pk])
    client = client_for("committee_staff")
    response = client.post(
        url,
        {
            "appeal": [first.pk, second.pk],
            "bulk-lead_subject": world.ngo.pk,
            "bulk-reason": "Volunteers fix lifts",
        },
    )
    assert response.status_code == 302
    assert set(Appeal.objects.values_list("lead_subject", flat=True)) == {world.ngo.pk}
    services.sign_for(world.user("ngo_staff"), first)
    before = list(Appeal.objects.order_by("pk").values_list("status", "lead_subject"))
    response = client.post(
        url,
        {
            "appeal": [first.pk, second.pk],
            "bulk-lead_subject": world.property_company.pk,
            "bulk-reason": "Back",
        },
    )
    assert response.status_code == 302
    assert list(Appeal.objects.order_by("pk").values_list("status", "lead_subject")) == before


def test_the_category_suggestion_reads_the_text(world: World, client_for: Any) -> None:
    response = client_for("resident").get(
        reverse("appeals:suggest", args=[world.harmony.pk]), {"text": "电梯困人了"}
    )
    assert response.json()["suggestions"][0]["code"] == "facilities.lifts"


# --- permission matrix ------------------------------------------------------------------------------------------


@dataclass
class Case:
    name: str
    method: str
    url: Callable[[World, Appeal], str]
    allowed: set[str]
    data: Callable[[World, Appeal], dict[str, Any]] = lambda w, a: {}
    ok_status: set[int] = field(default_factory=lambda: {200})


def _state() -> Any:
    return (
        list(Appeal.objects.order_by("pk").values_list("status", "lead_subject_id")),
        AppealEvent.objects.count(),
        AuditEntry.objects.count(),
    )


CASES = [
    Case("intake form", "get", lambda w, a: reverse("appeals:new", args=[w.harmony.pk]), SUBMITTERS),
    Case(
        "intake",
        "post",
        lambda w, a: reverse("appeals:new", args=[w.harmony.pk]),
        SUBMITTERS,
        data=lambda w, a: _form(w),
        ok_status={302},
    ),
    Case(
        "suggest",
        "get",
        lambda w, a: reverse("appeals:suggest", args=[w.harmony.pk]) + "?text=lift",
        SUBMITTERS,
    ),
    Case("my appeals", "get", lambda w, a: reverse("appeals:mine", args=[w.harmony.pk]), VIEWERS),
    Case("public appeals", "get", lambda w, a: reverse("appeals:public", args=[w.harmony.pk]), VIEWERS),
    Case("workbench", "get", lambda w, a: reverse("appeals:queue", args=[w.harmony.pk]), WORKBENCH),
    Case(
        "bulk dispatch",
        "post",
        lambda w, a: reverse("appeals:bulk_dispatch", args=[w.harmony.pk]),
        {"committee_staff", "street_official"},
        data=lambda w, a: {"appeal": [a.pk], "bulk-lead_subject": w.ngo.pk, "bulk-reason": "ngo"},
        ok_status={302},
    ),
    Case("case page", "get", lambda w, a: reverse("appeals:detail", args=[w.harmony.pk, a.pk]), CASE_VIEWERS),
    Case(
        "sign for",
        "post",
        lambda w, a: reverse("appeals:act", args=[w.harmony.pk, a.pk, "sign_for"]),
        {"enterprise_staff"},
        ok_status={302},
    ),
    Case(
        "withdraw",
        "post",
        lambda w, a: reverse("appeals:act", args=[w.harmony.pk, a.pk, "withdraw"]),
        {"resident"},
        ok_status={302},
    ),
    Case(
        "internal note",
        "post",
        lambda w, a: reverse("appeals:act", args=[w.harmony.pk, a.pk, "note"]),
        {"enterprise_staff", "committee_staff", "street_official"},
        data=lambda w, a: {"note-text": "A note"},
        ok_status={302},
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
@pytest.mark.parametrize("role", CAST)
def test_permission_matrix(
    world: World, client_for: Any, case: Case, role: str, tmp_path: Any, settings: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    appeal = _appeal(world)
    client = client_for(role)
    url = case.url(world, appeal)
    before = _state()
    response = getattr(client, case.method)(url, case.data(world, appeal))
    if role in case.allowed:
        assert response.status_code in case.ok_status, response.content[:500]
        if case.method == "post":
            assert _state() != before
            # Refused steps also redirect (with a message); success must have changed the state.
    elif role == "anonymous":
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
        assert _state() == before
    else:
        assert response.status_code in {403, 404, 400} or (
            case.method == "post" and response.status_code == 302
        ), response.status_code
        assert _state() == before


def test_staff_see_possible_duplicates_and_merge_with_one_click(world: World, client_for: Any) -> None:
    first = _appeal(world)
    second = services.submit_appeal(
        world.user("owner"),
        world.harmony,
        kind="complaint",
        category=_lifts(),
        description="Lift stuck again",
        unit=world.unit,
    )
    unrelated = _appeal(world, category=MatterCategory.objects.get(code="noise.renovation"), unit=None)
    committee = client_for("committee_staff")
    page = committee.get(reverse("appeals:detail", args=[world.harmony.pk, second.pk]))
    candidates = [c["appeal"] for c in page.context["candidates"]]
    assert candidates == [first]
    assert unrelated not in candidates
    assert "same matter" in page.content.decode()
    resident_page = client_for("owner").get(reverse("appeals:detail", args=[world.harmony.pk, second.pk]))
    assert resident_page.context["candidates"] == []

    url = reverse("appeals:act", args=[world.harmony.pk, second.pk, "merge"])
    response = client_for("committee_staff").post(
        url, {"merge-into": first.number, "merge-reason": "Same matter"}
    )
    assert response.status_code == 302
    second.refresh_from_db()
    assert (second.status, second.merged_into) == ("merged", first)


def test_the_intake_form_reads_in_chinese(world: World, client_for: Any) -> None:
    page = client_for("resident").get(
        reverse("appeals:new", args=[world.harmony.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    text = page.content.decode()
    assert "提交诉求" in text
    assert "JPEG, PNG or WebP" not in text
    assert "？：" not in text


def test_the_contact_is_shown_to_those_who_answer_not_to_co_handlers(world: World, client_for: Any) -> None:
    from tests.factories import ResponsibilityFactory

    row = ResponsibilityFactory(
        community=world.harmony,
        category=MatterCategory.objects.get(code="facilities.water"),
        lead_subject=world.property_company,
        time_limit_hours=24,
    )
    row.co_handlers.add(world.ngo)
    appeal = _appeal(
        world, category=MatterCategory.objects.get(code="facilities.water"), contact_phone="13912345678"
    )
    url = reverse("appeals:detail", args=[world.harmony.pk, appeal.pk])
    assert "13912345678" in client_for("enterprise_staff").get(url).content.decode()
    assert "13912345678" in client_for("committee_staff").get(url).content.decode()
    co_handler = client_for("ngo_staff").get(url)
    assert co_handler.status_code == 200
    assert "13912345678" not in co_handler.content.decode()
