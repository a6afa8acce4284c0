"""What an open ballot publishes (ADR 0012): the log names electors by pseudonym, each elector finds their own
entries, and the named record is inspected only by those the rule allows, once voting has closed — on the log
page, in its download, through the API and with ``comity decide verify-log`` still checking the chain."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from comity.cli import main
from comity.decisions import services
from comity.decisions.models import Decision, Elector, LogEntry
from comity.engine.decisions.ballot_log import LogEntry as ChainEntry
from comity.engine.decisions.ballot_log import verify
from comity.engine.decisions.rules import NamedRecord, get_rule

from ..cast import World
from .decisions import Estate, end_voting, make_decision, make_estate, vote_for

pytestmark = pytest.mark.django_db

PSEUDONYM = re.compile(r"^V-[A-Z2-9]{8}$")


@pytest.fixture
def estate(world: World) -> Estate:
    return make_estate(world)


def _url(name: str, decision: Decision) -> str:
    return reverse(f"decisions:{name}", args=[decision.community_id, decision.pk])


def _api(decision: Decision, name: str = "api-decision-log") -> str:
    return reverse(name, args=[decision.community_id, decision.pk])


def _as(client: Any, user: Any) -> Any:
    client.logout()
    if user is not None:
        client.force_login(user)
    return client


def _text(response: Any) -> str:
    return html.unescape(response.content.decode())


def _closed_vote(world: World, estate: Estate, **kwargs: Any) -> Decision:
    """An open-ballot elevator vote of stairwell 5-1 in which 302 voted yes and 401 no, now closed."""
    decision = make_decision(world, estate, **kwargs)
    vote_for(decision, [estate.owners["302"]], "yes")
    vote_for(decision, [estate.owners["401"]], "no")
    end_voting(decision)
    services.close_decision(world.user("committee_staff"), decision)
    decision.refresh_from_db()
    return decision


def _elector(decision: Decision, user: Any) -> Elector:
    return Elector.objects.get(decision=decision, persons__user=user)


# --- the log itself -------------------------------------------------------------------------------------------


def test_an_open_ballots_log_names_electors_by_pseudonym_never_by_registry_ids(
    world: World, estate: Estate
) -> None:
    decision = make_decision(world, estate)
    wang = _elector(decision, estate.owners["201"])
    services.record_proxy(
        world.user("committee_staff"),
        decision,
        wang,
        world.user("resident").person,
        "Authorization no. 7",
        decision.created_at.date(),
    )
    vote_for(decision, [estate.owners["302"]], "yes")
    electors = Elector.objects.filter(decision=decision)
    assert all(PSEUDONYM.match(e.pseudonym) for e in electors)
    assert len({e.pseudonym for e in electors}) == electors.count()
    entries = list(LogEntry.objects.filter(decision=decision).order_by("sequence"))
    assert [e.content["type"] for e in entries] == ["opened", "proxy", "ballot"]
    assert entries[1].content == {"type": "proxy", "elector": wang.pseudonym}
    assert entries[2].content["elector"] == _elector(decision, estate.owners["302"]).pseudonym
    written = json.dumps([e.content for e in entries])
    for elector in electors:
        assert f'"{elector.key}"' not in written
    assert f"p{world.user('resident').person.pk}" not in written


def test_a_secret_ballots_participation_entries_use_the_pseudonym_too(world: World, estate: Estate) -> None:
    decision = make_decision(world, estate, rule_name="civil-code-278-ordinary", secret=True)
    vote_for(decision, [estate.owners["302"]], "yes")
    entry = LogEntry.objects.filter(decision=decision).order_by("-sequence").first()
    assert entry.content == {
        "type": "participation",
        "elector": _elector(decision, estate.owners["302"]).pseudonym,
        "channel": "online",
    }


def test_the_published_count_names_affected_owners_by_pseudonym(
    world: World, estate: Estate, client: Any
) -> None:
    decision = make_decision(world, estate, affected=[estate.units["302"]])
    vote_for(decision, [estate.owners["302"]], "yes")
    affected = _elector(decision, estate.owners["302"])
    live = _as(client, world.user("resident")).get(_api(decision, "api-decision")).json()
    assert live["count"]["affected_consent"]["affected"] == [affected.pseudonym]
    assert live["count"]["affected_consent"]["consenting"] == [affected.pseudonym]
    end_voting(decision)
    services.close_decision(world.user("committee_staff"), decision)
    closed = client.get(_api(decision, "api-decision")).json()
    assert closed["count"]["affected_consent"]["consenting"] == [affected.pseudonym]
    assert affected.key not in json.dumps(closed)


def test_a_result_stored_before_pseudonyms_is_published_without_its_keys(
    world: World, estate: Estate, client: Any
) -> None:
    decision = _closed_vote(world, estate, affected=[estate.units["302"]])
    affected = _elector(decision, estate.owners["302"])
    legacy = dict(decision.result)
    legacy["affected_consent"] = {**legacy["affected_consent"], "consenting": [affected.key]}
    Decision.objects.filter(pk=decision.pk).update(result=legacy)
    shown = _as(client, world.user("resident")).get(_api(decision, "api-decision")).json()
    assert shown["count"]["affected_consent"]["consenting"] == [affected.pseudonym]


# --- each elector finds their own entry -----------------------------------------------------------------------


def test_an_elector_finds_their_own_entry_on_the_log_page_and_in_the_download(
    world: World, estate: Estate, client: Any
) -> None:
    decision = make_decision(world, estate)
    vote_for(decision, [estate.owners["302"], estate.owners["401"]], "yes")
    mine = _elector(decision, estate.owners["302"])
    page = _text(_as(client, estate.owners["302"]).get(_url("log", decision)))
    assert f"Your name in this log for 5-302: {mine.pseudonym}. Your entry: #2." in re.sub(
        r"\s+", " ", re.sub(r"<[^>]+>", "", page)
    )
    assert page.count(">yours<") == 1
    download = json.loads(client.get(_url("log_json", decision)).content)
    assert download["yours"] == [mine.pseudonym]
    assert "named" not in download
    api = client.get(_api(decision)).json()
    assert api["yours"] == [mine.pseudonym]


# --- who sees the named record: every role ----------------------------------------------------------------------

#: role → whether they see who each pseudonym is, once an owners' vote of stairwell 5-1 has closed
OWNERS_VOTE_CLOSED = {
    "elector": True,  # an owner of stairwell 5-1, on the register
    "committee_staff": True,
    "street_official": True,
    "platform_staff": True,
    "owner": False,  # an owner of another building: not this decision's electorate
    "resident": False,  # a tenant
    "grid_worker": False,
    "ngo_staff": False,
    "enterprise_staff": False,
}


def _who(world: World, estate: Estate, role: str) -> Any:
    return estate.owners["302"] if role == "elector" else world.user(role)


@pytest.mark.parametrize(("role", "sees"), sorted(OWNERS_VOTE_CLOSED.items()))
def test_the_named_record_of_a_closed_owners_vote_is_for_its_electors_and_those_who_run_it(
    role: str, sees: bool, world: World, estate: Estate, client: Any
) -> None:
    decision = _closed_vote(world, estate)
    yes_voter = _elector(decision, estate.owners["302"])
    expected_named = {
        yes_voter.pseudonym: {"who": "Owner302", "units": "5-302"},
        _elector(decision, estate.owners["401"]).pseudonym: {"who": "Owner401", "units": "5-401"},
    }
    _as(client, _who(world, estate, role))
    page = _text(client.get(_url("log", decision)))
    download = json.loads(client.get(_url("log_json", decision)).content)
    api = client.get(_api(decision)).json()
    assert (f"{yes_voter.pseudonym} is Owner302 (5-302)" in page) is sees
    assert (download.get("named") == expected_named) is sees
    assert (api.get("named") == expected_named) is sees
    assert ("named" in download) is sees
    assert ("named" in api) is sees
    assert (
        "You may see who each name is" if sees else "Once voting has closed, those who could vote on it"
    ) in page
    assert [e["content"] for e in download["entries"]] == [
        e.content for e in LogEntry.objects.filter(decision=decision).order_by("sequence")
    ]


@pytest.mark.parametrize("role", ["other_resident", "anonymous"])
def test_those_who_cannot_see_the_decision_get_no_log_at_all(
    role: str, world: World, estate: Estate, client: Any
) -> None:
    decision = _closed_vote(world, estate)
    _as(client, world.user(role))
    for url in (_url("log", decision), _url("log_json", decision)):
        response = client.get(url)
        assert response.status_code == (403 if role == "other_resident" else 302)
    assert client.get(_api(decision)).status_code == 403


@pytest.mark.parametrize("role", ["elector", "committee_staff", "platform_staff"])
def test_nobody_sees_the_named_record_while_voting_runs(
    role: str, world: World, estate: Estate, client: Any
) -> None:
    decision = make_decision(world, estate)
    vote_for(decision, [estate.owners["302"]], "yes")
    _as(client, _who(world, estate, role))
    page = _text(client.get(_url("log", decision)))
    assert " is Owner302 " not in page
    assert "named" not in json.loads(client.get(_url("log_json", decision)).content)
    assert "named" not in client.get(_api(decision)).json()


@pytest.mark.parametrize("role", ["elector", "committee_staff"])
def test_a_secret_ballot_has_no_named_record_even_after_the_close(
    role: str, world: World, estate: Estate, client: Any
) -> None:
    decision = _closed_vote(world, estate, rule_name="civil-code-278-ordinary", secret=True)
    _as(client, _who(world, estate, role))
    page = _text(client.get(_url("log", decision)))
    assert "This is a secret ballot" in page
    assert " is Owner302 " not in page
    assert "named" not in client.get(_api(decision)).json()


def test_a_residents_meetings_named_record_is_for_those_who_run_it_only(
    world: World, estate: Estate, client: Any
) -> None:
    assert get_rule("residents-meeting").named_record == NamedRecord.STAFF
    decision = _closed_vote(world, estate, rule_name="residents-meeting")
    voters = list(Elector.objects.filter(decision=decision, participations__isnull=False))
    assert voters
    elector_user = next(p.user for e in voters for p in e.persons.all() if p.user)
    page = _text(_as(client, elector_user).get(_url("log", decision)))
    assert "Only those who run this vote may see who each name is" in page
    assert "named" not in client.get(_api(decision)).json()
    staff_view = _as(client, world.user("committee_staff")).get(_api(decision)).json()
    assert set(staff_view["named"]) == {e.pseudonym for e in voters}


# --- the chain still verifies ------------------------------------------------------------------------------------


def test_the_download_with_names_still_verifies_with_the_command(
    world: World, estate: Estate, client: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    decision = _closed_vote(world, estate)
    download = json.loads(_as(client, estate.owners["302"]).get(_url("log_json", decision)).content)
    assert "named" in download
    assert "yours" in download
    chain = [ChainEntry(e["sequence"], e["content"], e["previous"], e["hash"]) for e in download["entries"]]
    assert verify(chain).ok
    path = tmp_path / "log.json"
    path.write_text(json.dumps(download, ensure_ascii=False), encoding="utf-8")
    assert main(["decide", "verify-log", str(path)]) == 0
    assert capsys.readouterr().out.startswith(f"OK: {len(chain)} entries, the chain is intact")
