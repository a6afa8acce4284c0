"""What the report says in words when few have voted: a statement with one vote is not "what most participants
disagree with", and a statement's or a group's figures under the minimum number of votes read "Too few votes yet
to say" instead of a percentage. The Pol.is-compatible figures themselves stay as computed."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from comity.consultations import computing, services
from comity.consultations.models import Analysis, Consultation
from comity.consultations.report.page import MIN_VOTES_TO_SAY, build_report, draft_body

from ..cast import World
from ..factories import HouseholdFactory, PersonFactory, UnitFactory, UserFactory
from .consultations import make_consultation, synthetic_report

pytestmark = pytest.mark.django_db

STATEMENTS = (
    "More parking spaces in the courtyard.",
    "Turn the courtyard into a garden.",
    "Keep cars out of the courtyard at night.",
    "Repair the broken street lights.",
    "Hold a residents' meeting every month.",
    "Ban square dancing entirely.",
    "Charge for parking.",
)
EAST = {0: 1, 1: -1, 2: -1, 3: 1, 4: 1, 5: -1, 6: -1}
WEST = {0: -1, 1: 1, 2: 1, 3: 1, 4: 1, 5: -1, 6: 1}
NEWCOMER = "Move the bins behind building 2."


def _url(name: str, consultation: Consultation) -> str:
    return reverse(f"consultations:{name}", args=[consultation.community_id, consultation.pk])


def _voter(world: World, username: str) -> Any:
    user = UserFactory(username=username)
    PersonFactory(
        user=user,
        community=world.harmony,
        household=HouseholdFactory(unit=UnitFactory(building=world.building)),
        full_name=username.title(),
        birth_year=timezone.localdate().year - 40,
    )
    return user


def _words(response: Any) -> str:
    assert response.status_code == 200
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.fixture
def newcomer(world: World) -> Consultation:
    """Two camps of six who voted on everything; then a newcomer adds a statement and one other votes against."""
    consultation = make_consultation(world, seed_statements=list(STATEMENTS))
    for camp, votes in (("east", EAST), ("west", WEST)):
        for i in range(6):
            user = _voter(world, f"{camp}{i}")
            for statement in consultation.statements.order_by("number"):
                services.cast_vote(user, statement, votes[statement.number])
    statement = services.add_statement(world.user("resident"), consultation, NEWCOMER)
    services.cast_vote(world.user("owner"), statement, -1)
    computing.compute_analysis(consultation.pk)
    return consultation


def test_one_vote_against_a_new_statement_is_not_what_most_participants_disagree_with(
    newcomer: Consultation, client_for: Any
) -> None:
    report = Analysis.objects.get(consultation=newcomer).report
    number = newcomer.statements.get(text=NEWCOMER).number
    # The Pol.is mathematics, unchanged, does list it: (1 + 1)/(1 + 2) = 67 % with a p-test of 1.41 > 1.28.
    lone = next(e for e in report["consensus"]["disagree"] if e["statement"] == number)
    assert (lone["successes"], lone["seen"]) == (1, 1)
    page = build_report(
        newcomer, Analysis.objects.get(consultation=newcomer), viewer_id=None, can_manage=True
    )
    assert page.ready
    assert number not in [c.statement.number for c in page.consensus_disagree]
    assert number not in [c.statement.number for c in page.consensus_agree]
    assert number not in [row.statement.number for row in page.common_ground]
    assert number not in [row.statement.number for row in page.divisive]
    assert number not in [c.statement.number for c in page.candidates]
    assert "Ban square dancing entirely." in [c.statement.text for c in page.consensus_disagree]

    words = _words(client_for("resident").get(_url("report", newcomer)))
    disagree = words[words.index("Most participants disagree") : words.index("Shared across the groups")]
    assert NEWCOMER not in disagree
    assert "Ban square dancing entirely." in disagree
    assert "1 of 1 participant" not in words


def test_a_drafts_figures_say_when_a_group_has_too_few_votes(newcomer: Consultation) -> None:
    analysis = Analysis.objects.get(consultation=newcomer)
    page = build_report(newcomer, analysis, viewer_id=None, can_manage=True)
    number = newcomer.statements.get(text=NEWCOMER).number
    body = draft_body(newcomer, page, [number], {number: NEWCOMER})
    assert "agree 0, disagree 1, pass 0" in body
    assert "agreement by group: A too few votes, B too few votes" in body


def _html(response: Any) -> str:
    assert response.status_code == 200
    return str(response.content.decode())


def _group_card(page: str, label: str) -> str:
    start = page.index(f'id="group-{label}"')
    return page[start : page.index("</section>", start)]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_group_figure_from_one_vote_reads_too_few_votes_yet_to_say(
    language: str, world: World, client_for: Any
) -> None:
    consultation = make_consultation(world)
    synthetic_report(consultation, seen=1)
    page = _html(client_for("resident").get(_url("report", consultation), HTTP_ACCEPT_LANGUAGE=language))
    card = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", _group_card(page, "A")))
    assert "data-too-few" in _group_card(page, "A")
    assert "figure__bar" not in _group_card(page, "A")
    if language == "en":
        assert "Too few votes yet to say · 1 member of the group has voted on it." in card
        assert "of group A disagree" not in card
        assert "1 of 1 member" not in page
        assert "No statement yet that most participants clearly disagree with." in page
    else:
        assert "票数太少，暂时还说不准 · 本组有 1 人对此表态。" in card


def test_from_the_minimum_number_of_votes_the_figures_are_shown(world: World, client_for: Any) -> None:
    consultation = make_consultation(world)
    synthetic_report(consultation, seen=MIN_VOTES_TO_SAY)
    page = _html(client_for("resident").get(_url("report", consultation)))
    assert "data-too-few" not in page
    percent = round(100 * (MIN_VOTES_TO_SAY + 1) / (MIN_VOTES_TO_SAY + 2))
    assert f"{percent}% of group A disagree" in _group_card(page, "A")
    words = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    disagree = words[words.index("Most participants disagree") : words.index("Shared across the groups")]
    assert "The courtyard needs more benches." in disagree
