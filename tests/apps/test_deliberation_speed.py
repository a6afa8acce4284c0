"""The consultation and decision pages serve their bodies from the cache (``comity.structure.fragments``): each
cached body shows a change right after the write that makes it, audited or not (votes on statements, the opinion
map's recomputation, ballots), and two viewers who must see different things do."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.urls import reverse

from comity.consultations import computing
from comity.consultations import services as consultation_services
from comity.consultations.models import Consultation
from comity.decisions import selectors
from comity.decisions import services as decision_services
from comity.decisions.models import Decision
from comity.foundation.idempotency import TOKEN_FIELD

from ..cast import World
from .consultations import make_consultation, synthetic_report
from .decisions import Estate, end_voting, make_decision, make_estate, vote_for

pytestmark = pytest.mark.django_db


def _words(response: Any) -> str:
    assert response.status_code == 200
    text = html.unescape(response.content.decode())
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text))


def _statement(consultation: Consultation, number: int) -> Any:
    return consultation.statements.get(number=number)


# --- consultations ------------------------------------------------------------------------------------------


def test_the_consultation_page_counts_a_new_participant_at_once(world: World, client_for: Any) -> None:
    consultation = make_consultation(world)
    url = reverse("consultations:detail", args=[world.harmony.pk, consultation.pk])
    assert "0 participants" in _words(client_for("resident").get(url))
    consultation_services.cast_vote(world.user("owner"), _statement(consultation, 0), 1)  # unaudited
    assert "1 participant" in _words(client_for("resident").get(url))


def test_each_resident_sees_their_own_votes_and_a_changed_vote_at_once(world: World, client_for: Any) -> None:
    consultation = make_consultation(world)
    url = reverse("consultations:detail", args=[world.harmony.pk, consultation.pk])
    consultation_services.cast_vote(world.user("owner"), _statement(consultation, 0), 1)
    owner_page = client_for("owner").get(url).content.decode()
    assert "Your vote on 1 statement" in html.unescape(owner_page)
    assert 'value="1" aria-pressed="true"' in owner_page
    # the resident, with the same page cached moments later, has no votes of their own
    assert "Your vote on" not in _words(client_for("resident").get(url))
    # a changed vote (the same row, no new vote) shows at once
    consultation_services.cast_vote(world.user("owner"), _statement(consultation, 0), -1)
    changed = client_for("owner").get(url).content.decode()
    assert 'value="-1" aria-pressed="true"' in changed
    assert 'value="1" aria-pressed="true"' not in changed


def test_a_statement_added_or_taken_down_shows_at_once(world: World, client_for: Any) -> None:
    consultation = make_consultation(world)
    url = reverse("consultations:detail", args=[world.harmony.pk, consultation.pk])
    assert "3 statements" in _words(client_for("resident").get(url))
    consultation_services.add_statement(world.user("owner"), consultation, "We need a bike shed again.")
    assert "4 statements" in _words(client_for("resident").get(url))


def test_the_list_counts_a_new_participant_at_once(world: World, client_for: Any) -> None:
    consultation = make_consultation(world)
    url = reverse("consultations:list", args=[world.harmony.pk])
    assert "0 participants" in _words(client_for("resident").get(url))
    consultation_services.cast_vote(world.user("owner"), _statement(consultation, 1), 0)  # unaudited
    assert "1 participant" in _words(client_for("resident").get(url))
    # a draft is for those who run consultations only, though the list is cached
    make_consultation(world, publish=False, title="A draft for staff")
    assert "A draft for staff" in _words(client_for("committee_staff").get(url))
    assert "A draft for staff" not in _words(client_for("resident").get(url))


def test_the_report_shows_a_recomputed_or_outdated_map_at_once(world: World, client_for: Any) -> None:
    consultation = make_consultation(world)
    url = reverse("consultations:report", args=[world.harmony.pk, consultation.pk])
    assert "No opinion map yet" in _words(client_for("resident").get(url))
    synthetic_report(consultation, seen=6)  # the background job's write: no audit entry
    ready = _words(client_for("resident").get(url))
    assert "No opinion map yet" not in ready
    assert "from 40 votes" in ready
    assert "New votes are being counted" not in ready
    consultation_services.cast_vote(
        world.user("owner"), _statement(consultation, 0), 1
    )  # marks the map dirty
    assert "New votes are being counted" in _words(client_for("resident").get(url))
    computing.compute_analysis(consultation.pk)
    assert "New votes are being counted" not in _words(client_for("resident").get(url))


def test_the_report_gives_each_manager_a_fresh_one_time_token(world: World, client_for: Any) -> None:
    consultation = make_consultation(world)
    synthetic_report(consultation, seen=6)
    url = reverse("consultations:report", args=[world.harmony.pk, consultation.pk])
    first = client_for("committee_staff").get(url).content.decode()
    second = client_for("committee_staff").get(url).content.decode()
    pattern = rf'name="{TOKEN_FIELD}" value="([^"]+)"'
    if re.search(pattern, first):  # the draft form is offered when statements qualify
        assert re.findall(pattern, first) != re.findall(pattern, second)


# --- decisions ----------------------------------------------------------------------------------------------


@pytest.fixture
def estate(world: World) -> Estate:
    return make_estate(world)


def _decision_url(decision: Decision) -> str:
    return reverse("decisions:detail", args=[decision.community_id, decision.pk])


def _as(client: Any, user: Any) -> Any:
    client.logout()
    client.force_login(user)
    return client


def test_the_decision_page_counts_a_ballot_at_once(world: World, estate: Estate, client: Any) -> None:
    decision = make_decision(world, estate)
    url = _decision_url(decision)
    assert "0 ballots counted so far" in _words(_as(client, estate.owners["602"]).get(url))
    vote_for(decision, [estate.owners["302"]])  # a ballot: no audit entry, the ballot log grows
    assert "1 ballot counted so far" in _words(_as(client, estate.owners["602"]).get(url))


def test_a_secret_ballot_is_counted_at_once_too(world: World, estate: Estate, client: Any) -> None:
    decision = make_decision(world, estate, rule_name="civil-code-278-ordinary", secret=True)
    url = _decision_url(decision)
    assert "0 ballots counted so far" in _words(_as(client, estate.owners["602"]).get(url))
    vote_for(decision, [estate.owners["302"]])
    assert "1 ballot counted so far" in _words(_as(client, estate.owners["602"]).get(url))


def test_each_owner_sees_their_own_ballot_state(world: World, estate: Estate, client: Any) -> None:
    decision = make_decision(world, estate)
    url = _decision_url(decision)
    assert "Cast my ballot" in _words(_as(client, estate.owners["302"]).get(url))
    vote_for(decision, [estate.owners["302"]])
    voted = _words(_as(client, estate.owners["302"]).get(url))
    assert "Your ballot for" in voted
    assert "has been received" in voted
    assert "Cast my ballot" not in voted
    other = _words(_as(client, estate.owners["401"]).get(url))
    assert "Cast my ballot" in other
    assert "has been received" not in other


def test_an_objection_and_the_end_of_voting_show_at_once(world: World, estate: Estate, client: Any) -> None:
    decision = make_decision(world, estate)
    url = _decision_url(decision)
    owner = estate.owners["302"]
    assert "No objection has been made." in _words(_as(client, owner).get(url))
    elector = selectors.electors_for(owner, decision)[0].elector
    decision_services.submit_objection(owner, decision, elector.pk, "The shaft blocks my window.")
    assert "The shaft blocks my window." in _words(_as(client, estate.owners["401"]).get(url))
    assert "Cast my ballot" in _words(_as(client, estate.owners["401"]).get(url))
    end_voting(decision)  # the clock passes the closing time
    assert "Cast my ballot" not in _words(_as(client, estate.owners["401"]).get(url))


def test_the_decision_list_awaits_each_owners_own_ballot(world: World, estate: Estate, client: Any) -> None:
    decision = make_decision(world, estate)
    url = reverse("decisions:list", args=[decision.community_id])
    assert "Your vote is awaited" in _words(_as(client, estate.owners["302"]).get(url))
    vote_for(decision, [estate.owners["302"]])
    assert "Your vote is awaited" not in _words(_as(client, estate.owners["302"]).get(url))
    assert "Your vote is awaited" in _words(_as(client, estate.owners["401"]).get(url))
    decision_services.cancel_decision(world.user("committee_staff"), decision, "Withdrawn by the committee.")
    assert "Your vote is awaited" not in _words(_as(client, estate.owners["401"]).get(url))


def test_participation_on_the_report_counts_a_vote_at_once(world: World, client_for: Any) -> None:
    consultation = make_consultation(world)
    synthetic_report(consultation, seen=6)
    url = reverse("consultations:report", args=[world.harmony.pk, consultation.pk])
    turnout = re.compile(r"data-turnout>\s*(\d+) of the")

    def voters() -> int:
        found = turnout.search(client_for("committee_staff").get(url).content.decode())
        assert found is not None
        return int(found.group(1))

    consultation_services.cast_vote(
        world.user("owner"), _statement(consultation, 2), 1
    )  # marks the map dirty
    before = voters()
    # a second vote leaves the map as it was (already out of date): only the votes' version changes
    consultation_services.cast_vote(world.user("resident"), _statement(consultation, 2), 1)
    assert voters() == before + 1
