"""The remaining create forms are safe to send twice (issue 13, point 2): a budget proposal, a new budget cycle, a
new fund and a ledger entry, a new consultation and a statement added to one (a step posted to the consultation's
page). Sending the same form again — back and send, a double click — creates nothing new and lands on the first
one with a word; a form that comes back with a mistake can be corrected and sent with the same token.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from comity.appeals.models import ReplyTemplate
from comity.budgeting.models import Cycle, Fund, LedgerEntry, Milestone, Proposal
from comity.consultations.models import Consultation, DecisionDraft, Statement, Vote
from comity.decisions.models import Decision, Elector, Mediation, Objection
from comity.foundation import idempotency
from comity.foundation.idempotency import TOKEN_FIELD, claim

from ..cast import World
from .budgeting import make_cycle, make_fund
from .consultations import make_consultation
from .decisions import make_decision, make_estate
from .test_consultations_report import town  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db

ALREADY_SENT = "This was already sent: here it is."


@dataclass
class Form:
    """A create form of the pages: who sends it, where, what, and what it creates."""

    role: str
    url: str
    data: dict[str, Any]
    wrong: dict[str, Any]  # what makes the form come back with a mistake
    rows: Callable[[], int]
    scope: str


def _proposal(world: World) -> Form:
    cycle = make_cycle(world, stage="proposing").cycle
    district = cycle.districts.get()
    return Form(
        "resident",
        reverse("budgeting:propose", args=[world.harmony.pk, cycle.pk]),
        {"title": "Shade", "description": "Plant trees.", "district": district.pk, "estimated_cost": "30"},
        {"estimated_cost": "99999999999"},
        lambda: Proposal.objects.filter(title="Shade").count(),
        f"budgeting.propose:{sorted({'community_id': world.harmony.pk, 'cycle_id': cycle.pk}.items())}",
    )


def _cycle(world: World) -> Form:
    return Form(
        "committee_staff",
        reverse("budgeting:cycle_new", args=[world.harmony.pk]),
        {"title": "2027", "ballot_kind": "approval", "points": "10", "rule": "mes-add1", "budget": "5000"},
        {"budget": "-3"},
        Cycle.objects.count,
        f"budgeting.cycle_new:{[('community_id', world.harmony.pk)]}",
    )


def _fund(world: World) -> Form:
    return Form(
        "committee_staff",
        reverse("budgeting:funds", args=[world.harmony.pk]),
        {"name": "Second", "year": "2027", "fixed": "1000", "per_100": "15", "residents": "200"},
        {"per_100": "-1"},
        Fund.objects.count,
        f"budgeting.fund_new:{[('community_id', world.harmony.pk)]}",
    )


def _entry(world: World) -> Form:
    fund = make_fund(world)
    return Form(
        "committee_staff",
        reverse("budgeting:fund", args=[world.harmony.pk, fund.pk]),
        {
            "kind": "income",
            "source": "donation",
            "amount": "120.50",
            "occurred_on": "2026-05-01",
            "description": "Donation from the bakery",
        },
        {"amount": "0"},
        lambda: LedgerEntry.objects.filter(description="Donation from the bakery").count(),
        f"budgeting.entry_new:{sorted({'community_id': world.harmony.pk, 'fund_id': fund.pk}.items())}",
    )


def _consultation(world: World) -> Form:
    now = timezone.localtime()
    return Form(
        "committee_staff",
        reverse("consultations:new", args=[world.harmony.pk]),
        {
            "title": "Bike shed",
            "question": "Should we build a new bike shed?",
            "background": "",
            "opens_at": (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (now + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M"),
            "allow_statements": "on",
            "group_count": "",
            "seed_statements": "Yes, by building 1.",
        },
        {"group_count": "1"},
        lambda: Consultation.objects.filter(title="Bike shed").count(),
        f"consultations.new:{[('community_id', world.harmony.pk)]}",
    )


def _statement(world: World) -> Form:
    consultation = make_consultation(world)
    return Form(
        "resident",
        reverse("consultations:detail", args=[world.harmony.pk, consultation.pk]),
        {"step": "statement", "text": "Plant two trees by the gate."},
        {"text": ""},
        lambda: Statement.objects.filter(text="Plant two trees by the gate.").count(),
        f"consultations.statement:{consultation.pk}",
    )


def _draft(world: World) -> Form:
    consultation = make_consultation(world)
    return Form(
        "committee_staff",
        reverse("consultations:drafts", args=[world.harmony.pk, consultation.pk]),
        {"title": "Benches", "body": "Buy four.", "statements": ["0"]},
        {"statements": ["0", "7"]},
        lambda: DecisionDraft.objects.filter(title="Benches").count(),
        f"consultations.draft:{consultation.pk}",
    )


def _milestone(world: World) -> Form:
    scenario = make_cycle(world, stage="closed")
    proposal = Proposal.objects.get(pk=scenario.projects["A"].pk)
    return Form(
        "committee_staff",
        reverse("budgeting:proposal", args=[world.harmony.pk, scenario.cycle.pk, proposal.pk]),
        {"step": "milestone_add", "title": "Swings delivered", "due_on": "2027-06-01", "note": ""},
        {"due_on": "not a date"},
        lambda: Milestone.objects.filter(proposal=proposal, title="Swings delivered").count(),
        f"budgeting.proposal_step:{proposal.pk}",
    )


def _reply_template(world: World) -> Form:
    return Form(
        "committee_staff",
        reverse("appeal_settings:template_new", args=[world.harmony.pk]),
        {"title": "Lift repaired", "text": "The lift was repaired today.", "subject": ""},
        {"text": ""},
        lambda: ReplyTemplate.objects.filter(title="Lift repaired").count(),
        f"appeals.template_new:{[('community_id', world.harmony.pk)]}",
    )


FORMS = {
    "a budget proposal": _proposal,
    "a budget cycle": _cycle,
    "a fund": _fund,
    "a ledger entry": _entry,
    "a milestone": _milestone,
    "a consultation": _consultation,
    "a statement": _statement,
    "a decision draft": _draft,
    "a reply template": _reply_template,
}


def _token(client: Any, url: str) -> str:
    page = client.get(url)
    assert page.status_code == 200
    found = re.search(rf'name="{TOKEN_FIELD}" value="([^"]+)"', page.content.decode())
    assert found is not None, url
    return found.group(1)


def _said(response: Any) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.mark.parametrize("make", FORMS.values(), ids=FORMS.keys())
def test_sending_a_create_form_again_with_its_token_creates_nothing_and_lands_on_the_first(
    make: Callable[[World], Form], world: World, client_for: Any
) -> None:
    form = make(world)
    client = client_for(form.role)
    token = _token(client, form.url)
    first = client.post(form.url, {**form.data, TOKEN_FIELD: token})
    assert first.status_code == 302, first.content.decode()[-2000:]
    assert form.rows() == 1

    again = client.post(form.url, {**form.data, TOKEN_FIELD: token})
    assert again.status_code == 302
    assert again["Location"] == first["Location"]
    assert ALREADY_SENT in _said(again)
    assert form.rows() == 1


@pytest.mark.parametrize("make", FORMS.values(), ids=FORMS.keys())
def test_the_same_content_sent_again_from_a_form_fetched_anew_creates_nothing(
    make: Callable[[World], Form], world: World, client_for: Any
) -> None:
    """Going back, a browser may fetch the form again (a new token) and fill in what was typed."""
    form = make(world)
    client = client_for(form.role)
    first = client.post(form.url, {**form.data, TOKEN_FIELD: _token(client, form.url)})
    again = client.post(form.url, {**form.data, TOKEN_FIELD: _token(client, form.url)})
    assert first.status_code == again.status_code == 302
    assert again["Location"] == first["Location"]
    assert ALREADY_SENT in _said(again)
    assert form.rows() == 1


@pytest.mark.parametrize("make", FORMS.values(), ids=FORMS.keys())
def test_a_form_with_a_mistake_releases_its_token_for_the_corrected_form(
    make: Callable[[World], Form], world: World, client_for: Any
) -> None:
    form = make(world)
    client = client_for(form.role)
    token = _token(client, form.url)
    wrong = client.post(form.url, {**form.data, **form.wrong, TOKEN_FIELD: token})
    assert wrong.status_code in {200, 400}
    assert f'name="{TOKEN_FIELD}" value="{token}"' in wrong.content.decode()  # shown again with its token
    assert form.rows() == 0
    right = client.post(form.url, {**form.data, TOKEN_FIELD: token})
    assert right.status_code == 302
    assert ALREADY_SENT not in _said(right)
    assert form.rows() == 1


@pytest.mark.parametrize("make", FORMS.values(), ids=FORMS.keys())
def test_a_double_click_racing_the_first_sending_creates_nothing(
    make: Callable[[World], Form], world: World, client_for: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(idempotency, "PENDING_WAIT_SECONDS", 0.0)
    form = make(world)
    client = client_for(form.role)
    token = _token(client, form.url)
    claim(world.user(form.role), token, scope=form.scope)  # the first click is still being handled
    second = client.post(form.url, {**form.data, TOKEN_FIELD: token})
    assert second.status_code == 302
    assert ALREADY_SENT in _said(second)
    assert form.rows() == 0


def test_a_statement_sent_again_through_the_older_address_is_the_same_statement(
    world: World, client_for: Any
) -> None:
    form = _statement(world)
    client = client_for(form.role)
    token = _token(client, form.url)
    first = client.post(form.url, {**form.data, TOKEN_FIELD: token})
    consultation = Consultation.objects.get()
    older = reverse("consultations:add_statement", args=[world.harmony.pk, consultation.pk])
    again = client.post(older, {"text": form.data["text"], TOKEN_FIELD: token})
    assert again.status_code == 302
    assert again["Location"] == first["Location"]
    assert form.rows() == 1


def test_a_vote_on_the_consultation_page_is_not_taken_for_a_statement_sent_again(
    world: World, client_for: Any
) -> None:
    form = _statement(world)
    client = client_for(form.role)
    client.post(form.url, {**form.data, TOKEN_FIELD: _token(client, form.url)})
    consultation = Consultation.objects.get()
    statement = consultation.statements.exclude(text=form.data["text"]).first()
    assert statement is not None
    voted = client.post(form.url, {"step": "vote", "statement": statement.pk, "value": "1"})
    assert voted.status_code == 302
    assert ALREADY_SENT not in _said(voted)
    assert Vote.objects.filter(statement=statement).count() == 1


def test_two_different_statements_are_two_statements(world: World, client_for: Any) -> None:
    form = _statement(world)
    client = client_for(form.role)
    client.post(form.url, {**form.data, TOKEN_FIELD: _token(client, form.url)})
    other = client.post(
        form.url, {"step": "statement", "text": "A bench too.", TOKEN_FIELD: _token(client, form.url)}
    )
    assert other.status_code == 302
    assert ALREADY_SENT not in _said(other)
    assert Statement.objects.filter(text__in=[form.data["text"], "A bench too."]).count() == 2


def test_a_decision_draft_from_the_report_sent_again_is_one_draft(
    town: dict[str, Any],  # noqa: F811  (the report tests' fixture, imported above)
    world: World,
    client_for: Any,
) -> None:
    consultation = town["consultation"]
    client = client_for("committee_staff")
    url = reverse("consultations:report", args=[world.harmony.pk, consultation.pk])
    token = _token(client, url)
    data = {"step": "draft", "title": "Lights and meetings", "statements": ["3", "4"], TOKEN_FIELD: token}
    wrong = client.post(url, {**data, "title": ""})
    assert wrong.status_code == 400
    assert f'name="{TOKEN_FIELD}" value="{token}"' in wrong.content.decode()
    first = client.post(url, data)
    again = client.post(url, data)
    assert first.status_code == again.status_code == 302
    assert again["Location"] == first["Location"]
    assert ALREADY_SENT in _said(again)
    assert DecisionDraft.objects.filter(consultation=consultation).count() == 1


# --- objections and mediations on a decision's page ----------------------------------------------------------


def _decision_url(decision: Decision) -> str:
    return reverse("decisions:detail", args=[decision.community_id, decision.pk])


def _as(client: Any, user: Any) -> Any:
    client.logout()
    client.force_login(user)
    return client


def test_an_objection_sent_twice_is_one_objection_and_a_corrected_one_goes_through(
    world: World, client: Any
) -> None:
    estate = make_estate(world)
    decision = make_decision(world, estate)
    owner = estate.owners["302"]
    elector = Elector.objects.get(decision=decision, persons__user=owner)
    url = _decision_url(decision)
    token = _token(_as(client, owner), url)
    data = {"step": "objection", "objection-elector": elector.pk, "objection-text": "It takes my light."}
    wrong = client.post(url, {**data, "objection-text": "", TOKEN_FIELD: token})
    assert wrong.status_code == 400
    assert Objection.objects.count() == 0
    first = client.post(url, {**data, TOKEN_FIELD: token})
    again = client.post(url, {**data, TOKEN_FIELD: token})
    anew = client.post(url, {**data, TOKEN_FIELD: _token(client, url)})  # back: the page fetched anew
    assert first.status_code == again.status_code == anew.status_code == 302
    assert again["Location"] == anew["Location"] == first["Location"]
    assert ALREADY_SENT in _said(anew)
    assert Objection.objects.count() == 1


def test_a_mediation_recorded_twice_is_one_mediation(world: World, client: Any) -> None:
    estate = make_estate(world)
    decision = make_decision(world, estate)
    owner = estate.owners["302"]
    objection = Objection.objects.create(
        community=decision.community,
        decision=decision,
        elector=Elector.objects.get(decision=decision, persons__user=owner),
        author=owner,
        text="It takes my light.",
    )
    url = _decision_url(decision)
    token = _token(_as(client, world.user("committee_staff")), url)
    data = {
        "step": "mediation",
        "objection": objection.pk,
        "held_on": timezone.localdate().isoformat(),
        "attendees": "Chen, Owner302",
        "record": "The shaft moves 40 cm east.",
        "outcome": "agreed",
        TOKEN_FIELD: token,
    }
    first = client.post(url, data)
    again = client.post(url, data)
    assert first.status_code == again.status_code == 302
    assert again["Location"] == first["Location"]
    assert ALREADY_SENT in _said(again)
    assert Mediation.objects.count() == 1
