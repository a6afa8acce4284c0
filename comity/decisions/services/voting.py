"""Casting ballots: online (for oneself or as a recorded proxy), on paper entered by staff and counted after a
second person's check, and checking a receipt.

One elector, one ballot: the decision's row is locked while a ballot is written, and the database's unique
constraint on (decision, elector) stands behind it. Ballots stay out of the audit log; the ballot log holds them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from comity.decisions.models import (
    Ballot,
    BallotKind,
    Channel,
    Decision,
    DecisionOption,
    DecisionStatus,
    Elector,
    LogEntry,
    Participation,
    ProxyAuthorization,
)
from comity.decisions.services.common import (
    MANAGE,
    append_log,
    locked,
    new_receipt,
    require,
    require_accepting,
    require_status,
)
from comity.engine.decisions.ballot_log import normalise_receipt, receipt_hash
from comity.engine.decisions.tally import Choice
from comity.foundation.audit import record_audit


@dataclass(frozen=True)
class Eligibility:
    elector: Elector
    proxy: bool
    voted: bool


def electors_for(user: Any, decision: Decision) -> list[Eligibility]:
    """The electors ``user`` may vote for: their own (as a verified person) and those who made them proxy."""
    if not getattr(user, "is_authenticated", False) or decision.status == DecisionStatus.DRAFT:
        return []
    own_rows = Elector.objects.filter(
        decision=decision, persons__user=user, persons__verified_at__isnull=False
    )
    proxied_rows = Elector.objects.filter(
        decision=decision, proxies__proxy__user=user, proxies__proxy__verified_at__isnull=False
    )
    own, proxied = list(own_rows.distinct()), list(proxied_rows.distinct())
    mine = {e.pk for e in own} | {e.pk for e in proxied}
    voted = set(
        Participation.objects.filter(decision=decision, elector_id__in=mine).values_list(
            "elector_id", flat=True
        )
    )
    seen: dict[int, Eligibility] = {}
    for elector in own:
        seen[elector.pk] = Eligibility(elector, False, elector.pk in voted)
    for elector in proxied:
        seen.setdefault(elector.pk, Eligibility(elector, True, elector.pk in voted))
    return list(seen.values())


def _clean_choice(decision: Decision, choice: str | None, selection: Any) -> tuple[str, list[Any]]:
    """The ballot's stored form, or a refusal in words."""
    if decision.ballot_kind == BallotKind.MOTION:
        if choice not in {c.value for c in Choice}:
            raise ValidationError({"choice": [_("Choose yes, no or abstain.")]})
        return choice, []
    positions = set(DecisionOption.objects.filter(decision=decision).values_list("position", flat=True))
    if decision.ballot_kind == BallotKind.APPROVAL:
        try:
            picked = sorted({int(p) for p in (selection or [])})
        except (TypeError, ValueError) as error:
            raise ValidationError({"selection": [_("Choose among the options of this ballot.")]}) from error
        if not set(picked) <= positions:
            raise ValidationError({"selection": [_("Choose among the options of this ballot.")]})
        if decision.max_approvals and len(picked) > decision.max_approvals:
            raise ValidationError(
                {
                    "selection": [
                        ngettext(
                            "Approve at most %(n)s option.",
                            "Approve at most %(n)s options.",
                            decision.max_approvals,
                        )
                        % {"n": decision.max_approvals}
                    ]
                }
            )
        return "", picked
    # ranked: {position: rank}; equal ranks tie, unranked options come last
    ranks: dict[int, int] = {}
    try:
        for position, rank in dict(selection or {}).items():
            if rank in (None, ""):
                continue
            ranks[int(position)] = int(rank)
    except (TypeError, ValueError) as error:
        raise ValidationError(
            {"selection": [_("Give each option a rank number, 1 for your first choice.")]}
        ) from error
    if not set(ranks) <= positions or any(r < 1 or r > len(positions) for r in ranks.values()):
        raise ValidationError({"selection": [_("Give each option a rank number, 1 for your first choice.")]})
    groups = [sorted(p for p, r in ranks.items() if r == level) for level in sorted(set(ranks.values()))]
    return "", groups


def _participate(
    decision: Decision,
    elector: Elector,
    channel: str,
    actor: Any,
    *,
    counted: bool,
    paper_reference: str = "",
) -> Participation:
    if Participation.objects.filter(decision=decision, elector=elector).exists():
        raise ValidationError(
            _("A ballot for %(who)s has already been received.") % {"who": elector.name}, code="voted"
        )
    try:
        with transaction.atomic():
            return Participation.objects.create(
                decision=decision,
                elector=elector,
                channel=channel,
                cast_by=actor,
                counted=counted,
                paper_reference=paper_reference,
            )
    except IntegrityError as error:  # a concurrent ballot for the same elector won the race
        raise ValidationError(
            _("A ballot for %(who)s has already been received.") % {"who": elector.name}, code="voted"
        ) from error


def _log_ballot(decision: Decision, participation: Participation, ballot: Ballot) -> None:
    if decision.secret:
        append_log(
            decision,
            {
                "type": "participation",
                "elector": participation.elector.pseudonym,
                "channel": participation.channel,
            },
        )
        return
    entry = append_log(
        decision,
        {
            "type": "ballot",
            "elector": participation.elector.pseudonym,
            "channel": participation.channel,
            "choice": ballot.choice,
            "selection": ballot.selection,
            "receipt": ballot.receipt_hash,
        },
    )
    Ballot.objects.filter(pk=ballot.pk).update(log_sequence=entry.sequence)


@transaction.atomic
def cast_ballot(
    actor: Any, decision: Decision, elector_id: Any, choice: str | None = None, selection: Any = None
) -> str:
    """Cast the ballot of an elector the actor may vote for; returns the receipt code (shown once, never stored)."""
    decision = locked(decision)
    require_accepting(decision)
    allowed = {e.elector.pk: e for e in electors_for(actor, decision)}
    try:
        eligibility = allowed[int(elector_id)]
    except (KeyError, TypeError, ValueError) as error:
        raise PermissionDenied from error
    stored_choice, stored_selection = _clean_choice(decision, choice, selection)
    participation = _participate(
        decision,
        eligibility.elector,
        Channel.PROXY if eligibility.proxy else Channel.ONLINE,
        actor,
        counted=True,
    )
    receipt = new_receipt()
    ballot = Ballot.objects.create(
        decision=decision,
        participation=None if decision.secret else participation,
        choice=stored_choice,
        selection=stored_selection,
        area=eligibility.elector.area,
        receipt_hash=receipt_hash(receipt),
        counted=True,
    )
    _log_ballot(decision, participation, ballot)
    return receipt


@transaction.atomic
def enter_paper_ballot(
    actor: Any,
    decision: Decision,
    elector: Elector,
    reference: str,
    choice: str | None = None,
    selection: Any = None,
) -> str:
    """Staff type in a paper ballot; it counts only once a second person has checked it against the paper."""
    require(actor, MANAGE, decision)
    decision = locked(decision)
    require_status(decision, DecisionStatus.OPEN)
    if timezone.now() < decision.opens_at:
        require_accepting(decision)
    if elector.decision_id != decision.pk:
        raise ValidationError({"elector": [_("Choose an elector of this decision.")]})
    if not reference.strip():
        raise ValidationError({"reference": [_("Give the number printed on the paper ballot.")]})
    if Participation.objects.filter(decision=decision, paper_reference=reference.strip()).exists():
        raise ValidationError({"reference": [_("A paper ballot with this number has already been entered.")]})
    stored_choice, stored_selection = _clean_choice(decision, choice, selection)
    participation = _participate(
        decision, elector, Channel.PAPER, actor, counted=False, paper_reference=reference.strip()
    )
    receipt = new_receipt()
    Ballot.objects.create(
        decision=decision,
        participation=participation,
        choice=stored_choice,
        selection=stored_selection,
        area=elector.area,
        receipt_hash=receipt_hash(receipt),
        counted=False,
    )
    record_audit(
        actor=actor,
        action="decisions.paper_entered",
        obj=decision,
        summary=gettext_noop("Entered paper ballot %(reference)s of “%(title)s” for a second check"),
        params={"reference": participation.paper_reference, "title": decision.title},
        community=decision.community,
    )
    return receipt


@transaction.atomic
def check_paper_ballot(actor: Any, decision: Decision, participation_id: Any, *, matches: bool) -> None:
    """A second person confirms the entry against the paper (it is counted) or finds a mistake (it is removed
    and must be entered again). Whoever entered a ballot cannot check it."""
    require(actor, MANAGE, decision)
    decision = locked(decision)
    require_status(decision, DecisionStatus.OPEN)
    try:
        participation = Participation.objects.select_related("elector").get(
            decision=decision, pk=int(participation_id), channel=Channel.PAPER, counted=False
        )
    except (Participation.DoesNotExist, TypeError, ValueError) as error:
        raise ValidationError(_("This paper ballot is not waiting for a check.")) from error
    if participation.cast_by_id == getattr(actor, "pk", None):
        raise ValidationError(_("Someone other than the person who entered a paper ballot must check it."))
    reference = participation.paper_reference
    if not matches:
        participation.delete()  # the ballot goes with it
        record_audit(
            actor=actor,
            action="decisions.paper_rejected",
            obj=decision,
            summary=gettext_noop(
                "Found paper ballot %(reference)s of “%(title)s” wrongly entered; removed it"
            ),
            params={"reference": reference, "title": decision.title},
            community=decision.community,
        )
        return
    participation.counted = True
    participation.checked_by = actor
    participation.checked_at = timezone.now()
    participation.save(update_fields=["counted", "checked_by", "checked_at"])
    ballot = Ballot.objects.get(participation=participation)
    ballot.counted = True
    if decision.secret:
        ballot.participation = None  # from now on nothing links the ballot to the elector
    ballot.save(update_fields=["counted", "participation"])
    _log_ballot(decision, participation, ballot)
    record_audit(
        actor=actor,
        action="decisions.paper_checked",
        obj=decision,
        summary=gettext_noop("Checked paper ballot %(reference)s of “%(title)s”; it is counted"),
        params={"reference": reference, "title": decision.title},
        community=decision.community,
    )


@dataclass(frozen=True)
class ReceiptCheck:
    found: bool
    counted: bool = False
    choice: str = ""
    selection: tuple[Any, ...] = ()
    entry: LogEntry | None = None


def check_receipt(decision: Decision, code: str) -> ReceiptCheck:
    """Find the ballot a receipt code belongs to, and the log entry that holds it once it is in the log."""
    wanted = receipt_hash(normalise_receipt(code))
    ballot = Ballot.objects.filter(decision=decision, receipt_hash=wanted).first()
    if ballot is None:
        return ReceiptCheck(found=False)
    entry = None
    if ballot.log_sequence is not None:
        entry = LogEntry.objects.filter(decision=decision, sequence=ballot.log_sequence).first()
    return ReceiptCheck(
        found=True,
        counted=ballot.counted,
        choice=ballot.choice,
        selection=tuple(ballot.selection),
        entry=entry,
    )


def waiting_paper_ballots(decision: Decision) -> Any:
    return (
        Participation.objects.filter(decision=decision, channel=Channel.PAPER, counted=False)
        .select_related("elector", "cast_by", "ballot")
        .order_by("created_at")
    )


def proxies_of(decision: Decision) -> Any:
    return ProxyAuthorization.objects.filter(decision=decision).select_related(
        "elector", "proxy", "recorded_by"
    )


def unvoted(decision: Decision) -> Any:
    """Electors who have not voted, by building and units (the paper-ballot, proxy and simulator lists)."""
    return Elector.objects.filter(decision=decision, participations__isnull=True).order_by(
        "building", "units", "pk"
    )
