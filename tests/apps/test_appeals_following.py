"""Public appeals: their own page, "this affects me too", following, and what followers are told.

The permission matrices run every page and endpoint × every member of the cast; denied writes change nothing.
"""

from __future__ import annotations

import io
import threading
from typing import Any

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from comity.appeals import services
from comity.appeals.following import services as following
from comity.appeals.models import Appeal, AppealFollower, AppealMeToo
from comity.audit.models import AuditEntry
from comity.notifications.models import Notification
from comity.structure.models import MatterCategory

from ..cast import World
from ..conftest import CAST

#: Everyone who may open the community sees its public appeals (Otto of Riverside and visitors do not).
SEES_PUBLIC = set(CAST) - {"anonymous", "other_resident"}
#: Only verified residents and owners say an appeal affects them (the requester, Rui, already counts).
ME_TOO = {"owner"}
#: Rui made the appeal: he follows it already and cannot follow or "me too" it again.
FOLLOWS = SEES_PUBLIC - {"resident"}


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 80, 40)).save(buffer, format="PNG")
    return SimpleUploadedFile("lift.png", buffer.getvalue(), content_type="image/png")


def _public(world: World, **kwargs: Any) -> Appeal:
    options: dict[str, Any] = {
        "kind": "help_request",
        "category": MatterCategory.objects.get(code="facilities.lifts"),
        "description": "The lift of building 1 is stuck.",
        "area": world.stairwell,
        "is_public": True,
    }
    options.update(kwargs)
    return services.submit_appeal(world.user("resident"), world.harmony, **options)


def _rows(appeal: Appeal) -> tuple[int, int, int]:
    return (
        AppealFollower.objects.filter(appeal=appeal).count(),
        AppealMeToo.objects.filter(appeal=appeal).count(),
        AuditEntry.objects.filter(action__startswith="appeal.").count(),
    )


# --- services -------------------------------------------------------------------------------------------------


def test_a_neighbour_says_me_too_once_and_follows_the_appeal(world: World) -> None:
    appeal = _public(world)
    owner = world.user("owner")
    following.say_me_too(owner, appeal)
    following.say_me_too(owner, appeal)  # a double click
    assert AppealMeToo.objects.filter(appeal=appeal).count() == 1
    assert list(AppealFollower.objects.filter(appeal=appeal).values_list("user", flat=True)) == [owner.pk]
    me_too = AppealMeToo.objects.get(appeal=appeal)
    assert me_too.community_id == world.harmony.pk
    assert AuditEntry.objects.filter(action="appeal.me_too", object_id=str(appeal.pk)).count() == 1


def test_me_too_is_withdrawn_and_following_stays(world: World) -> None:
    appeal = _public(world)
    owner = world.user("owner")
    following.say_me_too(owner, appeal)
    assert following.withdraw_me_too(owner, appeal) is True
    assert following.withdraw_me_too(owner, appeal) is False
    assert AppealMeToo.objects.filter(appeal=appeal).count() == 0
    assert AppealFollower.objects.filter(appeal=appeal, user=owner).exists()
    assert AuditEntry.objects.filter(action="appeal.me_too_withdrawn").count() == 1


def test_follow_and_unfollow_leave_one_row_then_none(world: World) -> None:
    appeal = _public(world)
    staff = world.user("committee_staff")
    following.follow_appeal(staff, appeal)
    following.follow_appeal(staff, appeal)
    assert AppealFollower.objects.filter(appeal=appeal).count() == 1
    assert following.unfollow_appeal(staff, appeal) is True
    assert following.unfollow_appeal(staff, appeal) is False
    assert AppealFollower.objects.filter(appeal=appeal).count() == 0
    assert AuditEntry.objects.filter(action="appeal.followed").count() == 1
    assert AuditEntry.objects.filter(action="appeal.unfollowed").count() == 1


def test_the_database_refuses_a_second_row_for_one_person(world: World) -> None:
    appeal = _public(world)
    owner = world.user("owner")
    following.say_me_too(owner, appeal)
    with pytest.raises(IntegrityError), transaction.atomic():
        AppealMeToo.objects.create(
            community=world.harmony, appeal=appeal, user=owner, created_at=appeal.received_at
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        AppealFollower.objects.create(
            community=world.harmony, appeal=appeal, user=owner, created_at=appeal.received_at
        )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simultaneous_me_too_clicks_leave_one_row(world: World) -> None:
    appeal = _public(world)
    owner = world.user("owner")
    errors: list[BaseException] = []

    def click(barrier: threading.Barrier | None) -> None:
        try:
            if barrier is not None:
                barrier.wait(timeout=10)
            following.say_me_too(owner, appeal)
        except BaseException as error:  # collected and asserted below
            errors.append(error)
        finally:
            connections.close_all()

    if connection.vendor == "postgresql":
        barrier = threading.Barrier(6)
        threads = [threading.Thread(target=click, args=(barrier,)) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    else:
        for _ in range(6):
            click(None)
    assert errors == []
    assert AppealMeToo.objects.filter(appeal=appeal, user=owner).count() == 1
    assert AppealFollower.objects.filter(appeal=appeal, user=owner).count() == 1


def test_the_requester_neither_follows_nor_says_me_too_again(world: World) -> None:
    appeal = _public(world)
    before = _rows(appeal)
    with pytest.raises(ValidationError):
        following.say_me_too(world.user("resident"), appeal)
    with pytest.raises(ValidationError):
        following.follow_appeal(world.user("resident"), appeal)
    assert _rows(appeal) == before


def test_staff_follow_but_only_residents_and_owners_say_me_too(world: World) -> None:
    appeal = _public(world)
    before = _rows(appeal)
    for role in ("committee_staff", "enterprise_staff", "street_official", "grid_worker"):
        with pytest.raises(PermissionDenied):
            following.say_me_too(world.user(role), appeal)
    assert _rows(appeal) == before


def test_a_private_appeal_cannot_be_followed_or_me_tooed(world: World) -> None:
    appeal = _public(world, is_public=False)
    before = _rows(appeal)
    with pytest.raises(PermissionDenied):
        following.follow_appeal(world.user("owner"), appeal)
    with pytest.raises(PermissionDenied):
        following.say_me_too(world.user("owner"), appeal)
    assert _rows(appeal) == before


def test_a_closed_appeal_takes_no_new_me_too_but_a_withdrawn_one_takes_nothing(world: World) -> None:
    appeal = _public(world)
    enterprise = world.user("enterprise_staff")
    services.sign_for(enterprise, appeal)
    services.reply(enterprise, appeal, text="Repaired.")
    services.close(world.user("committee_staff"), appeal)
    before = _rows(appeal)
    with pytest.raises(ValidationError):
        following.say_me_too(world.user("owner"), appeal)
    assert _rows(appeal) == before
    following.follow_appeal(world.user("owner"), appeal)  # a reopening may still come
    other = _public(world, description="Another stuck lift.")
    services.withdraw(world.user("resident"), other)
    before = _rows(other)
    with pytest.raises(ValidationError):
        following.follow_appeal(world.user("owner"), other)
    assert _rows(other) == before


def test_followers_are_told_of_the_reply_but_not_of_internal_notes(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    appeal = _public(world)
    owner, staff, enterprise = (
        world.user("owner"),
        world.user("committee_staff"),
        world.user("enterprise_staff"),
    )
    following.follow_appeal(owner, appeal)
    following.follow_appeal(staff, appeal)
    with django_capture_on_commit_callbacks(execute=True):
        services.note(enterprise, appeal, text="Internal: waiting for the lift company.")
        services.sign_for(enterprise, appeal)
        services.reply(enterprise, appeal, text="The lift was repaired this morning.")
    told = Notification.objects.filter(recipient=owner).order_by("pk")
    assert [n.kind for n in told] == ["appeal.followed.signed_for", "appeal.followed.replied"]
    reply = told.last()
    assert reply is not None
    assert reply.text == f"Evergreen Property replied to appeal {appeal.number} that you follow."
    assert reply.url == reverse("appeals:public_detail", args=[world.harmony.pk, appeal.pk])
    # The requester hears in their own words, once, not as a follower.
    kinds = list(Notification.objects.filter(recipient=world.user("resident")).values_list("kind", flat=True))
    assert "appeal.replied" in kinds
    assert not [kind for kind in kinds if kind.startswith("appeal.followed.")]


def test_merging_carries_followers_and_me_too_over_to_the_case_it_joins(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    primary = _public(world)
    duplicate = _public(world, description="Lift stuck again in building 1.")
    owner, staff = world.user("owner"), world.user("committee_staff")
    following.say_me_too(owner, duplicate)
    following.follow_appeal(staff, duplicate)
    following.follow_appeal(staff, primary)  # already follows the primary: one row stays
    with django_capture_on_commit_callbacks(execute=True):
        services.merge(staff, duplicate, into=primary, reason="Same lift")
    assert set(AppealMeToo.objects.filter(appeal=primary).values_list("user", flat=True)) == {owner.pk}
    assert set(AppealFollower.objects.filter(appeal=primary).values_list("user", flat=True)) == {
        owner.pk,
        staff.pk,
    }
    assert not AppealMeToo.objects.filter(appeal=duplicate).exists()
    assert not AppealFollower.objects.filter(appeal=duplicate).exists()
    told = Notification.objects.get(recipient=owner, kind="appeal.followed.merged")
    assert told.url == reverse("appeals:public_detail", args=[world.harmony.pk, primary.pk])


# --- pages ----------------------------------------------------------------------------------------------------


def test_the_public_page_shows_photos_updates_and_counts_but_no_names_or_notes(
    world: World, client_for: Any
) -> None:
    appeal = _public(world, photos=[_png()], contact_phone="13800001111")
    enterprise = world.user("enterprise_staff")
    services.note(enterprise, appeal, text="SECRET internal note")
    services.sign_for(enterprise, appeal)
    services.reply(enterprise, appeal, text="Repaired the door sensor.")
    following.say_me_too(world.user("owner"), appeal)
    page = client_for("grid_worker").get(reverse("appeals:public_detail", args=[world.harmony.pk, appeal.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "The lift of building 1 is stuck." in html
    assert "Repaired the door sensor." in html
    assert "SECRET" not in html
    assert "13800001111" not in html
    assert "Rui" not in html
    assert "Building 1" in html  # the stairwell shows as its building
    assert "1 neighbour says it affects them too" in html
    photo = appeal.attachments.get()
    assert reverse("appeals:public_photo", args=[world.harmony.pk, appeal.pk, photo.pk]) in html
    assert (
        client_for("owner")
        .get(reverse("appeals:public_photo", args=[world.harmony.pk, appeal.pk, photo.pk]))
        .status_code
        == 200
    )


def test_the_public_list_links_each_appeal_with_its_counts_in_a_fixed_number_of_queries(
    world: World, client_for: Any
) -> None:
    first = _public(world)
    following.say_me_too(world.user("owner"), first)
    client = client_for("grid_worker")
    url = reverse("appeals:public", args=[world.harmony.pk])
    # Both views cold: the signed-in user's roles are cached between requests, and the first view fills that cache.
    cache.clear()
    with CaptureQueriesContext(connection) as few:
        page = client.get(url)
    html = page.content.decode()
    assert reverse("appeals:public_detail", args=[world.harmony.pk, first.pk]) in html
    assert "Affects 1 more resident" in html
    for n in range(4):
        following.follow_appeal(world.user("committee_staff"), _public(world, description=f"Lift {n}"))
    cache.clear()
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_handlers_see_the_count_on_the_case_page_and_the_workbench(world: World, client_for: Any) -> None:
    appeal = _public(world)
    following.say_me_too(world.user("owner"), appeal)
    client = client_for("committee_staff")
    case = client.get(reverse("appeals:detail", args=[world.harmony.pk, appeal.pk])).content.decode()
    assert "1 more resident says it affects them too" in case
    queue = client.get(reverse("appeals:queue", args=[world.harmony.pk])).content.decode()
    assert "Affects 1 more resident" in queue


def test_the_buttons_add_and_take_back(world: World, client_for: Any) -> None:
    appeal = _public(world)
    client = client_for("owner")
    base = [world.harmony.pk, appeal.pk]
    response = client.post(reverse("appeals:public_act", args=[*base, "me-too"]))
    assert response.status_code == 302
    assert AppealMeToo.objects.filter(appeal=appeal).count() == 1
    page = client.get(reverse("appeals:public_detail", args=base)).content.decode()
    assert "Take back" in page
    assert "Stop following" in page
    client.post(reverse("appeals:public_act", args=[*base, "not-me-too"]))
    client.post(reverse("appeals:public_act", args=[*base, "unfollow"]))
    assert _rows(appeal)[:2] == (0, 0)
    again = client.post(reverse("appeals:public_act", args=[*base, "unfollow"]), follow=True)
    assert "Nothing to take back: it was already undone." in again.content.decode()
    assert client.post(reverse("appeals:public_act", args=[*base, "nonsense"])).status_code == 404


def test_a_private_appeal_has_no_public_page(world: World, client_for: Any) -> None:
    appeal = _public(world, is_public=False)
    url = reverse("appeals:public_detail", args=[world.harmony.pk, appeal.pk])
    assert client_for("committee_staff").get(url).status_code == 404


@pytest.mark.parametrize("role", CAST)
def test_public_page_and_buttons_permission_matrix(world: World, client_for: Any, role: str) -> None:
    appeal = _public(world)
    client = client_for(role)
    base = [world.harmony.pk, appeal.pk]
    page = client.get(reverse("appeals:public_detail", args=base))
    if role == "anonymous":
        assert page.status_code == 302
    else:
        assert page.status_code == (200 if role in SEES_PUBLIC else 403)
    before = _rows(appeal)
    response = client.post(reverse("appeals:public_act", args=[*base, "me-too"]))
    if role in ME_TOO:
        assert response.status_code == 302
        assert AppealMeToo.objects.filter(appeal=appeal, user=world.user(role)).exists()
    else:
        assert response.status_code in (302, 403)
        assert AppealMeToo.objects.count() == 0
        assert _rows(appeal) == before
    before = _rows(appeal)
    response = client.post(reverse("appeals:public_act", args=[*base, "follow"]))
    if role in FOLLOWS:
        assert AppealFollower.objects.filter(appeal=appeal, user=world.user(role)).exists()
    else:
        assert response.status_code in (302, 403)
        assert _rows(appeal) == before


# --- API ------------------------------------------------------------------------------------------------------


def test_the_api_follows_and_says_me_too_idempotently(world: World, client_for: Any) -> None:
    appeal = _public(world)
    client = client_for("owner")
    url = reverse("api-appeal-me-too", args=[world.harmony.pk, appeal.pk])
    assert client.put(url).status_code == 200
    body = client.put(url).json()
    assert body == {
        "me_too_count": 1,
        "follower_count": 1,
        "reports": 1,
        "me_too": True,
        "following": True,
        "is_requester": False,
    }
    follow = reverse("api-appeal-follow", args=[world.harmony.pk, appeal.pk])
    assert client.delete(follow).json()["following"] is False
    assert client.delete(url).json()["me_too_count"] == 0


def test_the_api_refuses_the_requester_with_a_message(world: World, client_for: Any) -> None:
    appeal = _public(world)
    response = client_for("resident").put(reverse("api-appeal-follow", args=[world.harmony.pk, appeal.pk]))
    assert response.status_code == 400
    assert "your own appeal" in response.json()["non_field_errors"][0]


@pytest.mark.parametrize("role", CAST)
def test_api_permission_matrix(world: World, client_for: Any, role: str) -> None:
    appeal = _public(world)
    client = client_for(role)
    for name, allowed in (("api-appeal-me-too", ME_TOO), ("api-appeal-follow", FOLLOWS)):
        url = reverse(name, args=[world.harmony.pk, appeal.pk])
        read = client.get(url)
        assert read.status_code == (200 if role in SEES_PUBLIC else 403)
        before = _rows(appeal)
        write = client.put(url)
        if role in allowed:
            assert write.status_code == 200
        else:
            assert write.status_code in (400, 403)
            assert _rows(appeal) == before


def test_the_schema_describes_the_following_endpoints(client_for: Any) -> None:
    schema = client_for("resident").get(reverse("api-schema"), {"format": "json"}).json()
    me_too = schema["paths"]["/api/v1/communities/{community_id}/appeals/{appeal_id}/me-too/"]
    assert set(me_too) >= {"get", "put", "delete"}
    assert "Engagement" in schema["components"]["schemas"]
