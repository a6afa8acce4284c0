"""The street office's queue and the notifications the timeline promises it (issue 13, point 4): escalated,
overdue and street-level disputed appeals of every community of the street, with counts, filters and pages, for
street officials only; and each official told once, in the app and by e-mail."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from comity.appeals import deadlines, services
from comity.appeals.models import Appeal
from comity.appeals.views import street as views_street
from comity.notifications.models import Delivery, Notification
from comity.structure.models import MatterCategory, SubjectKind

from ..cast import World
from ..conftest import CAST
from ..factories import MembershipFactory, PersonFactory, StreetFactory, SubjectFactory, UserFactory

ALLOWED = {"street_official", "platform_staff"}


def _submit(world: World, community: Any = None, **kwargs: Any) -> Appeal:
    community = community or world.harmony
    options: dict[str, Any] = {
        "kind": "help_request",
        "category": MatterCategory.objects.get(code="facilities.lifts"),
        "description": "The lift is stuck.",
    }
    options.update(kwargs)
    user = world.user("resident") if community == world.harmony else world.user("other_resident")
    return services.submit_appeal(user, community, **options)


def _overdue(appeal: Appeal, hours: int = 2) -> Appeal:
    Appeal.objects.filter(pk=appeal.pk).update(due_at=timezone.now() - timedelta(hours=hours))
    appeal.refresh_from_db()
    return appeal


def _url(world: World) -> str:
    return reverse("appeals:street_queue", args=[world.street.pk])


def _department(world: World) -> tuple[Any, Any]:
    """A street-level government department with one member of staff."""
    department = SubjectFactory(
        community=None, street=world.street, kind=SubjectKind.GOVERNMENT_DEPARTMENT, name="City Management"
    )
    user = UserFactory(username="dana")
    PersonFactory(user=user, community=world.harmony, full_name="Dana", is_resident=False)
    MembershipFactory(subject=department, person=user.person, role="staff")
    return department, user


@pytest.mark.parametrize("role", CAST)
def test_only_the_streets_officials_and_platform_staff_open_the_street_queue(
    world: World, client_for: Any, role: str
) -> None:
    _overdue(_submit(world))
    response = client_for(role).get(_url(world))
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    elif role in ALLOWED:
        assert response.status_code == 200
    else:
        assert response.status_code == 403


def test_another_streets_official_is_refused(world: World, client: Any) -> None:
    elsewhere = StreetFactory(name="Other Street", code="other")
    office = SubjectFactory(
        community=None, street=elsewhere, kind=SubjectKind.STREET_OFFICE, name="Other Office"
    )
    user = UserFactory(username="omar")
    PersonFactory(user=user, community=world.riverside, full_name="Omar", is_resident=False)
    MembershipFactory(subject=office, person=user.person, role="staff")
    client.force_login(user)
    assert client.get(_url(world)).status_code == 403
    assert client.get(reverse("appeals:street_queue", args=[elsewhere.pk])).status_code == 200


def test_the_queue_lists_escalated_overdue_and_street_level_disputes_of_every_community(
    world: World, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    on_time = _submit(world, description="Fine")
    escalated = _overdue(_submit(world, description="Escalated"), hours=30)
    deadlines.check_deadlines()
    escalated.refresh_from_db()
    assert escalated.escalated_at is not None
    # Past due since the last run of the deadline job: overdue, not escalated yet.
    late = _overdue(_submit(world, description="Late in Harmony"))
    riverside_late = _overdue(_submit(world, world.riverside, description="Late in Riverside"))
    department, dana = _department(world)
    disputed = _submit(world, description="Whose job?")
    services.redispatch(
        world.user("street_official"), disputed, lead_subject=department, reason="Street matter"
    )
    services.dispute(dana, disputed, reason="Not ours")
    community_dispute = _submit(world, description="Enterprise says no")
    services.dispute(world.user("enterprise_staff"), community_dispute, reason="Not ours")

    page = client_for("street_official").get(_url(world))
    html = page.content.decode()

    def link(appeal: Appeal) -> str:  # numbers repeat between communities; the case page's address does not
        return f'href="{reverse("appeals:detail", args=[appeal.community_id, appeal.pk])}"'

    for shown in (late, riverside_late, escalated, disputed):
        assert link(shown) in html
    for hidden in (on_time, community_dispute):
        assert link(hidden) not in html
    counts = page.context["counts"]
    assert (counts.total, counts.escalated, counts.overdue, counts.disputed) == (4, 1, 3, 1)

    def numbers(**params: Any) -> set[str]:
        response = client_for("street_official").get(_url(world), params)
        return {appeal.description for appeal in response.context["page"].object_list}

    assert numbers(reason="escalated") == {"Escalated"}
    assert numbers(reason="disputed") == {"Whose job?"}
    assert numbers(reason="overdue") == {"Late in Harmony", "Late in Riverside", "Escalated"}
    assert numbers(community=world.riverside.pk) == {"Late in Riverside"}
    assert numbers(category="noise") == set()
    assert numbers(reason="nonsense") == {"Late in Harmony", "Late in Riverside", "Escalated", "Whose job?"}


def test_the_queue_pages_naturally_and_its_queries_do_not_grow(
    world: World, client_for: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(views_street, "PAGE_SIZE", 3)
    client = client_for("street_official")
    _overdue(_submit(world))
    client.get(_url(world))
    cache.clear()  # each page read whole, as on its first request (the street's page is cached)
    with CaptureQueriesContext(connection) as few:
        client.get(_url(world))
    for index in range(6):
        _overdue(_submit(world, world.riverside if index % 2 else world.harmony, unit=None))
    client.get(_url(world))
    cache.clear()
    with CaptureQueriesContext(connection) as many:
        first = client.get(_url(world))
    assert len(many.captured_queries) == len(few.captured_queries)
    assert len(first.context["page"].object_list) == 3
    assert "Page 1 of 3" in first.content.decode()
    last = client.get(_url(world), {"page": 3})
    assert len(last.context["page"].object_list) == 1


def test_street_officials_are_told_once_in_the_app_and_by_email_of_escalations_and_street_disputes(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    official = world.user("street_official")
    official.email = "shu@example.org"
    official.save(update_fields=["email"])
    department, dana = _department(world)
    with django_capture_on_commit_callbacks(execute=True):
        late = _overdue(_submit(world), hours=30)
        disputed = _submit(world)
        community_dispute = _submit(world)
    with django_capture_on_commit_callbacks(execute=True):
        deadlines.check_deadlines()
        deadlines.check_deadlines()  # a second run escalates nothing again
    with django_capture_on_commit_callbacks(execute=True):
        services.redispatch(official, disputed, lead_subject=department, reason="Street matter")
    with django_capture_on_commit_callbacks(execute=True):
        services.dispute(dana, disputed, reason="Not ours")
        services.dispute(world.user("enterprise_staff"), community_dispute, reason="Not ours")

    escalations = Notification.objects.filter(recipient=official, kind="appeal.escalated")
    assert [n.url for n in escalations] == [reverse("appeals:detail", args=[world.harmony.pk, late.pk])]
    disputes = Notification.objects.filter(recipient=official, kind="appeal.disputed")
    assert [n.url for n in disputes] == [reverse("appeals:detail", args=[world.harmony.pk, disputed.pk])]
    assert "the street office decides" in disputes.get().text
    for told in (escalations.get(), disputes.get()):
        assert told.in_app
        assert list(Delivery.objects.filter(notification=told).values_list("channel", flat=True)) == ["email"]


def test_the_street_official_finds_the_queue_in_the_menu(world: World, client_for: Any) -> None:
    body = client_for("street_official").get(reverse("web:me")).content.decode()
    assert f'href="{_url(world)}"' in body
    assert "Street appeals" in body
    assert (
        f'href="{_url(world)}"' not in client_for("committee_staff").get(reverse("web:me")).content.decode()
    )


def test_the_street_queue_reads_in_chinese(world: World, client_for: Any) -> None:
    _overdue(_submit(world))
    html = client_for("street_official").get(_url(world), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "街道督办诉求" in html
