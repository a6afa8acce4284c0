"""Read-heavy pages read from the replica; writes, other pages and a browser that just wrote use the primary.

The replica is a second database alias on the same test database (Django's ``TEST: {"MIRROR": "default"}``), so
it holds what the primary holds; the queries are captured per connection to see which alias each page used. The
tests are transactional, since a second connection sees only committed rows.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connections, transaction
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comity.foundation.replica import HEADER, PIN_COOKIE, REPLICA, ReplicaRouter, reads_from_replica
from comity.structure.models import Community

from .budgeting import make_cycle
from .consultations import make_consultation
from .decisions import make_decision

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True, databases=["default", REPLICA])


@pytest.fixture(scope="module", autouse=True)
def _replica_alias(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    """A ``replica`` alias mirroring the test database, as ``COMITY_REPLICA_DATABASE_URL`` configures one.

    Module-scoped, so that it exists before each test's database access is allowed for ``databases``.
    """
    default = connections["default"].settings_dict
    connections.settings[REPLICA] = {
        **copy.deepcopy(default),
        "TEST": {**default["TEST"], "MIRROR": "default"},
    }
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            connections[REPLICA].close()
        del connections[REPLICA]
        del connections.settings[REPLICA]


@pytest.fixture
def replica(settings: Any) -> Any:
    settings.COMITY_DATABASE_HEADER = True
    return connections[REPLICA]


class Captured:
    """The queries of each alias while a block runs."""

    def __init__(self) -> None:
        self.default = CaptureQueriesContext(connections["default"])
        self.replica = CaptureQueriesContext(connections[REPLICA])

    def __enter__(self) -> Captured:
        self.default.__enter__()
        self.replica.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.replica.__exit__(*exc)
        self.default.__exit__(*exc)

    @staticmethod
    def _sql(context: CaptureQueriesContext) -> list[str]:
        return [query["sql"] for query in context.captured_queries]

    def on_default(self, table: str = "") -> list[str]:
        return [sql for sql in self._sql(self.default) if table in sql]

    def on_replica(self, table: str = "") -> list[str]:
        return [sql for sql in self._sql(self.replica) if table in sql]


def _pages(world: Any) -> list[tuple[str, str, str]]:
    """(who, address, a table the page reads) for every page that reads from the replica."""
    harmony = world.harmony.pk
    consultation = make_consultation(world)
    decision = make_decision(world, None)
    cycle = make_cycle(world, stage="voting").cycle
    return [
        ("committee_staff", reverse("appeal_rates:community", args=[harmony]), "appeals_appeal"),
        ("street_official", reverse("appeal_rates:street", args=[world.street.pk]), "appeals_appeal"),
        (
            "committee_staff",
            reverse("consultations:report", args=[harmony, consultation.pk]),
            "consultations_statement",
        ),
        ("committee_staff", reverse("decisions:detail", args=[harmony, decision.pk]), "decisions_decision"),
        ("committee_staff", reverse("decisions:log", args=[harmony, decision.pk]), "decisions_decision"),
        ("committee_staff", reverse("decisions:log_json", args=[harmony, decision.pk]), "decisions_decision"),
        ("committee_staff", reverse("budgeting:results", args=[harmony, cycle.pk]), "budgeting_cycle"),
    ]


def test_read_heavy_pages_read_from_the_replica(world: Any, client_for: Any, replica: Any) -> None:
    for who, url, table in _pages(world):
        client = client_for(who)
        with Captured() as captured:
            response = client.get(url)
        assert response.status_code in (200, 302), url
        assert response[HEADER] == "replica", url
        assert captured.on_replica(table), url
        assert not captured.on_default(table), (url, captured.on_default(table))
        assert PIN_COOKIE not in response.cookies


def test_other_pages_and_writes_stay_on_the_primary(world: Any, client_for: Any, replica: Any) -> None:
    client = client_for("committee_staff")
    with Captured() as captured:
        response = client.get(reverse("appeals:queue", args=[world.harmony.pk]))
    assert response.status_code == 200
    assert HEADER not in response
    assert captured.on_replica() == []
    assert captured.on_default("appeals_appeal")

    decision = make_decision(world, None, open_now=False)
    with Captured() as captured:
        response = client.post(
            reverse("decisions:detail", args=[world.harmony.pk, decision.pk]), {"step": "open"}
        )
    assert response.status_code in (302, 303)
    assert response[HEADER] == "default"
    assert captured.on_replica() == []
    assert captured.on_default("UPDATE")


def test_a_browser_that_wrote_reads_from_the_primary_until_the_pin_expires(
    world: Any, client_for: Any, replica: Any, settings: Any
) -> None:
    settings.COMITY_REPLICA_PIN_SECONDS = 7
    decision = make_decision(world, None, open_now=False)
    client = client_for("committee_staff")
    detail = reverse("decisions:detail", args=[world.harmony.pk, decision.pk])
    response = client.post(detail, {"step": "open"})
    pin = response.cookies[PIN_COOKIE]
    assert pin["max-age"] == 7
    assert pin["httponly"]

    with Captured() as captured:
        response = client.get(detail)
    assert response.status_code == 200
    assert response[HEADER] == "default"
    assert captured.on_replica() == []
    assert "Voting is open" in response.content.decode() or captured.on_default("decisions_decision")

    del client.cookies[PIN_COOKIE]  # what the browser does once max-age has passed
    with Captured() as captured:
        response = client.get(detail)
    assert response[HEADER] == "replica"
    assert captured.on_replica("decisions_decision")


def test_without_a_replica_every_query_goes_to_the_primary(
    world: Any, client_for: Any, settings: Any
) -> None:
    settings.COMITY_DATABASE_HEADER = True
    client = client_for("committee_staff")
    configured = connections.settings.pop(REPLICA)
    try:
        with CaptureQueriesContext(connections[REPLICA]) as on_replica:
            response = client.get(reverse("appeal_rates:community", args=[world.harmony.pk]))
            assert response.status_code == 200
            assert response[HEADER] == "default"
            response = client.post(reverse("web:home"))
            assert PIN_COOKIE not in response.cookies
    finally:
        connections.settings[REPLICA] = configured
    assert on_replica.captured_queries == []


def test_the_header_is_sent_only_when_the_setting_asks(
    world: Any, client_for: Any, replica: Any, settings: Any
) -> None:
    settings.COMITY_DATABASE_HEADER = False
    response = client_for("committee_staff").get(reverse("appeal_rates:community", args=[world.harmony.pk]))
    assert response.status_code == 200
    assert HEADER not in response


def test_reads_inside_a_transaction_on_the_primary_stay_there(world: Any, replica: Any) -> None:
    """A service called from a replica page locks and reads on the primary, where it writes."""
    seen: dict[str, str] = {}

    @reads_from_replica
    def page(request: HttpRequest) -> HttpResponse:
        seen["outside"] = Community.objects.all().db
        with transaction.atomic():
            seen["inside"] = Community.objects.all().db
        return HttpResponse("ok")

    page(RequestFactory().get("/"))
    assert seen == {"outside": REPLICA, "inside": "default"}
    assert Community.objects.all().db == "default"


def test_the_router_writes_to_the_primary_and_migrates_only_it() -> None:
    router = ReplicaRouter()
    assert router.db_for_write(Community) == "default"
    assert router.db_for_read(Community) is None
    assert router.allow_migrate("default", "structure")
    assert not router.allow_migrate(REPLICA, "structure")
