"""What the volunteers' services share: the community's ledger locked and appended to, accounts and the pool.

The ledger is the shared hash chain (``comity.engine.hashchain``), appended as the decisions' ballot log is: the
owner row (here the community's :class:`Ledger`) is locked, the entry appended, and the head and length stored
beside it. Every write to an account's balance happens while the ledger row is locked, so balances and the chain
never disagree.
"""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.utils import timezone

from comity.engine.hashchain import entry_hash
from comity.foundation.services import Actor, lock
from comity.structure.models import Community, Person
from comity.volunteers.computing import entry_content
from comity.volunteers.models import Account, AccountKind, EntryKind, Ledger, LedgerEntry

VERIFY = "volunteers.verify_hours"
MANAGE = "volunteers.manage_time_bank"
#: Account codes: 8 characters of an alphabet without look-alikes, random so they say nothing about the holder.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def _locked_ledger(community: Community) -> Ledger:
    """The community's ledger row, created on first use and locked for the rest of the transaction."""
    ledger, _created = Ledger.objects.get_or_create(community=community)
    return lock(ledger)


def _new_code(community: Community, prefix: str = "T-") -> str:
    while True:
        code = prefix + "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
        if not Account.objects.filter(community=community, code=code).exists():
            return code


def _account_of(person: Person) -> Account:
    """The person's account in their community, opened on first use. Call with the ledger locked."""
    found = Account.objects.filter(community_id=person.community_id, person=person).first()
    if found is not None:
        return found
    return Account.objects.create(
        community_id=person.community_id, person=person, code=_new_code(person.community)
    )


def _pool(community: Community) -> Account:
    """The community pool, where hours past an account's cap are donated. Call with the ledger locked."""
    found = Account.objects.filter(community=community, kind=AccountKind.POOL).first()
    if found is not None:
        return found
    return Account.objects.create(
        community=community, kind=AccountKind.POOL, code=_new_code(community, "POOL-")
    )


def _append(
    ledger: Ledger,
    actor: Actor,
    kind: EntryKind,
    hours: Decimal,
    *,
    debit: Account | None = None,
    credit: Account | None = None,
    reference: str = "",
    corrects: int | None = None,
) -> LedgerEntry:
    """Append one entry and move its hours between the accounts. The caller holds the ledger's row lock."""
    recorded_at = timezone.now()
    content = entry_content(
        kind=kind,
        debit=debit.code if debit else "",
        credit=credit.code if credit else "",
        hours=hours,
        reference=reference,
        corrects=corrects,
        recorded_at=recorded_at,
    )
    sequence = ledger.length + 1
    digest = entry_hash(ledger.head, content)
    entry = LedgerEntry.objects.create(
        community_id=ledger.community_id,
        ledger=ledger,
        sequence=sequence,
        kind=kind,
        debit=debit,
        credit=credit,
        hours=hours,
        reference=reference,
        corrects=corrects,
        recorded_at=recorded_at,
        previous=ledger.head,
        hash=digest,
        recorded_by_id=actor.pk if getattr(actor, "is_authenticated", False) else None,
    )
    ledger.head, ledger.length = digest, sequence
    Ledger.objects.filter(pk=ledger.pk).update(head=digest, length=sequence)
    for account, sign in ((debit, -1), (credit, 1)):
        if account is not None:
            account.balance += sign * hours
            Account.objects.filter(pk=account.pk).update(balance=account.balance)
    return entry
