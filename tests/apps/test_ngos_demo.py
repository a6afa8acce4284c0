"""The demo's community organisations, written through the ngos services on the demo street: organisations at
every step of filing and incubation, hosted money and grades; and removed again before the subjects."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from comity.demo.generator import delete_demo_street, generate_demo_street
from comity.demo.ngos import delete_demo_ngos, generate_demo_ngos
from comity.demo.specs import STREET_CODE
from comity.ngos.models import Filing, Grade, HostedEntry, Incubation, OrganisationProfile
from comity.ngos.selectors import counted
from comity.structure.models import Community, Street

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any) -> Iterator[dict[str, int]]:
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS, MEDIA_ROOT=media):
        summary = generate_demo_street(seed=2026)
        assert summary.communities >= 2
        street = Street.objects.get(code=STREET_CODE)
        with transaction.atomic():
            counts = generate_demo_ngos(street, seed=2026, now=timezone.now())
        yield counts
        with transaction.atomic():
            delete_demo_ngos(street)
            delete_demo_street()


@pytest.mark.django_db
def test_the_demo_has_organisations_at_every_step(demo: dict[str, int]) -> None:
    assert demo["profiles"] == OrganisationProfile.objects.count() > 0
    assert set(Filing.objects.values_list("status", flat=True)) == {"approved", "refused", "submitted"}
    assert Filing.objects.get(status="refused").street_reasons
    assert {"incubating", "graduated", "left"} <= set(Incubation.objects.values_list("stage", flat=True))
    assert set(Grade.objects.values_list("band", flat=True)) == {"5A", "4A", "2A"}
    balances = list(HostedEntry.objects.values_list("balance_fen", flat=True))
    assert balances
    assert min(balances) >= 0
    assert all(counted(community) >= 1 for community in Community.objects.all())
