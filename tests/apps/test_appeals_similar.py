"""Before sending, a resident sees open public appeals about the same matter at the same place (issue 13,
point 2): as they fill the form (htmx), or — without JavaScript — when a first sending finds some, with
"Send anyway" and everything they typed kept, including the place chosen."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from comity.appeals import services
from comity.appeals.models import Appeal
from comity.structure.models import Area, AreaKind, MatterCategory

from ..cast import World


def _category(code: str = "facilities.lifts") -> MatterCategory:
    return MatterCategory.objects.get(code=code)


def _reported(world: World, *, public: bool = True, **kwargs: Any) -> Appeal:
    options: dict[str, Any] = {
        "kind": "help_request",
        "category": _category(),
        "description": "The lift in building 1 is stuck",
        "area": world.building,
        "is_public": public,
    }
    options.update(kwargs)
    return services.submit_appeal(world.user("owner"), world.harmony, **options)


def _fragment(client: Any, world: World, **params: Any) -> str:
    url = reverse("appeals:new", args=[world.harmony.pk])
    response = client.get(url, {"similar": "1", **params}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return response.content.decode()


def test_the_form_shows_open_public_appeals_of_the_same_matter_and_place(
    world: World, client_for: Any
) -> None:
    same = _reported(world)
    private = _reported(world, public=False)
    other_matter = _reported(world, category=_category("noise.renovation"))
    garden = Area.objects.create(community=world.harmony, kind=AreaKind.COMMON_SPACE, code="G", name="Garden")
    elsewhere = _reported(world, area=garden)
    closed = _reported(world)
    Appeal.objects.filter(pk=closed.pk).update(status="closed")
    old = _reported(world)
    Appeal.objects.filter(pk=old.pk).update(received_at=timezone.now() - timedelta(days=45))

    html = _fragment(client_for("resident"), world, category=_category().pk, area=world.building.pk)
    assert same.number in html
    for hidden in (private, other_matter, elsewhere, closed, old):
        assert hidden.number not in html
    assert "Dispatched" in html
    assert "sent 0\xa0minutes ago" in html
    assert f'name="similar_seen" value="{same.pk}"' in html
    # A resident's own home in the same stairwell shares the place too; nothing chosen yet shows nothing.
    assert same.number in _fragment(
        client_for("resident"), world, category=_category().pk, unit=world.unit.pk
    )
    assert _fragment(client_for("resident"), world).strip() == ""


def test_the_candidates_cost_the_same_queries_however_many_there_are(world: World, client_for: Any) -> None:
    client = client_for("resident")
    _reported(world)
    params = {"category": _category().pk, "area": world.building.pk}
    _fragment(client, world, **params)
    with CaptureQueriesContext(connection) as one:
        _fragment(client, world, **params)
    for _ in range(6):
        _reported(world)
    _fragment(client, world, **params)  # as above: the community's row is read again after its data changed
    with CaptureQueriesContext(connection) as many:
        html = _fragment(client, world, **params)
    assert html.count('name="similar_seen"') == 5
    assert len(many.captured_queries) == len(one.captured_queries)


def test_without_javascript_a_first_sending_asks_to_send_anyway_and_keeps_what_was_typed(
    world: World, client_for: Any
) -> None:
    same = _reported(world)
    client = client_for("resident")
    url = reverse("appeals:new", args=[world.harmony.pk])
    photo = SimpleUploadedFile("lift.png", b"\x89PNG", content_type="image/png")
    data = {
        "kind": "help_request",
        "category": _category().pk,
        "description": "Lift stuck again, I am on the 6th floor",
        "area": world.building.pk,
        "is_public": "on",
    }
    first = client.post(url, {**data, "photos": [photo]})
    assert first.status_code == 200
    assert Appeal.objects.count() == 1
    html = first.content.decode()
    assert "Not sent yet" in html
    assert same.number in html
    assert "Send anyway" in html
    form = first.context["form"]
    assert form["description"].value() == data["description"]
    assert str(form["area"].value()) == str(world.building.pk)
    assert form["is_public"].value() is True
    assert "Choose your photos again" in str(form.fields["photos"].help_text)

    anyway = client.post(url, {**data, "similar_seen": [same.pk]})
    assert anyway.status_code == 302
    assert Appeal.objects.count() == 2
    assert Appeal.objects.latest("pk").area == world.building


def test_a_sending_without_similar_appeals_goes_straight_through(world: World, client_for: Any) -> None:
    _reported(world, public=False)
    response = client_for("resident").post(
        reverse("appeals:new", args=[world.harmony.pk]),
        {
            "kind": "help_request",
            "category": _category().pk,
            "description": "Lift",
            "area": world.building.pk,
        },
    )
    assert response.status_code == 302
    assert Appeal.objects.count() == 2


def test_the_candidates_read_in_chinese(world: World, client_for: Any) -> None:
    _reported(world)
    client = client_for("resident")
    response = client.get(
        reverse("appeals:new", args=[world.harmony.pk]),
        {"similar": "1", "category": _category().pk, "area": world.building.pk},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    html = response.content.decode()
    assert "邻居可能已经反映过" in html
