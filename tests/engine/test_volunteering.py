"""The time bank's rules: stars at their thresholds, the cap's split, the redemption policy, the posting period."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from comity.engine.calendar import WorkingCalendar
from comity.engine.volunteering import (
    Policy,
    Redemption,
    Refusal,
    Relation,
    Split,
    Transfer,
    TransferRule,
    hours_to_next_star,
    is_awarded,
    posting_ends,
    redemption_refusal,
    split_deposit,
    star_level,
    transfer_refusal,
)

D = Decimal


@pytest.mark.parametrize(
    ("hours", "stars"),
    [
        ("0", 0),
        ("99.75", 0),
        ("100", 1),
        ("299.99", 1),
        ("300", 2),
        ("599.75", 2),
        ("600", 3),
        ("999.5", 3),
        ("1000", 4),
        ("1499.75", 4),
        ("1500", 5),
        ("9000", 5),
    ],
)
def test_stars_at_the_thresholds(hours: str, stars: int) -> None:
    assert star_level(D(hours)) == stars


def test_hours_to_the_next_star() -> None:
    assert hours_to_next_star(D("0")) == D(100)
    assert hours_to_next_star(D("250.5")) == D("49.5")
    assert hours_to_next_star(D("1500")) is None


def test_the_cap_splits_a_deposit_into_kept_and_donated() -> None:
    assert split_deposit(D("1000"), D("8"), D(1500)) == Split(D("8"), D("0"))
    assert split_deposit(D("1497.5"), D("4"), D(1500)) == Split(D("2.5"), D("1.5"))
    assert split_deposit(D("1500"), D("3"), D(1500)) == Split(D("0"), D("3"))
    # A cap lowered below the balance keeps nothing new, and never takes back.
    assert split_deposit(D("1600"), D("3"), D(1500)) == Split(D("0"), D("3"))
    assert split_deposit(D("1600"), D("3"), None) == Split(D("3"), D("0"))
    with pytest.raises(ValueError, match="never negative"):
        split_deposit(D("0"), D("-1"), D(1500))


def _ask(**overrides: object) -> Redemption:
    values: dict[str, object] = {
        "hours": D(4),
        "balance": D(10),
        "relation": Relation.SELF,
        "beneficiary_age": 66,
        "redeemed_this_year": D(0),
    }
    values.update(overrides)
    return Redemption(**values)  # type: ignore[arg-type]


def test_an_allowed_redemption() -> None:
    assert redemption_refusal(Policy(), _ask()) is None
    assert redemption_refusal(Policy(), _ask(hours=D(10))) is None
    assert redemption_refusal(Policy(), _ask(relation=Relation.PARENT, beneficiary_age=60)) is None


@pytest.mark.parametrize(
    ("overrides", "policy", "refusal"),
    [
        ({"hours": D("10.25")}, Policy(), Refusal.OVER_BALANCE),
        ({"hours": D(0)}, Policy(), Refusal.NOT_POSITIVE),
        ({"redeemed_this_year": D(18)}, Policy(yearly_limit=D(20)), Refusal.OVER_YEARLY_LIMIT),
        ({"relation": Relation.CHILD}, Policy(), Refusal.BENEFICIARY_NOT_ALLOWED),
        ({"relation": Relation.SIBLING}, Policy(), Refusal.BENEFICIARY_NOT_ALLOWED),
        ({"beneficiary_age": 59}, Policy(), Refusal.NOT_OLD_ENOUGH),
        ({"beneficiary_age": None}, Policy(), Refusal.AGE_UNKNOWN),
        ({"beneficiary_age": 55}, Policy(min_age=55), None),
        ({"relation": Relation.CHILD}, Policy(beneficiaries=frozenset(Relation)), None),
    ],
)
def test_the_policy_refuses_with_its_reason(
    overrides: dict[str, object], policy: Policy, refusal: Refusal | None
) -> None:
    assert redemption_refusal(policy, _ask(**overrides)) == refusal


def test_transfers_follow_the_rule() -> None:
    asked = Transfer(D(5), D(10), Relation.SPOUSE, same_household=True)
    assert transfer_refusal(Policy(), asked) is None
    away = Transfer(D(5), D(10), Relation.PARENT, same_household=False)
    assert transfer_refusal(Policy(), away) == Refusal.NOT_SAME_HOUSEHOLD
    assert transfer_refusal(Policy(transfers=TransferRule.FAMILY), away) is None
    assert transfer_refusal(Policy(transfers=TransferRule.NONE), asked) == Refusal.TRANSFERS_NOT_ALLOWED
    assert transfer_refusal(Policy(), Transfer(D(11), D(10), Relation.SPOUSE, True)) == Refusal.OVER_BALANCE
    assert transfer_refusal(Policy(), Transfer(D(1), D(10), Relation.SELF, True)) == Refusal.SAME_ACCOUNT
    full = Transfer(D(5), D(10), Relation.SPOUSE, True, receiver_balance=D(1498))
    assert transfer_refusal(Policy(), full) == Refusal.OVER_CAP


def test_the_posting_lasts_five_working_days_after_the_posting_day() -> None:
    calendar = WorkingCalendar()
    # Posted on Monday 7 December 2026: Tue–Fri and the next Monday are the five working days.
    assert posting_ends(date(2026, 12, 7), calendar) == date(2026, 12, 14)
    # Posted on a Friday: the weekend does not count.
    assert posting_ends(date(2026, 12, 11), calendar) == date(2026, 12, 18)
    assert not is_awarded(date(2026, 12, 7), date(2026, 12, 14), calendar)
    assert is_awarded(date(2026, 12, 7), date(2026, 12, 15), calendar)


def test_holidays_lengthen_the_posting_and_adjusted_days_shorten_it() -> None:
    holidays = WorkingCalendar(holidays=frozenset({date(2026, 12, 8), date(2026, 12, 9)}))
    assert posting_ends(date(2026, 12, 7), holidays) == date(2026, 12, 16)
    worked_saturday = WorkingCalendar(adjusted_working_days=frozenset({date(2026, 12, 12)}))
    assert posting_ends(date(2026, 12, 7), worked_saturday) == date(2026, 12, 12)
    with pytest.raises(ValueError, match="too few working days"):
        posting_ends(date(2026, 12, 7), WorkingCalendar(working_weekdays=frozenset()))
