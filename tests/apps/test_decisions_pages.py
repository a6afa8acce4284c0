"""The decision pages as people use them: drafting, opening, voting (online, by proxy, on paper with a second
check, secretly), receipts, closing, objections and mediation, minority statements, cost plans, the simulator and
the ballot log; bad input as someone would try it, which must be refused in words and change nothing."""

from __future__ import annotations

import html
import json
import re
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from comity.audit.models import AuditEntry
from comity.decisions import selectors, services
from comity.decisions.checks import add_months
from comity.decisions.models import (
    AffectedUnit,
    Ballot,
    CostPlan,
    Decision,
    Elector,
    LogEntry,
    Mediation,
    MinorityStatement,
    Objection,
    Participation,
    ProxyAuthorization,
)
from comity.engine.decisions.ballot_log import LogEntry as ChainEntry
from comity.engine.decisions.ballot_log import receipt_hash, verify
from comity.structure.models import AreaKind, SubjectKind

from ..cast import World
from ..factories import AreaFactory, OwnershipFactory, PersonFactory, SubjectFactory, UnitFactory, UserFactory
from .decisions import Estate, end_voting, make_decision, make_estate, vote_for

RECEIPT = re.compile(r'data-testid="receipt-code">([A-Z2-9]{5}-[A-Z2-9]{5}-[A-Z2-9]{5})<')


# --- helpers --------------------------------------------------------------------------------------------------


def _url(name: str, decision: Decision, *args: Any) -> str:
    return reverse(f"decisions:{name}", args=[decision.community_id, decision.pk, *args])


def _text(response: Any) -> str:
    return html.unescape(response.content.decode())


def _words(text: str) -> str:
    """The page's text without its markup."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text))


def _local(moment: Any) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _refused(response: Any, message: str, page: str = "") -> str:
    """A step the decision's state does not allow: refused with a 303 to the page (``page`` under the decision's
    address), never left on the action's own address, and the page says why. Returns the page's text."""
    assert response.status_code == 303, response.status_code
    location = response["Location"]
    assert re.fullmatch(rf"/c/\d+/decisions/\d+/{re.escape(page)}(#[a-z]+)?", location), location
    shown = _text(response.client.get(location))
    assert message in shown
    return shown


def _writes() -> dict[str, Any]:
    """Every row a decisions write could add, remove or change."""
    return {
        "decisions": sorted(
            Decision.objects.values_list(
                "pk", "status", "title", "closes_at", "minutes", "passed", "log_head"
            )
        ),
        "participations": sorted(Participation.objects.values_list("pk", "counted", "channel")),
        "ballots": sorted(Ballot.objects.values_list("receipt_hash", "counted", "log_sequence")),
        "log_entries": LogEntry.objects.count(),
        "objections": sorted(Objection.objects.values_list("pk", "status")),
        "mediations": Mediation.objects.count(),
        "minority_statements": MinorityStatement.objects.count(),
        "proxies": ProxyAuthorization.objects.count(),
        "affected_units": AffectedUnit.objects.count(),
        "cost_plans": sorted(CostPlan.objects.values_list("pk", "total_fen", "method")),
        "electors": Elector.objects.count(),
        "audit": AuditEntry.objects.count(),
    }


def _elector(decision: Decision, user: Any) -> Elector:
    return Elector.objects.get(decision=decision, persons__user=user)


def _ballot(elector: Elector, **fields: Any) -> dict[str, Any]:
    return {"elector": elector.pk, **{f"e{elector.pk}-{name}": value for name, value in fields.items()}}


def _login(client: Any, user: Any) -> Any:
    client.logout()
    client.force_login(user)
    return client


def _vote(client: Any, decision: Decision, elector: Elector, **fields: Any) -> Any:
    return client.post(_url("vote", decision), _ballot(elector, **fields))


def _vote_on_the_page(client: Any, user: Any, decision: Decision, **fields: Any) -> str:
    """Vote as ``user`` through the page and return the receipt code the page shows once."""
    _login(client, user)
    elector = _elector(decision, user)
    response = _vote(client, decision, elector, **fields)
    assert response.status_code == 302, _text(response)
    assert response["Location"] == _url("detail", decision) + "#receipt"
    codes = RECEIPT.findall(client.get(_url("detail", decision)).content.decode())
    assert len(codes) == 1
    return codes[0]


@pytest.fixture
def estate(world: World) -> Estate:
    return make_estate(world)


@pytest.fixture
def staff(world: World, client: Any) -> Any:
    """The test client, logged in as Chen of the residents' committee."""
    return _login(client, world.user("committee_staff"))


# --- drafting -------------------------------------------------------------------------------------------------


def _form(world: World, estate: Estate, **extra: Any) -> dict[str, Any]:
    now = timezone.now()
    data = {
        "title": "Elevator for stairwell 5-1",
        "agenda": "Install an elevator on the north side.",
        "rule_name": "elevator-retrofit",
        "area": estate.stairwell.pk,
        "subject": "",
        "ballot_kind": "motion",
        "options": "",
        "max_approvals": "",
        "opens_at": _local(now + timedelta(hours=1)),
        "closes_at": _local(now + timedelta(days=14)),
        "retables": "",
    }
    data.update(extra)
    return data


def test_a_decision_is_drafted_through_the_form(world: World, estate: Estate, staff: Any) -> None:
    response = staff.post(reverse("decisions:new", args=[world.harmony.pk]), _form(world, estate))
    decision = Decision.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _url("detail", decision)
    assert (decision.status, decision.rule_name, decision.area, decision.secret) == (
        "draft",
        "elevator-retrofit",
        estate.stairwell,
        False,
    )
    assert decision.created_by == world.user("committee_staff")
    page = _text(staff.get(response["Location"]))
    assert "The decision is drafted. Check it, then open voting." in page
    assert "Open voting" in page


def test_an_approval_ballot_keeps_its_options_in_order(world: World, estate: Estate, staff: Any) -> None:
    data = _form(
        world,
        estate,
        rule_name="civil-code-278-ordinary",
        ballot_kind="approval",
        options="North side\n\nSouth side\n  East side  ",
        max_approvals="2",
    )
    assert staff.post(reverse("decisions:new", args=[world.harmony.pk]), data).status_code == 302
    decision = Decision.objects.get()
    assert list(decision.options.values_list("position", "label")) == [
        (1, "North side"),
        (2, "South side"),
        (3, "East side"),
    ]
    assert decision.max_approvals == 2


def _riverside_area(world: World) -> Any:
    return AreaFactory(community=world.riverside, kind=AreaKind.BUILDING, code="R1", name="River 1")


BAD_DRAFTS = {
    "closes before it opens": (
        lambda w, e: {
            "opens_at": _local(timezone.now() + timedelta(days=3)),
            "closes_at": _local(timezone.now() + timedelta(days=2)),
        },
        "closes_at",
        "Voting must close after it opens.",
    ),
    "an approval ballot with one option": (
        lambda w, e: {
            "rule_name": "civil-code-278-ordinary",
            "ballot_kind": "approval",
            "options": "Only this",
        },
        "options",
        "Give at least two options, one per line.",
    ),
    "the same option twice": (
        lambda w, e: {"rule_name": "civil-code-278-ordinary", "ballot_kind": "ranked", "options": "A\nB\nA"},
        "options",
        "Each option must be different.",
    ),
    "options on a yes-or-no vote": (
        lambda w, e: {"options": "Yes please\nNo thanks"},
        "options",
        "A yes-or-no vote has no options; leave them empty.",
    ),
    "a limit of approvals above the options": (
        lambda w, e: {
            "rule_name": "civil-code-278-ordinary",
            "ballot_kind": "approval",
            "options": "A\nB",
            "max_approvals": "3",
        },
        "max_approvals",
        "A limit applies only to an approval ballot, and to no more than its number of options.",
    ),
    "a secret ballot under the elevator-retrofit rule": (
        lambda w, e: {"secret": "on"},
        "secret",
        "The affected owners' consent is given by name under this rule, so the ballot cannot be secret.",
    ),
    "a ranked ballot under the elevator-retrofit rule": (
        lambda w, e: {"ballot_kind": "ranked", "options": "North\nSouth"},
        "ballot_kind",
        "This rule asks the affected owners to consent, which only a yes-or-no vote can record.",
    ),
    "a members' rule without a body": (
        lambda w, e: {"rule_name": "council-motion", "area": ""},
        "subject",
        "Choose the body whose members vote on this motion.",
    ),
    "a body on an owners' rule": (
        lambda w, e: {"subject": w.committee.pk},
        "subject",
        "Only a council or committee motion is voted by the members of a body; leave this empty.",
    ),
    "an area of another community": (
        lambda w, e: {"area": _riverside_area(w).pk},
        "area",
        "Select a valid choice. That choice is not one of the available choices.",
    ),
    "a rule that does not exist": (
        lambda w, e: {"rule_name": "whatever-the-chair-says"},
        "rule_name",
        "Select a valid choice. whatever-the-chair-says is not one of the available choices.",
    ),
    "no title": (lambda w, e: {"title": "  "}, "title", "This field is required."),
    "a date that is not a date": (
        lambda w, e: {"closes_at": "next Tuesday"},
        "closes_at",
        "Enter a valid date/time.",
    ),
}


@pytest.mark.parametrize(
    "case",
    [pytest.param(name, id=name) for name in BAD_DRAFTS],
)
def test_a_bad_draft_is_refused_in_words_and_nothing_is_created(
    case: str, world: World, estate: Estate, staff: Any
) -> None:
    change, field, message = BAD_DRAFTS[case]
    data = _form(world, estate, **change(world, estate))
    before = _writes()
    response = staff.post(reverse("decisions:new", args=[world.harmony.pk]), data)
    assert response.status_code in {200, 400}
    assert message in response.context["form"].errors.get(field, []), response.context["form"].errors
    assert message in _text(response)
    assert _writes() == before
    assert Decision.objects.count() == 0


def test_a_draft_from_a_consultation_that_does_not_exist_is_not_found(world: World, staff: Any) -> None:
    url = reverse("decisions:new", args=[world.harmony.pk])
    assert staff.get(url + "?draft=999999").status_code == 404
    assert staff.get(url + "?draft=abc").status_code == 404


def test_a_draft_is_edited_until_voting_opens(world: World, estate: Estate, staff: Any) -> None:
    decision = make_decision(world, estate, open_now=False)
    form = staff.get(_url("edit", decision))
    assert form.status_code == 200
    assert 'value="Elevator for stairwell 5-1"' in form.content.decode()
    response = staff.post(_url("edit", decision), _form(world, estate, title="Elevator, north side"))
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.title == "Elevator, north side"

    services.open_voting(world.user("committee_staff"), decision)
    before = _writes()
    refused = staff.get(_url("edit", decision), follow=True)
    assert refused.redirect_chain[-1][0] == _url("detail", decision)
    assert "Only a draft can be edited; voting has opened." in _text(refused)
    posted = staff.post(_url("edit", decision), _form(world, estate, title="Sneaky change"), follow=True)
    assert "Only a draft can be edited; voting has opened." in _text(posted)
    assert _writes() == before
    decision.refresh_from_db()
    assert decision.title == "Elevator, north side"


# --- opening --------------------------------------------------------------------------------------------------


def test_opening_freezes_the_register_and_starts_the_log(world: World, estate: Estate, staff: Any) -> None:
    decision = make_decision(world, estate, open_now=False)
    response = staff.post(_url("open", decision), follow=True)
    assert response.redirect_chain[-1][0] == _url("detail", decision)
    # the developer's two units, Wang's two, Li and Zhao's one together, and seven owners of one unit each
    assert "Voting is open. The register holds 10 electors." in _text(response)
    assert "10 electors on the register." in _text(response)
    decision.refresh_from_db()
    assert decision.status == "open"
    assert decision.planned_closes_at == decision.closes_at
    electors = {e.key: e for e in Elector.objects.filter(decision=decision)}
    assert len(electors) == 10
    wang = _elector(decision, estate.owners["201"])
    assert (wang.units, wang.area) == ("5-201, 5-202", Decimal("130.00"))
    assert set(_elector(decision, estate.zhao).persons.values_list("user__username", flat=True)) == {
        "li",
        "zhao",
    }
    assert electors["developer"].persons.count() == 0
    entry = LogEntry.objects.get(decision=decision)
    assert entry.sequence == 1
    assert entry.content["type"] == "opened"
    assert entry.content["electors"] == 10

    # bought after opening: not on the register, which stays as it was
    newcomer = UserFactory(username="newcomer")
    OwnershipFactory(
        unit=UnitFactory(building=estate.building, stairwell=estate.stairwell, number="701", floor=7),
        person=PersonFactory(user=newcomer, community=world.harmony, full_name="Newcomer"),
    )
    assert Elector.objects.filter(decision=decision).count() == 10
    assert selectors.electors_for(newcomer, decision) == []
    again = staff.post(_url("open", decision))
    _refused(again, "Voting on this decision is open")
    assert LogEntry.objects.filter(decision=decision).count() == 1


def test_opening_warns_of_units_without_an_owner(world: World, staff: Any) -> None:
    decision = make_decision(world, None, open_now=False, rule_name="civil-code-278-ordinary")
    page = _text(staff.post(_url("open", decision), follow=True))
    assert "The register holds 2 electors." in page
    assert "1 unit has no owner on record" in page


def test_a_vote_whose_closing_time_has_passed_cannot_be_opened(
    world: World, estate: Estate, staff: Any
) -> None:
    decision = make_decision(world, estate, open_now=False)
    Decision.objects.filter(pk=decision.pk).update(
        opens_at=timezone.now() - timedelta(days=3), closes_at=timezone.now() - timedelta(days=1)
    )
    before = _writes()
    response = staff.post(_url("open", decision))
    _refused(response, "The closing time has passed; set a later one before opening the vote.")
    assert _writes() == before


# --- voting ---------------------------------------------------------------------------------------------------


def test_an_owner_votes_and_sees_the_receipt_once(world: World, estate: Estate, client: Any) -> None:
    decision = make_decision(world, estate)
    owner = estate.owners["302"]
    elector = _elector(decision, owner)
    page = _login(client, owner).get(_url("detail", decision)).content.decode()
    assert f'name="elector" value="{elector.pk}"' in page
    assert f'name="e{elector.pk}-choice"' in page

    code = _vote_on_the_page(client, owner, decision, choice="yes")
    assert "Your receipt" not in client.get(_url("detail", decision)).content.decode()  # shown only once
    participation = Participation.objects.get()
    assert (participation.elector, participation.channel, participation.counted) == (elector, "online", True)
    ballot = Ballot.objects.get()
    assert (ballot.participation, ballot.choice, ballot.counted) == (participation, "yes", True)
    assert ballot.receipt_hash == receipt_hash(code)
    entry = LogEntry.objects.get(decision=decision, sequence=2)
    assert entry.content["type"] == "ballot"
    assert entry.content["receipt"] == receipt_hash(code)
    assert code not in json.dumps(entry.content)
    text = _text(client.get(_url("detail", decision)))
    assert "Your ballot for 5-302 has been received." in text
    assert "Cast my ballot" not in text

    before = _writes()
    again = _vote(client, decision, elector, choice="no")
    _refused(again, "has already been received")
    assert _writes() == before
    assert Participation.objects.count() == 1
    assert Ballot.objects.get().choice == "yes"


def test_co_owners_share_one_ballot(world: World, estate: Estate, client: Any) -> None:
    decision = make_decision(world, estate)
    _vote_on_the_page(client, estate.owners["301"], decision, choice="no")
    before = _writes()
    response = _vote(_login(client, estate.zhao), decision, _elector(decision, estate.zhao), choice="yes")
    _refused(response, "A ballot for Li · Zhao has already been received.")
    assert _writes() == before


def test_a_ballot_after_voting_closed_is_refused(world: World, estate: Estate, client: Any) -> None:
    decision = make_decision(world, estate)
    owner = estate.owners["302"]
    end_voting(decision)
    before = _writes()
    response = _vote(_login(client, owner), decision, _elector(decision, owner), choice="yes")
    _refused(response, "ballots can no longer be cast.")
    assert _writes() == before


def test_a_ballot_before_voting_opens_is_refused(world: World, estate: Estate, client: Any) -> None:
    now = timezone.now()
    decision = make_decision(
        world, estate, opens_at=now + timedelta(days=1), closes_at=now + timedelta(days=8)
    )
    owner = estate.owners["302"]
    before = _writes()
    response = _vote(_login(client, owner), decision, _elector(decision, owner), choice="yes")
    _refused(response, "Voting opens on")
    assert _writes() == before


@pytest.mark.parametrize("fields", [{"choice": "maybe"}, {"choice": ""}, {}, {"choice": "YES"}])
def test_a_ballot_with_an_invalid_choice_is_refused(
    fields: dict[str, str], world: World, estate: Estate, client: Any
) -> None:
    decision = make_decision(world, estate)
    owner = estate.owners["302"]
    before = _writes()
    response = _vote(_login(client, owner), decision, _elector(decision, owner), **fields)
    assert response.status_code == 400
    assert "Check your ballot." in _text(response)
    assert _writes() == before


def _approval(world: World, estate: Estate) -> Decision:
    return make_decision(
        world,
        estate,
        rule_name="civil-code-278-ordinary",
        ballot_kind="approval",
        options=["North side", "South side", "No elevator"],
        max_approvals=2,
    )


def test_an_approval_ballot_with_too_many_options_is_refused(
    world: World, estate: Estate, client: Any
) -> None:
    decision = _approval(world, estate)
    owner = estate.owners["302"]
    before = _writes()
    response = _vote(_login(client, owner), decision, _elector(decision, owner), selection=["1", "2", "3"])
    assert response.status_code == 400
    assert "Approve at most 2 options." in _text(response)
    assert _writes() == before

    code = _vote_on_the_page(client, owner, decision, selection=["1", "3"])
    assert Ballot.objects.get().selection == [1, 3]
    check = _text(client.post(_url("receipt", decision), {"code": code}))
    assert "North side; No elevator" in check


def test_an_approval_ballot_with_an_option_that_does_not_exist_is_refused(
    world: World, estate: Estate, client: Any
) -> None:
    decision = _approval(world, estate)
    owner = estate.owners["302"]
    before = _writes()
    response = _vote(_login(client, owner), decision, _elector(decision, owner), selection=["9"])
    assert response.status_code == 400
    assert _writes() == before


def _ranked(world: World, estate: Estate) -> Decision:
    return make_decision(
        world,
        estate,
        rule_name="civil-code-278-ordinary",
        ballot_kind="ranked",
        options=["North side", "South side", "No elevator"],
    )


def test_a_ranked_ballot_is_stored_as_groups_best_first(world: World, estate: Estate, client: Any) -> None:
    decision = _ranked(world, estate)
    owner = estate.owners["302"]
    page = _login(client, owner).get(_url("detail", decision)).content.decode()
    elector = _elector(decision, owner)
    assert all(f'name="e{elector.pk}-rank_{p}"' in page for p in (1, 2, 3))
    code = _vote_on_the_page(client, owner, decision, rank_1="2", rank_2="1", rank_3="2")
    assert Ballot.objects.get().selection == [[2], [1, 3]]
    check = _text(client.post(_url("receipt", decision), {"code": code}))
    assert "South side; North side = No elevator" in check


def test_a_ranked_ballot_with_a_rank_out_of_range_is_refused(
    world: World, estate: Estate, client: Any
) -> None:
    decision = _ranked(world, estate)
    owner = estate.owners["302"]
    before = _writes()
    response = _vote(_login(client, owner), decision, _elector(decision, owner), rank_1="4", rank_2="1")
    assert response.status_code == 400
    assert "Check your ballot." in _text(response)
    assert _writes() == before


# --- receipts -------------------------------------------------------------------------------------------------


def test_a_receipt_finds_its_ballot_however_it_is_typed(world: World, estate: Estate, client: Any) -> None:
    decision = make_decision(world, estate)
    code = _vote_on_the_page(client, estate.owners["302"], decision, choice="no")
    _login(client, world.user("resident"))  # anyone who can read the decision may check a code
    url = _url("receipt", decision)
    assert client.get(url).status_code == 200

    found = client.post(url, {"code": code})
    assert found.status_code == 200
    assert "Your ballot is counted" in _text(found)
    assert "It was recorded as: No" in _words(_text(found))
    assert "It is entry #2 of the ballot log" in _text(found)
    for typed in [code.lower(), code.replace("-", " ").lower(), code.replace("-", ""), f"  {code}  "]:
        assert "Your ballot is counted" in _text(client.post(url, {"code": typed})), typed

    wrong = "ZZZZZ-ZZZZZ-ZZZZZ" if code != "ZZZZZ-ZZZZZ-ZZZZZ" else "YYYYY-YYYYY-YYYYY"
    missing = client.post(url, {"code": wrong})
    assert missing.status_code == 200
    assert "No ballot has this code" in _text(missing)
    assert "Your ballot is counted" not in _text(missing)
    empty = client.post(url, {"code": ""})
    assert empty.status_code == 400
    assert "This field is required." in _text(empty)


# --- secret ballots -------------------------------------------------------------------------------------------


def test_a_secret_ballot_keeps_no_link_and_hides_the_count_until_it_closes(
    world: World, estate: Estate, client: Any
) -> None:
    decision = make_decision(world, estate, rule_name="civil-code-278-ordinary", secret=True)
    codes = [
        _vote_on_the_page(client, estate.owners["302"], decision, choice="yes"),
        _vote_on_the_page(client, estate.owners["401"], decision, choice="yes"),
        _vote_on_the_page(client, estate.owners["402"], decision, choice="no"),
    ]
    assert Ballot.objects.count() == 3
    assert set(Ballot.objects.values_list("participation", flat=True)) == {None}
    participations = LogEntry.objects.filter(decision=decision, content__type="participation")
    assert participations.count() == 3
    assert all("choice" not in e.content and "receipt" not in e.content for e in participations)

    live_page = _login(client, world.user("resident")).get(_url("detail", decision))
    live = _text(live_page)
    assert "This is a secret ballot: only participation is shown until voting closes." in live
    assert "3 ballots counted so far." in live
    assert "If voting ended now" not in live
    assert not re.search(r"\bYes\b", _words(live))
    totals = {row["basis"]: row for row in live_page.context["totals"]}
    assert totals["headcount"]["participating"].startswith("3 ")
    assert (totals["headcount"]["yes"], totals["headcount"]["no"], totals["area"]["yes"]) == ("", "", "")
    check = _text(client.post(_url("receipt", decision), {"code": codes[0]}))
    assert "Your ballot is counted" in check
    assert "Secret ballots enter the public log" in check
    assert "once voting closes" in check
    assert "It is entry #" not in check

    end_voting(decision)
    assert _login(client, world.user("committee_staff")).post(_url("close", decision)).status_code == 302
    sealed = list(
        LogEntry.objects.filter(decision=decision, content__type="sealed-ballot").order_by("sequence")
    )
    assert len(sealed) == 3
    receipts = [e.content["receipt"] for e in sealed]
    assert receipts == sorted(receipts)
    assert set(receipts) == {receipt_hash(c) for c in codes}
    assert sorted(e.content["choice"] for e in sealed) == ["no", "yes", "yes"]
    last = LogEntry.objects.filter(decision=decision).order_by("-sequence").first()
    assert last.content["type"] == "closed"

    result_page = _login(client, world.user("resident")).get(_url("detail", decision))
    result = _text(result_page)
    assert "only participation is shown" not in result
    assert re.search(r"\bYes\b", _words(result))
    totals = {row["basis"]: row for row in result_page.context["totals"]}
    assert totals["headcount"]["yes"].startswith("2 ")
    assert totals["headcount"]["no"].startswith("1 ")
    decision.refresh_from_db()
    assert decision.result["totals"]["headcount"]["approving"] == "2"
    assert decision.result["totals"]["headcount"]["rejecting"] == "1"
    after = _text(client.post(_url("receipt", decision), {"code": codes[2]}))
    entry = LogEntry.objects.get(decision=decision, content__receipt=receipt_hash(codes[2]))
    assert f"It is entry #{entry.sequence} of the ballot log" in after


# --- paper ballots --------------------------------------------------------------------------------------------


def _enter_paper(
    client: Any, decision: Decision, elector: Elector, reference: str, choice: str = "yes"
) -> Any:
    return client.post(
        _url("paper", decision), {"elector": elector.pk, "reference": reference, "choice": choice}
    )


def test_a_paper_ballot_counts_only_after_someone_else_checks_it(
    world: World, estate: Estate, client: Any
) -> None:
    decision = make_decision(world, estate)
    elector = _elector(decision, estate.owners["302"])
    _login(client, world.user("committee_staff"))
    entered = _enter_paper(client, decision, elector, "P-001")
    assert entered.status_code == 302
    participation = Participation.objects.get()
    assert (participation.channel, participation.counted, participation.paper_reference) == (
        "paper",
        False,
        "P-001",
    )
    assert Ballot.objects.get().counted is False
    assert LogEntry.objects.filter(decision=decision).count() == 1
    page = _text(client.get(_url("paper", decision)))
    assert "Paper ballot P-001 is entered. Another person must now check it." in page
    assert "You entered this ballot; someone else must check it." in page
    assert "0 ballots counted so far." in _text(client.get(_url("detail", decision)))

    before = _writes()
    own_check = client.post(
        _url("paper_check", decision, participation.pk), {"verdict": "matches"}, follow=True
    )
    assert "Someone other than the person who entered a paper ballot must check it." in _text(own_check)
    assert _writes() == before

    _login(client, world.user("street_official"))
    checked = client.post(
        _url("paper_check", decision, participation.pk), {"verdict": "matches"}, follow=True
    )
    assert "The paper ballot is checked and counted." in _text(checked)
    participation.refresh_from_db()
    assert participation.counted is True
    assert participation.checked_by == world.user("street_official")
    assert Ballot.objects.get().counted is True
    entry = LogEntry.objects.get(decision=decision, sequence=2)
    assert (entry.content["type"], entry.content["channel"], entry.content["choice"]) == (
        "ballot",
        "paper",
        "yes",
    )
    assert "1 ballot counted so far." in _text(client.get(_url("detail", decision)))


def test_a_paper_ballot_that_does_not_match_is_removed(world: World, estate: Estate, client: Any) -> None:
    decision = make_decision(world, estate)
    _enter_paper(
        _login(client, world.user("committee_staff")),
        decision,
        _elector(decision, estate.owners["302"]),
        "P-002",
        "no",
    )
    participation = Participation.objects.get()
    log_before = LogEntry.objects.count()
    response = _login(client, world.user("street_official")).post(
        _url("paper_check", decision, participation.pk), {"verdict": "mistake"}, follow=True
    )
    assert "The entry was removed. Enter the paper ballot again." in _text(response)
    assert Participation.objects.count() == Ballot.objects.count() == 0
    assert LogEntry.objects.count() == log_before
    # the elector is back among those left, so the ballot can be entered again
    again = _enter_paper(
        _login(client, world.user("committee_staff")),
        decision,
        _elector(decision, estate.owners["302"]),
        "P-002",
        "yes",
    )
    assert again.status_code == 302


@pytest.mark.parametrize("verdict", [None, "", "maybe"])
def test_a_check_without_a_verdict_removes_nothing(
    verdict: str | None, world: World, estate: Estate, client: Any
) -> None:
    decision = make_decision(world, estate)
    _enter_paper(
        _login(client, world.user("committee_staff")),
        decision,
        _elector(decision, estate.owners["302"]),
        "P-003",
    )
    participation = Participation.objects.get()
    before = _writes()
    data = {} if verdict is None else {"verdict": verdict}
    _login(client, world.user("street_official")).post(_url("paper_check", decision, participation.pk), data)
    assert _writes() == before


def test_a_paper_ballot_number_is_entered_once(world: World, estate: Estate, staff: Any) -> None:
    decision = make_decision(world, estate)
    assert _enter_paper(staff, decision, _elector(decision, estate.owners["302"]), "P-001").status_code == 302
    before = _writes()
    duplicate = _enter_paper(staff, decision, _elector(decision, estate.owners["401"]), "P-001")
    assert duplicate.status_code == 400
    assert "A paper ballot with this number has already been entered." in _text(duplicate)
    assert _writes() == before


def test_a_paper_ballot_for_someone_who_voted_online_is_refused(
    world: World, estate: Estate, client: Any
) -> None:
    decision = make_decision(world, estate)
    vote_for(decision, [estate.owners["302"]], "no")
    elector = _elector(decision, estate.owners["302"])
    before = _writes()
    response = _enter_paper(_login(client, world.user("committee_staff")), decision, elector, "P-009")
    assert response.status_code == 400
    assert _writes() == before


def test_a_waiting_paper_ballot_shows_on_its_receipt(world: World, estate: Estate, client: Any) -> None:
    decision = make_decision(world, estate)
    _login(client, world.user("committee_staff"))
    _enter_paper(client, decision, _elector(decision, estate.owners["302"]), "P-001")
    page = _text(client.get(_url("paper", decision), follow=True))
    code = re.search(r"Receipt for the voter: ([A-Z2-9-]{17})", page)
    assert code
    check = _text(client.post(_url("receipt", decision), {"code": code.group(1)}))
    assert "Your paper ballot waits for its second check" in check


# --- closing --------------------------------------------------------------------------------------------------


def test_voting_cannot_be_closed_before_its_time(world: World, estate: Estate, staff: Any) -> None:
    decision = make_decision(world, estate)
    before = _writes()
    response = staff.post(_url("close", decision))
    _refused(response, "it can be closed only then.")
    assert _writes() == before


def test_voting_cannot_be_closed_while_a_paper_ballot_waits(world: World, estate: Estate, staff: Any) -> None:
    decision = make_decision(world, estate)
    _enter_paper(staff, decision, _elector(decision, estate.owners["302"]), "P-001")
    end_voting(decision)
    before = _writes()
    response = staff.post(_url("close", decision))
    _refused(response, "still wait for their second check; check them before closing.")
    assert _writes() == before


@pytest.mark.parametrize(
    ("choice", "passed", "verdict"), [("yes", True, "Passed"), ("no", False, "Not passed")]
)
def test_closing_publishes_the_result_and_the_minutes_follow(
    choice: str, passed: bool, verdict: str, world: World, estate: Estate, staff: Any
) -> None:
    decision = make_decision(world, estate)
    vote_for(decision, list(estate.owners.values()), choice)
    end_voting(decision)
    response = staff.post(_url("close", decision))
    assert response.status_code == 302
    assert response["Location"] == _url("detail", decision) + "#result"
    decision.refresh_from_db()
    assert (decision.status, decision.passed) == ("closed", passed)
    assert decision.result["passed"] is passed
    assert decision.result["totals"]["headcount"]["participating"] == "9"
    assert LogEntry.objects.filter(decision=decision).order_by("-sequence").first().content == {
        "type": "closed",
        "passed": passed,
        "ballots": decision.result["ballots"],
    }
    page = _text(staff.get(_url("detail", decision)))
    assert "The result is published." in page
    assert f'<p class="result__verdict">{verdict}</p>' in page
    assert "The minutes have not been written yet." in page

    saved = staff.post(_url("minutes", decision), {"minutes": "Held in the courtyard; 9 of 10 took part."})
    assert saved.status_code == 302
    decision.refresh_from_db()
    assert decision.minutes == "Held in the courtyard; 9 of 10 took part."
    assert "Held in the courtyard; 9 of 10 took part." in _text(staff.get(_url("detail", decision)))


def test_minutes_are_written_only_after_the_result(world: World, estate: Estate, staff: Any) -> None:
    decision = make_decision(world, estate)
    before = _writes()
    response = staff.post(_url("minutes", decision), {"minutes": "Too early."})
    _refused(response, "Voting on this decision is open")
    assert _writes() == before


def test_a_cancelled_vote_takes_no_more_ballots(world: World, estate: Estate, client: Any) -> None:
    decision = make_decision(world, estate)
    _login(client, world.user("committee_staff"))
    assert client.post(_url("cancel", decision), {"reason": "  "}).status_code == 400
    assert Decision.objects.get().status == "open"
    assert client.post(_url("cancel", decision), {"reason": "The subsidy was withdrawn."}).status_code == 302
    decision.refresh_from_db()
    assert decision.status == "cancelled"
    owner = estate.owners["302"]
    before = _writes()
    response = _vote(_login(client, owner), decision, _elector(decision, owner), choice="yes")
    _refused(response, "This decision was cancelled.")
    assert _writes() == before


# --- minority statements --------------------------------------------------------------------------------------


def _closed_with(world: World, estate: Estate, yes: list[Any], no: list[Any]) -> Decision:
    decision = make_decision(world, estate)
    vote_for(decision, yes, "yes")
    vote_for(decision, no, "no")
    end_voting(decision)
    services.close_decision(world.user("committee_staff"), decision)
    decision.refresh_from_db()
    return decision


def test_a_minority_statement_is_for_those_outvoted_once(world: World, estate: Estate, client: Any) -> None:
    no_voter, yes_voter = estate.owners["302"], estate.owners["401"]
    others = [estate.owners[n] for n in ("201", "301", "402", "501", "502", "601", "602")]
    decision = _closed_with(world, estate, [yes_voter, *others], [no_voter])
    assert decision.passed is True  # 9 of 10 take part, 8 of 9 agree: the no-voter is outvoted
    elector = _elector(decision, no_voter)
    page = _login(client, no_voter).get(_url("detail", decision)).content.decode()
    assert f'name="minority-elector" value="{elector.pk}"' in page
    data = {"minority-elector": elector.pk, "minority-text": "The cost for the top floors is too high."}
    response = client.post(_url("minority", decision), data)
    assert response.status_code == 302
    assert MinorityStatement.objects.get().author == no_voter
    page = _text(client.get(_url("detail", decision)))
    assert "The cost for the top floors is too high." in page
    assert 'name="minority-elector"' not in page

    before = _writes()
    again = client.post(_url("minority", decision), data | {"minority-text": "And another thing."})
    _refused(again, "Only those who took part and were outvoted can add a minority statement, once.")
    assert _writes() == before

    yes_elector = _elector(decision, yes_voter)
    yes_page = _login(client, yes_voter).get(_url("detail", decision)).content.decode()
    assert 'name="minority-elector"' not in yes_page
    refused = client.post(
        _url("minority", decision), {"minority-elector": yes_elector.pk, "minority-text": "I agreed, but."}
    )
    _refused(refused, "Only those who took part and were outvoted can add a minority statement, once.")
    assert _writes() == before


def test_when_a_motion_fails_those_who_voted_yes_are_the_minority(
    world: World, estate: Estate, client: Any
) -> None:
    yes_voter, no_voter = estate.owners["401"], estate.owners["302"]
    decision = _closed_with(world, estate, [yes_voter], [no_voter])
    assert decision.passed is False
    assert (
        'name="minority-elector"'
        not in _login(client, no_voter).get(_url("detail", decision)).content.decode()
    )
    elector = _elector(decision, yes_voter)
    page = _login(client, yes_voter).get(_url("detail", decision)).content.decode()
    assert f'name="minority-elector" value="{elector.pk}"' in page
    response = client.post(
        _url("minority", decision), {"minority-elector": elector.pk, "minority-text": "Too few took part."}
    )
    assert response.status_code == 302
    assert MinorityStatement.objects.get().elector == elector


def test_an_empty_minority_statement_is_refused(world: World, estate: Estate, client: Any) -> None:
    no_voter = estate.owners["302"]
    decision = _closed_with(world, estate, [], [no_voter])
    before = _writes()
    response = _login(client, no_voter).post(
        _url("minority", decision), {"minority-elector": _elector(decision, no_voter).pk, "minority-text": ""}
    )
    assert response.status_code == 400
    assert "Write your statement." in _text(response)
    assert _writes() == before


# --- objections and mediation ---------------------------------------------------------------------------------


def _object(client: Any, decision: Decision, elector: Elector, text: str = "It takes my light.") -> Any:
    return client.post(_url("objection", decision), {"objection-elector": elector.pk, "objection-text": text})


def test_an_elector_objects_while_voting_is_open_and_may_withdraw(
    world: World, estate: Estate, client: Any
) -> None:
    decision = make_decision(world, estate)
    owner = estate.owners["302"]
    elector = _elector(decision, owner)
    page = _login(client, owner).get(_url("detail", decision)).content.decode()
    assert f'name="objection-elector" value="{elector.pk}"' in page
    response = _object(client, decision, elector)
    assert response.status_code == 302
    assert response["Location"] == _url("detail", decision) + "#objections"
    objection = Objection.objects.get()
    assert (objection.elector, objection.author, objection.status) == (elector, owner, "open")
    assert "It takes my light." in _text(client.get(_url("detail", decision)))

    # somebody else may neither object for this owner nor withdraw the objection
    before = _writes()
    _login(client, world.user("resident"))
    assert 'name="objection-elector"' not in client.get(_url("detail", decision)).content.decode()
    assert _object(client, decision, elector, "Me too.").status_code == 403
    assert client.post(_url("objection_withdraw", decision, objection.pk)).status_code == 403
    _login(client, estate.owners["401"])
    assert client.post(_url("objection_withdraw", decision, objection.pk)).status_code == 403
    assert _writes() == before

    _login(client, owner)
    withdrawn = client.post(_url("objection_withdraw", decision, objection.pk), follow=True)
    assert "Your objection is withdrawn." in _text(withdrawn)
    objection.refresh_from_db()
    assert objection.status == "withdrawn"
    before = _writes()
    again = client.post(_url("objection_withdraw", decision, objection.pk))
    _refused(again, "Only an open objection can be withdrawn.")
    assert _writes() == before


def test_an_empty_objection_is_refused(world: World, estate: Estate, client: Any) -> None:
    decision = make_decision(world, estate)
    owner = estate.owners["302"]
    before = _writes()
    response = _object(_login(client, owner), decision, _elector(decision, owner), "")
    assert response.status_code == 400
    assert "Write your objection." in _text(response)
    assert _writes() == before


def test_objections_are_taken_for_the_rules_period_after_the_result(
    world: World, estate: Estate, client: Any
) -> None:
    owner = estate.owners["302"]
    decision = _closed_with(world, estate, [], [owner])
    elector = _elector(decision, owner)
    assert _object(_login(client, owner), decision, elector, "Within ten days.").status_code == 302
    with time_machine.travel(decision.closed_at + timedelta(days=11)):
        _login(client, owner)  # eleven idle days end a session; the owner signs in again
        before = _writes()
        late = _object(client, decision, elector, "Too late.")
        _refused(late, "The objection period ended on")
        assert _writes() == before


def test_a_mediation_that_reaches_agreement_settles_the_objection(
    world: World, estate: Estate, client: Any
) -> None:
    decision = make_decision(world, estate)
    owner = estate.owners["302"]
    _object(_login(client, owner), decision, _elector(decision, owner))
    objection = Objection.objects.get()
    _login(client, world.user("committee_staff"))
    data = {
        "objection": objection.pk,
        "held_on": timezone.localdate().isoformat(),
        "attendees": "Chen, Owner302, the designer",
        "record": "The shaft moves 40 cm east.",
        "outcome": "agreed",
    }
    future = client.post(
        _url("mediation", decision),
        data | {"held_on": (timezone.localdate() + timedelta(days=2)).isoformat()},
    )
    assert future.status_code == 400
    assert "A mediation cannot be recorded before it is held." in _text(future)
    assert Mediation.objects.count() == 0

    response = client.post(_url("mediation", decision), data)
    assert response.status_code == 302
    mediation = Mediation.objects.get()
    assert (mediation.objection, mediation.outcome, mediation.recorded_by) == (
        objection,
        "agreed",
        world.user("committee_staff"),
    )
    objection.refresh_from_db()
    assert objection.status == "mediated"
    page = _text(_login(client, world.user("resident")).get(_url("detail", decision)))
    assert "Settled by mediation" in page
    assert "Agreement reached" in page
    assert "The shaft moves 40 cm east." in page


# --- extending ------------------------------------------------------------------------------------------------


def test_voting_is_extended_within_three_months_of_the_planned_close(
    world: World, estate: Estate, staff: Any
) -> None:
    decision = make_decision(world, estate)
    planned = decision.planned_closes_at
    before = _writes()
    too_far = staff.post(
        _url("extend", decision), {"closes_at": _local(add_months(planned, 3) + timedelta(days=1))}
    )
    assert too_far.status_code == 400
    assert "Voting may be extended by at most 3 months, until" in _text(too_far)
    earlier = staff.post(_url("extend", decision), {"closes_at": _local(planned - timedelta(days=1))})
    assert earlier.status_code == 400
    assert "An extension must end after the current closing time." in _text(earlier)
    empty = staff.post(_url("extend", decision), {"closes_at": ""})
    assert empty.status_code == 400
    assert "Give the new closing time." in _text(empty)
    assert _writes() == before

    target = add_months(planned, 2)
    response = staff.post(_url("extend", decision), {"closes_at": _local(target)})
    assert response.status_code == 302
    decision.refresh_from_db()
    assert _local(decision.closes_at) == _local(target)
    assert decision.planned_closes_at == planned
    entry = LogEntry.objects.filter(decision=decision).order_by("-sequence").first()
    assert entry.content["type"] == "extended"
    assert "Voting is extended." in _text(staff.get(_url("detail", decision)))


def test_voting_is_extended_once(world: World, estate: Estate, staff: Any) -> None:
    decision = make_decision(world, estate)
    planned = decision.planned_closes_at
    first = staff.post(_url("extend", decision), {"closes_at": _local(add_months(planned, 1))})
    assert first.status_code == 302
    assert "Voting may be extended once" in _text(staff.get(_url("detail", decision)))
    before = _writes()
    second = staff.post(_url("extend", decision), {"closes_at": _local(add_months(planned, 2))})
    assert second.status_code == 400
    assert "Voting has already been extended once; it cannot be extended again." in _text(second)
    assert _writes() == before


# --- proxies --------------------------------------------------------------------------------------------------


def test_a_proxy_votes_for_the_owner_who_authorised_them(world: World, estate: Estate, client: Any) -> None:
    decision = make_decision(world, estate)
    wang = estate.owners["201"]
    elector = _elector(decision, wang)
    proxy_user = world.user("resident")
    _login(client, world.user("committee_staff"))
    data = {
        "elector": elector.pk,
        "proxy": proxy_user.person.pk,
        "document": "Authorization no. 7, in the committee's safe",
        "signed_on": timezone.localdate().isoformat(),
    }
    before = _writes()
    future = client.post(
        _url("proxies", decision),
        data | {"signed_on": (timezone.localdate() + timedelta(days=1)).isoformat()},
    )
    assert future.status_code == 400
    assert "The authorization cannot be signed in the future." in _text(future)
    himself = client.post(_url("proxies", decision), data | {"proxy": wang.person.pk})
    assert himself.status_code == 400
    assert "This person can already vote for the elector; no proxy is needed." in _text(himself)
    assert _writes() == before

    recorded = client.post(_url("proxies", decision), data, follow=True)
    assert "The proxy is recorded; they can now vote for the owner." in _text(recorded)
    assert "Rui votes for Wang (5-201, 5-202)" in _text(recorded)
    assert ProxyAuthorization.objects.get().proxy == proxy_user.person
    assert LogEntry.objects.filter(decision=decision).order_by("-sequence").first().content["type"] == "proxy"

    page = _text(_login(client, proxy_user).get(_url("detail", decision)))
    assert "As proxy for Wang (5-201, 5-202)" in page
    response = _vote(client, decision, elector, choice="yes")
    assert response.status_code == 302
    participation = Participation.objects.get()
    assert (participation.elector, participation.channel, participation.cast_by) == (
        elector,
        "proxy",
        proxy_user,
    )
    assert "The ballot for 5-201, 5-202 (as proxy) has been received." in _text(
        client.get(_url("detail", decision))
    )

    before = _writes()
    own = _vote(_login(client, wang), decision, elector, choice="no")
    _refused(own, "has already been received")
    assert _writes() == before


# --- cost plans -----------------------------------------------------------------------------------------------


def _plan(**extra: str) -> dict[str, str]:
    data = {
        "total": "600000",
        "method": "floor-table",
        "floor_values": "3: 10, 4: 20, 5: 30, 6: 40",
        "subsidy_percent": "25",
        "subsidy_cap": "100000",
        "compensation": "1: 1000",
    }
    data.update(extra)
    return data


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (_plan(floor_values="3: 10, 4: 20, 5: 30, 6: 30"), "the floor percentages must add up to 100%"),
        (_plan(floor_values="3 = 10"), "Write “floor: value” pairs separated by commas"),
        (_plan(floor_values="7: 100"), "no units on floor(s) 7 to pay their share"),
        (_plan(total="-5"), "Ensure this value is greater than or equal to 0."),
        (_plan(subsidy_percent="120"), "Ensure this value is less than or equal to 100."),
        (_plan(method="by-lottery"), "Select a valid choice."),
    ],
)
def test_a_cost_plan_that_does_not_add_up_is_refused(
    data: dict[str, str], message: str, world: World, estate: Estate, staff: Any
) -> None:
    decision = make_decision(world, estate, open_now=False)
    before = _writes()
    response = staff.post(_url("cost_plan", decision), data)
    assert response.status_code == 400
    assert message in _text(response)
    assert _writes() == before
    assert CostPlan.objects.count() == 0


def test_a_cost_plan_lists_every_units_amount_adding_up_to_what_owners_pay(
    world: World, estate: Estate, staff: Any
) -> None:
    decision = make_decision(world, estate, open_now=False)
    response = staff.post(_url("cost_plan", decision), _plan())
    assert response.status_code == 302
    assert response["Location"] == _url("detail", decision) + "#costs"
    plan = CostPlan.objects.get(decision=decision)
    data = plan.plan
    assert (data["total_fen"], data["subsidy_fen"], data["owners_fen"]) == (
        60_000_000,
        10_000_000,
        50_000_000,
    )
    shares = {s["unit"]: s for s in data["shares"]}
    assert set(shares) == {f"5-{n}" for n in estate.units}
    assert sum(s["amount_fen"] for s in data["shares"]) == data["total_fen"] - data["subsidy_fen"]
    assert shares["5-101"]["amount_fen"] == shares["5-102"]["amount_fen"] == -100_000
    assert shares["5-101"]["compensation_fen"] == 100_000
    assert shares["5-201"]["amount_fen"] == 0
    assert shares["5-301"]["amount_fen"] == 2_510_000
    assert shares["5-601"]["amount_fen"] == shares["5-602"]["amount_fen"] == 10_040_000

    page = _text(staff.get(_url("detail", decision)))
    assert "¥600,000.00" in page
    assert "−¥100,000.00" in page
    assert "¥500,000.00" in page
    for unit, share in shares.items():
        amount = format(Decimal(share["amount_fen"]) / 100, ",.2f")
        row = (
            rf'<th scope="row">{re.escape(unit)}(?: <span class="badge">yours</span>)?</th>'
            rf'<td class="num">{share["floor"]}</td><td class="num">{re.escape(amount)}<'
        )
        assert re.search(row, page), (unit, amount)


def test_a_cost_plan_is_fixed_once_voting_opens(world: World, estate: Estate, staff: Any) -> None:
    decision = make_decision(world, estate)
    before = _writes()
    response = staff.post(_url("cost_plan", decision), _plan())
    _refused(response, "Voting on this decision is open", page="costs/")
    assert _writes() == before


# --- the simulator --------------------------------------------------------------------------------------------


def test_the_simulator_says_whether_it_would_pass_and_saves_nothing(
    world: World, estate: Estate, staff: Any
) -> None:
    decision = make_decision(world, estate)
    vote_for(decision, [estate.owners["302"]], "yes")
    now = _text(staff.get(_url("simulator", decision)))
    assert "As counted now, with no ballot assumed." in now
    assert "It would not pass" in now
    before = _writes()
    everyone = staff.post(_url("simulator", decision), {"building": "5", "everyone": "yes"})
    assert everyone.status_code == 200
    text = re.sub(r"\s+", " ", _text(everyone))
    assert "Counting 9 assumed ballots with those already counted." in text
    assert "It would pass" in text
    assert "It would not pass" not in text
    against = re.sub(
        r"\s+", " ", _text(staff.post(_url("simulator", decision), {"building": "5", "everyone": "no"}))
    )
    assert "It would not pass" in against
    assert _writes() == before


def test_the_simulator_is_for_an_open_yes_or_no_vote(world: World, estate: Estate, staff: Any) -> None:
    decision = _closed_with(world, estate, [estate.owners["302"]], [])
    response = staff.get(_url("simulator", decision), follow=True)
    assert response.redirect_chain[-1][0] == _url("detail", decision)
    assert "The simulator works on a yes-or-no vote while voting is open." in _text(response)


# --- the ballot log -------------------------------------------------------------------------------------------


def test_the_log_says_the_chain_is_intact_and_finds_a_tampered_entry(
    world: World, estate: Estate, client: Any
) -> None:
    decision = make_decision(world, estate)
    vote_for(decision, [estate.owners["302"], estate.owners["401"]], "yes")
    _login(client, world.user("resident"))
    intact = _text(client.get(_url("log", decision)))
    assert "The chain of 3 entries is intact." in intact
    assert "The chain is broken" not in intact

    entry = LogEntry.objects.get(decision=decision, sequence=2)
    LogEntry.objects.filter(pk=entry.pk).update(content={**entry.content, "choice": "no"})
    broken = _text(client.get(_url("log", decision)))
    assert "The chain is broken at entry #2." in broken
    assert "is intact" not in broken


def test_the_log_notices_a_missing_last_entry(world: World, estate: Estate, client: Any) -> None:
    decision = make_decision(world, estate)
    vote_for(decision, [estate.owners["302"]], "yes")
    LogEntry.objects.filter(decision=decision, sequence=2).delete()
    page = _text(_login(client, world.user("resident")).get(_url("log", decision)))
    assert "The last entry does not match the decision's recorded head." in page


def test_the_log_downloads_as_json_that_verifies(world: World, estate: Estate, client: Any) -> None:
    decision = make_decision(world, estate)
    vote_for(decision, [estate.owners["302"], estate.owners["401"]], "no")
    response = _login(client, world.user("owner")).get(_url("log_json", decision))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == f'attachment; filename="decision-{decision.pk}-ballot-log.json"'
    data = json.loads(response.content)
    decision.refresh_from_db()
    assert (data["decision"], data["title"], data["head"]) == (decision.pk, decision.title, decision.log_head)
    assert [e["sequence"] for e in data["entries"]] == [1, 2, 3]
    assert [e["content"]["type"] for e in data["entries"]] == ["opened", "ballot", "ballot"]
    chain = [ChainEntry(e["sequence"], e["content"], e["previous"], e["hash"]) for e in data["entries"]]
    assert verify(chain).ok
    assert chain[-1].hash == decision.log_head


# --- the list -------------------------------------------------------------------------------------------------


def test_the_list_hides_drafts_from_residents_and_shows_whose_vote_is_awaited(
    world: World, estate: Estate, client: Any
) -> None:
    make_decision(world, estate, title="Open one")
    make_decision(world, estate, open_now=False, title="Draft one")
    url = reverse("decisions:list", args=[world.harmony.pk])
    resident = _login(client, world.user("resident")).get(url)
    assert [d.title for d in resident.context["decisions"]] == ["Open one"]
    assert "New decision" not in _text(resident)
    assert "Your vote is awaited" not in _text(resident)
    staff_page = _login(client, world.user("committee_staff")).get(url)
    assert [d.title for d in staff_page.context["decisions"]] == ["Open one", "Draft one"]
    assert "New decision" in _text(staff_page)
    owner = estate.owners["302"]
    assert "Your vote is awaited" in _text(_login(client, owner).get(url))
    vote_for(Decision.objects.get(title="Open one"), [owner], "yes")
    assert "Your vote is awaited" not in _text(client.get(url))


# --- in Chinese -----------------------------------------------------------------------------------------------

PAGES = ["detail", "receipt", "log", "register", "paper", "proxies", "simulator"]


@pytest.mark.parametrize("name", PAGES)
def test_the_pages_work_in_chinese(name: str, world: World, estate: Estate, staff: Any) -> None:
    decision = make_decision(world, estate)
    vote_for(decision, [estate.owners["302"]], "yes")
    response = staff.get(_url(name, decision), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    assert response["Content-Language"] == "zh-hans"


def test_the_staff_and_voter_pages_work_in_chinese(world: World, estate: Estate, client: Any) -> None:
    zh = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
    draft = make_decision(world, estate, open_now=False)
    _login(client, world.user("committee_staff"))
    for url in [
        reverse("decisions:list", args=[world.harmony.pk]),
        reverse("decisions:new", args=[world.harmony.pk]),
        _url("detail", draft),
        _url("edit", draft),
        _url("cost_plan", draft),
    ]:
        assert client.get(url, **zh).status_code == 200, url
    assert client.post(
        reverse("decisions:new", args=[world.harmony.pk]), _form(world, estate, title=""), **zh
    ).status_code in {200, 400}
    decision = make_decision(world, estate)
    owner = estate.owners["302"]
    _login(client, owner)
    assert client.get(_url("detail", decision), **zh).status_code == 200
    assert _vote(client, decision, _elector(decision, owner), choice="yes").status_code == 302
    assert client.get(_url("detail", decision), **zh).status_code == 200
    refused = client.post(_url("vote", decision), _ballot(_elector(decision, owner), choice="no"), **zh)
    assert refused.status_code == 303
    assert "的选票已收到。" in _text(client.get(refused["Location"], **zh))
    end_voting(decision)
    _login(client, world.user("committee_staff"))
    assert client.post(_url("close", decision), **zh).status_code == 302
    assert client.get(_url("detail", decision), **zh).status_code == 200


def test_a_homeowners_committee_member_drafts_and_opens_a_vote_on_the_pages(
    world: World, estate: Estate, client: Any
) -> None:
    from ..factories import MembershipFactory

    committee = SubjectFactory(
        community=world.harmony, kind=SubjectKind.HOMEOWNERS_COMMITTEE, name="Harmony HOA"
    )
    chair = estate.owners["602"]
    MembershipFactory(subject=committee, person=chair.person, role="chair")
    _login(client, chair)
    opens_now = _local(timezone.now() - timedelta(minutes=5))
    response = client.post(
        reverse("decisions:new", args=[world.harmony.pk]), _form(world, estate, opens_at=opens_now)
    )
    assert response.status_code == 302
    decision = Decision.objects.get()
    assert decision.created_by == chair
    assert client.post(_url("open", decision)).status_code == 302
    decision.refresh_from_db()
    assert decision.status == "open"
    # running the vote does not take away their own ballot as an owner
    _vote_on_the_page(client, chair, decision, choice="yes")
    assert Participation.objects.get().cast_by == chair
