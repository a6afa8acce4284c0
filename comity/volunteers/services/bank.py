"""The time bank: redemptions for services (never cash), transfers between family members, the policy, the roll.

A refused redemption or transfer raises a :class:`ValidationError` on the field it concerns, in words, before
anything is written: the ledger, the balances and the redemptions are as they were.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from comity.engine.volunteering import (
    RELATIONS,
    TRANSFER_RULES,
    Refusal,
    Relation,
    Transfer,
    posting_ends,
    redemption_refusal,
    transfer_refusal,
)
from comity.engine.volunteering import (
    Redemption as Asked,
)
from comity.foundation.audit import record_audit
from comity.foundation.services import Actor, require, service
from comity.structure.models import Community, GovernanceSubject, Person
from comity.volunteers.computing import (
    REFUSAL_FIELDS,
    calendar_of,
    engine_policy,
    policy_row,
    refusal_words,
)
from comity.volunteers.models import (
    MAX_BANK_HOURS,
    Account,
    AccountKind,
    EntryKind,
    HonourRoll,
    Policy,
    Redemption,
)
from comity.volunteers.services.common import MANAGE, _account_of, _append, _locked_ledger


def _refuse(refusal: Refusal, params: dict[str, Any]) -> ValidationError:
    return ValidationError({REFUSAL_FIELDS[refusal]: [refusal_words(refusal, params)]})


def _check_amount(hours: Decimal) -> None:
    if hours.as_tuple().exponent < -2 or not Decimal(0) < hours <= MAX_BANK_HOURS:  # type: ignore[operator]
        raise ValidationError({"hours": [_("Enter hours above zero with at most two decimals.")]})


def _check_family(account: Account, person: Person, relation: str) -> Relation:
    if relation not in RELATIONS:
        raise ValidationError({"relation": [_("Choose a relation from the list.")]})
    if account.kind != AccountKind.PERSON or account.person_id is None:
        raise ValidationError({"account": [_("Choose a volunteer's account.")]})
    if person.community_id != account.community_id:
        raise ValidationError({"beneficiary": [_("The person is not registered in this community.")]})
    found = Relation(relation)
    if (found == Relation.SELF) != (person.pk == account.person_id):
        raise ValidationError({"relation": [_("The relation does not match the person chosen.")]})
    return found


@service
def redeem(
    actor: Actor,
    account: Account,
    beneficiary: Person,
    relation: str,
    service_given: str,
    hours: Decimal,
    provider: GovernanceSubject | None = None,
) -> Redemption:
    """Redeem hours from an account for a service given to the holder or a family member the policy allows."""
    require(actor, MANAGE, account.community)
    _check_amount(hours)
    service_given = service_given.strip()
    if not service_given or len(service_given) > 200:
        raise ValidationError({"service": [_("Say which service, in at most 200 characters.")]})
    if provider is not None and provider.community_id != account.community_id:
        raise ValidationError({"provider": [_("Choose an organisation of this community.")]})
    ledger = _locked_ledger(account.community)
    account = Account.objects.select_related("person", "community").get(pk=account.pk)
    found = _check_family(account, beneficiary, relation)
    row = policy_row(account.community)
    policy = engine_policy(row)
    year = timezone.localdate().year
    used = Redemption.objects.filter(account=account, recorded_at__year=year).aggregate(total=Sum("hours"))[
        "total"
    ] or Decimal(0)
    asked = Asked(hours, account.balance, found, beneficiary.age(year), used)
    refusal = redemption_refusal(policy, asked)
    if refusal is not None:
        params = {"balance": account.balance, "limit": row.yearly_limit, "used": used, "age": row.min_age}
        raise _refuse(refusal, params)
    entry = _append(ledger, actor, EntryKind.REDEMPTION, hours, debit=account, reference="redemption")
    redemption = Redemption.objects.create(
        community=account.community,
        account=account,
        beneficiary=beneficiary,
        relation=found.value,
        service=service_given,
        provider=provider,
        hours=hours,
        entry=entry,
        recorded_by_id=actor.pk if getattr(actor, "is_authenticated", False) else None,
    )
    record_audit(
        actor=actor,
        action="volunteers.redeem",
        obj=redemption,
        community=account.community,
        summary=gettext_noop("%(hours)s time-bank hours redeemed for a service"),
        params={"hours": str(hours)},
        changes={"entry": entry.sequence, "relation": found.value},
    )
    return redemption


@service
def transfer(actor: Actor, account: Account, receiver: Person, relation: str, hours: Decimal) -> Account:
    """Move hours to a family member's account, where the policy allows; returns the receiving account."""
    require(actor, MANAGE, account.community)
    _check_amount(hours)
    ledger = _locked_ledger(account.community)
    account = Account.objects.select_related("person", "community").get(pk=account.pk)
    found = _check_family(account, receiver, relation) if relation != Relation.SELF else Relation.SELF
    holder = account.person
    same_household = bool(holder and holder.household_id and holder.household_id == receiver.household_id)
    row = policy_row(account.community)
    existing = Account.objects.filter(community=account.community, person=receiver).first()
    receiver_balance = existing.balance if existing else Decimal(0)
    refusal = transfer_refusal(
        engine_policy(row), Transfer(hours, account.balance, found, same_household, receiver_balance)
    )
    if refusal is not None:
        raise _refuse(refusal, {"balance": account.balance, "cap": row.cap})
    target = existing or _account_of(receiver)
    entry = _append(
        ledger, actor, EntryKind.TRANSFER, hours, debit=account, credit=target, reference=found.value
    )
    record_audit(
        actor=actor,
        action="volunteers.transfer",
        obj=entry,
        community=account.community,
        summary=gettext_noop("%(hours)s time-bank hours transferred to a family member"),
        params={"hours": str(hours)},
        changes={"entry": entry.sequence, "relation": found.value},
    )
    return target


@service
def set_policy(
    actor: Actor,
    community: Community,
    *,
    cap: Decimal | None,
    min_age: int,
    beneficiaries: list[str],
    yearly_limit: Decimal | None,
    transfers: str,
) -> Policy:
    """The committee sets the community's time-bank policy; a lower cap never takes hours back."""
    require(actor, MANAGE, community)
    errors: dict[str, list[str]] = {}
    if cap is not None and not Decimal(1) <= cap <= MAX_BANK_HOURS:
        errors["cap"] = [_("Enter a cap between 1 and 100,000 hours, or leave it empty.")]
    if not 0 <= min_age <= 120:
        errors["min_age"] = [_("Enter an age between 0 and 120.")]
    if not beneficiaries or any(code not in RELATIONS for code in beneficiaries):
        errors["beneficiaries"] = [_("Choose at least one relation from the list.")]
    if yearly_limit is not None and not Decimal(1) <= yearly_limit <= MAX_BANK_HOURS:
        errors["yearly_limit"] = [_("Enter a limit between 1 and 100,000 hours, or leave it empty.")]
    if transfers not in TRANSFER_RULES:
        errors["transfers"] = [_("Choose a rule from the list.")]
    if errors:
        raise ValidationError(errors)
    row, _created = Policy.objects.select_for_update().get_or_create(community=community)
    before = {"cap": str(row.cap), "min_age": row.min_age, "beneficiaries": row.beneficiaries}
    row.cap, row.min_age, row.yearly_limit, row.transfers = cap, min_age, yearly_limit, transfers
    row.beneficiaries = sorted(set(beneficiaries))
    row.updated_at, row.updated_by_id = timezone.now(), actor.pk
    row.save()
    record_audit(
        actor=actor,
        action="volunteers.set_policy",
        obj=row,
        community=community,
        summary=gettext_noop("Time-bank policy set"),
        changes={"before": before, "cap": str(cap), "min_age": min_age, "beneficiaries": row.beneficiaries},
    )
    return row


@service
def post_roll(actor: Actor, community: Community, as_of: date | None = None) -> HonourRoll:
    """Post the roll of honour: stars earned by hours verified up to ``as_of`` are awarded after the posting
    period of at least 5 working days, during which anyone may object to the committee."""
    require(actor, MANAGE, community)
    today = timezone.localdate()
    as_of = as_of or today
    if as_of > today:
        raise ValidationError({"as_of": [_("Count hours verified up to today at the latest.")]})
    if HonourRoll.objects.filter(community=community, ends_on__gte=today).exists():
        raise ValidationError({"as_of": [_("A roll is still posted: wait until its posting period ends.")]})
    roll = HonourRoll.objects.create(
        community=community,
        as_of=as_of,
        posted_on=today,
        ends_on=posting_ends(today, calendar_of(community)),
        posted_by_id=actor.pk,
    )
    record_audit(
        actor=actor,
        action="volunteers.post_roll",
        obj=roll,
        community=community,
        summary=gettext_noop("Roll of honour posted until %(date)s"),
        params={"date": roll.ends_on.isoformat()},
    )
    return roll
