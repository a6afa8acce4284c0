"""Budgets and costs kept in fen (Issue 13, point 5): a pabulib file with grosze (Warsaw before 2020 writes
``budget;740793.05``) is imported into a cycle exactly, every rule funds what the engine and pabutools fund on the
file, the export gives the same amounts back, and costs may be typed with fen (two decimals, never three)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pabutools.election import Cost_Sat
from pabutools.election.pabulib import parse_pabulib_from_string
from pabutools.rules import greedy_utilitarian_welfare, method_of_equal_shares
from pabutools.rules import sequential_phragmen as pb_sequential_phragmen

from comity.budgeting import computing, services, wording
from comity.budgeting.models import Cycle, District, Outcome, Proposal, ProposalStatus, Rule
from comity.engine.budgeting.pabulib import read_pabulib
from tests.engine.test_budgeting_decimal_money import GROSZE_PB, _names
from tests.engine.test_budgeting_rules import _pabutools_add1

from ..cast import World
from .budgeting import make_cycle
from .test_budgeting_permissions import snapshot
from .test_budgeting_steps import _eligible, _field, _url


def _import(world: World, client_for: Any, text: str = GROSZE_PB, name: str = "grosze.pb") -> Cycle:
    response = client_for("committee_staff").post(
        reverse("budgeting:import", args=[world.harmony.pk]),
        {"file": SimpleUploadedFile(name, text.encode()), "title": ""},
    )
    assert response.status_code == 302
    return Cycle.objects.get(imported_from=name)


def _funded(outcome: Outcome) -> set[str]:
    by_pk = dict(Proposal.objects.filter(cycle=outcome.cycle).values_list("pk", "external_id"))
    return {by_pk[pk] for pk in outcome.selected}


def test_a_file_with_grosze_is_imported_to_the_fen(world: World, client_for: Any) -> None:
    cycle = _import(world, client_for)
    district = cycle.districts.get()
    assert district.budget_fen == 74_079_305
    assert district.budget == Decimal("740793.05")
    costs = dict(cycle.proposals.values_list("external_id", "cost_fen"))
    election = read_pabulib(GROSZE_PB)
    assert costs == election.costs  # the reader's unit is 100 on this file: grosze
    assert costs["1079"] == 1_250_099
    assert cycle.ballots.count() == 48


@pytest.mark.once
def test_every_rule_funds_on_the_imported_cycle_what_the_engine_and_pabutools_fund_on_the_file(
    world: World, client_for: Any
) -> None:
    cycle = _import(world, client_for)
    election = read_pabulib(GROSZE_PB)
    inst, prof = parse_pabulib_from_string(GROSZE_PB)
    outcomes = {o.rule: o for o in cycle.outcomes.all()}
    for rule, run in computing.RULES.items():
        assert _funded(outcomes[rule]) == run(election).selected_set, rule
        assert outcomes[rule].cost_fen == run(election).cost, rule
    assert _funded(outcomes[Rule.GREEDY]) == _names(
        greedy_utilitarian_welfare(inst, prof, sat_class=Cost_Sat)
    )
    assert _funded(outcomes[Rule.MES]) == _names(method_of_equal_shares(inst, prof, sat_class=Cost_Sat))
    assert _funded(outcomes[Rule.PHRAGMEN]) == _names(pb_sequential_phragmen(inst, prof))
    assert _funded(outcomes[Rule.MES_ADD1]) == _pabutools_add1(inst, prof, completion=False)
    assert _funded(outcomes[Rule.MES_ADD1_GREEDY]) == _pabutools_add1(inst, prof, completion=True)
    official = cycle.outcomes.get(official=True)
    funded = set(cycle.proposals.filter(status=ProposalStatus.FUNDED).values_list("external_id", flat=True))
    assert funded == _funded(official)


def test_the_explanations_of_a_grosze_cycle_read_in_yuan(world: World, client_for: Any) -> None:
    cycle = _import(world, client_for)
    greedy = cycle.outcomes.get(rule=Rule.GREEDY)
    outcome_cost = wording.fen_amount_text(greedy.cost_fen)
    assert outcome_cost == "734,701.84"
    kitchen = cycle.proposals.get(external_id="1079")
    texts = {wording.explain(item) for item in greedy.explanations.values()}
    assert any("12,500.99 yuan" in text for text in texts)
    assert "not funded: it costs 401,000 yuan, but only 6,091.21 yuan was left." in {t.lower() for t in texts}
    page = client_for("committee_staff").get(_url("results", cycle)).content.decode()
    assert "740,793.05" in page
    assert f"{kitchen.title}" in page


def test_a_grosze_cycle_exports_the_amounts_it_was_given(world: World, client_for: Any) -> None:
    cycle = _import(world, client_for)
    district = cycle.districts.get()
    response = client_for("committee_staff").get(_url("export", cycle, district.pk))
    assert response.status_code == 200
    text = response.content.decode()
    assert "budget;740793.05\n" in text
    assert "1034;95000.00;" in text
    again = read_pabulib(text)
    original = read_pabulib(GROSZE_PB)
    assert (again.unit, again.budget, again.costs) == (original.unit, original.budget, original.costs)
    second = _import(world, client_for, text, "again.pb")
    assert second.districts.get().budget_fen == 74_079_305
    assert dict(second.proposals.values_list("external_id", "cost_fen")) == original.costs
    assert {o.rule: _funded(o) for o in second.outcomes.all()} == {
        o.rule: _funded(o) for o in cycle.outcomes.all()
    }


def test_a_whole_yuan_cycle_exports_without_decimals(world: World, client_for: Any) -> None:
    scenario = make_cycle(world, stage="closed")
    district = scenario.cycle.districts.get()
    text = client_for("committee_staff").get(_url("export", scenario.cycle, district.pk)).content.decode()
    assert "budget;100\n" in text
    assert read_pabulib(text).unit == 1


def test_a_cost_with_fen_is_saved_exactly_and_shown_with_its_fen(world: World, client_for: Any) -> None:
    scenario, a = _eligible(world)
    client = client_for("committee_staff")
    response = client.post(
        _url("proposal", scenario.cycle, a.pk), {"step": "cost", "cost": "12.50", "costing_note": "Quote."}
    )
    assert response.status_code == 302
    a.refresh_from_db()
    assert (a.cost_fen, a.cost, a.status) == (1250, Decimal("12.50"), ProposalStatus.ON_BALLOT)
    page = client.get(_url("proposal", scenario.cycle, a.pk)).content.decode()
    assert "12.50 yuan" in page


@pytest.mark.parametrize(
    ("typed", "language", "error"),
    [
        ("12.345", "en", "Give at most two decimals (fen)."),
        ("12.345", "zh-hans", "最多保留两位小数（到分）。"),
        ("twelve", "en", "Give an amount in yuan, such as 1200 or 1200.50."),
        ("twelve", "zh-hans", "请填写金额（元），例如 1200 或 1200.50。"),
    ],
)
def test_a_cost_finer_than_a_fen_or_not_a_number_is_refused_on_its_field(
    world: World, client_for: Any, typed: str, language: str, error: str
) -> None:
    scenario, a = _eligible(world)
    before = snapshot()
    response = client_for("committee_staff").post(
        _url("proposal", scenario.cycle, a.pk),
        {"step": "cost", "cost": typed, "costing_note": "Quote."},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 400
    field = _field(response.content.decode(), "cost")
    assert error in field
    assert f'value="{typed}"' in field
    assert snapshot() == before


def test_the_cost_service_refuses_a_third_decimal_on_its_field(world: World) -> None:
    _scenario, a = _eligible(world)
    with pytest.raises(ValidationError) as error:
        services.cost_proposal(world.user("committee_staff"), a, cost="12.345", note="Quote.")
    assert error.value.message_dict == {"cost": ["Give at most two decimals (fen)."]}
    services.cost_proposal(world.user("committee_staff"), a, cost=Decimal("12.34"), note="Quote.")
    assert Proposal.objects.get(pk=a.pk).cost_fen == 1234


def test_a_district_budget_with_fen_is_kept_to_the_fen(world: World, client_for: Any) -> None:
    scenario = make_cycle(world, stage="proposing")
    response = client_for("committee_staff").post(
        _url("district_add", scenario.cycle), {"name": "East", "budget": "50.05"}
    )
    assert response.status_code in (302, 303)
    assert District.objects.get(cycle=scenario.cycle, name="East").budget_fen == 5005


def test_the_database_refuses_amounts_out_of_bounds(world: World) -> None:
    from django.db import IntegrityError, transaction

    scenario = make_cycle(world, stage="proposing")
    district = scenario.cycle.districts.get()
    for bad in (0, -1, 10**11 + 1):
        with pytest.raises(IntegrityError), transaction.atomic():
            District.objects.filter(pk=district.pk).update(budget_fen=bad)
        with pytest.raises(IntegrityError), transaction.atomic():
            Proposal.objects.filter(pk=scenario.projects["A"].pk).update(cost_fen=bad)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_turns_whole_yuan_into_fen_and_back(world: World) -> None:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    scenario = make_cycle(world, stage="closed")
    district = scenario.cycle.districts.get()
    before = (
        district.budget_fen,
        dict(Proposal.objects.values_list("pk", "cost_fen")),
        dict(Outcome.objects.values_list("pk", "cost_fen")),
    )
    assert before[0] == 10_000
    executor = MigrationExecutor(connection)
    executor.migrate([("budgeting", "0003_proposal_supports_followers_comments")])
    with connection.cursor() as cursor:
        cursor.execute("SELECT budget FROM budgeting_district WHERE id = %s", [district.pk])
        assert cursor.fetchone() == (100,)
        cursor.execute("SELECT id, cost FROM budgeting_proposal")
        assert dict(cursor.fetchall()) == {
            pk: None if fen is None else fen // 100 for pk, fen in before[1].items()
        }
    executor = MigrationExecutor(connection)
    executor.migrate([("budgeting", "0004_amounts_in_fen")])
    # On to the latest migration (the later ones add columns the models read, such as every row's community).
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes("budgeting"))
    district.refresh_from_db()
    after = (
        district.budget_fen,
        dict(Proposal.objects.values_list("pk", "cost_fen")),
        dict(Outcome.objects.values_list("pk", "cost_fen")),
    )
    assert after == before
