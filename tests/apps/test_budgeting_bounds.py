"""Every number a person enters into the budget pages has bounds at every way in — the page's form, the API, the
service itself and a pabulib import — and an amount out of bounds is refused on its field in plain words, with
nothing saved."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from comity.budgeting import services
from comity.budgeting.models import Cycle, Fund, LedgerEntry, Proposal

from ..cast import World
from .budgeting import make_cycle, make_fund
from .test_budgeting_permissions import SMALL_PB, snapshot
from .test_budgeting_steps import _field

pytestmark = pytest.mark.django_db

TOO_MUCH = "Give at most 1,000,000,000 yuan."


# --- the ledger -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("1000000000000000", TOO_MUCH),  # 10^15 yuan
        ("-5", "Give at least 0.01 yuan."),
        ("0", "Give at least 0.01 yuan."),
        ("12.345", "Give at most two decimals (fen)."),
        ("lots", "Give an amount in yuan, such as 1200 or 1200.50."),
    ],
)
def test_a_ledger_amount_out_of_bounds_is_refused_on_its_field(
    world: World, client_for: Any, typed: str, error: str
) -> None:
    fund = make_fund(world)
    before = snapshot()
    response = client_for("committee_staff").post(
        reverse("budgeting:fund", args=[world.harmony.pk, fund.pk]),
        {
            "kind": "income",
            "source": "donation",
            "amount": typed,
            "occurred_on": timezone.localdate().isoformat(),
            "description": "Donation",
        },
    )
    amount = _field(response.content.decode(), "amount")
    assert error in amount
    assert f'value="{typed}"' in amount
    assert snapshot() == before


def test_the_ledger_service_refuses_an_amount_over_the_bound(world: World) -> None:
    fund = make_fund(world)
    with pytest.raises(ValidationError) as error:
        services.record_entry(
            world.user("committee_staff"),
            fund,
            {"kind": "income", "source": "donation", "amount_fen": 10**17, "description": "x"},
        )
    assert error.value.message_dict == {"amount_fen": [TOO_MUCH]}
    assert LedgerEntry.objects.count() == 1  # the formula's income only


def test_a_service_error_about_the_amount_lands_on_the_amount_field(world: World, client_for: Any) -> None:
    scenario = make_cycle(world, stage="closed")
    a = Proposal.objects.get(pk=scenario.projects["A"].pk)
    response = client_for("committee_staff").post(
        reverse("budgeting:fund", args=[world.harmony.pk, scenario.fund.pk]),
        {
            "kind": "allocation",
            "amount": "411",
            "occurred_on": timezone.localdate().isoformat(),
            "description": "More for the swing",
            "proposal": a.pk,
        },
    )
    amount = _field(response.content.decode(), "amount")
    assert "The fund has only 410.00 yuan that is not allocated yet." in amount
    assert 'value="411"' in amount


@pytest.mark.parametrize(("field", "typed"), [("fixed", "1000000000.01"), ("per_100", "-1")])
def test_a_fund_formula_out_of_bounds_is_refused_on_its_field(
    world: World, client_for: Any, field: str, typed: str
) -> None:
    data = {
        "name": "Second",
        "year": "2027",
        "fixed": "1000",
        "per_100": "15",
        "residents": "200",
        field: typed,
    }
    response = client_for("committee_staff").post(reverse("budgeting:funds", args=[world.harmony.pk]), data)
    assert typed in _field(response.content.decode(), field)
    assert "Give at" in _field(response.content.decode(), field)
    assert not Fund.objects.exists()


def test_the_fund_service_refuses_a_formula_over_the_bound(world: World) -> None:
    with pytest.raises(ValidationError) as error:
        services.create_fund(
            world.user("committee_staff"),
            world.harmony,
            {"name": "F", "year": 2027, "fixed_fen": 10**12, "per_100_residents_fen": 0, "residents": 0},
        )
    assert error.value.message_dict == {"fixed_fen": [TOO_MUCH]}


# --- cycles ---------------------------------------------------------------------------------------------------


def _new_cycle(client: Any, world: World, **fields: str) -> Any:
    data = {"title": "2027", "ballot_kind": "approval", "points": "10", "rule": "mes-add1", "budget": "5000"}
    data.update(fields)
    return client.post(reverse("budgeting:cycle_new", args=[world.harmony.pk]), data)


@pytest.mark.parametrize(
    ("field", "typed", "error"),
    [
        ("budget", "1000000001", TOO_MUCH),
        ("budget", "-3", "Give at least 1 yuan."),
        ("points", "0", "Give each voter at least one point."),
        ("points", "1001", "Give each voter at most 1,000 points."),
        ("max_choices", "0", "Allow at least one project"),
        ("max_choices", "101", "Give at most 100 projects"),
        ("project_cap", "0", "Give at least 1 yuan."),
        ("project_cap", "5000000000", TOO_MUCH),
    ],
)
def test_a_cycles_number_out_of_bounds_is_refused_on_its_field(
    world: World, client_for: Any, field: str, typed: str, error: str
) -> None:
    response = _new_cycle(client_for("committee_staff"), world, **{field: typed})
    html = response.content.decode()
    assert error in _field(html, field)
    assert f'value="{typed}"' in _field(html, field)
    assert not Cycle.objects.exists()


def test_a_district_line_over_the_bound_is_refused(world: World, client_for: Any) -> None:
    response = _new_cycle(client_for("committee_staff"), world, budget="", districts="West; 2000000000; 1")
    assert "Line 1: a budget is at most 1,000,000,000 yuan." in _field(response.content.decode(), "districts")
    assert not Cycle.objects.exists()


def test_a_district_line_over_the_fund_is_refused_on_the_districts_box(world: World, client_for: Any) -> None:
    fund = make_fund(world, amount_yuan=500)
    response = _new_cycle(
        client_for("committee_staff"), world, budget="", fund=str(fund.pk), districts="West; 600; 1"
    )
    assert "with this district the cycle would need 600.00 yuan" in _field(
        response.content.decode(), "districts"
    )
    assert not Cycle.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"project_cap": 0}, "project_cap"),
        ({"points": 5000}, "points"),
        ({"max_choices": 1000}, "max_choices"),
    ],
)
def test_the_cycle_service_refuses_numbers_out_of_bounds(
    world: World, data: dict[str, int], field: str
) -> None:
    with pytest.raises(ValidationError) as error:
        services.create_cycle(
            world.user("committee_staff"), world.harmony, {"title": "T", "budget": 10, **data}
        )
    assert set(error.value.message_dict) == {field}
    assert not Cycle.objects.exists()


# --- proposals ------------------------------------------------------------------------------------------------


def test_an_estimate_out_of_bounds_is_refused_on_the_page_and_through_the_api(
    world: World, client_for: Any
) -> None:
    scenario = make_cycle(world, stage="proposing")
    district = scenario.cycle.districts.get()
    client = client_for("resident")
    before = snapshot()
    response = client.post(
        reverse("budgeting:propose", args=[world.harmony.pk, scenario.cycle.pk]),
        {"title": "Shade", "description": "Trees.", "district": district.pk, "estimated_cost": "99999999999"},
    )
    assert TOO_MUCH in _field(response.content.decode(), "estimated_cost")
    response = client.post(
        reverse("api-budget-proposals", args=[world.harmony.pk, scenario.cycle.pk]),
        json.dumps(
            {"title": "Shade", "description": "Trees.", "district": district.pk, "estimated_cost": 10**12}
        ),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "estimated_cost" in response.json()
    assert snapshot() == before


def test_the_costing_service_refuses_a_cost_over_the_bound(world: World) -> None:
    scenario = make_cycle(world, stage="proposing")
    staff = world.user("committee_staff")
    a = services.review_proposal(staff, scenario.projects["A"], eligible=True, reasons=[])
    with pytest.raises(ValidationError) as error:
        services.cost_proposal(staff, a, cost=10**10, note="Quote.")
    assert error.value.message_dict == {"cost": [TOO_MUCH]}


def test_a_rating_out_of_range_is_refused_on_its_field(world: World, client_for: Any) -> None:
    scenario = make_cycle(world, stage="closed")
    c = scenario.projects["C"]
    services.accept_delivery(world.user("committee_staff"), c, timezone.localdate(), "Inspected.")
    before = snapshot()
    response = client_for("resident").post(
        reverse("budgeting:proposal", args=[world.harmony.pk, scenario.cycle.pk, c.pk]),
        {"step": "rate", "stars": "9", "comment": "Great."},
    )
    assert response.status_code == 400
    assert "Select a valid choice." in _field(response.content.decode(), "stars")
    assert snapshot() == before


# --- import ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "error"),
    [
        ("budget;100", "budget;2000000000", "Line 6: the budget 2000000000 is more than 1,000,000,000 yuan."),
        ("1;60;Swing", "1;0;Swing", "Line 10: project 1 costs 0; every project must cost more than zero."),
        (
            "2;50;Bench",
            "2;1000000001;Bench",
            "Line 11: project 2 costs 1000000001, more than 1,000,000,000 yuan.",
        ),
    ],
)
def test_an_imported_amount_out_of_bounds_is_refused_with_its_line(
    world: World, client_for: Any, old: str, new: str, error: str
) -> None:
    before = snapshot()
    response = client_for("committee_staff").post(
        reverse("budgeting:import", args=[world.harmony.pk]),
        {"file": SimpleUploadedFile("toy.pb", SMALL_PB.replace(old, new).encode()), "title": ""},
    )
    assert response.status_code == 400
    assert error in _field(response.content.decode(), "file")
    assert snapshot() == before


@pytest.mark.parametrize(
    ("old", "new", "error"),
    [
        (
            "budget;740793.05",
            "budget;740793.055",
            "Line 11: the budget 740793.055 has more than two decimals; budgets and costs are kept to the fen (0.01).",
        ),
        (
            "1079;12500.99;",
            "1079;12500.999;",
            "Line 24: the cost 12500.999 of project 1079 has more than two decimals; budgets and costs are kept to "
            "the fen (0.01).",
        ),
    ],
)
def test_a_file_with_amounts_finer_than_a_fen_is_refused_in_words_naming_the_line(
    world: World, client_for: Any, old: str, new: str, error: str
) -> None:
    """Cycles keep fen: two decimals (Warsaw's grosze) are imported exactly; a third is refused whole."""
    from tests.engine.test_budgeting_decimal_money import GROSZE_PB

    assert old in GROSZE_PB
    before = snapshot()
    response = client_for("committee_staff").post(
        reverse("budgeting:import", args=[world.harmony.pk]),
        {"file": SimpleUploadedFile("grosze.pb", GROSZE_PB.replace(old, new).encode()), "title": ""},
    )
    assert response.status_code == 400
    assert error in _field(response.content.decode(), "file")
    assert snapshot() == before


def test_a_refused_payment_asks_for_its_receipt_scan_again(
    world: World, client_for: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    scenario = make_cycle(world, stage="closed")
    a = Proposal.objects.get(pk=scenario.projects["A"].pk)
    before = snapshot()
    response = client_for("committee_staff").post(
        reverse("budgeting:fund", args=[world.harmony.pk, scenario.fund.pk]),
        {
            "kind": "disbursement",
            "amount": "60.01",
            "occurred_on": timezone.localdate().isoformat(),
            "description": "Swing set",
            "proposal": a.pk,
            "receipt_number": "INV-7",
            "receipt": SimpleUploadedFile("inv-7.pdf", b"%PDF-1.4 receipt", content_type="application/pdf"),
        },
    )
    html = response.content.decode()
    assert "Only 60.00 yuan allocated to this project" in _field(html, "amount")
    assert "Choose the scan again" in _field(html, "receipt")
    assert 'value="INV-7"' in _field(html, "receipt_number")
    assert snapshot() == before
