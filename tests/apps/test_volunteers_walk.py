"""The volunteers' personal data: a row of every table (``volunteer_rows``, for the privacy walk too), each in the
copy of everyone it names, and a granted deletion that unlinks the account while the ledger still verifies."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from comity.foundation.personal_data import holding_for
from comity.privacy.copy import data_copy
from comity.privacy.erasure import erase_person_data
from comity.volunteers.computing import check_ledger
from comity.volunteers.models import Account, HonourRoll, HoursClaim, Redemption
from comity.volunteers.services import post_roll, record_hours, redeem, set_policy, verify_hours

from ..cast import World

pytestmark = pytest.mark.django_db

MODELS = (
    "volunteers.HoursClaim",
    "volunteers.Account",
    "volunteers.LedgerEntry",
    "volunteers.Redemption",
    "volunteers.Policy",
    "volunteers.HonourRoll",
)


def volunteer_rows(world: World) -> dict[str, Any]:
    """One row of each volunteers table: Olga's verified hours (over a cap of 5, so the pool gets a donation), a
    redemption for herself, the policy and a posted roll of honour."""
    chen, nia = world.user("committee_staff"), world.user("ngo_staff")
    olga = world.user("owner").person
    olga.birth_year = timezone.localdate().year - 66
    olga.save(update_fields=["birth_year"])
    set_policy(
        chen,
        world.harmony,
        cap=Decimal(5),
        min_age=60,
        beneficiaries=["self", "spouse", "parent"],
        yearly_limit=None,
        transfers="same_household",
    )
    day = timezone.localdate() - timedelta(days=1)
    claim = verify_hours(nia, record_hours(nia, world.ngo, olga, day, Decimal(6), "Clinic"))
    account = Account.objects.get(person=olga)
    redemption = redeem(chen, account, olga, "self", "Home cleaning", Decimal(2))
    post_roll(chen, world.harmony)
    return {"claim": claim, "account": account, "redemption": redemption, "person": olga}


def test_every_table_is_declared_and_in_the_holders_copy(world: World) -> None:
    rows = volunteer_rows(world)
    for label in MODELS:
        assert holding_for(label) is not None, label
    sections = data_copy(world.user("owner"))["sections"]
    assert {
        "volunteers.HoursClaim",
        "volunteers.Account",
        "volunteers.LedgerEntry",
        "volunteers.Redemption",
    } <= set(sections)
    assert str(rows["claim"].pk) in {str(row["id"]) for row in sections["volunteers.HoursClaim"]["rows"]}
    assert HonourRoll.objects.exists()


def test_a_deletion_unlinks_the_account_and_the_ledger_still_verifies(world: World) -> None:
    rows = volunteer_rows(world)
    outcome = erase_person_data(person=rows["person"], user=world.user("owner"))
    assert outcome["volunteers.LedgerEntry"] == {"keep": 3}
    account = Account.objects.get(pk=rows["account"].pk)
    assert account.person_id is None
    assert account.balance == Decimal(3)
    assert not HoursClaim.objects.filter(person=rows["person"]).exists()
    redemption = Redemption.objects.get(pk=rows["redemption"].pk)
    assert (redemption.service, redemption.beneficiary_id) == ("", None)
    assert check_ledger(world.harmony).ok
