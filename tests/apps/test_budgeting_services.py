"""Funds, the ledger and the budget cycle through the services, on the hand-computed cycle of
``tests/apps/budgeting.py``."""

from __future__ import annotations

import threading
from datetime import timedelta
from fractions import Fraction
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections
from django.utils import timezone

from comity.audit.models import AuditEntry
from comity.budgeting import selectors, services, wording
from comity.budgeting.models import (
    BallotKind,
    BudgetBallot,
    Cycle,
    CycleStatus,
    EntryKind,
    LedgerEntry,
    Outcome,
    ProposalStatus,
    Rule,
    SourceKind,
)
from comity.decisions.models import Decision
from comity.notifications.models import Notification

from ..cast import World
from .budgeting import make_cycle, make_fund, vote_table

pytestmark = pytest.mark.django_db


def _outcome(scenario: Any, rule: str) -> Outcome:
    return Outcome.objects.get(cycle=scenario.cycle, rule=rule)


def _names(scenario: Any, pks: list[int]) -> set[str]:
    by_pk = {p.pk: name for name, p in scenario.projects.items()}
    return {by_pk[pk] for pk in pks}


# --- funds ----------------------------------------------------------------------------------------------------


def test_the_formula_is_the_first_income(world: World) -> None:
    fund = services.create_fund(
        world.user("committee_staff"),
        world.harmony,
        {
            "name": "Fund",
            "year": 2026,
            "fixed_fen": 10_000_000,
            "per_100_residents_fen": 150_000,
            "residents": 3_456,
        },
    )
    # Chengdu's formula: 100,000 + 1,500 per 100 residents × 3,456 = 151,840 yuan.
    assert fund.formula_fen == 15_184_000
    entry = fund.entries.get()
    assert (entry.kind, entry.source, entry.amount_fen) == (EntryKind.INCOME, SourceKind.FORMULA, 15_184_000)
    summary = selectors.summarise(fund)
    assert summary.available == summary.cash == 15_184_000


def test_ledger_refuses_what_the_fund_does_not_have(world: World) -> None:
    scenario = make_cycle(world, stage="closed")
    fund, staff = scenario.fund, world.user("committee_staff")
    a, c = scenario.projects["A"], scenario.projects["C"]
    summary = selectors.summarise(fund)
    # The fund had 500 yuan; closing allocated A (60) and C (30).
    assert (summary.income, summary.allocated, summary.available) == (50_000, 9_000, 41_000)
    assert {m.proposal.title: m.allocated for m in summary.projects} == {
        "Project A": 6_000,
        "Project C": 3_000,
    }
    today = timezone.localdate()
    with pytest.raises(ValidationError) as error:
        services.record_entry(
            staff,
            fund,
            {"kind": EntryKind.DISBURSEMENT, "amount_fen": 6_001, "proposal": a, "receipt_number": "F-1"},
        )
    assert "60.00" in str(error.value)
    with pytest.raises(ValidationError) as error:
        services.record_entry(
            staff, fund, {"kind": EntryKind.DISBURSEMENT, "amount_fen": 5_000, "proposal": a}
        )
    assert "receipt" in str(error.value)
    services.record_entry(
        staff,
        fund,
        {
            "kind": EntryKind.DISBURSEMENT,
            "amount_fen": 5_000,
            "proposal": a,
            "receipt_number": "F-1",
            "occurred_on": today,
        },
    )
    services.record_entry(staff, fund, {"kind": EntryKind.RETURN, "amount_fen": 1_000, "proposal": a})
    with pytest.raises(ValidationError):
        services.record_entry(staff, fund, {"kind": EntryKind.RETURN, "amount_fen": 1, "proposal": a})
    with pytest.raises(ValidationError) as error:
        services.record_entry(
            staff, fund, {"kind": EntryKind.ALLOCATION, "amount_fen": 42_001, "proposal": c}
        )
    assert "420.00" in str(error.value)
    summary = selectors.summarise(fund)
    assert (summary.disbursed, summary.returned, summary.available, summary.cash) == (
        5_000,
        1_000,
        42_000,
        45_000,
    )
    money_a = next(m for m in summary.projects if m.proposal.pk == a.pk)
    assert money_a.outstanding == 0


def test_maintenance_fund_income_needs_a_passed_decision(world: World) -> None:
    fund = make_fund(world)
    staff = world.user("committee_staff")
    with pytest.raises(ValidationError) as error:
        services.record_entry(
            staff, fund, {"kind": EntryKind.INCOME, "source": SourceKind.MAINTENANCE_FUND, "amount_fen": 100}
        )
    assert "decision" in error.value.message_dict
    assert fund.entries.count() == 1


def test_only_fund_keepers_record_entries(world: World) -> None:
    fund = make_fund(world)
    for role in ("resident", "owner", "grid_worker", "ngo_staff", "enterprise_staff", "other_resident"):
        with pytest.raises(PermissionDenied):
            services.record_entry(
                world.user(role),
                fund,
                {"kind": EntryKind.INCOME, "source": SourceKind.DONATION, "amount_fen": 100},
            )
    assert LedgerEntry.objects.count() == 1


# --- the cycle ------------------------------------------------------------------------------------------------


def test_every_rule_on_the_hand_computed_cycle(world: World) -> None:
    scenario = make_cycle(world, stage="closed")
    assert _names(scenario, _outcome(scenario, Rule.GREEDY).selected) == {"A", "B"}
    assert _names(scenario, _outcome(scenario, Rule.MES).selected) == {"A", "C"}
    assert _names(scenario, _outcome(scenario, Rule.MES_ADD1).selected) == {"A", "C"}
    assert _names(scenario, _outcome(scenario, Rule.MES_ADD1_GREEDY).selected) == {"A", "C"}
    assert _names(scenario, _outcome(scenario, Rule.PHRAGMEN).selected) == {"B", "C"}
    official = Outcome.objects.get(cycle=scenario.cycle, official=True)
    assert official.rule == Rule.MES_ADD1
    statuses = {name: p.__class__.objects.get(pk=p.pk).status for name, p in scenario.projects.items()}
    assert statuses == {
        "A": ProposalStatus.FUNDED,
        "B": ProposalStatus.NOT_FUNDED,
        "C": ProposalStatus.FUNDED,
    }
    # The explanations, worded.
    a, b, c = (str(scenario.projects[n].pk) for n in "ABC")
    mes = _outcome(scenario, Rule.MES_ADD1).explanations
    assert wording.explain(mes[c]) == "Funded: 2 supporters paid 15.00 yuan each."
    assert wording.explain(mes[a]) == "Funded: 4 supporters paid 15.00 yuan each."
    assert wording.explain(mes[b]).startswith("Not funded: its supporters had")
    plain = _outcome(scenario, Rule.MES).explanations
    # B's three supporters had 100/6 - 15 = 1.67 yuan each left: 5 of its 40.
    assert wording.explain(plain[b]) == (
        "Not funded: its supporters had 35.00 yuan too little left (5.00 of 40 yuan)."
    )
    greedy = _outcome(scenario, Rule.GREEDY).explanations
    assert wording.explain(greedy[c]) == "Not funded: it costs 30 yuan, but only 0.00 yuan was left."
    assert fraction_of(mes[c]["payment"]) == 15


def fraction_of(text: str) -> Fraction:
    n, _, d = text.partition("/")
    return Fraction(int(n), int(d or 1))


def test_balance_measures_show_who_is_left_out(world: World) -> None:
    scenario = make_cycle(world, stage="closed")
    greedy = _outcome(scenario, Rule.GREEDY).measures
    mes = _outcome(scenario, Rule.MES_ADD1).measures
    assert greedy["non_empty_share"] == pytest.approx(4 / 6)
    assert mes["non_empty_share"] == 1.0
    # Total satisfaction: greedy A+B = 4×60 + 3×40 = 360; MES A+C = 4×60 + 2×30 = 300.
    assert greedy["total_satisfaction"] == 360
    assert mes["total_satisfaction"] == 300
    groups = {g["name"]: g for g in greedy["groups"]}
    assert groups["Building 1"]["non_empty_share"] == 0.0
    assert groups["Building 2"]["non_empty_share"] == 1.0
    assert {g["name"]: g["non_empty_share"] for g in mes["groups"]} == {"Building 1": 1.0, "Building 2": 1.0}
    # Greedy violates PJR here: Rui and Olga (2 of 6) could pay for C (30 ≤ 2/6 × 100) and get nothing. EJR up to
    # one project (what MES guarantees) forgives one unfunded project of C's group, so it holds for both.
    assert greedy["pjr"]["satisfied"] is False
    assert greedy["pjr"]["witness"]["projects"] == [str(scenario.projects["C"].pk)]
    assert greedy["pjr"]["witness"]["voters"] == 2
    assert mes["pjr"]["satisfied"] is True
    assert greedy["ejr"]["satisfied"] is mes["ejr"]["satisfied"] is True


def test_closing_allocates_in_the_ledger_and_tells_the_voters(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        scenario = make_cycle(world, stage="closed")
    entries = LedgerEntry.objects.filter(fund=scenario.fund, kind=EntryKind.ALLOCATION).order_by(
        "proposal__number"
    )
    assert [(e.proposal.title, e.amount_fen) for e in entries] == [("Project A", 6_000), ("Project C", 3_000)]
    told = Notification.objects.filter(kind="budgeting.closed").values_list("recipient__username", flat=True)
    assert set(told) == {"voter-w", "voter-x", "voter-y", "voter-z", "rui", "olga"}


def test_a_cycle_needs_money_in_its_fund(world: World) -> None:
    # A district over the fund is refused when it is added; the fund can still run short later, when another
    # cycle of the same fund closes first and allocates its projects (A and C: 90 of the 189 yuan).
    fund = make_fund(world, amount_yuan=189)
    scenario = make_cycle(world, stage="reviewing", fund=fund)
    make_cycle(world, stage="closed", fund=fund)
    with pytest.raises(ValidationError) as error:
        services.open_voting(
            world.user("committee_staff"), scenario.cycle, timezone.now() + timedelta(days=1)
        )
    assert "99.00" in str(error.value)
    assert scenario.cycle.__class__.objects.get(pk=scenario.cycle.pk).status == CycleStatus.REVIEWING


def test_review_needs_reasons_and_tells_the_proposer(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    scenario = make_cycle(world, stage="proposing")
    staff = world.user("committee_staff")
    c = scenario.projects["C"]
    with pytest.raises(ValidationError) as error:
        services.review_proposal(staff, c, eligible=False, reasons=[])
    assert "reasons" in error.value.message_dict
    with django_capture_on_commit_callbacks(execute=True):
        services.review_proposal(
            staff, c, eligible=False, reasons=["private", "other_party"], note="Ask the company."
        )
    c.refresh_from_db()
    assert c.status == ProposalStatus.INELIGIBLE
    assert c.reason_texts[0].startswith("It benefits a private household")
    note = Notification.objects.get(kind="budgeting.reviewed", recipient=world.user("resident"))
    assert "not eligible" in note.summary


def test_voting_cannot_open_while_proposals_await_review(world: World) -> None:
    scenario = make_cycle(world, stage="proposing")
    staff = world.user("committee_staff")
    services.start_review(staff, scenario.cycle)
    with pytest.raises(ValidationError) as error:
        services.open_voting(staff, scenario.cycle, timezone.now() + timedelta(days=1))
    assert error.value.code == "cycle_unreviewed"


def test_costing_refuses_over_the_cap_and_over_the_budget(world: World) -> None:
    scenario = make_cycle(world, stage="proposing", project_cap=50)
    staff = world.user("committee_staff")
    a = scenario.projects["A"]
    services.review_proposal(staff, a, eligible=True, reasons=[])
    with pytest.raises(ValidationError) as error:
        services.cost_proposal(staff, a, cost=60, note="Quote.")
    assert "50" in str(error.value)
    with pytest.raises(ValidationError):
        services.cost_proposal(staff, a, cost=30, note="  ")
    services.cost_proposal(staff, a, cost=30, note="Quote.")
    a.refresh_from_db()
    assert (a.status, a.cost) == (ProposalStatus.ON_BALLOT, 30)


# --- ballots --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kind", [BallotKind.APPROVAL, BallotKind.KNAPSACK, BallotKind.CUMULATIVE, BallotKind.RANKED]
)
def test_every_ballot_kind_reaches_the_same_outcome_here(world: World, kind: str) -> None:
    scenario = make_cycle(world, stage="closed", kind=kind)
    assert _names(scenario, _outcome(scenario, Rule.MES_ADD1).selected) == {"A", "C"}
    assert BudgetBallot.objects.filter(cycle=scenario.cycle).count() == 6


def test_a_voter_replaces_their_ballot(world: World) -> None:
    scenario = make_cycle(world, stage="voted")
    rui = scenario.voters["rui"]
    services.cast_ballot(
        rui, scenario.cycle, [(scenario.projects["A"].pk, 1), (scenario.projects["C"].pk, 1)]
    )
    ballot = BudgetBallot.objects.get(cycle=scenario.cycle, voter=rui)
    assert {m.proposal.title for m in ballot.marks.all()} == {"Project A", "Project C"}
    assert ballot.group == "Building 1"
    assert BudgetBallot.objects.filter(cycle=scenario.cycle).count() == 6
    assert AuditEntry.objects.filter(action="budgeting.ballot_replaced").count() == 1


@pytest.mark.parametrize(
    ("kind", "fields", "marks", "code"),
    [
        (BallotKind.KNAPSACK, {}, "ABC", "ballot_over_budget"),
        (BallotKind.APPROVAL, {"max_choices": 2}, "ABC", "ballot_too_many"),
        (BallotKind.APPROVAL, {}, "", "ballot_empty"),
        (BallotKind.CUMULATIVE, {"points": 5}, "AB", "ballot_points"),
        (BallotKind.RANKED, {}, "gap", "ballot_ranks"),
        (BallotKind.APPROVAL, {}, "AA", "ballot_duplicate"),
    ],
)
def test_bad_ballots_are_refused_and_change_nothing(
    world: World, kind: str, fields: dict[str, Any], marks: str, code: str
) -> None:
    scenario = make_cycle(world, stage="voting", kind=kind, **fields)
    p = scenario.projects
    if marks == "gap":
        chosen = [(p["A"].pk, 1), (p["B"].pk, 3)]
    elif kind == BallotKind.CUMULATIVE:
        chosen = [(p[n].pk, 3) for n in marks]
    else:
        chosen = [(p[n].pk, 1) for n in marks]
    with pytest.raises(ValidationError) as error:
        services.cast_ballot(scenario.voters["w"], scenario.cycle, chosen)
    assert error.value.code == code
    assert not BudgetBallot.objects.exists()


def test_knapsack_refusal_says_how_much_to_remove(world: World) -> None:
    scenario = make_cycle(world, stage="voting", kind=BallotKind.KNAPSACK)
    with pytest.raises(ValidationError) as error:
        services.cast_ballot(
            scenario.voters["w"], scenario.cycle, [(p.pk, 1) for p in scenario.projects.values()]
        )
    assert error.value.messages == [
        "Your projects cost 130 yuan, more than the budget of 100 yuan. Remove 30 yuan."
    ]


def test_a_ballot_after_closing_is_refused(world: World) -> None:
    scenario = make_cycle(world, stage="closed")
    with pytest.raises(ValidationError) as error:
        services.cast_ballot(scenario.voters["w"], scenario.cycle, [(scenario.projects["A"].pk, 1)])
    assert error.value.code == "cycle_closed"


def test_a_ballot_after_the_closing_time_is_refused_before_the_sweep(world: World) -> None:
    scenario = make_cycle(world, stage="voting")
    later = timezone.now() + timedelta(days=8)
    with time_machine.travel(later), pytest.raises(ValidationError) as error:
        services.cast_ballot(scenario.voters["w"], scenario.cycle, [(scenario.projects["A"].pk, 1)])
    assert error.value.code == "cycle_late"
    assert services.close_due_cycles(later) == 1
    scenario.cycle.refresh_from_db()
    assert scenario.cycle.status == CycleStatus.CLOSED


def test_only_residents_vote(world: World) -> None:
    scenario = make_cycle(world, stage="voting")
    for role in ("grid_worker", "ngo_staff", "enterprise_staff", "committee_staff", "street_official"):
        with pytest.raises((ValidationError, PermissionDenied)):
            services.cast_ballot(world.user(role), scenario.cycle, [(scenario.projects["A"].pk, 1)])
    with pytest.raises(PermissionDenied):
        services.cast_ballot(world.user("other_resident"), scenario.cycle, [(scenario.projects["A"].pk, 1)])
    assert not BudgetBallot.objects.exists()


def test_districts_vote_on_their_own_projects(world: World) -> None:
    staff = world.user("committee_staff")
    scenario = make_cycle(world, stage="draft")
    cycle = scenario.cycle
    whole = cycle.districts.get()
    services.add_district(staff, cycle, {"name": "East", "budget": 50, "buildings": [scenario.building2]})
    east = cycle.districts.get(name="East")
    services.open_proposals(staff, cycle)
    east_project = services.submit_proposal(
        scenario.voters["w"], cycle, {"title": "Bench", "description": "A bench.", "district": east}
    )
    west_project = services.submit_proposal(
        scenario.voters["rui"], cycle, {"title": "Lamp", "description": "A lamp.", "district": whole}
    )
    services.start_review(staff, cycle)
    for project in (east_project, west_project):
        services.review_proposal(staff, project, eligible=True, reasons=[])
        services.cost_proposal(staff, project, cost=30, note="Quote.")
    services.open_voting(staff, cycle, timezone.now() + timedelta(days=1))
    assert selectors.district_of(scenario.voters["w"], cycle) == east
    assert selectors.district_of(scenario.voters["rui"], cycle) == whole
    with pytest.raises(ValidationError) as error:
        services.cast_ballot(scenario.voters["w"], cycle, [(west_project.pk, 1)])
    assert error.value.code == "ballot_unknown"
    services.cast_ballot(scenario.voters["w"], cycle, [(east_project.pk, 1)])
    services.close_cycle(staff, cycle, early=True)
    assert set(Outcome.objects.filter(cycle=cycle).values_list("district__name", flat=True)) == {
        "East",
        whole.name,
    }
    east_project.refresh_from_db()
    west_project.refresh_from_db()
    # Nobody in the whole-community district voted: the lamp has no supporter and is not funded.
    assert (east_project.status, west_project.status) == (ProposalStatus.FUNDED, ProposalStatus.NOT_FUNDED)


def test_closing_early_needs_confirmation(world: World) -> None:
    scenario = make_cycle(world, stage="voted")
    with pytest.raises(ValidationError) as error:
        services.close_cycle(world.user("committee_staff"), scenario.cycle)
    assert error.value.code == "cycle_early"
    assert not Outcome.objects.exists()


# --- delivery -------------------------------------------------------------------------------------------------


def test_delivery_acceptance_and_rating(world: World) -> None:
    scenario = make_cycle(world, stage="closed")
    staff = world.user("committee_staff")
    c = scenario.projects["C"]
    c.refresh_from_db()
    milestone = services.add_milestone(staff, c, {"title": "Order", "due_on": timezone.localdate()})
    with pytest.raises(ValidationError) as error:
        services.rate(scenario.voters["rui"], c, 5)
    assert error.value.code == "rating_early"
    with pytest.raises(ValidationError) as error:
        services.accept_delivery(staff, c, timezone.localdate(), "Checked.")
    assert error.value.code == "milestones_open"
    services.complete_milestone(staff, milestone, timezone.localdate())
    services.accept_delivery(staff, c, timezone.localdate(), "Inspected with two residents.")
    services.rate(scenario.voters["rui"], c, 4, "Nice.")
    services.rate(scenario.voters["rui"], c, 5)
    services.rate(scenario.voters["w"], c, 3)
    assert sorted(c.ratings.values_list("stars", flat=True)) == [3, 5]
    with pytest.raises(ValidationError) as error:
        services.rate(world.user("grid_worker"), c, 5)
    assert error.value.code == "rating_not_resident"


def test_unused_helpers_are_consistent(world: World) -> None:
    # vote_table is the table of the docstring; a second pass replaces every ballot and keeps one per voter.
    scenario = make_cycle(world, stage="voted")
    vote_table(scenario)
    assert BudgetBallot.objects.filter(cycle=scenario.cycle).count() == 6
    assert Decision.objects.count() == 0


SUBMITTERS = 8


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simultaneous_ballots_of_one_voter_leave_one_whole_ballot(world: World) -> None:
    """Eight submissions of one voter at once (on PostgreSQL, truly at once): every one is taken in turn under the
    cycle's row lock, and what remains is one ballot equal to exactly one of the submissions — never a mix of two."""
    scenario = make_cycle(world, stage="voting")
    voter = scenario.voters["w"]
    p = scenario.projects
    selections = [[p["A"].pk], [p["B"].pk], [p["A"].pk, p["B"].pk], [p["C"].pk]] * 2
    errors: list[BaseException] = []

    def submit(selection: list[int], barrier: threading.Barrier | None) -> None:
        try:
            if barrier is not None:
                barrier.wait(timeout=10)
            services.cast_ballot(
                voter, Cycle.objects.get(pk=scenario.cycle.pk), [(pk, 1) for pk in selection]
            )
        except BaseException as error:  # collected and asserted below
            errors.append(error)
        finally:
            connections.close_all()

    if connection.vendor == "postgresql":
        barrier = threading.Barrier(SUBMITTERS)
        threads = [threading.Thread(target=submit, args=(s, barrier)) for s in selections]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    else:
        for selection in selections:
            submit(selection, None)
    assert errors == []
    ballot = BudgetBallot.objects.get(cycle=scenario.cycle, voter=voter)
    marks = sorted(ballot.marks.values_list("proposal_id", flat=True))
    assert marks in [sorted(s) for s in selections]
    assert (
        AuditEntry.objects.filter(action__in=["budgeting.ballot_cast", "budgeting.ballot_replaced"]).count()
        == 8
    )


def test_residents_are_told_when_voting_opens(world: World, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        make_cycle(world, stage="voting")
    told = set(
        Notification.objects.filter(kind="budgeting.opened").values_list("recipient__username", flat=True)
    )
    # Verified residents and owners of Harmony; not its staff (not residents), not Riverside's Otto.
    assert told == {"voter-w", "voter-x", "voter-y", "voter-z", "rui", "olga"}


def test_the_sweep_closes_a_voted_cycle_and_allocates_its_projects(world: World) -> None:
    scenario = make_cycle(world, stage="voted")
    assert services.close_due_cycles(timezone.now() + timedelta(days=8)) == 1
    entries = LedgerEntry.objects.filter(fund=scenario.fund, kind=EntryKind.ALLOCATION).order_by(
        "proposal__number"
    )
    assert [(e.proposal.title, e.amount_fen, e.recorded_by) for e in entries] == [
        ("Project A", 6_000, None),
        ("Project C", 3_000, None),
    ]
    assert services.close_due_cycles(timezone.now() + timedelta(days=8)) == 0


def test_a_district_over_the_fund_is_refused_on_its_budget(world: World) -> None:
    fund = make_fund(world, amount_yuan=99)
    with pytest.raises(ValidationError) as error:
        make_cycle(world, stage="draft", fund=fund)
    assert error.value.message_dict == {
        "budget": [
            "The fund “Harmony fund” has 99.00 yuan not yet allocated; with this district the cycle would need "
            "100.00 yuan."
        ]
    }
    assert not Cycle.objects.exists()
