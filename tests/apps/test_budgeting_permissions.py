"""Every fund and budget page and action × every member of the cast.

Who may do what (``comity/budgeting/permissions.py``):

* everyone who can see Harmony reads its funds and ledgers, and every cycle past its preparation, with its
  proposals, ballot page and results;
* the residents' committee staff, the street office and platform staff keep the funds and run the cycles;
* everyone who belongs to Harmony (residents, owners, those who work for its organisations) proposes projects;
* who votes and rates is not a role: verified residents and owners (Rui and Olga); others who can see Harmony are
  refused in words (400) or, for rating, with 403.

An allowed role gets its page (or its write takes effect); a denied role gets 403 — anonymous visitors are sent to
the login page — and every denied write leaves every budgeting table, and the audit log, exactly as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from comity.audit.models import AuditEntry
from comity.budgeting import services
from comity.budgeting.models import (
    BallotMark,
    BudgetBallot,
    Cycle,
    District,
    EntryKind,
    Fund,
    LedgerEntry,
    Milestone,
    Outcome,
    Proposal,
    Rating,
)

from ..cast import World
from ..conftest import CAST
from .budgeting import make_cycle

VIEWERS = {
    "resident",
    "owner",
    "grid_worker",
    "committee_staff",
    "street_official",
    "ngo_staff",
    "enterprise_staff",
    "platform_staff",
}
MANAGERS = {"committee_staff", "street_official", "platform_staff"}
#: Everyone who belongs to Harmony (the street official does not); platform staff hold every permission.
PROPOSERS = {
    "resident",
    "owner",
    "grid_worker",
    "committee_staff",
    "ngo_staff",
    "enterprise_staff",
    "platform_staff",
}
VOTERS = {"resident", "owner"}

SMALL_PB = """META
key;value
description;Toy
num_projects;2
num_votes;2
budget;100
vote_type;approval
PROJECTS
project_id;cost;name
1;60;Swing
2;50;Bench
VOTES
voter_id;vote
v1;1
v2;1,2
"""


def snapshot() -> dict[str, Any]:
    return {
        "funds": Fund.objects.count(),
        "entries": sorted(LedgerEntry.objects.values_list("pk", "amount_fen")),
        "cycles": sorted(Cycle.objects.values_list("pk", "status")),
        "districts": District.objects.count(),
        "proposals": sorted(Proposal.objects.values_list("pk", "status", "cost_fen")),
        "ballots": sorted(BudgetBallot.objects.values_list("pk", "district_id")),
        "marks": BallotMark.objects.count(),
        "outcomes": Outcome.objects.count(),
        "milestones": sorted(Milestone.objects.values_list("pk", "done_on")),
        "ratings": sorted(Rating.objects.values_list("pk", "stars")),
        "audit": AuditEntry.objects.count(),
    }


# --- situations -----------------------------------------------------------------------------------------------


def _stage(stage: str, **fields: Any) -> Callable[[World], dict[str, Any]]:
    def setup(world: World) -> dict[str, Any]:
        scenario = make_cycle(world, stage=stage, **fields)
        scenario.cycle.refresh_from_db()
        return {"scenario": scenario, "cycle": scenario.cycle, "fund": scenario.fund, **scenario.projects}

    return setup


def _eligible(world: World) -> dict[str, Any]:
    setup = _stage("proposing")(world)
    services.review_proposal(world.user("committee_staff"), setup["A"], eligible=True, reasons=[])
    return setup


def _delivered(world: World) -> dict[str, Any]:
    setup = _stage("closed")(world)
    services.accept_delivery(world.user("committee_staff"), setup["C"], timezone.localdate(), "Inspected.")
    return setup


def _with_receipt(world: World) -> dict[str, Any]:
    """A payment to funded project A with the scan of its receipt (in the test's media folder)."""
    setup = _stage("closed")(world)
    setup["entry"] = services.record_entry(
        world.user("committee_staff"),
        setup["fund"],
        {
            "kind": EntryKind.DISBURSEMENT,
            "amount_fen": 100,
            "proposal": setup["A"],
            "description": "Swing set",
            "receipt_number": "INV-1",
            "receipt": SimpleUploadedFile("inv-1.pdf", b"%PDF-1.4 receipt"),
        },
    )
    return setup


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


def _with_milestone(world: World) -> dict[str, Any]:
    setup = _stage("closed")(world)
    setup["milestone"] = services.add_milestone(
        world.user("committee_staff"), setup["C"], {"title": "Order", "due_on": timezone.localdate()}
    )
    return setup


# --- cases ----------------------------------------------------------------------------------------------------


@dataclass
class Case:
    name: str
    method: str
    url: Callable[[World, dict[str, Any]], str]
    allowed: set[str]
    setup: Callable[[World], dict[str, Any]]
    data: Callable[[World, dict[str, Any]], dict[str, Any]] = lambda w, s: {}
    ok_status: set[int] = field(default_factory=lambda: {200})
    writes: bool = False
    #: What someone who can see Harmony but may not do this gets.
    refused_status: int = 403
    #: Per role, where it differs from ``refused_status``.
    refused_for: dict[str, int] = field(default_factory=dict)


def _community_url(name: str) -> Callable[[World, dict[str, Any]], str]:
    return lambda w, s: reverse(f"budgeting:{name}", args=[w.harmony.pk])


def _fund_url(w: World, s: dict[str, Any]) -> str:
    return reverse("budgeting:fund", args=[w.harmony.pk, s["fund"].pk])


def _cycle_url(name: str) -> Callable[[World, dict[str, Any]], str]:
    return lambda w, s: reverse(f"budgeting:{name}", args=[w.harmony.pk, s["cycle"].pk])


def _proposal_url(name: str, project: str, *extra: str) -> Callable[[World, dict[str, Any]], str]:
    return lambda w, s: reverse(
        f"budgeting:{name}", args=[w.harmony.pk, s["cycle"].pk, s[project].pk, *(s[e].pk for e in extra)]
    )


def _today() -> str:
    return timezone.localdate().isoformat()


def _later(days: int) -> str:
    return timezone.localtime(timezone.now() + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


CASES = [
    # reading
    Case("funds", "get", _community_url("funds"), VIEWERS, _stage("draft")),
    Case("fund ledger", "get", _fund_url, VIEWERS, _stage("closed")),
    Case(
        "receipt scan",
        "get",
        lambda w, s: reverse("budgeting:receipt", args=[w.harmony.pk, s["fund"].pk, s["entry"].pk]),
        VIEWERS,
        _with_receipt,
    ),
    Case("cycles", "get", _community_url("cycles"), VIEWERS, _stage("voting")),
    Case("new cycle page", "get", _community_url("cycle_new"), MANAGERS, _stage("draft")),
    Case("import page", "get", _community_url("import"), MANAGERS, _stage("draft")),
    Case("cycle being prepared", "get", _cycle_url("cycle"), MANAGERS, _stage("draft")),
    Case("cycle", "get", _cycle_url("cycle"), VIEWERS, _stage("voting")),
    Case("propose page", "get", _cycle_url("propose"), PROPOSERS, _stage("proposing")),
    Case("proposal", "get", _proposal_url("proposal", "A"), VIEWERS, _stage("voting")),
    Case("ballot page", "get", _cycle_url("vote"), VIEWERS, _stage("voting")),
    Case("results", "get", _cycle_url("results"), VIEWERS, _stage("closed")),
    Case(
        "export",
        "get",
        lambda w, s: reverse(
            "budgeting:export", args=[w.harmony.pk, s["cycle"].pk, s["cycle"].districts.get().pk]
        ),
        MANAGERS,
        _stage("closed"),
    ),
    # funds
    Case(
        "create a fund",
        "post",
        _community_url("funds"),
        MANAGERS,
        _stage("draft"),
        lambda w, s: {
            "name": "Second fund",
            "year": 2027,
            "fixed": "1000",
            "per_100": "15",
            "residents": "200",
        },
        ok_status={302},
        writes=True,
    ),
    Case(
        "record an entry",
        "post",
        _fund_url,
        MANAGERS,
        _stage("draft"),
        lambda w, s: {
            "kind": "income",
            "source": "donation",
            "amount": "88.50",
            "occurred_on": _today(),
            "description": "Donation of the Bakery",
        },
        ok_status={302},
        writes=True,
    ),
    # running the cycle
    Case(
        "new cycle",
        "post",
        _community_url("cycle_new"),
        MANAGERS,
        _stage("draft"),
        lambda w, s: {
            "title": "Next year",
            "ballot_kind": "approval",
            "points": "10",
            "rule": "mes-add1",
            "budget": "5000",
        },
        ok_status={302},
        writes=True,
    ),
    Case(
        "add a district",
        "post",
        _cycle_url("district_add"),
        MANAGERS,
        _stage("draft"),
        lambda w, s: {"name": "East", "budget": "50", "buildings": [s["scenario"].building2.pk]},
        ok_status={302},
        writes=True,
    ),
    Case(
        "open proposals",
        "post",
        _cycle_url("open_proposals"),
        MANAGERS,
        _stage("draft"),
        ok_status={302},
        writes=True,
    ),
    Case(
        "close proposals",
        "post",
        _cycle_url("start_review"),
        MANAGERS,
        _stage("proposing"),
        ok_status={302},
        writes=True,
    ),
    Case(
        "review a proposal",
        "post",
        _proposal_url("review", "B"),
        MANAGERS,
        _stage("proposing"),
        lambda w, s: {"eligible": "no", "reasons": ["private"], "note": "Only for one shop."},
        ok_status={302},
        writes=True,
    ),
    Case(
        "cost a proposal",
        "post",
        _proposal_url("cost", "A"),
        MANAGERS,
        _eligible,
        lambda w, s: {"cost": "55", "costing_note": "Two quotes."},
        ok_status={302},
        writes=True,
    ),
    Case(
        "open voting",
        "post",
        _cycle_url("open_voting"),
        MANAGERS,
        _stage("reviewing"),
        lambda w, s: {"voting_closes_at": _later(7)},
        ok_status={302},
        writes=True,
    ),
    Case(
        "close voting",
        "post",
        _cycle_url("close"),
        MANAGERS,
        _stage("voted"),
        lambda w, s: {"early": "1"},
        ok_status={302},
        writes=True,
    ),
    Case(
        "cancel",
        "post",
        _cycle_url("cancel"),
        MANAGERS,
        _stage("voting"),
        lambda w, s: {"confirm": "on"},
        ok_status={302},
        writes=True,
    ),
    Case(
        "a GET of a cycle step's URL", "get", _cycle_url("close"), VIEWERS, _stage("voting"), ok_status={302}
    ),
    Case(
        "a GET of a proposal step's URL",
        "get",
        _proposal_url("cost", "A"),
        VIEWERS,
        _stage("voting"),
        ok_status={302},
    ),
    Case(
        "a step posted to the cycle's page",
        "post",
        _cycle_url("cycle"),
        MANAGERS,
        _stage("proposing"),
        lambda w, s: {"step": "start_review"},
        ok_status={302},
        writes=True,
    ),
    Case(
        "a step posted to the proposal's page",
        "post",
        _proposal_url("proposal", "A"),
        MANAGERS,
        _eligible,
        lambda w, s: {"step": "cost", "cost": "55", "costing_note": "Two quotes."},
        ok_status={302},
        writes=True,
    ),
    Case(
        "import a file",
        "post",
        _community_url("import"),
        MANAGERS,
        _stage("draft"),
        lambda w, s: {"file": SimpleUploadedFile("toy.pb", SMALL_PB.encode()), "title": "Toy"},
        ok_status={302},
        writes=True,
    ),
    # residents' part
    Case(
        "propose",
        "post",
        _cycle_url("propose"),
        PROPOSERS,
        _stage("proposing"),
        lambda w, s: {
            "title": "Shade",
            "description": "Trees by the gate.",
            "district": s["cycle"].districts.get().pk,
        },
        ok_status={302},
        writes=True,
    ),
    Case(
        "withdraw one's own proposal",
        "post",
        _proposal_url("withdraw", "C"),
        {"resident"},
        _stage("proposing"),
        ok_status={302},
        writes=True,
        # A proposal awaiting review is shown only to its proposer and to staff: to others it does not exist.
        refused_status=404,
        refused_for=dict.fromkeys(MANAGERS, 403),
    ),
    Case(
        "vote",
        "post",
        _cycle_url("vote"),
        VOTERS,
        _stage("voting"),
        lambda w, s: {"project": [s["A"].pk]},
        ok_status={302},
        writes=True,
        refused_status=400,
    ),
    Case(
        "rate a delivered project",
        "post",
        _proposal_url("proposal", "C"),
        VOTERS,
        _delivered,
        lambda w, s: {"stars": "4", "comment": "Good."},
        ok_status={302},
        writes=True,
    ),
    # delivery
    Case(
        "plan a milestone",
        "post",
        _proposal_url("milestone_add", "C"),
        MANAGERS,
        _stage("closed"),
        lambda w, s: {"title": "Order the lamps", "due_on": _today()},
        ok_status={302},
        writes=True,
    ),
    Case(
        "complete a milestone",
        "post",
        _proposal_url("milestone_done", "C", "milestone"),
        MANAGERS,
        _with_milestone,
        lambda w, s: {"done_on": _today()},
        ok_status={302},
        writes=True,
    ),
    Case(
        "accept a delivery",
        "post",
        _proposal_url("accept", "C"),
        MANAGERS,
        _stage("closed"),
        lambda w, s: {"accepted_on": _today(), "acceptance_note": "Inspected with residents."},
        ok_status={302},
        writes=True,
    ),
]


def _check(case: Case, role: str, response: Any, before: dict[str, Any]) -> None:
    if role in case.allowed:
        assert response.status_code in case.ok_status, (case.name, role, response.status_code)
        if case.writes:
            assert snapshot() != before, f"{role} was allowed {case.name} but nothing changed"
        else:
            assert snapshot() == before, f"{case.name} saves nothing, but something changed"
        return
    if role == "anonymous":
        assert response.status_code == 302, (case.name, role, response.status_code)
        assert "/login/" in response["Location"]
    elif role in VIEWERS:
        expected = case.refused_for.get(role, case.refused_status)
        assert response.status_code == expected, (case.name, role, response.status_code)
    else:
        assert response.status_code == 403, (case.name, role, response.status_code)
    assert snapshot() == before, f"{role} was denied {case.name} but something changed"


@pytest.mark.django_db
@pytest.mark.parametrize("role", CAST)
@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_every_role_gets_exactly_its_permissions(
    case: Case, role: str, world: World, client_for: Any
) -> None:
    setup = case.setup(world)
    before = snapshot()
    client = client_for(role)
    response = getattr(client, case.method)(case.url(world, setup), data=case.data(world, setup))
    _check(case, role, response, before)


@pytest.mark.django_db
def test_another_communitys_cycle_is_not_found_through_harmony(world: World, client_for: Any) -> None:
    """A cycle is reached only through its own community: Harmony's URL with Riverside's cycle is a 404."""
    setup = _stage("voting")(world)
    riverside_cycle = Cycle.objects.create(
        community=world.riverside, title="Riverside budget", status="voting"
    )
    client = client_for("committee_staff")
    assert (
        client.get(reverse("budgeting:cycle", args=[world.harmony.pk, riverside_cycle.pk])).status_code == 404
    )
    assert (
        client.get(reverse("budgeting:cycle", args=[world.riverside.pk, setup["cycle"].pk])).status_code
        == 403
    )
    assert (
        client.get(
            reverse("budgeting:proposal", args=[world.harmony.pk, setup["cycle"].pk, 999_999])
        ).status_code
        == 404
    )


def test_every_url_is_in_the_matrix() -> None:
    from comity.budgeting import urls

    covered = {
        "funds",
        "fund",
        "receipt",
        "cycles",
        "cycle_new",
        "import",
        "cycle",
        "open_proposals",
        "start_review",
        "open_voting",
        "close",
        "cancel",
        "district_add",
        "export",
        "propose",
        "vote",
        "results",
        "proposal",
        "review",
        "cost",
        "withdraw",
        "milestone_add",
        "milestone_done",
        "accept",
    }
    assert {p.name for p in urls.urlpatterns} == covered
    assert Path(urls.__file__).exists()
