"""The budgeting REST API: every endpoint × every member of the cast, then what each endpoint returns, the refusals
(in the caller's language, writing nothing) and the results of the hand-computed cycle of ``budgeting.py``.

Who may do what is what the pages allow (the role sets are those of ``test_budgeting_permissions.py``); the API
differs only where APIs differ from pages: an anonymous caller gets 403, as from every other endpoint of the API
(session authentication sends no challenge, so DRF answers 403 rather than 401).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from comity.budgeting import services
from comity.budgeting.models import BallotKind, BudgetBallot, Cycle, EntryKind, LedgerEntry, Rule

from ..cast import World
from ..conftest import CAST
from .budgeting import make_cycle
from .test_budgeting_permissions import MANAGERS, PROPOSERS, VIEWERS, VOTERS, snapshot

pytestmark = pytest.mark.django_db


def _stage(stage: str, **fields: Any) -> Callable[[World], dict[str, Any]]:
    def setup(world: World) -> dict[str, Any]:
        scenario = make_cycle(world, stage=stage, **fields)
        scenario.cycle.refresh_from_db()
        return {"scenario": scenario, "cycle": scenario.cycle, "fund": scenario.fund, **scenario.projects}

    return setup


def _community_url(name: str) -> Callable[[World, dict[str, Any]], str]:
    return lambda w, s: reverse(name, args=[w.harmony.pk])


def _cycle_url(name: str) -> Callable[[World, dict[str, Any]], str]:
    return lambda w, s: reverse(name, args=[w.harmony.pk, s["cycle"].pk])


def _ledger_url(w: World, s: dict[str, Any]) -> str:
    return reverse("api-fund-ledger", args=[w.harmony.pk, s["fund"].pk])


def _ballot_for(*names: str) -> Callable[[World, dict[str, Any]], dict[str, Any]]:
    return lambda w, s: {"marks": [{"proposal": s[n].pk, "value": 1} for n in names]}


def _proposal_body(w: World, s: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": "Shade",
        "description": "Trees by the gate.",
        "district": s["cycle"].districts.get().pk,
        "estimated_cost": 25,
    }


@dataclass
class Case:
    name: str
    method: str
    url: Callable[[World, dict[str, Any]], str]
    allowed: set[str]
    setup: Callable[[World], dict[str, Any]]
    body: Callable[[World, dict[str, Any]], dict[str, Any]] | None = None
    ok_status: int = 200
    writes: bool = False
    #: What someone who can see Harmony but may not do this gets.
    refused_status: int = 403
    #: Per role, where it differs from ``refused_status``.
    refused_for: dict[str, int] = field(default_factory=dict)


CASES = [
    Case("funds", "get", _community_url("api-funds"), VIEWERS, _stage("closed")),
    Case("ledger", "get", _ledger_url, VIEWERS, _stage("closed")),
    Case("budgets", "get", _community_url("api-budgets"), VIEWERS, _stage("voting")),
    Case("budget", "get", _cycle_url("api-budget"), VIEWERS, _stage("voting")),
    Case("budget being prepared", "get", _cycle_url("api-budget"), MANAGERS, _stage("draft")),
    Case(
        "ballot",
        "post",
        _cycle_url("api-budget-ballot"),
        VOTERS,
        _stage("voting"),
        _ballot_for("A"),
        ok_status=201,
        writes=True,
        # Everyone who sees the cycle may try; the service refuses those without a home in Harmony in words.
        refused_status=400,
    ),
    Case(
        "ballot after closing",
        "post",
        _cycle_url("api-budget-ballot"),
        set(),
        _stage("closed"),
        _ballot_for("A"),
        refused_status=400,
    ),
    Case(
        "propose",
        "post",
        _cycle_url("api-budget-proposals"),
        PROPOSERS,
        _stage("proposing"),
        _proposal_body,
        ok_status=201,
        writes=True,
    ),
    Case(
        "propose while voting",
        "post",
        _cycle_url("api-budget-proposals"),
        set(),
        _stage("voting"),
        _proposal_body,
        refused_status=400,
        refused_for=dict.fromkeys(VIEWERS - PROPOSERS, 403),
    ),
    Case("results", "get", _cycle_url("api-budget-results"), VIEWERS, _stage("closed")),
    Case(
        "results before closing",
        "get",
        _cycle_url("api-budget-results"),
        set(),
        _stage("voted"),
        refused_status=400,
    ),
]


def _send(client: Any, method: str, url: str, body: dict[str, Any] | None, **headers: Any) -> Any:
    if method == "get":
        return client.get(url, **headers)
    return client.post(url, json.dumps(body or {}), content_type="application/json", **headers)


@pytest.mark.parametrize("role", CAST)
@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_every_role_gets_exactly_its_permissions(
    case: Case, role: str, world: World, client_for: Any
) -> None:
    setup = case.setup(world)
    before = snapshot()
    body = case.body(world, setup) if case.body else None
    response = _send(client_for(role), case.method, case.url(world, setup), body)
    if role in case.allowed:
        assert response.status_code == case.ok_status, (case.name, role, response.status_code)
        if case.writes:
            assert snapshot() != before, f"{role} was allowed {case.name} but nothing changed"
        else:
            assert snapshot() == before, f"{case.name} saves nothing, but something changed"
        return
    # Anonymous callers, and Otto of Riverside, who cannot see Harmony, get 403 whatever the case.
    expected = case.refused_for.get(role, case.refused_status) if role in VIEWERS else 403
    assert response.status_code == expected, (case.name, role, response.status_code)
    if expected == 400:
        assert response.json()["non_field_errors"], (case.name, role)
    assert snapshot() == before, f"{role} was denied {case.name} but something changed"


def test_a_cycle_or_fund_of_another_community_is_not_found_through_harmony(
    world: World, client_for: Any
) -> None:
    setup = _stage("voting")(world)
    riverside_cycle = Cycle.objects.create(
        community=world.riverside, title="Riverside budget", status="voting"
    )
    client = client_for("committee_staff")
    for name in ("api-budget", "api-budget-results"):
        assert client.get(reverse(name, args=[world.harmony.pk, riverside_cycle.pk])).status_code == 404
    before = snapshot()
    answer = _send(
        client,
        "post",
        reverse("api-budget-ballot", args=[world.harmony.pk, riverside_cycle.pk]),
        {"marks": [{"proposal": setup["A"].pk}]},
    )
    assert answer.status_code == 404
    assert client.get(reverse("api-fund-ledger", args=[world.harmony.pk, 999_999])).status_code == 404
    assert client.get(reverse("api-budget", args=[world.riverside.pk, setup["cycle"].pk])).status_code == 403
    assert snapshot() == before


# --- funds ----------------------------------------------------------------------------------------------------


def test_funds_and_the_ledger_in_fen(world: World, client_for: Any) -> None:
    setup = _stage("closed")(world)
    fund, a, c = setup["fund"], setup["A"], setup["C"]
    payment = services.record_entry(
        world.user("committee_staff"),
        fund,
        {
            "kind": EntryKind.DISBURSEMENT,
            "amount_fen": 2_050,
            "proposal": c,
            "receipt_number": "INV-7",
            "counterparty": "Bright Lamps Ltd",
            "description": "Lamps",
        },
    )
    LedgerEntry.objects.filter(pk=payment.pk).update(receipt="budgeting/receipts/2026/inv-7.pdf")
    client = client_for("resident")

    (listed,) = client.get(reverse("api-funds", args=[world.harmony.pk])).json()
    assert listed["id"] == fund.pk
    assert listed["formula_fen"] == 50_000
    assert listed["summary"] == {
        "income": 50_000,
        "income_by_source": {
            "formula": 50_000,
            "grant": 0,
            "donation": 0,
            "maintenance_fund": 0,
            "other": 0,
        },
        "allocated": 9_000,  # A (60 yuan) and C (30 yuan), funded by the vote
        "disbursed": 2_050,
        "returned": 0,
        "available": 41_000,
        "cash": 47_950,
    }

    ledger = client.get(reverse("api-fund-ledger", args=[world.harmony.pk, fund.pk])).json()
    assert ledger["fund"] == listed
    kinds = [
        (e["kind"], e["source"], e["amount_fen"], (e["project"] or {}).get("number"))
        for e in ledger["entries"]
    ]
    assert kinds == [
        ("income", "formula", 50_000, None),
        ("allocation", None, 6_000, a.number),
        ("allocation", None, 3_000, c.number),
        ("disbursement", None, 2_050, c.number),
    ]
    paid = ledger["entries"][-1]
    assert paid["project"] == {
        "id": c.pk,
        "number": c.number,
        "title": "Project C",
        "cycle": setup["cycle"].pk,
    }
    assert (paid["receipt_number"], paid["has_receipt"], paid["counterparty"]) == (
        "INV-7",
        True,
        "Bright Lamps Ltd",
    )
    assert paid["description"] == "Lamps"
    assert paid["date"] == payment.occurred_on.isoformat()
    assert ledger["entries"][1]["has_receipt"] is False
    money = {m["project"]["id"]: m for m in ledger["projects"]}
    assert (money[a.pk]["allocated"], money[a.pk]["outstanding"]) == (6_000, 6_000)
    assert (money[c.pk]["allocated"], money[c.pk]["disbursed"], money[c.pk]["outstanding"]) == (
        3_000,
        2_050,
        950,
    )
    assert money[c.pk]["entries"] == [e["id"] for e in ledger["entries"][2:]]


# --- cycles ---------------------------------------------------------------------------------------------------


def test_drafts_are_listed_only_for_those_who_run_cycles(world: World, client_for: Any) -> None:
    setup = _stage("voting")(world)
    draft = services.create_cycle(
        world.user("committee_staff"), world.harmony, {"title": "Next", "budget": 50}
    )
    url = reverse("api-budgets", args=[world.harmony.pk])
    assert [c["id"] for c in client_for("resident").get(url).json()] == [setup["cycle"].pk]
    listed = client_for("committee_staff").get(url).json()
    assert {c["id"] for c in listed} == {setup["cycle"].pk, draft.pk}
    voting = next(c for c in listed if c["id"] == setup["cycle"].pk)
    assert (voting["status"], voting["ballot_kind"], voting["rule"], voting["budget"]) == (
        "voting",
        "approval",
        "mes-add1",
        100,
    )
    assert voting["fund"] == setup["fund"].pk


def test_the_cycle_with_the_callers_district_and_ballot(world: World, client_for: Any) -> None:
    setup = _stage("voting", kind=BallotKind.CUMULATIVE, points=10)(world)
    url = reverse("api-budget", args=[world.harmony.pk, setup["cycle"].pk])
    client = client_for("resident")
    before = client.get(url).json()
    assert before["my_ballot"] is None
    district = setup["cycle"].districts.get()
    assert before["my_district"] == district.pk
    assert before["districts"] == [
        {
            "id": district.pk,
            "name": "Whole community",
            "budget": 100,
            "budget_fen": 10000,
            "buildings": [],
            "voters": 0,
        }
    ]
    assert (before["status"], before["ballot_kind"], before["points"], before["max_choices"]) == (
        "voting",
        "cumulative",
        10,
        None,
    )
    assert before["rule_title"] == "Method of Equal Shares (with Add1)"
    assert before["rule_summary"].startswith("Every voter gets an equal share of the budget.")
    assert before["accepting"] is True
    assert before["can_propose"] is False
    assert [(p["title"], p["cost"], p["status"]) for p in before["proposals"]] == [
        ("Project A", 60, "on_ballot"),
        ("Project B", 40, "on_ballot"),
        ("Project C", 30, "on_ballot"),
    ]
    assert [p["mine"] for p in before["proposals"]] == [False, False, True]  # Rui proposed C

    ballot_url = reverse("api-budget-ballot", args=[world.harmony.pk, setup["cycle"].pk])
    marks = {"marks": [{"proposal": setup["C"].pk, "value": 6}, {"proposal": setup["A"].pk, "value": 4}]}
    cast = _send(client, "post", ballot_url, marks)
    assert cast.status_code == 201
    assert cast.json()["district"] == district.pk
    assert sorted((m["proposal"], m["value"]) for m in cast.json()["marks"]) == sorted(
        [(setup["C"].pk, 6), (setup["A"].pk, 4)]
    )
    # A second ballot replaces the first.
    again = _send(client, "post", ballot_url, {"marks": [{"proposal": setup["B"].pk, "value": 10}]})
    assert again.status_code == 201
    assert BudgetBallot.objects.filter(cycle=setup["cycle"]).count() == 1
    after = client.get(url).json()
    assert after["my_ballot"]["marks"] == [{"proposal": setup["B"].pk, "value": 10}]
    assert after["districts"][0]["voters"] == 1

    staff = client_for("grid_worker").get(url).json()
    assert (staff["my_district"], staff["my_ballot"]) == (None, None)


def test_a_ranked_ballot_reads_values_as_ranks(world: World, client_for: Any) -> None:
    setup = _stage("voting", kind=BallotKind.RANKED)(world)
    url = reverse("api-budget-ballot", args=[world.harmony.pk, setup["cycle"].pk])
    client = client_for("owner")
    before = snapshot()
    gap = {"marks": [{"proposal": setup["C"].pk, "value": 1}, {"proposal": setup["A"].pk, "value": 3}]}
    refused = _send(client, "post", url, gap)
    assert refused.status_code == 400
    assert refused.json() == {"non_field_errors": ["Number your choices 1, 2, 3 … without gaps or repeats."]}
    assert snapshot() == before
    ranked = {"marks": [{"proposal": setup["A"].pk, "value": 2}, {"proposal": setup["C"].pk, "value": 1}]}
    cast = _send(client, "post", url, ranked)
    assert cast.status_code == 201
    assert cast.json()["marks"] == [
        {"proposal": setup["C"].pk, "value": 1},
        {"proposal": setup["A"].pk, "value": 2},
    ]


OVER_BUDGET = (
    "Your projects cost %(total)s yuan, more than the budget of %(budget)s yuan. Remove %(over)s yuan."
)


def test_an_over_budget_knapsack_ballot_is_refused_in_the_callers_language(
    world: World, client_for: Any
) -> None:
    setup = _stage("voting", kind=BallotKind.KNAPSACK)(world)
    url = reverse("api-budget-ballot", args=[world.harmony.pk, setup["cycle"].pk])
    body = _ballot_for("A", "B", "C")(world, setup)  # 60 + 40 + 30 = 130 yuan of 100
    client = client_for("resident")
    before = snapshot()

    english = _send(client, "post", url, body)
    chinese = _send(client, "post", url, body, HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert english.status_code == 400
    assert english.json() == {
        "non_field_errors": ["Your projects cost 130 yuan, more than the budget of 100 yuan. Remove 30 yuan."]
    }
    assert chinese.status_code == 400
    params = {"total": "130", "budget": "100", "over": "30"}
    with translation.override("zh-hans"):
        expected = translation.gettext(OVER_BUDGET) % params
    # The message is whatever the Chinese catalogue says. Budgeting's strings are not translated yet, so today
    # that is the English text; once they are, this expects the Chinese.
    assert chinese.json() == {"non_field_errors": [expected]}
    assert snapshot() == before

    within = _send(client, "post", url, _ballot_for("A", "B")(world, setup))
    assert within.status_code == 201


def test_a_ballot_after_closing_is_refused(world: World, client_for: Any) -> None:
    setup = _stage("closed")(world)
    before = snapshot()
    refused = _send(
        client_for("owner"),
        "post",
        reverse("api-budget-ballot", args=[world.harmony.pk, setup["cycle"].pk]),
        _ballot_for("B")(world, setup),
    )
    assert refused.status_code == 400
    assert refused.json() == {"non_field_errors": ["Voting has closed and the projects are decided."]}
    assert snapshot() == before


def test_malformed_ballots_are_refused_and_write_nothing(world: World, client_for: Any) -> None:
    setup = _stage("voting")(world)
    url = reverse("api-budget-ballot", args=[world.harmony.pk, setup["cycle"].pk])
    client = client_for("resident")
    before = snapshot()
    assert _send(client, "post", url, {}).json() == {"marks": ["This field is required."]}
    assert _send(client, "post", url, {"marks": []}).json() == {
        "non_field_errors": ["Choose at least one project."]
    }
    unknown = _send(client, "post", url, {"marks": [{"proposal": 999_999}]})
    assert unknown.json() == {"non_field_errors": ["That project is not on your district's ballot."]}
    assert snapshot() == before


# --- proposals ------------------------------------------------------------------------------------------------


def test_proposals_are_visible_as_on_the_pages(world: World, client_for: Any) -> None:
    setup = _stage("proposing")(world)
    services.review_proposal(
        world.user("committee_staff"), setup["B"], eligible=False, reasons=["private", "unlawful"]
    )
    url = reverse("api-budget", args=[world.harmony.pk, setup["cycle"].pk])

    def seen(role: str) -> dict[str, Any]:
        return {p["title"]: p for p in client_for(role).get(url).json()["proposals"]}

    assert set(seen("committee_staff")) == {"Project A", "Project B", "Project C"}
    assert set(seen("resident")) == {"Project B", "Project C"}  # C is Rui's own, awaiting review
    assert set(seen("owner")) == {"Project B"}
    b = seen("owner")["Project B"]
    assert b["status"] == "ineligible"
    assert b["reasons"] == [
        {"code": "private", "text": "It benefits a private household or business, not the public."},
        {"code": "unlawful", "text": "It is against the law or the community's rules."},
    ]
    assert client_for("resident").get(url).json()["can_propose"] is True


def test_proposing_through_the_api(world: World, client_for: Any) -> None:
    setup = _stage("proposing")(world)
    url = reverse("api-budget-proposals", args=[world.harmony.pk, setup["cycle"].pk])
    district = setup["cycle"].districts.get().pk
    client = client_for("ngo_staff")
    made = _send(
        client,
        "post",
        url,
        {
            "title": "Reading corner",
            "description": "Shelves and chairs for the elderly.",
            "location": "Building 1 lobby",
            "district": district,
            "organisation": world.ngo.pk,
        },
    )
    assert made.status_code == 201, made.json()
    proposal = made.json()
    assert (proposal["number"], proposal["status"], proposal["organisation"], proposal["mine"]) == (
        4,
        "submitted",
        "Silver Age Care",
        True,
    )
    assert (proposal["location"], proposal["estimated_cost"], proposal["district"]) == (
        "Building 1 lobby",
        None,
        district,
    )

    before = snapshot()
    resident = client_for("resident")
    for body, errors in [
        (
            {"title": "x", "description": "y", "district": district, "organisation": world.ngo.pk},
            {"organisation"},
        ),
        ({"title": "x", "description": "y", "district": 999_999}, {"district"}),
        ({"title": "x", "description": "y", "district": district, "estimated_cost": 0}, {"estimated_cost"}),
        ({"description": "y", "district": district}, {"title"}),
    ]:
        refused = _send(resident, "post", url, body)
        assert refused.status_code == 400
        assert set(refused.json()) == errors
    assert snapshot() == before


# --- results --------------------------------------------------------------------------------------------------


def test_the_results_of_the_hand_computed_cycle(world: World, client_for: Any) -> None:
    setup = _stage("closed")(world)
    a, b, c = (setup[n].pk for n in "ABC")
    results = client_for("grid_worker").get(
        reverse("api-budget-results", args=[world.harmony.pk, setup["cycle"].pk])
    )
    assert results.status_code == 200
    data = results.json()
    assert (data["cycle"], data["rule"]) == (setup["cycle"].pk, "mes-add1")
    (district,) = data["districts"]
    assert (district["name"], district["budget"], district["voters"], district["official_rule"]) == (
        "Whole community",
        100,
        6,
        "mes-add1",
    )
    # MES with Add1 funds A (15 yuan from each of its four supporters), then C (15 yuan from each of two).
    assert [(p["id"], p["cost"], p["status"]) for p in district["selected"]] == [
        (a, 60, "funded"),
        (c, 30, "funded"),
    ]
    assert {p["id"]: p["status"] for p in district["projects"]} == {a: "funded", b: "not_funded", c: "funded"}

    rules = {r["rule"]: r for r in district["rules"]}
    assert set(rules) == set(Rule.values)
    assert district["rules"][0]["rule"] == "mes-add1"
    assert [r["official"] for r in district["rules"]] == [True, False, False, False, False]
    assert rules["mes-add1"]["selected"] == [a, c]
    assert rules["mes-add1"]["cost"] == 90
    assert rules["greedy"]["selected"] == [a, b]
    assert rules["greedy"]["cost"] == 100
    assert set(rules["mes"]["selected"]) == {a, c}
    assert set(rules["phragmen"]["selected"]) == {b, c}
    assert rules["greedy"]["title"] == "Most votes first"

    mes = rules["mes-add1"]
    assert mes["explanations"][str(c)]["payment"] == "15/1"
    assert mes["explanations"][str(a)]["selected"] is True
    assert mes["explanations"][str(b)]["selected"] is False
    assert mes["explained"][str(a)] == "Funded: 4 supporters paid 15.00 yuan each."
    assert mes["explained"][str(c)] == "Funded: 2 supporters paid 15.00 yuan each."
    assert mes["explained"][str(b)].startswith("Not funded: its supporters had")
    assert (
        rules["greedy"]["explained"][str(c)] == "Not funded: it costs 30 yuan, but only 0.00 yuan was left."
    )
    assert (
        rules["mes"]["explained"][str(b)]
        == "Not funded: its supporters had 35.00 yuan too little left (5.00 of 40 yuan)."
    )
    # The balance measures: under greedy Building 1 (Rui and Olga) gets nothing; under MES everyone gets something.
    assert mes["measures"]["voters"] == 6
    assert mes["measures"]["non_empty_share"] == 1.0
    assert rules["greedy"]["measures"]["non_empty_share"] == pytest.approx(4 / 6)
    assert rules["greedy"]["measures"]["pjr"]["satisfied"] is False


def test_results_wait_for_the_close(world: World, client_for: Any) -> None:
    setup = _stage("voted")(world)
    url = reverse("api-budget-results", args=[world.harmony.pk, setup["cycle"].pk])
    answer = client_for("resident").get(url)
    assert answer.status_code == 400
    assert answer.json() == {"non_field_errors": ["The results are published when voting closes."]}


def test_the_schema_documents_the_endpoints(client_for: Any) -> None:
    schema = client_for("committee_staff").get(reverse("api-schema")).content.decode()
    for path in (
        "/api/v1/communities/{community_id}/funds/",
        "/api/v1/communities/{community_id}/funds/{fund_id}/ledger/",
        "/api/v1/communities/{community_id}/budgets/",
        "/api/v1/communities/{community_id}/budgets/{cycle_id}/",
        "/api/v1/communities/{community_id}/budgets/{cycle_id}/ballot/",
        "/api/v1/communities/{community_id}/budgets/{cycle_id}/proposals/",
        "/api/v1/communities/{community_id}/budgets/{cycle_id}/results/",
    ):
        assert path in schema
    assert "MyBallot" in schema
    assert "RuleOutcome" in schema
