"""Per-community cache keys (``comity.foundation.caching``): namespaced, versioned, bumped by audited writes."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_noop

from comity.foundation import caching
from comity.foundation.audit import record_audit

pytestmark = pytest.mark.django_db


def test_keys_of_two_communities_never_meet() -> None:
    assert caching.community_key(1, "counts", "en") != caching.community_key(2, "counts", "en")
    assert caching.community_key(1, "counts").startswith("comity:community:1:v1.1:")
    assert caching.community_key(12, "counts").startswith("comity:community:12:")
    assert caching.street_key(1, "x") != caching.community_key(1, "x", versioned=False)


def test_a_model_instance_and_its_id_give_the_same_key(world: Any) -> None:
    assert caching.community_key(world.harmony, "counts") == caching.community_key(world.harmony.pk, "counts")


def test_a_change_makes_only_that_communitys_keys_stale(world: Any) -> None:
    harmony_before = caching.community_key(world.harmony, "counts")
    riverside_before = caching.community_key(world.riverside, "counts")
    caching.community_changed(world.harmony)
    assert caching.community_key(world.harmony, "counts") != harmony_before
    assert caching.community_key(world.riverside, "counts") == riverside_before


def test_an_unversioned_key_survives_a_change(world: Any) -> None:
    before = caching.community_key(world.harmony, "decision-count", 3, versioned=False)
    caching.community_changed(world.harmony)
    assert caching.community_key(world.harmony, "decision-count", 3, versioned=False) == before


# These two commit for real (a transactional test): inside the test's own transaction, a bump that the fixtures'
# writes already registered for after the commit would stand for the ones under test.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_audited_write_of_a_community_bumps_its_version_now_and_after_the_commit(world: Any) -> None:
    before = caching.community_version(world.harmony)
    other = caching.community_version(world.riverside)
    with transaction.atomic():
        record_audit(
            actor=world.user("committee_staff"),
            action="test.write",
            community=world.harmony,
            summary=gettext_noop("A test write"),
        )
        assert caching.community_version(world.harmony) == before + 1
    assert caching.community_version(world.harmony) == before + 2
    assert caching.community_version(world.riverside) == other


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_many_writes_in_one_transaction_bump_once_more_after_the_commit(world: Any) -> None:
    before = caching.community_version(world.harmony)
    other = caching.community_version(world.riverside)
    with transaction.atomic():
        for _ in range(3):
            caching.community_changed(world.harmony)
        caching.community_changed(world.riverside)
        registered = list(transaction.get_connection().run_on_commit)
        assert caching.community_version(world.harmony) == before + 3
    assert len(registered) == 2  # one per community, however many writes
    assert caching.community_version(world.harmony) == before + 4
    assert caching.community_version(world.riverside) == other + 2


def test_a_version_lost_from_the_cache_does_not_come_back_as_an_old_one(world: Any) -> None:
    first = caching.community_key(world.harmony, "counts")
    cache.clear()
    caching.community_changed(world.harmony)
    assert caching.community_key(world.harmony, "counts") != first


def test_cached_for_community_computes_once_until_the_community_changes(world: Any) -> None:
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    assert caching.cached_for_community(world.harmony, "n", compute=compute, timeout=60) == 1
    assert caching.cached_for_community(world.harmony, "n", compute=compute, timeout=60) == 1
    assert caching.cached_for_community(world.riverside, "n", compute=compute, timeout=60) == 2
    caching.community_changed(world.harmony)
    assert caching.cached_for_community(world.harmony, "n", compute=compute, timeout=60) == 3


def test_a_page_asks_the_cache_for_each_version_once(world: Any, client_for: Any) -> None:
    reads: list[str] = []
    real = cache.get_or_set

    def counting(key: str, *args: Any, **kwargs: Any) -> Any:
        reads.append(key)
        return real(key, *args, **kwargs)

    client = client_for("committee_staff")
    url = reverse("structure:overview", args=[world.harmony.pk])
    with mock.patch.object(cache, "get_or_set", counting):
        assert client.get(url).status_code == 200
        assert reads  # the page reads the community's version …
        assert len(reads) == len(set(reads))  # … once
        reads.clear()
        caching.community_key(world.harmony, "a")
        caching.community_key(world.harmony, "a")
        assert (
            len(reads) == 4
        )  # outside a request, every key asks for everything's version and the community's


def test_a_bump_inside_a_request_is_seen_by_the_same_request(world: Any) -> None:
    caching._remember_versions()
    try:
        first = caching.community_key(world.harmony, "a")
        assert caching.community_key(world.harmony, "a") == first
        caching.community_changed(world.harmony)
        assert caching.community_key(world.harmony, "a") != first
    finally:
        caching._forget_versions()
