"""Volunteer hours, star levels and the time bank's rules, framework-free.

Facts (``shared/reference/domain-practice.md`` §5): volunteers are awarded one to five stars at **100, 300, 600,
1,000 and 1,500 verified hours**, after the list has been posted for **at least 5 working days**; the Nanjing time
bank (2019) keeps at most **1,500 hours** in a person's account and the excess is donated to a community pool, and
hours are redeemed **for services, never cash**, from the age of **60**, for oneself, a spouse or parents.

Everything here is exact: hours are :class:`~decimal.Decimal` (quarter hours in practice) and nothing rounds. A
refusal is a :class:`Refusal` code; the app says it in words, in the reader's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from comity.engine.calendar import WorkingCalendar

#: Verified hours for 1★ … 5★.
STAR_THRESHOLDS: tuple[Decimal, ...] = tuple(Decimal(h) for h in (100, 300, 600, 1000, 1500))
#: The shortest posting period of a roll of honour, in working days.
POSTING_WORKING_DAYS = 5
#: Nanjing's per-person cap on the hours held in an account.
DEFAULT_CAP = Decimal(1500)
DEFAULT_MIN_AGE = 60
ZERO = Decimal(0)


def star_level(hours: Decimal) -> int:
    """Stars earned by ``hours`` of verified service: the number of thresholds reached (0–5)."""
    return sum(1 for threshold in STAR_THRESHOLDS if hours >= threshold)


def hours_to_next_star(hours: Decimal) -> Decimal | None:
    """Hours still needed for the next star, or ``None`` at five stars."""
    for threshold in STAR_THRESHOLDS:
        if hours < threshold:
            return threshold - hours
    return None


@dataclass(frozen=True)
class Split:
    """A deposit divided between the volunteer's account and the community pool."""

    kept: Decimal
    donated: Decimal


def split_deposit(balance: Decimal, hours: Decimal, cap: Decimal | None) -> Split:
    """Deposit ``hours`` into an account holding ``balance``: what passes ``cap`` is donated to the pool.

    ``cap`` ``None`` keeps everything. An account already over the cap (the cap lowered since) keeps nothing new.
    """
    if hours < 0 or balance < 0:
        raise ValueError("hours and balances are never negative")
    if cap is None:
        return Split(hours, ZERO)
    room = max(cap - balance, ZERO)
    kept = min(hours, room)
    return Split(kept, hours - kept)


class Relation(StrEnum):
    """Who benefits from a redemption, seen from the account holder."""

    SELF = "self"
    SPOUSE = "spouse"
    PARENT = "parent"
    CHILD = "child"
    GRANDPARENT = "grandparent"
    SIBLING = "sibling"


RELATIONS = frozenset(relation.value for relation in Relation)
#: Relations that make two people family members, for transfers.
FAMILY = frozenset(Relation) - {Relation.SELF}


class TransferRule(StrEnum):
    """Whether hours may pass from one account to another."""

    NONE = "none"
    SAME_HOUSEHOLD = "same_household"
    FAMILY = "family"


TRANSFER_RULES = frozenset(rule.value for rule in TransferRule)


@dataclass(frozen=True)
class Policy:
    """A community's time-bank policy (the Nanjing rules are the defaults)."""

    cap: Decimal | None = DEFAULT_CAP
    min_age: int = DEFAULT_MIN_AGE
    beneficiaries: frozenset[Relation] = frozenset({Relation.SELF, Relation.SPOUSE, Relation.PARENT})
    #: Hours one account may redeem in a calendar year (``None``: no limit but the balance).
    yearly_limit: Decimal | None = None
    transfers: TransferRule = TransferRule.SAME_HOUSEHOLD


class Refusal(StrEnum):
    """Why a redemption or a transfer is refused."""

    NOT_POSITIVE = "not_positive"
    OVER_BALANCE = "over_balance"
    OVER_YEARLY_LIMIT = "over_yearly_limit"
    BENEFICIARY_NOT_ALLOWED = "beneficiary_not_allowed"
    AGE_UNKNOWN = "age_unknown"
    NOT_OLD_ENOUGH = "not_old_enough"
    TRANSFERS_NOT_ALLOWED = "transfers_not_allowed"
    NOT_FAMILY = "not_family"
    NOT_SAME_HOUSEHOLD = "not_same_household"
    SAME_ACCOUNT = "same_account"
    OVER_CAP = "over_cap"


@dataclass(frozen=True)
class Redemption:
    hours: Decimal
    balance: Decimal
    relation: Relation
    #: The age, this year, of the person who receives the service (``None``: not on record).
    beneficiary_age: int | None
    redeemed_this_year: Decimal = ZERO


def redemption_refusal(policy: Policy, asked: Redemption) -> Refusal | None:
    """The first reason ``policy`` refuses the redemption, or ``None`` when it is allowed.

    The age is the beneficiary's: the one who receives the service must have reached the policy's minimum age
    (an account holder under 60 may redeem for a parent over 60, where the policy allows parents).
    """
    if asked.hours <= 0:
        return Refusal.NOT_POSITIVE
    if asked.hours > asked.balance:
        return Refusal.OVER_BALANCE
    if policy.yearly_limit is not None and asked.redeemed_this_year + asked.hours > policy.yearly_limit:
        return Refusal.OVER_YEARLY_LIMIT
    if asked.relation not in policy.beneficiaries:
        return Refusal.BENEFICIARY_NOT_ALLOWED
    if asked.beneficiary_age is None:
        return Refusal.AGE_UNKNOWN
    if asked.beneficiary_age < policy.min_age:
        return Refusal.NOT_OLD_ENOUGH
    return None


@dataclass(frozen=True)
class Transfer:
    hours: Decimal
    balance: Decimal
    relation: Relation
    same_household: bool
    #: The receiving account's balance, so that a transfer never lifts it past the cap.
    receiver_balance: Decimal = ZERO


def transfer_refusal(policy: Policy, asked: Transfer) -> Refusal | None:
    """The first reason ``policy`` refuses moving hours to a family member's account, or ``None``."""
    if policy.transfers == TransferRule.NONE:
        return Refusal.TRANSFERS_NOT_ALLOWED
    if asked.relation == Relation.SELF:
        return Refusal.SAME_ACCOUNT
    if asked.hours <= 0:
        return Refusal.NOT_POSITIVE
    if asked.hours > asked.balance:
        return Refusal.OVER_BALANCE
    if asked.relation not in FAMILY:
        return Refusal.NOT_FAMILY
    if policy.transfers == TransferRule.SAME_HOUSEHOLD and not asked.same_household:
        return Refusal.NOT_SAME_HOUSEHOLD
    if policy.cap is not None and asked.receiver_balance + asked.hours > policy.cap:
        return Refusal.OVER_CAP
    return None


def posting_ends(
    posted_on: date, calendar: WorkingCalendar, working_days: int = POSTING_WORKING_DAYS
) -> date:
    """The last day of a posting that starts on ``posted_on``: ``working_days`` full working days after it.

    The posting day itself does not count (a list put up at noon has not been up a whole day); the stars are
    awarded on the day after the returned date.
    """
    if working_days < 1:
        raise ValueError("a posting lasts at least one working day")
    day, counted = posted_on, 0
    for _ in range(working_days * 40 + 400):  # bounded: a calendar without working days raises below
        day += timedelta(days=1)
        if calendar.is_working_day(day):
            counted += 1
            if counted == working_days:
                return day
    raise ValueError("the working calendar has too few working days for the posting")


def is_awarded(posted_on: date, today: date, calendar: WorkingCalendar) -> bool:
    """Whether a roll posted on ``posted_on`` has completed its posting period by ``today``."""
    return today > posting_ends(posted_on, calendar)
