"""The one adapter between the volunteers' tables and the engine: a policy row as the engine's policy, ledger rows as
the shared hash chain's entries, and the verification of a community's chain."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _

from comity.appeals.community_settings.selectors import appeal_settings
from comity.appeals.computing import working_calendar
from comity.engine.calendar import WorkingCalendar
from comity.engine.hashchain import LogEntry, Verification, verify
from comity.engine.volunteering import RELATIONS, Refusal, Relation, TransferRule
from comity.engine.volunteering import Policy as EnginePolicy
from comity.structure.models import Community
from comity.volunteers.models import Ledger, LedgerEntry, Policy


def policy_row(community: Community) -> Policy:
    """The community's policy row, or an unsaved row with the defaults when it has none."""
    found = Policy.objects.filter(community=community).first()
    return found if found is not None else Policy(community=community)


def engine_policy(row: Policy) -> EnginePolicy:
    return EnginePolicy(
        cap=row.cap,
        min_age=row.min_age,
        beneficiaries=frozenset(Relation(code) for code in row.beneficiaries if code in RELATIONS),
        yearly_limit=row.yearly_limit,
        transfers=TransferRule(row.transfers),
    )


def calendar_of(community: Community) -> WorkingCalendar:
    """The community's working days: the appeals' settings (holidays, adjusted working days) say them."""
    return working_calendar(appeal_settings(community))


def _hours(value: Decimal) -> str:
    return f"{value:.2f}"


def entry_content(
    *,
    kind: str,
    debit: str,
    credit: str,
    hours: Decimal,
    reference: str,
    corrects: int | None,
    recorded_at: Any,
) -> dict[str, Any]:
    """What an entry's hash covers: every column that says what happened, accounts by their codes."""
    return {
        "kind": kind,
        "from": debit,
        "to": credit,
        "hours": _hours(hours),
        "reference": reference,
        "corrects": corrects,
        "at": recorded_at.astimezone(ZoneInfo(settings.TIME_ZONE)).isoformat(timespec="microseconds"),
    }


def content_of(entry: LedgerEntry) -> dict[str, Any]:
    return entry_content(
        kind=entry.kind,
        debit=entry.debit.code if entry.debit else "",
        credit=entry.credit.code if entry.credit else "",
        hours=entry.hours,
        reference=entry.reference,
        corrects=entry.corrects,
        recorded_at=entry.recorded_at,
    )


def chain_of(entries: Iterable[LedgerEntry]) -> list[LogEntry]:
    return [LogEntry(entry.sequence, content_of(entry), entry.previous, entry.hash) for entry in entries]


@dataclass(frozen=True)
class LedgerCheck:
    ok: bool
    checked: int
    length: int
    first_bad: int | None
    reason: str


#: The shared verifier's reasons, in the reader's language.
REASONS = {
    "an entry is missing or out of order": lambda: _("an entry is missing or out of order"),
    "the link to the previous entry is broken": lambda: _("the link to the previous entry is broken"),
    "the entry was changed after it was written": lambda: _("the entry was changed after it was written"),
    "entries at the end of the chain are missing": lambda: _("entries at the end of the chain are missing"),
    "the chain does not end where it was last written": lambda: _(
        "the chain does not end where it was last written"
    ),
}


def check_ledger(community: Community) -> LedgerCheck:
    """Recompute the community's chain from the rows; the first entry that does not fit is named, with why."""
    ledger = Ledger.objects.filter(community=community).first()
    if ledger is None:
        return LedgerCheck(True, 0, 0, None, "")
    rows = (
        LedgerEntry.objects.filter(ledger=ledger).select_related("debit", "credit").order_by("sequence", "pk")
    )
    result: Verification = verify(chain_of(rows), head=ledger.head, length=ledger.length)
    words = REASONS.get(result.reason)
    return LedgerCheck(
        result.ok,
        result.checked,
        ledger.length,
        result.first_bad,
        str(words()) if words else result.reason,
    )


def refusal_words(refusal: Refusal, params: dict[str, Any]) -> str:
    """A refusal in words, for the field it concerns (see :data:`REFUSAL_FIELDS`); ``params`` holds ``balance``,
    ``limit``, ``used``, ``age`` and ``cap``."""
    texts = {
        Refusal.NOT_POSITIVE: _("Enter a number of hours above zero."),
        Refusal.OVER_BALANCE: _("The account holds only %(balance)s hours."),
        Refusal.OVER_YEARLY_LIMIT: _(
            "The policy allows %(limit)s hours a year from one account; %(used)s are redeemed this year."
        ),
        Refusal.BENEFICIARY_NOT_ALLOWED: _(
            "The community's policy does not allow redeeming for this person."
        ),
        Refusal.AGE_UNKNOWN: _("The year of birth of the person served is not on record."),
        Refusal.NOT_OLD_ENOUGH: _("Services are redeemed for people aged %(age)s or over."),
        Refusal.TRANSFERS_NOT_ALLOWED: _("The community's policy does not allow transfers."),
        Refusal.NOT_FAMILY: _("Hours pass only to a family member."),
        Refusal.NOT_SAME_HOUSEHOLD: _("Hours pass only to a family member of the same household."),
        Refusal.SAME_ACCOUNT: _("Choose another person's account."),
        Refusal.OVER_CAP: _("The receiving account would hold more than the cap of %(cap)s hours."),
    }
    return str(texts[refusal]) % params


#: The form field each refusal is shown on.
REFUSAL_FIELDS = {
    Refusal.NOT_POSITIVE: "hours",
    Refusal.OVER_BALANCE: "hours",
    Refusal.OVER_YEARLY_LIMIT: "hours",
    Refusal.OVER_CAP: "hours",
    Refusal.BENEFICIARY_NOT_ALLOWED: "relation",
    Refusal.NOT_FAMILY: "relation",
    Refusal.SAME_ACCOUNT: "beneficiary",
    Refusal.AGE_UNKNOWN: "beneficiary",
    Refusal.NOT_OLD_ENOUGH: "beneficiary",
    Refusal.TRANSFERS_NOT_ALLOWED: "beneficiary",
    Refusal.NOT_SAME_HOUSEHOLD: "beneficiary",
}
