"""Supports, comments and following of budget proposals (Decidim, CONSUL), on the pages and in the API.

Who may do what (``comity/budgeting/permissions.py``): verified residents and owners support (Rui and Olga, not
the proposer); everyone who belongs to Harmony and the cycle's managers comment; the managers (committee staff, the
street office, platform staff) hide comments with a reason; everyone who sees the cycle follows. The permission
matrices run every page and endpoint × every member of the cast; denied writes change nothing.
"""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from comity.audit.models import AuditEntry
from comity.budgeting import selectors, services
from comity.budgeting.models import (
    COMMENT_MAX_LENGTH,
    BudgetBallot,
    Proposal,
    ProposalComment,
    ProposalFollower,
    ProposalSupport,
)
from comity.budgeting.services import support
from comity.notifications.models import Notification

from ..cast import World
from ..conftest import CAST
from .budgeting import Scenario, make_cycle, vote_table

SEES = set(CAST) - {"anonymous", "other_resident"}
SUPPORTERS = {"resident", "owner"}
COMMENTERS = SEES
MODERATORS = {"committee_staff", "street_official", "platform_staff"}


@pytest.fixture
def scenario(world: World) -> Scenario:
    """Proposals are being taken; A (by a neighbour in Building 2) is reviewed eligible, so everyone sees it."""
    scenario = make_cycle(world, stage="proposing")
    services.review_proposal(world.user("committee_staff"), scenario.projects["A"], eligible=True, reasons=[])
    return scenario


def _a(scenario: Scenario) -> Proposal:
    return Proposal.objects.select_related("cycle__community").get(pk=scenario.projects["A"].pk)


def world_client(world: World, role: str) -> Client:
    """A client of its own, so that one test can read a page as several people."""
    client = Client()
    client.force_login(world.user(role))
    return client


def _state() -> tuple[int, int, int, int, int]:
    return (
        ProposalSupport.objects.count(),
        ProposalFollower.objects.count(),
        ProposalComment.objects.count(),
        ProposalComment.objects.filter(hidden_at__isnull=False).count(),
        AuditEntry.objects.count(),
    )


# --- supports -------------------------------------------------------------------------------------------------


def test_a_resident_supports_once_and_takes_it_back(world: World, scenario: Scenario) -> None:
    a = _a(scenario)
    olga = world.user("owner")
    support.support_proposal(olga, a)
    support.support_proposal(olga, a)  # a double click
    assert ProposalSupport.objects.filter(proposal=a).count() == 1
    assert ProposalSupport.objects.get(proposal=a).community_id == world.harmony.pk
    assert AuditEntry.objects.filter(action="budgeting.proposal_supported").count() == 1
    assert support.withdraw_support(olga, a) is True
    assert support.withdraw_support(olga, a) is False
    assert ProposalSupport.objects.filter(proposal=a).count() == 0
    assert AuditEntry.objects.filter(action="budgeting.support_withdrawn").count() == 1


def test_the_database_keeps_one_support_per_resident(world: World, scenario: Scenario) -> None:
    a = _a(scenario)
    support.support_proposal(world.user("owner"), a)
    with pytest.raises(IntegrityError), transaction.atomic():
        ProposalSupport.objects.create(
            community=world.harmony, proposal=a, user=world.user("owner"), created_at=timezone.now()
        )
    support.follow_proposal(world.user("owner"), a)
    with pytest.raises(IntegrityError), transaction.atomic():
        ProposalFollower.objects.create(
            community=world.harmony, proposal=a, user=world.user("owner"), created_at=timezone.now()
        )


def test_supports_are_not_votes(world: World, scenario: Scenario) -> None:
    a = _a(scenario)
    support.support_proposal(world.user("owner"), a)
    support.support_proposal(world.user("resident"), a)
    assert BudgetBallot.objects.count() == 0
    page = world_client(world, "owner").get(selectors.proposal_url(a)).content.decode()
    assert "2 residents support it" in page
    assert "They are not votes" in page


def test_the_proposer_staff_and_platform_staff_do_not_support(world: World, scenario: Scenario) -> None:
    a = _a(scenario)
    before = _state()
    with pytest.raises(ValidationError):
        support.support_proposal(scenario.voters["w"], a)  # the proposer
    for role in ("committee_staff", "enterprise_staff", "street_official", "platform_staff"):
        with pytest.raises(PermissionDenied):
            support.support_proposal(world.user(role), a)
    assert _state() == before


def test_supports_are_fixed_once_proposals_close(world: World, scenario: Scenario) -> None:
    a = _a(scenario)
    olga, rui = world.user("owner"), world.user("resident")
    support.support_proposal(olga, a)
    services.start_review(world.user("committee_staff"), scenario.cycle)
    a = _a(scenario)
    before = _state()
    with pytest.raises(ValidationError):
        support.support_proposal(rui, a)
    with pytest.raises(ValidationError):
        support.withdraw_support(olga, a)
    assert _state() == before


# --- following ------------------------------------------------------------------------------------------------


def test_followers_are_told_of_every_step_to_acceptance(
    world: World, scenario: Scenario, django_capture_on_commit_callbacks: Any
) -> None:
    staff, shu = world.user("committee_staff"), world.user("street_official")
    cycle = scenario.cycle
    for proposal in scenario.projects.values():
        support.follow_proposal(shu, proposal)
    with django_capture_on_commit_callbacks(execute=True):
        services.start_review(staff, cycle)
        for name, cost in (("A", 60), ("B", 40), ("C", 30)):
            proposal = scenario.projects[name]
            services.review_proposal(staff, proposal, eligible=True, reasons=[])
            scenario.projects[name] = services.cost_proposal(staff, proposal, cost=cost, note="Quote.")
        services.open_voting(staff, cycle, timezone.now() + timedelta(days=7))
        vote_table(scenario)
        services.close_cycle(staff, cycle, early=True)
        a = Proposal.objects.get(pk=scenario.projects["A"].pk)
        milestone = services.add_milestone(
            staff, a, {"title": "Order the parts", "due_on": timezone.localdate()}
        )
        services.complete_milestone(staff, milestone, timezone.localdate())
        services.accept_delivery(staff, a, timezone.localdate(), "Inspected by the committee.")
    a_url = selectors.proposal_url(a)
    told_a = list(
        Notification.objects.filter(recipient=shu, url=a_url, kind__startswith="budgeting.followed.")
        .order_by("pk")
        .values_list("kind", flat=True)
    )
    assert told_a == [
        "budgeting.followed.eligible",
        "budgeting.followed.costed",
        "budgeting.followed.voting_opened",
        "budgeting.followed.funded",
        "budgeting.followed.milestone_added",
        "budgeting.followed.milestone_done",
        "budgeting.followed.accepted",
    ]
    b_url = selectors.proposal_url(scenario.projects["B"])
    assert (
        Notification.objects.filter(recipient=shu, url=b_url, kind="budgeting.followed.not_funded").count()
        == 1
    )
    costed = Notification.objects.get(recipient=shu, url=a_url, kind="budgeting.followed.costed")
    assert costed.text == "“Project A”, which you follow, is costed at 60 yuan and on the ballot."


def test_the_proposer_following_is_told_of_the_review_once(
    world: World, scenario: Scenario, django_capture_on_commit_callbacks: Any
) -> None:
    rui = world.user("resident")
    c = scenario.projects["C"]
    support.follow_proposal(rui, c)
    with django_capture_on_commit_callbacks(execute=True):
        services.review_proposal(world.user("committee_staff"), c, eligible=True, reasons=[])
    assert list(Notification.objects.filter(recipient=rui).values_list("kind", flat=True)) == [
        "budgeting.reviewed"
    ]


def test_follow_twice_keeps_one_row_and_unfollow_removes_it(world: World, scenario: Scenario) -> None:
    a = _a(scenario)
    gao = world.user("grid_worker")
    support.follow_proposal(gao, a)
    support.follow_proposal(gao, a)
    assert ProposalFollower.objects.filter(proposal=a).count() == 1
    assert support.unfollow_proposal(gao, a) is True
    assert ProposalFollower.objects.filter(proposal=a).count() == 0


# --- comments -------------------------------------------------------------------------------------------------


def test_a_comment_is_plain_text_within_bounds(world: World, scenario: Scenario) -> None:
    a = _a(scenario)
    olga = world.user("owner")
    before = _state()
    for text in ("", " x ", "x" * (COMMENT_MAX_LENGTH + 1)):
        with pytest.raises(ValidationError) as refused:
            support.comment_on_proposal(olga, a, text)
        assert "text" in refused.value.message_dict
    assert _state() == before
    comment = support.comment_on_proposal(olga, a, "  <b>Good</b> idea  ")
    assert comment.text == "<b>Good</b> idea"
    page = world_client(world, "resident").get(selectors.proposal_url(a)).content.decode()
    assert "&lt;b&gt;Good&lt;/b&gt; idea" in page
    assert "<b>Good</b>" not in page


def test_hidden_comments_keep_their_text_for_the_author_and_show_the_reason_to_all(
    world: World, scenario: Scenario
) -> None:
    a = _a(scenario)
    comment = support.comment_on_proposal(world.user("owner"), a, "Call 13800001111 for the contractor")
    with pytest.raises(ValidationError):
        support.hide_comment(world.user("committee_staff"), comment, "  ")
    support.hide_comment(world.user("committee_staff"), comment, "A phone number is personal data.")
    for role, sees_text in (("owner", True), ("resident", False), ("committee_staff", True)):
        page = world_client(world, role).get(selectors.proposal_url(a)).content.decode()
        assert "A phone number is personal data." in page
        assert ("13800001111" in page) is sees_text
    assert "0 comments" in world_client(world, "resident").get(selectors.proposal_url(a)).content.decode()
    support.restore_comment(world.user("committee_staff"), comment)
    assert "13800001111" in world_client(world, "resident").get(selectors.proposal_url(a)).content.decode()
    actions = list(
        AuditEntry.objects.filter(action__startswith="budgeting.comment")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["budgeting.comment_added", "budgeting.comment_hidden", "budgeting.comment_restored"]


def test_a_refused_comment_comes_back_with_its_text_and_the_error(world: World, scenario: Scenario) -> None:
    a = _a(scenario)
    long = "很长的意见" * 500
    response = world_client(world, "owner").post(
        reverse("budget_support:comment", args=[world.harmony.pk, scenario.cycle.pk, a.pk]), {"text": long}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert long in html
    assert f"Keep it to {COMMENT_MAX_LENGTH} characters (it has 2500)." in html
    assert ProposalComment.objects.count() == 0


def test_the_cycle_list_shows_counts_in_a_fixed_number_of_queries(world: World, scenario: Scenario) -> None:
    a = _a(scenario)
    client = world_client(world, "committee_staff")
    url = reverse("budgeting:cycle", args=[world.harmony.pk, scenario.cycle.pk])
    client.get(url)  # the account and its roles are cached from the first page on: compare pages after it
    support.support_proposal(
        world.user("owner"), a
    )  # an audited write: the page's cached part is rendered again
    with CaptureQueriesContext(connection) as few:
        first = client.get(url)
    assert "1 support" in first.content.decode()
    assert "Close proposals and review" in first.content.decode()  # the managers' steps are worked out too
    for name in ("B", "C"):
        proposal = scenario.projects[name]
        support.comment_on_proposal(world.user("owner"), proposal, "Yes please")
        support.follow_proposal(world.user("grid_worker"), proposal)
    support.support_proposal(world.user("resident"), a)
    with CaptureQueriesContext(connection) as many:
        second = client.get(url)
    assert "2 supports" in second.content.decode()
    assert len(many) == len(few)


# --- pages: permission matrix ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", CAST)
def test_page_permission_matrix(world: World, client_for: Any, scenario: Scenario, role: str) -> None:
    a = _a(scenario)
    client = client_for(role)
    ids = [world.harmony.pk, scenario.cycle.pk, a.pk]
    page = client.get(selectors.proposal_url(a))
    assert page.status_code == (200 if role in SEES else 302 if role == "anonymous" else 403)

    def attempt(url: str, data: dict[str, str], allowed: set[str], changed: Any) -> None:
        before = _state()
        response = client.post(url, data)
        if role in allowed:
            assert response.status_code == 302, (url, response.status_code)
            assert changed()
        else:
            assert response.status_code in (302, 403)
            assert _state() == before

    attempt(
        reverse("budget_support:engage", args=[*ids, "support"]),
        {},
        SUPPORTERS,
        lambda: ProposalSupport.objects.filter(user=world.user(role)).exists(),
    )
    attempt(
        reverse("budget_support:engage", args=[*ids, "follow"]),
        {},
        SEES,
        lambda: ProposalFollower.objects.filter(user=world.user(role)).exists(),
    )
    attempt(
        reverse("budget_support:comment", args=ids),
        {"text": "A bench here would help."},
        COMMENTERS,
        lambda: ProposalComment.objects.filter(author=world.user(role)).exists(),
    )
    comment = support.comment_on_proposal(world.user("owner"), a, "Please hide me")
    attempt(
        reverse("budget_support:hide_comment", args=[*ids, comment.pk]),
        {"reason": "Off topic"},
        MODERATORS,
        lambda: ProposalComment.objects.filter(pk=comment.pk, hidden_at__isnull=False).exists(),
    )


# --- API ------------------------------------------------------------------------------------------------------


def test_the_api_supports_follows_comments_and_hides(
    world: World, client_for: Any, scenario: Scenario
) -> None:
    a = _a(scenario)
    ids = [world.harmony.pk, scenario.cycle.pk, a.pk]
    olga = client_for("owner")
    assert olga.put(reverse("api-proposal-support", args=ids)).status_code == 200
    body = olga.put(reverse("api-proposal-support", args=ids)).json()
    assert body == {
        "support_count": 1,
        "comment_count": 0,
        "follower_count": 0,
        "supported": True,
        "following": False,
    }
    assert olga.put(reverse("api-proposal-follow", args=ids)).json()["following"] is True
    posted = olga.post(
        reverse("api-proposal-comments", args=ids), {"text": "Needed"}, content_type="application/json"
    )
    assert posted.status_code == 201
    assert posted.json()["text"] == "Needed"
    assert posted.json()["signed"] == "You"
    too_long = olga.post(
        reverse("api-proposal-comments", args=ids), {"text": "x" * 2001}, content_type="application/json"
    )
    assert too_long.status_code == 400
    assert "text" in too_long.json()
    staff = client_for("committee_staff")
    hidden = staff.put(
        reverse("api-proposal-comment-hidden", args=[*ids, posted.json()["id"]]),
        {"reason": "Duplicate"},
        content_type="application/json",
    )
    assert hidden.json()["hidden"] is True
    rui = client_for("resident")
    listed = rui.get(reverse("api-proposal-comments", args=ids)).json()
    assert listed == [
        {
            "id": posted.json()["id"],
            "signed": "A resident",
            "mine": False,
            "text": None,
            "created_at": listed[0]["created_at"],
            "hidden": True,
            "hidden_reason": "Duplicate",
        }
    ]


@pytest.mark.parametrize("role", CAST)
def test_api_permission_matrix(world: World, client_for: Any, scenario: Scenario, role: str) -> None:
    a = _a(scenario)
    ids = [world.harmony.pk, scenario.cycle.pk, a.pk]
    client = client_for(role)
    for name in ("api-proposal-support", "api-proposal-follow", "api-proposal-comments"):
        assert client.get(reverse(name, args=ids)).status_code == (200 if role in SEES else 403)
    for name, allowed in (("api-proposal-support", SUPPORTERS), ("api-proposal-follow", SEES)):
        before = _state()
        response = client.put(reverse(name, args=ids))
        if role in allowed:
            assert response.status_code == 200
        else:
            assert response.status_code == 403
            assert _state() == before
    before = _state()
    response = client.post(
        reverse("api-proposal-comments", args=ids), {"text": "Hi there"}, content_type="application/json"
    )
    assert response.status_code == (201 if role in COMMENTERS else 403)
    if role not in COMMENTERS:
        assert _state() == before
    comment = support.comment_on_proposal(world.user("owner"), a, "Hide me")
    before = _state()
    response = client.put(
        reverse("api-proposal-comment-hidden", args=[*ids, comment.pk]),
        {"reason": "Off topic"},
        content_type="application/json",
    )
    assert response.status_code == (200 if role in MODERATORS else 403)
    if role not in MODERATORS:
        assert _state() == before


def test_the_schema_describes_the_support_endpoints(client_for: Any) -> None:
    schema = client_for("resident").get(reverse("api-schema"), {"format": "json"}).json()
    base = "/api/v1/communities/{community_id}/budgets/{cycle_id}/proposals/{proposal_id}/"
    assert set(schema["paths"][base + "support/"]) >= {"get", "put", "delete"}
    assert set(schema["paths"][base + "comments/"]) >= {"get", "post"}
    assert set(schema["paths"][base + "comments/{comment_id}/hidden/"]) >= {"put", "delete"}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simultaneous_support_clicks_leave_one_row(world: World) -> None:
    scenario = make_cycle(world, stage="proposing")
    a = scenario.projects["A"]
    services.review_proposal(world.user("committee_staff"), a, eligible=True, reasons=[])
    a = Proposal.objects.select_related("cycle__community").get(pk=a.pk)
    olga = world.user("owner")
    errors: list[BaseException] = []

    def click(barrier: threading.Barrier | None) -> None:
        try:
            if barrier is not None:
                barrier.wait(timeout=10)
            support.support_proposal(olga, a)
            support.follow_proposal(olga, a)
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
    assert ProposalSupport.objects.filter(proposal=a, user=olga).count() == 1
    assert ProposalFollower.objects.filter(proposal=a, user=olga).count() == 1
