"""The fund and budget pages: what residents and staff see, and bad input refused on the page with nothing saved."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from comity.budgeting import services
from comity.budgeting.models import (
    BallotKind,
    BudgetBallot,
    Cycle,
    CycleStatus,
    EntryKind,
    LedgerEntry,
    Proposal,
    ProposalStatus,
    Rule,
)
from comity.engine.budgeting.pabulib import read_pabulib
from tests.shared_data import shared_data

from ..cast import World
from .budgeting import make_cycle, make_fund
from .test_budgeting_permissions import SMALL_PB, snapshot

pytestmark = pytest.mark.django_db


def _url(name: str, cycle: Cycle, *extra: Any) -> str:
    return reverse(f"budgeting:{name}", args=[cycle.community_id, cycle.pk, *extra])


# --- the ballot -----------------------------------------------------------------------------------------------


def test_the_knapsack_ballot_shows_the_budget_and_refuses_too_much(world: World, client_for: Any) -> None:
    scenario = make_cycle(world, stage="voting", kind=BallotKind.KNAPSACK)
    client = client_for("resident")
    page = client.get(_url("vote", scenario.cycle))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Chosen" in text
    assert 'data-budget="100"' in text
    assert 'data-cost="60"' in text
    before = snapshot()
    response = client.post(
        _url("vote", scenario.cycle), {"project": [p.pk for p in scenario.projects.values()]}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Your projects cost 130 yuan, more than the budget of 100 yuan. Remove 30 yuan." in body
    # The choices stay ticked, so the voter only unticks one.
    assert body.count(" checked") == 3
    assert snapshot() == before
    response = client.post(_url("vote", scenario.cycle), {"project": [scenario.projects["C"].pk]})
    assert response.status_code == 302
    page = client.get(_url("vote", scenario.cycle)).content.decode()
    assert "Change my ballot" in page
    assert "Your ballot is counted" in page


def test_a_malformed_ballot_is_refused_in_words(world: World, client_for: Any) -> None:
    scenario = make_cycle(world, stage="voting")
    response = client_for("resident").post(_url("vote", scenario.cycle), {"project": ["x"]})
    assert response.status_code == 400
    assert "could not be read" in response.content.decode()
    assert not BudgetBallot.objects.exists()


def test_a_ballot_after_closing_is_refused_on_the_page(world: World, client_for: Any) -> None:
    scenario = make_cycle(world, stage="closed")
    before = snapshot()
    response = client_for("resident").post(
        _url("vote", scenario.cycle), {"project": [scenario.projects["A"].pk]}
    )
    assert response.status_code == 400
    assert "Voting has closed and the projects are decided." in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize("kind", [BallotKind.CUMULATIVE, BallotKind.RANKED, BallotKind.APPROVAL])
def test_every_ballot_kind_is_filled_on_the_page(world: World, client_for: Any, kind: str) -> None:
    scenario = make_cycle(world, stage="voting", kind=kind, max_choices=2)
    a, c = scenario.projects["A"], scenario.projects["C"]
    data: dict[str, Any]
    if kind == BallotKind.CUMULATIVE:
        data = {f"points-{a.pk}": "7", f"points-{c.pk}": "3", f"points-{scenario.projects['B'].pk}": ""}
    elif kind == BallotKind.RANKED:
        data = {f"rank-{c.pk}": "1", f"rank-{a.pk}": "2"}
    else:
        data = {"project": [a.pk, c.pk]}
    client = client_for("owner")
    assert client.get(_url("vote", scenario.cycle)).status_code == 200
    assert client.post(_url("vote", scenario.cycle), data).status_code == 302
    ballot = BudgetBallot.objects.get(voter=world.user("owner"))
    marks = {m.proposal_id: (m.points, m.rank) for m in ballot.marks.all()}
    if kind == BallotKind.CUMULATIVE:
        assert marks == {a.pk: (7, None), c.pk: (3, None)}
    elif kind == BallotKind.RANKED:
        assert marks == {c.pk: (1, 1), a.pk: (1, 2)}
    else:
        assert marks == {a.pk: (1, None), c.pk: (1, None)}


def test_too_many_points_are_refused(world: World, client_for: Any) -> None:
    scenario = make_cycle(world, stage="voting", kind=BallotKind.CUMULATIVE, points=10)
    a, c = scenario.projects["A"], scenario.projects["C"]
    response = client_for("owner").post(
        _url("vote", scenario.cycle), {f"points-{a.pk}": "8", f"points-{c.pk}": "3"}
    )
    assert response.status_code == 400
    assert "You gave 11 points; you have 10 to share." in response.content.decode()
    assert not BudgetBallot.objects.exists()


# --- results --------------------------------------------------------------------------------------------------


def test_the_results_explain_every_project_and_compare_the_rules(world: World, client_for: Any) -> None:
    scenario = make_cycle(world, stage="closed")
    text = client_for("grid_worker").get(_url("results", scenario.cycle)).content.decode()
    assert "2 projects funded for 90 of 100 yuan, chosen on 6 ballots." in text
    assert "Funded: 4 supporters paid 15.00 yuan each." in text
    assert "Funded: 2 supporters paid 15.00 yuan each." in text
    assert "Not funded: its supporters had" in text
    # B is funded by greedy and Phragmén but not by MES: its row is highlighted.
    assert text.count('class="differs"') == 3
    assert "Building 1" in text
    assert "Building 2" in text
    assert "66.7%" in text
    assert "100.0%" in text


def test_results_wait_for_the_close(world: World, client_for: Any) -> None:
    scenario = make_cycle(world, stage="voting")
    response = client_for("resident").get(_url("results", scenario.cycle))
    assert response.status_code == 302
    assert response["Location"] == _url("cycle", scenario.cycle)


def test_the_proposer_sees_why_their_proposal_is_not_eligible(world: World, client_for: Any) -> None:
    scenario = make_cycle(world, stage="proposing")
    services.review_proposal(
        world.user("committee_staff"),
        scenario.projects["C"],
        eligible=False,
        reasons=["other_party"],
        note="Ask Evergreen.",
    )
    text = (
        client_for("resident")
        .get(_url("proposal", scenario.cycle, scenario.projects["C"].pk))
        .content.decode()
    )
    assert "Not eligible, because:" in text
    assert "Another party owes this cost" in text
    assert "Ask Evergreen." in text


def test_staff_review_on_the_page_needs_a_reason(world: World, client_for: Any) -> None:
    scenario = make_cycle(world, stage="proposing")
    b = scenario.projects["B"]
    client = client_for("committee_staff")
    response = client.post(_url("review", scenario.cycle, b.pk), {"eligible": "no", "note": "?"}, follow=True)
    assert "Say which item of the negative list rules it out." in response.content.decode()
    b.refresh_from_db()
    assert b.status == ProposalStatus.SUBMITTED


# --- funds ----------------------------------------------------------------------------------------------------


def test_the_ledger_page_shows_where_every_fen_went(world: World, client_for: Any) -> None:
    scenario = make_cycle(world, stage="closed")
    text = (
        client_for("resident")
        .get(reverse("budgeting:fund", args=[world.harmony.pk, scenario.fund.pk]))
        .content.decode()
    )
    assert "500.00" in text  # income
    assert "90.00" in text  # allocated to A and C
    assert "410.00" in text  # not yet allocated
    assert "Project A" in text
    assert "Project C" in text


def test_a_payment_over_the_allocation_is_refused_on_its_field(world: World, client_for: Any) -> None:
    scenario = make_cycle(world, stage="closed")
    a = Proposal.objects.get(pk=scenario.projects["A"].pk)
    before = snapshot()
    response = client_for("committee_staff").post(
        reverse("budgeting:fund", args=[world.harmony.pk, scenario.fund.pk]),
        {
            "kind": EntryKind.DISBURSEMENT,
            "amount": "60.01",
            "occurred_on": "2026-05-01",
            "description": "Swing set",
            "proposal": a.pk,
            "receipt_number": "INV-7",
        },
    )
    assert response.status_code == 200
    assert (
        "Only 60.00 yuan allocated to this project is neither paid out nor returned."
        in response.content.decode()
    )
    assert snapshot() == before


def test_a_receipt_scan_is_kept_with_the_payment(
    world: World, client_for: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    scenario = make_cycle(world, stage="closed")
    a = Proposal.objects.get(pk=scenario.projects["A"].pk)
    response = client_for("committee_staff").post(
        reverse("budgeting:fund", args=[world.harmony.pk, scenario.fund.pk]),
        {
            "kind": EntryKind.DISBURSEMENT,
            "amount": "59.50",
            "occurred_on": "2026-05-01",
            "description": "Swing set",
            "proposal": a.pk,
            "receipt_number": "INV-7",
            "receipt": SimpleUploadedFile("inv-7.pdf", b"%PDF-1.4 receipt", content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    entry = LedgerEntry.objects.get(receipt_number="INV-7")
    assert entry.amount_fen == 5_950
    assert entry.receipt.read() == b"%PDF-1.4 receipt"


def test_a_fund_with_a_duplicate_name_is_refused(world: World, client_for: Any) -> None:
    fund = make_fund(world)
    response = client_for("committee_staff").post(
        reverse("budgeting:funds", args=[world.harmony.pk]),
        {"name": fund.name, "year": fund.year, "fixed": "1", "per_100": "0", "residents": "0"},
    )
    assert response.status_code == 200
    assert "already has a fund of that name" in response.content.decode()


# --- cycles ---------------------------------------------------------------------------------------------------


def test_a_cycle_with_districts_of_buildings(world: World, client_for: Any) -> None:
    client = client_for("committee_staff")
    url = reverse("budgeting:cycle_new", args=[world.harmony.pk])
    data = {
        "title": "2027",
        "ballot_kind": "knapsack",
        "points": "10",
        "rule": "mes-add1",
        "districts": "West; 60000; 1\nNowhere; 100; 99",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Line 2: no building with the code 99." in response.content.decode()
    assert not Cycle.objects.exists()
    data["districts"] = "West; 60000; 1"
    assert client.post(url, data).status_code == 302
    cycle = Cycle.objects.get()
    district = cycle.districts.get()
    assert (district.name, district.budget, [b.code for b in district.buildings.all()]) == (
        "West",
        60_000,
        ["1"],
    )


def test_a_cycle_needs_a_budget(world: World, client_for: Any) -> None:
    response = client_for("committee_staff").post(
        reverse("budgeting:cycle_new", args=[world.harmony.pk]),
        {"title": "2027", "ballot_kind": "approval", "points": "10", "rule": "mes-add1"},
    )
    assert response.status_code == 200
    assert "Give the budget, or the districts with their budgets." in response.content.decode()
    assert not Cycle.objects.exists()


# --- pabulib in and out ---------------------------------------------------------------------------------------


def _import(client: Any, world: World, data: bytes, name: str = "file.pb") -> Any:
    return client.post(
        reverse("budgeting:import", args=[world.harmony.pk]),
        {"file": SimpleUploadedFile(name, data), "title": ""},
    )


def test_a_malformed_file_is_refused_with_its_line_and_nothing_is_saved(
    world: World, client_for: Any
) -> None:
    client = client_for("committee_staff")
    before = snapshot()
    broken = SMALL_PB.replace("2;50;Bench", "2;fifty;Bench")
    response = _import(client, world, broken.encode())
    assert response.status_code == 400
    text = response.content.decode()
    assert "Line 11: project 2 cost &#x27;fifty&#x27; is not a number" in text
    assert snapshot() == before
    response = _import(client, world, b"META\nkey;value\n" + b"\xff\xfe")
    assert response.status_code == 400
    assert "Line 3: the file is not UTF-8 text." in response.content.decode()
    assert snapshot() == before


def test_a_vote_for_an_unknown_project_in_the_file_is_refused(world: World, client_for: Any) -> None:
    response = _import(client_for("committee_staff"), world, SMALL_PB.replace("v2;1,2", "v2;1,7").encode())
    assert response.status_code == 400
    assert "Line 15: voter v2 votes for unknown project &#x27;7&#x27;" in response.content.decode()
    assert not Cycle.objects.exists()


def test_assen_is_imported_and_reproduces_its_real_outcome(world: World, client_for: Any) -> None:
    path = shared_data() / "pabulib" / "Netherlands_Assen_2024.pb"
    response = _import(client_for("committee_staff"), world, path.read_bytes(), path.name)
    assert response.status_code == 302
    cycle = Cycle.objects.get()
    assert cycle.status == CycleStatus.CLOSED
    election = read_pabulib(path.read_text(encoding="utf-8"), path.name)
    real = {p.id for p in election.projects if p.meta.get("selected") == "1"}
    funded = set(cycle.proposals.filter(status=ProposalStatus.FUNDED).values_list("external_id", flat=True))
    assert funded == real
    assert cycle.outcomes.get(official=True).rule == Rule.MES_ADD1
    assert cycle.ballots.count() == len(election.ballots)


def test_export_round_trips_the_ballots(world: World, client_for: Any) -> None:
    scenario = make_cycle(world, stage="closed", kind=BallotKind.RANKED)
    district = scenario.cycle.districts.get()
    response = client_for("committee_staff").get(_url("export", scenario.cycle, district.pk))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.pb"')
    election = read_pabulib(response.content.decode(), "export.pb")
    assert election.budget == 100
    assert election.vote_type == "ordinal"
    assert sorted(p.cost for p in election.projects) == [30, 40, 60]
    assert len(election.ballots) == 6
    assert {p.name: p.meta["selected"] for p in election.projects} == {
        "Project A": "1",
        "Project B": "0",
        "Project C": "1",
    }
    assert election.meta["rule"] == "equalshares/add1"
    # Voters are ballot numbers, never names or accounts.
    assert not any(b.voter in {"rui", "olga"} for b in election.ballots)
    assert {b.meta.get("group") for b in election.ballots} == {"Building 1", "Building 2"}


def test_the_pages_speak_chinese(world: World, client_for: Any) -> None:
    scenario = make_cycle(world, stage="closed")
    client = client_for("resident")
    results = client.get(_url("results", scenario.cycle), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "获得资助：4 位支持者每人支付 15.00 元。" in results
    assert "规则比较" in results
    voting = make_cycle(world, stage="voting", kind=BallotKind.KNAPSACK, fund=scenario.fund)
    response = client.post(
        _url("vote", voting.cycle),
        {"project": [p.pk for p in voting.projects.values()]},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 400
    assert "130" in response.content.decode()
    assert "Your projects cost" not in response.content.decode()
