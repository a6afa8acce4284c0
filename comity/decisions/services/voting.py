"""Casting ballots: online (for oneself or as a recorded proxy), on paper entered by staff and counted after a
second person's check; and recording a proxy's written authorization.

One elector, one ballot: the decision's row is locked while a ballot is written, and the database's unique
constraint on (decision, elector) stands behind it. Ballots stay out of the audit log; the ballot log holds them.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from comity.decisions.checks import require_accepting, require_status
from comity.decisions.models import (
    Ballot,
    BallotKind,
    Channel,
    Decision,
    DecisionOption,
    DecisionStatus,
    Elector,
    Participation,
    ProxyAuthorization,
)
from comity.decisions.selectors import electors_for
from comity.decisions.services.common import MANAGE, _append_log, _locked, _new_receipt
from comity.engine.decisions.ballot_log import receipt_hash
from comity.engine.decisions.tally import Choice
from comity.foundation.audit import record_audit
from comity.foundation.services import Actor, require, service
from comity.structure.models import Person

#: A written authorization signed more than a year before voting opened is not for this vote.
PROXY_MAX_AGE_DAYS = 366


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
    actor: Actor,
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
                community_id=decision.community_id,
                decision=decision,
                elector=elector,
                channel=channel,
                cast_by_id=actor.pk,
                counted=counted,
                paper_reference=paper_reference,
            )
    except IntegrityError as error:  # a concurrent ballot for the same elector won the race
        raise ValidationError(
            _("A ballot for %(who)s has already been received.") % {"who": elector.name}, code="voted"
        ) from error


def _log_ballot(decision: Decision, participation: Participation, ballot: Ballot) -> None:
    if decision.secret:
        _append_log(
            decision,
            {
                "type": "participation",
                "elector": participation.elector.pseudonym,
                "channel": participation.channel,
            },
        )
        return
    entry = _append_log(
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


@service(
    audited=False,
    reason="a ballot is recorded in the decision's hash-chained ballot log, which anyone can check; an audit entry "
    "with its time would link a secret ballot to its voter",
)
def cast_ballot(
    actor: Actor, decision: Decision, elector_id: Any, choice: str | None = None, selection: Any = None
) -> str:
    """Cast the ballot of an elector the actor may vote for; returns the receipt code (shown once, never stored)."""
    decision = _locked(decision)
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
    receipt = _new_receipt()
    ballot = Ballot.objects.create(
        community_id=decision.community_id,
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


@service
def enter_paper_ballot(
    actor: Actor,
    decision: Decision,
    elector: Elector,
    reference: str,
    choice: str | None = None,
    selection: Any = None,
) -> str:
    """Staff type in a paper ballot; it counts only once a second person has checked it against the paper."""
    require(actor, MANAGE, decision)
    decision = _locked(decision)
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
    receipt = _new_receipt()
    Ballot.objects.create(
        community_id=decision.community_id,
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


@service
def check_paper_ballot(actor: Actor, decision: Decision, participation_id: Any, *, matches: bool) -> None:
    """A second person confirms the entry against the paper (it is counted) or finds a mistake (it is removed
    and must be entered again). Whoever entered a ballot cannot check it."""
    require(actor, MANAGE, decision)
    decision = _locked(decision)
    require_status(decision, DecisionStatus.OPEN)
    try:
        participation = Participation.objects.select_related("elector").get(
            decision=decision, pk=int(participation_id), channel=Channel.PAPER, counted=False
        )
    except (Participation.DoesNotExist, TypeError, ValueError) as error:
        raise ValidationError(_("This paper ballot is not waiting for a check.")) from error
    if participation.cast_by_id == actor.pk:
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
    participation.checked_by_id = actor.pk
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


@service
def record_proxy(
    actor: Actor, decision: Decision, elector: Elector, proxy: Person, document: str, signed_on: date
) -> ProxyAuthorization:
    """Record an owner's written authorization for ``proxy`` to vote for them (before they have voted)."""
    require(actor, MANAGE, decision)
    decision = _locked(decision)
    require_status(decision, DecisionStatus.OPEN)
    errors: dict[str, list[str]] = {}
    if elector.decision_id != decision.pk:
        errors["elector"] = [_("Choose an elector of this decision.")]
    elif Participation.objects.filter(decision=decision, elector=elector).exists():
        errors["elector"] = [_("This elector has already voted.")]
    elif ProxyAuthorization.objects.filter(decision=decision, elector=elector).exists():
        errors["elector"] = [_("A proxy is already recorded for this elector.")]
    if proxy.community_id != decision.community_id or proxy.verified_at is None or proxy.user_id is None:
        errors["proxy"] = [_("The proxy must be a verified person of this community with an account.")]
    elif elector.persons.filter(pk=proxy.pk).exists():
        errors["proxy"] = [_("This person can already vote for the elector; no proxy is needed.")]
    if not document.strip():
        errors["document"] = [_("Say where the signed authorization is kept.")]
    if signed_on > timezone.localdate():
        errors["signed_on"] = [_("The authorization cannot be signed in the future.")]
    elif signed_on < timezone.localdate(decision.opens_at) - timedelta(days=PROXY_MAX_AGE_DAYS):
        errors["signed_on"] = [
            _("An authorization for this vote is signed at most a year before voting opened.")
        ]
    if errors:
        raise ValidationError(errors)
    authorization = ProxyAuthorization.objects.create(
        community_id=decision.community_id,
        decision=decision,
        elector=elector,
        proxy=proxy,
        document=document.strip(),
        signed_on=signed_on,
        recorded_by_id=actor.pk,
    )
    _append_log(decision, {"type": "proxy", "elector": elector.pseudonym})
    record_audit(
        actor=actor,
        action="decisions.proxy",
        obj=decision,
        summary=gettext_noop("Recorded %(proxy)s as proxy for %(elector)s in “%(title)s”"),
        params={"proxy": proxy.full_name, "elector": elector.name, "title": decision.title},
        community=decision.community,
    )
    return authorization
