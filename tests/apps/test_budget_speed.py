"""The cached parts of the budget, fund, audit log and notification pages: each shows a change right after the write
that makes it (done through the service, as a user would), and two viewers who must see different things do."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comity.budgeting import selectors as budgeting_selectors
from comity.budgeting import services
from comity.budgeting.models import EntryKind, Fund
from comity.notifications.models import Notification, OutboxMessage
from comity.notifications.services import mark_all_read, mark_read

from ..cast import World
from .budgeting import make_cycle, make_fund

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _queries(client: Client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as seen:
        client.get(url)
    return [query["sql"] for query in seen.captured_queries]


# --- the cycle's page -----------------------------------------------------------------------------------------


def test_the_cycle_page_is_cached_and_shows_a_ballot_and_the_count_right_after_the_vote(world: World) -> None:
    scenario = make_cycle(world, stage="voting")
    url = reverse("budgeting:cycle", args=[world.harmony.pk, scenario.cycle.pk])
    rui, olga = _client(scenario.voters["rui"]), _client(scenario.voters["olga"])
    assert "See or change your ballot" not in _page(rui, url)
    before = _page(olga, url)
    assert "See or change your ballot" not in before
    assert "1 ballot" not in before
    # served from the cache: nothing of the cycle's is read again
    assert not [
        sql for sql in _queries(rui, url) if "budgeting_proposal" in sql or "budgeting_district" in sql
    ]

    services.cast_ballot(scenario.voters["rui"], scenario.cycle, [(scenario.projects["C"].pk, 1)])

    mine = _page(rui, url)
    assert "See or change your ballot" in mine
    assert "1 ballot" in mine
    # Olga (a voter too) sees the new count but not Rui's ballot as hers
    theirs = _page(olga, url)
    assert "1 ballot" in theirs
    assert "See or change your ballot" not in theirs


def test_a_pending_proposal_is_shown_to_its_proposer_only_even_from_the_cache(world: World) -> None:
    scenario = make_cycle(world, stage="proposing")  # A, B and C are submitted, not yet reviewed
    url = reverse("budgeting:cycle", args=[world.harmony.pk, scenario.cycle.pk])
    x = _client(scenario.voters["x"])  # proposed B
    w = _client(scenario.voters["w"])  # proposed A
    first = _page(x, url)
    assert "Project B" in first
    assert "Project A" not in first
    second = _page(w, url)
    assert "Project A" in second
    assert "Project B" not in second
    # a review is an audited write: A is now shown to everyone
    services.review_proposal(world.user("committee_staff"), scenario.projects["A"], eligible=True, reasons=[])
    assert "Project A" in _page(x, url)


def test_the_managers_see_the_cycles_steps_and_a_resident_does_not(world: World) -> None:
    scenario = make_cycle(world, stage="reviewing")
    url = reverse("budgeting:cycle", args=[world.harmony.pk, scenario.cycle.pk])
    staff = _page(_client(world.user("committee_staff")), url)
    assert "Run the cycle" in staff
    assert "Open voting" in staff
    assert "Run the cycle" not in _page(_client(world.user("resident")), url)


def test_a_step_refused_on_the_page_is_not_cached(world: World) -> None:
    scenario = make_cycle(world, stage="reviewing")
    url = reverse("budgeting:cycle", args=[world.harmony.pk, scenario.cycle.pk])
    staff = _client(world.user("committee_staff"))
    refused = staff.post(url, {"step": "open_voting", "voting_closes_at": "not a date"})
    assert refused.status_code == 400
    assert "not a date" in refused.content.decode()
    assert "not a date" not in _page(staff, url)


# --- the list of cycles and the funds -------------------------------------------------------------------------


def test_a_new_cycle_is_listed_for_its_managers_at_once_and_a_draft_never_for_residents(world: World) -> None:
    fund = make_fund(world)
    url = reverse("budgeting:cycles", args=[world.harmony.pk])
    staff, resident = _client(world.user("committee_staff")), _client(world.user("resident"))
    assert "Autumn budget" not in _page(staff, url)
    _page(resident, url)
    services.create_cycle(
        world.user("committee_staff"), world.harmony, {"title": "Autumn budget", "fund": fund, "budget": 100}
    )
    assert "Autumn budget" in _page(staff, url)
    assert "Autumn budget" not in _page(resident, url)


def _entry(world: World, fund: Fund, yuan: int) -> None:
    services.record_entry(
        world.user("committee_staff"),
        fund,
        {
            "kind": EntryKind.INCOME,
            "source": "donation",
            "amount_fen": yuan * 100,
            "occurred_on": date(2026, 3, 1),
            "description": "A gift",
            "counterparty": "A neighbour",
        },
    )


def test_the_funds_page_shows_a_new_entry_at_once(world: World) -> None:
    fund = make_fund(world, amount_yuan=500)
    url = reverse("budgeting:funds", args=[world.harmony.pk])
    resident = _client(world.user("resident"))
    assert "500.00" in _page(resident, url)
    _entry(world, fund, 250)
    assert "750.00" in _page(resident, url)


def test_the_fund_sums_from_the_database_are_the_summary_s(world: World) -> None:
    scenario = make_cycle(world, stage="closed")
    fund = Fund.objects.get(pk=scenario.fund.pk)
    _entry(world, fund, 30)
    full = budgeting_selectors.summarise(fund)
    [(listed, sums)] = budgeting_selectors.funds_with_totals(world.harmony)
    assert listed == fund
    for summary in (sums, budgeting_selectors.totals(fund)):
        assert (
            summary.income,
            summary.allocated,
            summary.disbursed,
            summary.returned,
            summary.available,
        ) == (
            full.income,
            full.allocated,
            full.disbursed,
            full.returned,
            full.available,
        )
        assert summary.income_by_source == full.income_by_source
    assert full.allocated > 0
    assert full.projects


def test_the_new_fund_form_keeps_a_fresh_once_token_on_every_page(world: World) -> None:
    url = reverse("budgeting:funds", args=[world.harmony.pk])
    staff = _client(world.user("committee_staff"))
    first, second = _page(staff, url), _page(staff, url)
    token = 'name="once_token" value="'

    def once(html: str) -> str:
        return html.split(token)[1].split('"')[0] if token in html else html

    assert "Create the fund" in first
    assert once(first) != once(second)


# --- the audit log --------------------------------------------------------------------------------------------


def test_the_audit_log_shows_a_new_entry_at_once_by_kind_and_page(world: World) -> None:
    url = reverse("audit:log", args=[world.harmony.pk])
    staff = _client(world.user("committee_staff"))
    assert "Harmony fund" not in _page(staff, url)
    _page(staff, url + "?kind=budgeting")
    make_fund(world)
    assert "Harmony fund" in _page(staff, url)
    assert "Harmony fund" in _page(staff, url + "?kind=budgeting")
    # a kind the log does not hold, or a page that is no number, shows the whole log's first page
    assert "Harmony fund" in _page(staff, url + "?kind=nonsense&page=x")


# --- notifications and the outbox -----------------------------------------------------------------------------


def _notification(user: Any, number: str) -> Notification:
    return Notification.objects.create(
        recipient=user,
        kind="appeal.replied",
        summary="Your appeal %(number)s was replied to",
        params={"number": number},
    )


def test_the_inbox_shows_a_new_notification_and_a_read_one_at_once(world: World) -> None:
    rui = world.user("resident")
    url = reverse("notifications:inbox")
    client = _client(rui)
    first = _notification(rui, "A-1")
    assert "1 unread notification" in _page(client, url)
    second = _notification(rui, "A-2")
    page = _page(client, url)
    assert "2 unread notifications" in page
    assert "A-2" in page
    mark_read(rui, first)
    page = _page(client, url)
    assert "1 unread notification" in page
    assert f'action="/notifications/{first.pk}/read/"' not in page
    assert f"notification-{second.pk}" in page
    mark_all_read(rui)
    assert "0 unread notifications" in _page(client, url)


def test_two_inboxes_are_never_mixed_up(world: World) -> None:
    rui, olga = world.user("resident"), world.user("owner")
    _notification(rui, "RUI-1")
    _notification(olga, "OLGA-1")
    url = reverse("notifications:inbox")
    assert "OLGA-1" not in _page(_client(rui), url)
    olgas = _page(_client(olga), url)
    assert "OLGA-1" in olgas
    assert "RUI-1" not in olgas


def test_the_inbox_forms_carry_the_viewers_own_csrf_token(world: World) -> None:
    rui = world.user("resident")
    _notification(rui, "A-1")
    client = Client(enforce_csrf_checks=True)
    client.force_login(rui)
    url = reverse("notifications:inbox")
    client.get(url)
    page = _page(client, url)  # from the cache
    token = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    notification = Notification.objects.get(recipient=rui)
    response = client.post(
        reverse("notifications:read", args=[notification.pk]), {"csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_the_outbox_shows_a_new_message_at_once(world: World) -> None:
    url = reverse("notifications:outbox")
    staff = _client(world.user("platform_staff"))
    OutboxMessage.objects.create(phone="13800000001", text="First", channel="fake")
    assert "First" in _page(staff, url)
    OutboxMessage.objects.create(phone="13800000002", text="Second", channel="fake")
    page = _page(staff, url)
    assert "Second" in page
    assert "First" in page
