"""What every signed-in page pays before its own work: the roles come from the cache (and are stale for no longer
than the write that changes them), the menu reuses the page's community, the bell counts at most 100."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comity.accounts.models import User
from comity.engine.roles import Role
from comity.notifications import services as notifications
from comity.notifications.models import Notification
from comity.structure.models import Membership
from comity.structure.scope import roles_changed, scope_for

from ..cast import World
from ..factories import MembershipFactory, OwnershipFactory, UnitFactory


def _fresh(user: Any) -> Any:
    """The account as the next request loads it: a new object, nothing remembered on it."""
    return User.objects.get(pk=user.pk)


def test_roles_are_read_once_then_served_from_the_cache(world: World, django_assert_num_queries: Any) -> None:
    staff = world.user("committee_staff")
    user = _fresh(staff)
    with django_assert_num_queries(3):  # person, ownerships, memberships
        assert Role.RESIDENT not in scope_for(user).roles_in(world.harmony.pk)
    user = _fresh(staff)
    with django_assert_num_queries(0):
        scope = scope_for(user)
    assert world.committee.pk in scope.acting_subject_ids


def test_a_new_membership_or_ownership_counts_at_once(world: World) -> None:
    user = world.user("ngo_staff")
    assert world.riverside.pk not in scope_for(_fresh(user)).community_ids  # now cached
    MembershipFactory(subject=world.riverside_committee, person=user.person, role="staff")
    assert world.riverside.pk in scope_for(_fresh(user)).community_ids
    Membership.objects.filter(person=user.person, subject=world.riverside_committee).delete()
    assert world.riverside.pk not in scope_for(_fresh(user)).community_ids
    resident = world.user("resident")
    assert not scope_for(_fresh(resident)).has_role(world.harmony.pk, Role.OWNER)
    OwnershipFactory(unit=UnitFactory(building=world.building), person=resident.person)
    assert scope_for(_fresh(resident)).has_role(world.harmony.pk, Role.OWNER)


def test_a_bulk_write_makes_the_cached_roles_stale(world: World) -> None:
    user = world.user("ngo_staff")
    assert world.riverside.pk not in scope_for(_fresh(user)).community_ids
    Membership.objects.bulk_create(
        [
            Membership(
                subject=world.riverside_committee,
                community=world.riverside,
                street=world.street,
                person=user.person,
                role="staff",
            )
        ]
    )
    assert (
        world.riverside.pk not in scope_for(_fresh(user)).community_ids
    )  # no signal: still the cached roles
    roles_changed()  # what the registry import and the merge of persons call after their bulk writes
    assert world.riverside.pk in scope_for(_fresh(user)).community_ids


def test_a_page_reads_its_community_and_the_roles_once(world: World, client_for: Any) -> None:
    client = client_for("committee_staff")
    url = reverse("structure:matrix", args=[world.harmony.pk])
    client.get(url)  # the roles are cached now
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    sql = [q["sql"] for q in queries.captured_queries]
    assert not [q for q in sql if 'FROM "structure_membership"' in q]
    assert (
        len([q for q in sql if 'FROM "structure_community"' in q and '"structure_community"."id" =' in q])
        <= 1
    )


def test_the_bell_counts_up_to_99_and_then_says_99_plus(world: World, client_for: Any) -> None:
    resident = world.user("resident")

    def notify(n: int) -> None:
        Notification.objects.bulk_create(
            Notification(
                recipient=resident, community=world.harmony, kind="appeal.replied", summary="Hi", in_app=True
            )
            for _ in range(n)
        )

    notify(99)
    client = client_for("resident")
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert '<span class="badge badge--count" id="unread-badge">99<' in page
    notify(500)
    cache.clear()
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert '<span class="badge badge--count" id="unread-badge">99+<' in page


def test_the_community_is_read_from_the_cache_until_it_or_its_street_is_saved(
    world: World, client_for: Any
) -> None:
    client = client_for("resident")
    url = reverse("structure:matrix", args=[world.harmony.pk])

    def community_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len([q for q in queries.captured_queries if '"structure_community"."id" =' in q["sql"]])

    community_queries()
    assert community_queries() == 0
    world.harmony.name = "Harmony Gardens"
    world.harmony.save()  # as the Django admin does: no audit entry, the save itself makes the copy stale
    assert community_queries() == 1
    assert "Harmony Gardens" in client.get(url).content.decode()
    world.street.name = "Renamed Street"
    world.street.save()
    assert community_queries() == 1


def test_the_bell_is_counted_once_until_the_inbox_changes(
    world: World, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    resident = world.user("resident")
    client = client_for("resident")
    url = reverse("structure:matrix", args=[world.harmony.pk])

    def page() -> tuple[str, int]:
        with CaptureQueriesContext(connection) as queries:
            body = client.get(url).content.decode()
        counted = len(
            [q for q in queries.captured_queries if 'FROM "notifications_notification"' in q["sql"]]
        )
        return body, counted

    page()
    body, counted = page()
    assert counted == 0
    assert 'id="unread-badge"' not in body
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify(
            [resident],
            kind="appeal.replied",
            summary="Hi",
            params={},
            community=world.harmony,
            channels=["in_app"],
        )
    body, counted = page()
    assert counted == 1
    assert 'id="unread-badge">1<' in body
    assert page()[1] == 0
    notifications.mark_all_read(resident)
    body, counted = page()
    assert counted == 1
    assert 'id="unread-badge"' not in body
    Notification.objects.filter(recipient=resident).delete()  # one by one, as the admin deletes: post_delete
    assert page()[1] == 1
