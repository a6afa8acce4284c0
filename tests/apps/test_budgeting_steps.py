"""Every staff and resident step of a budget cycle on its page: a mistake is shown on its field with what was typed
kept; a step the state refuses is not offered, and if posted anyway is refused with a redirect (so a reload never
posts again); a GET of a step's own URL leads to its page."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from comity.budgeting import services
from comity.budgeting.models import Cycle, CycleStatus, Milestone, Proposal, ProposalStatus

from ..cast import World
from .budgeting import Scenario, make_cycle
from .test_budgeting_permissions import snapshot

pytestmark = pytest.mark.django_db


def _url(name: str, cycle: Cycle, *extra: Any) -> str:
    return reverse(f"budgeting:{name}", args=[cycle.community_id, cycle.pk, *extra])


def _field(html: str, name: str) -> str:
    """The HTML of the form field block holding the input named ``name``."""
    blocks = [b for b in html.split('<div class="form-field') if f'name="{name}"' in b]
    assert len(blocks) == 1, f"{len(blocks)} fields named {name}"
    return blocks[0]


def _banner(html: str) -> str:
    match = re.search(r'<ul class="messages">(.*?)</ul>', html, re.S)
    return match.group(1) if match else ""


def _eligible(world: World) -> tuple[Scenario, Proposal]:
    scenario = make_cycle(world, stage="proposing")
    a = services.review_proposal(
        world.user("committee_staff"), scenario.projects["A"], eligible=True, reasons=[]
    )
    return scenario, a


# --- review and costing ---------------------------------------------------------------------------------------


def test_a_cost_without_its_note_is_shown_again_with_the_typed_cost_and_the_error_on_the_note(
    world: World, client_for: Any
) -> None:
    scenario, a = _eligible(world)
    client = client_for("committee_staff")
    before = snapshot()
    page = _url("proposal", scenario.cycle, a.pk)
    response = client.post(page, {"step": "cost", "cost": "75", "costing_note": ""})
    assert response.status_code == 400
    html = response.content.decode()
    note = _field(html, "costing_note")
    assert note.startswith(" field-error")
    assert "Say how the cost was worked out (a quote, a survey)." in note
    assert 'value="75"' in _field(html, "cost")  # what was typed, not the proposer's estimate of 60
    assert _banner(html) == ""
    assert snapshot() == before
    response = client.post(page, {"step": "cost", "cost": "75", "costing_note": "Two quotes."})
    assert response.status_code == 302
    assert response["Location"] == page + "#costing"
    a.refresh_from_db()
    assert (a.cost, a.status) == (75, ProposalStatus.ON_BALLOT)


def test_a_cost_over_the_districts_budget_is_refused_on_the_cost_field_with_the_note_kept(
    world: World, client_for: Any
) -> None:
    scenario, a = _eligible(world)
    response = client_for("committee_staff").post(
        _url("proposal", scenario.cycle, a.pk),
        {"step": "cost", "cost": "150", "costing_note": "The contractor's quote."},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "That is more than the district&#x27;s whole budget of 100 yuan." in _field(html, "cost")
    assert 'value="150"' in _field(html, "cost")
    assert "The contractor&#x27;s quote." in _field(html, "costing_note")
    a.refresh_from_db()
    assert a.cost is None


@pytest.mark.parametrize(
    ("typed", "error"), [("0", "Give at least 1 yuan."), ("-5", "Give at least 1 yuan.")]
)
def test_a_cost_of_nothing_is_refused_on_its_field(
    world: World, client_for: Any, typed: str, error: str
) -> None:
    scenario, a = _eligible(world)
    response = client_for("committee_staff").post(
        _url("cost", scenario.cycle, a.pk), {"cost": typed, "costing_note": "Quote."}
    )
    assert response.status_code == 400
    assert error in _field(response.content.decode(), "cost")
    assert f'value="{typed}"' in _field(response.content.decode(), "cost")


def test_a_review_without_a_verdict_names_the_verdict_and_keeps_the_note_and_reasons(
    world: World, client_for: Any
) -> None:
    scenario = make_cycle(world, stage="proposing")
    b = scenario.projects["B"]
    before = snapshot()
    response = client_for("committee_staff").post(
        _url("proposal", scenario.cycle, b.pk),
        {"step": "review", "reasons": ["private"], "note": "Only the shop gains."},
    )
    assert response.status_code == 400
    html = response.content.decode()
    verdict = _field(html, "eligible")
    assert verdict.startswith(" field-error")
    assert "Choose a verdict: eligible or not eligible." in verdict
    assert _banner(html) == ""
    assert re.search(r'value="private"[^>]*checked', _field(html, "reasons"))
    assert "Only the shop gains." in _field(html, "note")
    assert snapshot() == before


def test_a_review_refused_by_the_service_puts_the_reason_on_the_reasons_field(
    world: World, client_for: Any
) -> None:
    scenario = make_cycle(world, stage="proposing")
    b = scenario.projects["B"]
    response = client_for("committee_staff").post(
        _url("review", scenario.cycle, b.pk), {"eligible": "no", "note": "Not for us."}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Say which item of the negative list rules it out." in _field(html, "reasons")
    assert re.search(r'value="no"[^>]*checked', _field(html, "eligible"))


def test_the_review_and_cost_forms_are_not_offered_once_voting_opened(world: World, client_for: Any) -> None:
    scenario = make_cycle(world, stage="voting")
    a = scenario.projects["A"]
    client = client_for("committee_staff")
    html = client.get(_url("proposal", scenario.cycle, a.pk)).content.decode()
    assert 'name="costing_note"' not in html
    assert 'name="reasons"' not in html
    before = snapshot()
    response = client.post(
        _url("proposal", scenario.cycle, a.pk), {"step": "cost", "cost": "10", "costing_note": "Late."}
    )
    assert response.status_code == 302
    assert response["Location"] == _url("proposal", scenario.cycle, a.pk)
    assert snapshot() == before
    page = client.get(response["Location"]).content.decode()
    assert "That step is not possible at this stage." in _banner(page)


# --- a GET of a step's URL ------------------------------------------------------------------------------------

CYCLE_STEP_URLS = ["open_proposals", "start_review", "open_voting", "close", "cancel", "district_add"]
PROPOSAL_STEP_URLS = ["review", "cost", "withdraw", "milestone_add", "accept"]


@pytest.mark.parametrize("name", CYCLE_STEP_URLS)
def test_a_get_of_a_cycle_steps_url_leads_to_the_cycle(world: World, client_for: Any, name: str) -> None:
    scenario = make_cycle(world, stage="voting")
    response = client_for("committee_staff").get(_url(name, scenario.cycle))
    assert response.status_code == 302
    assert response["Location"].startswith(_url("cycle", scenario.cycle) + "#")


@pytest.mark.parametrize("name", PROPOSAL_STEP_URLS)
def test_a_get_of_a_proposal_steps_url_leads_to_the_proposal(
    world: World, client_for: Any, name: str
) -> None:
    scenario = make_cycle(world, stage="closed")
    c = scenario.projects["C"]
    response = client_for("resident").get(_url(name, scenario.cycle, c.pk))
    assert response.status_code == 302
    assert response["Location"].startswith(_url("proposal", scenario.cycle, c.pk))


def test_a_get_of_a_milestones_done_url_leads_to_the_proposal(world: World, client_for: Any) -> None:
    scenario = make_cycle(world, stage="closed")
    c = scenario.projects["C"]
    milestone = services.add_milestone(
        world.user("committee_staff"), c, {"title": "Order", "due_on": timezone.localdate()}
    )
    response = client_for("committee_staff").get(_url("milestone_done", scenario.cycle, c.pk, milestone.pk))
    assert response.status_code == 302
    assert response["Location"] == _url("proposal", scenario.cycle, c.pk) + "#delivery"


# --- running the cycle ----------------------------------------------------------------------------------------


def test_voting_is_not_offered_while_proposals_await_costing_and_a_stale_post_is_refused_by_redirect(
    world: World, client_for: Any
) -> None:
    scenario = make_cycle(world, stage="proposing")
    staff = world.user("committee_staff")
    services.start_review(staff, scenario.cycle)
    client = client_for("committee_staff")
    html = client.get(_url("cycle", scenario.cycle)).content.decode()
    assert 'name="voting_closes_at"' not in html
    assert "Voting can open once:" in html
    assert "3 proposals still await review or costing." in html
    before = snapshot()
    later = timezone.localtime(timezone.now() + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(_url("cycle", scenario.cycle), {"step": "open_voting", "voting_closes_at": later})
    assert response.status_code == 302
    assert response["Location"] == _url("cycle", scenario.cycle)
    assert snapshot() == before
    # Reloading is a GET of the cycle's page: nothing is posted again.
    assert client.get(response["Location"]).status_code == 200


def test_opening_voting_without_a_closing_time_names_the_field(world: World, client_for: Any) -> None:
    scenario = make_cycle(world, stage="reviewing")
    response = client_for("committee_staff").post(
        _url("open_voting", scenario.cycle), {"voting_closes_at": ""}
    )
    assert response.status_code == 400
    assert "Give the time voting closes." in _field(response.content.decode(), "voting_closes_at")
    assert Cycle.objects.get(pk=scenario.cycle.pk).status == CycleStatus.REVIEWING


def test_closing_while_voting_runs_needs_the_early_close_confirmed_on_its_field(
    world: World, client_for: Any
) -> None:
    scenario = make_cycle(world, stage="voted")
    client = client_for("committee_staff")
    html = client.get(_url("cycle", scenario.cycle)).content.decode()
    assert "Close voting early and fund the projects" in html
    assert "Close now, before the planned time" in _field(html, "early")
    before = snapshot()
    response = client.post(_url("cycle", scenario.cycle), {"step": "close"})
    assert response.status_code == 400
    assert "Tick this box to close voting before its planned time." in _field(
        response.content.decode(), "early"
    )
    assert snapshot() == before
    response = client.post(_url("cycle", scenario.cycle), {"step": "close", "early": "on"})
    assert response.status_code == 302
    assert response["Location"] == _url("results", scenario.cycle)
    assert Cycle.objects.get(pk=scenario.cycle.pk).status == CycleStatus.CLOSED


def test_closing_after_the_planned_time_needs_no_confirmation(world: World, client_for: Any) -> None:
    scenario = make_cycle(world, stage="voted")
    Cycle.objects.filter(pk=scenario.cycle.pk).update(voting_closes_at=timezone.now() - timedelta(minutes=1))
    client = client_for("committee_staff")
    html = client.get(_url("cycle", scenario.cycle)).content.decode()
    assert 'name="early"' not in html
    assert "The voting time is over." in html
    assert client.post(_url("cycle", scenario.cycle), {"step": "close"}).status_code == 302
    assert Cycle.objects.get(pk=scenario.cycle.pk).status == CycleStatus.CLOSED


def test_cancelling_needs_its_box_ticked(world: World, client_for: Any) -> None:
    scenario = make_cycle(world, stage="voting")
    client = client_for("committee_staff")
    response = client.post(_url("cycle", scenario.cycle), {"step": "cancel"})
    assert response.status_code == 400
    assert "Tick this box to cancel the cycle." in _field(response.content.decode(), "confirm")
    assert Cycle.objects.get(pk=scenario.cycle.pk).status == CycleStatus.VOTING


def test_a_district_with_a_mistake_is_shown_again_with_what_was_typed(world: World, client_for: Any) -> None:
    scenario = make_cycle(world, stage="draft")
    response = client_for("committee_staff").post(
        _url("cycle", scenario.cycle), {"step": "district_add", "name": "East", "budget": "0"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Give at least 1 yuan." in _field(html, "budget")
    assert 'value="East"' in _field(html, "name")
    assert scenario.cycle.districts.count() == 1


def test_a_district_budget_over_the_fund_is_refused_on_its_field(world: World, client_for: Any) -> None:
    scenario = make_cycle(world, stage="draft")  # the fund holds 500 yuan; the whole community takes 100
    response = client_for("committee_staff").post(
        _url("district_add", scenario.cycle), {"name": "East", "budget": "401"}
    )
    assert response.status_code == 400
    budget = _field(response.content.decode(), "budget")
    assert "has 500.00 yuan not yet allocated; with this district the cycle would need 501.00 yuan." in budget
    assert 'value="401"' in budget
    assert (
        client_for("committee_staff")
        .post(_url("district_add", scenario.cycle), {"name": "East", "budget": "400"})
        .status_code
        == 302
    )


# --- delivery -------------------------------------------------------------------------------------------------


def test_a_milestone_done_in_the_future_is_refused_on_that_milestones_field(
    world: World, client_for: Any
) -> None:
    scenario = make_cycle(world, stage="closed")
    c = scenario.projects["C"]
    staff = world.user("committee_staff")
    first = services.add_milestone(staff, c, {"title": "Order", "due_on": timezone.localdate()})
    second = services.add_milestone(staff, c, {"title": "Fit", "due_on": timezone.localdate()})
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    client = client_for("committee_staff")
    page = _url("proposal", scenario.cycle, c.pk)
    html = client.get(page).content.decode()
    assert html.count('name="done_on"') == 2
    assert f'id="id_done{first.pk}_done_on"' in html
    assert f'id="id_done{second.pk}_done_on"' in html
    assert "Accept the delivery" not in html  # two milestones are open
    response = client.post(page, {"step": f"done-{second.pk}", "done_on": tomorrow, "note": "Fitted."})
    assert response.status_code == 400
    html = response.content.decode()
    assert "A milestone cannot be done in the future." in html
    form = html.split(f'id="milestone-{second.pk}"')[1].split("</form>")[0]
    assert f'value="{tomorrow}"' in form
    assert 'value="Fitted."' in form
    assert not Milestone.objects.filter(done_on__isnull=False).exists()


def test_acceptance_is_offered_once_every_milestone_is_done(world: World, client_for: Any) -> None:
    scenario = make_cycle(world, stage="closed")
    c = scenario.projects["C"]
    staff = world.user("committee_staff")
    milestone = services.add_milestone(staff, c, {"title": "Order", "due_on": timezone.localdate()})
    client = client_for("committee_staff")
    page = _url("proposal", scenario.cycle, c.pk)
    response = client.post(
        page, {"step": "accept", "accepted_on": timezone.localdate(), "acceptance_note": "ok"}
    )
    assert response.status_code == 302
    assert Proposal.objects.get(pk=c.pk).status == ProposalStatus.FUNDED
    services.complete_milestone(staff, milestone, timezone.localdate())
    html = client.get(page).content.decode()
    assert "Accept the delivery" in html
    response = client.post(
        page, {"step": "accept", "accepted_on": timezone.localdate(), "acceptance_note": " "}
    )
    assert response.status_code == 400
    assert "Say who inspected the work and what they found." in _field(
        response.content.decode(), "acceptance_note"
    )


def test_a_rating_without_stars_names_the_field_and_keeps_the_comment(world: World, client_for: Any) -> None:
    scenario = make_cycle(world, stage="closed")
    c = scenario.projects["C"]
    staff = world.user("committee_staff")
    services.accept_delivery(staff, c, timezone.localdate(), "Inspected.")
    response = client_for("resident").post(
        _url("proposal", scenario.cycle, c.pk), {"step": "rate", "comment": "The lamps are bright."}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Give one to five stars." in _field(html, "stars")
    assert "The lamps are bright." in _field(html, "comment")


def test_an_ineligible_proposal_cannot_be_withdrawn(world: World) -> None:
    scenario = make_cycle(world, stage="proposing")
    c = scenario.projects["C"]
    services.review_proposal(world.user("committee_staff"), c, eligible=False, reasons=["private"])
    with pytest.raises(ValidationError, match="can no longer be withdrawn"):
        services.withdraw_proposal(world.user("resident"), c)
