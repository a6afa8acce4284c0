"""The time bank's services: verification deposits, the cap's excess goes to the pool, refused redemptions and
transfers change nothing, and the ledger verifies — a changed, removed or reordered row is named by the verifier."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from comity.audit.models import AuditEntry
from comity.volunteers.computing import check_ledger
from comity.volunteers.models import (
    Account,
    AccountKind,
    ClaimStatus,
    EntryKind,
    HoursClaim,
    Ledger,
    LedgerEntry,
    Redemption,
)
from comity.volunteers.services import (
    record_hours,
    redeem,
    reject_hours,
    revoke_hours,
    set_policy,
    transfer,
    verify_hours,
)

from ..cast import World
from ..factories import PersonFactory

pytestmark = pytest.mark.django_db
D = Decimal


def _served(world: World, person: Any, hours: str, role: str = "ngo_staff") -> HoursClaim:
    yesterday = timezone.localdate() - timedelta(days=1)
    claim = record_hours(world.user(role), world.ngo, person, yesterday, D(hours), "Reading to elders")
    return verify_hours(world.user(role), claim)


def _state(world: World) -> Any:
    return (
        list(LedgerEntry.objects.values_list("sequence", "hash")),
        list(Account.objects.values_list("code", "balance")),
        list(Redemption.objects.values_list("pk")),
        list(Ledger.objects.values_list("length", "head")),
    )


def test_verification_deposits_and_the_ledger_verifies(world: World) -> None:
    rui = world.user("resident").person
    claim = _served(world, rui, "3.5")
    assert claim.status == ClaimStatus.VERIFIED
    account = Account.objects.get(person=rui)
    assert account.balance == D("3.5")
    assert claim.deposit is not None
    assert claim.deposit.kind == EntryKind.DEPOSIT
    assert verify_hours(world.user("ngo_staff"), claim).deposit == claim.deposit  # twice: deposited once
    assert LedgerEntry.objects.count() == 1
    result = check_ledger(world.harmony)
    assert result.ok
    assert result.checked == 1
    assert AuditEntry.objects.filter(action="volunteers.verify_hours").count() == 1


def test_the_excess_over_the_cap_is_donated_to_the_pool(world: World) -> None:
    set_policy(
        world.user("committee_staff"),
        world.harmony,
        cap=D(10),
        min_age=60,
        beneficiaries=["self"],
        yearly_limit=None,
        transfers="same_household",
    )
    rui = world.user("resident").person
    _served(world, rui, "8")
    _served(world, rui, "4")
    account = Account.objects.get(person=rui)
    pool = Account.objects.get(community=world.harmony, kind=AccountKind.POOL)
    assert account.balance == D(10)
    assert pool.balance == D(2)
    donation = LedgerEntry.objects.get(kind=EntryKind.DONATION)
    assert (donation.debit, donation.credit, donation.hours) == (account, pool, D(2))
    assert check_ledger(world.harmony).ok


def test_only_the_organisers_staff_record_and_verify(world: World) -> None:
    rui = world.user("resident").person
    day = timezone.localdate() - timedelta(days=1)
    with pytest.raises(PermissionDenied):
        record_hours(world.user("resident"), world.ngo, rui, day, D(2))
    with pytest.raises(PermissionDenied):
        record_hours(world.user("enterprise_staff"), world.ngo, rui, day, D(2))
    claim = record_hours(world.user("ngo_staff"), world.ngo, rui, day, D(2))
    with pytest.raises(PermissionDenied):
        verify_hours(world.user("enterprise_staff"), claim)
    verify_hours(world.user("committee_staff"), claim)


@pytest.mark.parametrize(
    ("hours", "days_ago", "field"),
    [
        ("0", 1, "hours"),
        ("24.25", 1, "hours"),
        ("1.1", 1, "hours"),
        ("2", -1, "served_on"),
        ("2", 400, "served_on"),
    ],
)
def test_bad_hours_are_refused_on_their_field(world: World, hours: str, days_ago: int, field: str) -> None:
    day = timezone.localdate() - timedelta(days=days_ago)
    with pytest.raises(ValidationError) as refused:
        record_hours(world.user("ngo_staff"), world.ngo, world.user("resident").person, day, D(hours))
    assert list(refused.value.message_dict) == [field]
    assert not HoursClaim.objects.exists()


def test_rejected_hours_deposit_nothing_and_say_why(world: World) -> None:
    day = timezone.localdate() - timedelta(days=1)
    claim = record_hours(world.user("ngo_staff"), world.ngo, world.user("resident").person, day, D(2))
    with pytest.raises(ValidationError):
        reject_hours(world.user("ngo_staff"), claim, "  ")
    reject_hours(world.user("ngo_staff"), claim, "Not on the sign-in sheet.")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.REJECTED
    assert claim.reason == "Not on the sign-in sheet."
    assert not LedgerEntry.objects.exists()
    with pytest.raises(ValidationError):
        verify_hours(world.user("ngo_staff"), claim)


def test_revoking_adds_a_correction_and_never_edits(world: World) -> None:
    rui = world.user("resident").person
    claim = _served(world, rui, "5")
    first = LedgerEntry.objects.get().hash
    revoke_hours(world.user("committee_staff"), claim, "Entered twice.")
    correction = LedgerEntry.objects.get(kind=EntryKind.CORRECTION)
    assert correction.corrects == 1
    assert correction.hours == D(5)
    assert LedgerEntry.objects.get(sequence=1).hash == first
    assert Account.objects.get(person=rui).balance == D(0)
    assert check_ledger(world.harmony).ok


def _elder(world: World, **kwargs: Any) -> Any:
    year = timezone.localdate().year
    values = {"community": world.harmony, "full_name": "Old Wang", "birth_year": year - 70}
    values.update(kwargs)
    return PersonFactory(**values)


def test_an_allowed_redemption_debits_the_account(world: World) -> None:
    holder = _elder(world)
    _served(world, holder, "6")
    account = Account.objects.get(person=holder)
    redemption = redeem(world.user("committee_staff"), account, holder, "self", "Home cleaning", D(4))
    account.refresh_from_db()
    assert account.balance == D(2)
    assert redemption.entry.kind == EntryKind.REDEMPTION
    assert redemption.entry.debit == account
    assert check_ledger(world.harmony).ok


@pytest.mark.parametrize(
    ("case", "field", "words"),
    [
        ("over the balance", "hours", "holds only 6.00 hours"),
        ("past the yearly cap", "hours", "allows 5.00 hours a year"),
        ("a child", "relation", "does not allow redeeming for this person"),
        ("too young", "beneficiary", "aged 60 or over"),
    ],
)
def test_a_refused_redemption_says_why_and_changes_nothing(
    world: World, case: str, field: str, words: str
) -> None:
    holder = _elder(world)
    _served(world, holder, "6")
    account = Account.objects.get(person=holder)
    staff = world.user("committee_staff")
    hours, relation, beneficiary = D(4), "self", holder
    if case == "over the balance":
        hours = D("6.25")
    elif case == "past the yearly cap":
        set_policy(
            staff,
            world.harmony,
            cap=D(1500),
            min_age=60,
            beneficiaries=["self", "spouse", "parent"],
            yearly_limit=D(5),
            transfers="same_household",
        )
        redeem(staff, account, holder, "self", "Meals", D(3))
        hours = D(3)
    elif case == "a child":
        relation, beneficiary = "child", _elder(world, full_name="Child")
    else:
        relation, beneficiary = (
            "spouse",
            _elder(world, full_name="Young", birth_year=timezone.localdate().year - 40),
        )
    before = _state(world)
    length = Ledger.objects.get().length
    with pytest.raises(ValidationError) as refused:
        redeem(staff, account, beneficiary, relation, "Home cleaning", hours)
    assert list(refused.value.message_dict) == [field]
    assert words in refused.value.message_dict[field][0]
    assert _state(world) == before
    assert Ledger.objects.get().length == length


def test_transfers_within_the_household_only(world: World) -> None:
    holder = world.user("resident").person
    _served(world, holder, "6")
    account = Account.objects.get(person=holder)
    spouse = PersonFactory(community=world.harmony, household=holder.household, full_name="Spouse")
    away = PersonFactory(community=world.harmony, full_name="Parent elsewhere")
    staff = world.user("committee_staff")
    before = _state(world)
    with pytest.raises(ValidationError) as refused:
        transfer(staff, account, away, "parent", D(2))
    assert "same household" in refused.value.message_dict["beneficiary"][0]
    assert _state(world) == before
    target = transfer(staff, account, spouse, "spouse", D(2))
    assert target.balance == D(2)
    account.refresh_from_db()
    assert account.balance == D(4)
    assert check_ledger(world.harmony).ok


def _three_entries(world: World) -> None:
    rui = world.user("resident").person
    for hours in ("1", "2", "3"):
        _served(world, rui, hours)


def test_a_changed_entry_is_named(world: World) -> None:
    _three_entries(world)
    LedgerEntry.objects.filter(sequence=2).update(hours=D(20))
    result = check_ledger(world.harmony)
    assert (result.ok, result.first_bad) == (False, 2)
    assert result.reason == "the entry was changed after it was written"


def test_a_changed_account_is_named(world: World) -> None:
    _three_entries(world)
    other = _elder(world)
    _served(world, other, "1")
    LedgerEntry.objects.filter(sequence=3).update(credit=Account.objects.get(person=other))
    assert check_ledger(world.harmony).first_bad == 3


def test_a_removed_entry_is_named(world: World) -> None:
    _three_entries(world)
    HoursClaim.objects.update(deposit=None)
    LedgerEntry.objects.filter(sequence=2).delete()
    result = check_ledger(world.harmony)
    assert (result.ok, result.first_bad) == (False, 3)
    assert result.reason == "an entry is missing or out of order"
    LedgerEntry.objects.filter(sequence=3).delete()
    result = check_ledger(world.harmony)
    assert (result.ok, result.first_bad) == (False, 2)
    assert result.reason == "entries at the end of the chain are missing"


def test_reordered_entries_are_named(world: World) -> None:
    _three_entries(world)
    LedgerEntry.objects.filter(sequence=2).update(sequence=99)
    LedgerEntry.objects.filter(sequence=3).update(sequence=2)
    LedgerEntry.objects.filter(sequence=99).update(sequence=3)
    result = check_ledger(world.harmony)
    assert (result.ok, result.first_bad) == (False, 2)


def test_the_reason_reads_in_chinese(world: World) -> None:
    from django.utils import translation

    _three_entries(world)
    LedgerEntry.objects.filter(sequence=1).update(reference="x")
    with translation.override("zh-hans"):
        result = check_ledger(world.harmony)
    assert result.first_bad == 1
    assert result.reason
