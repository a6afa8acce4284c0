"""Incubation (applied → incubating → graduated, or left), the support given, and the fiscal-hosting ledger."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from comity.engine.money import fen_to_yuan, yuan_text
from comity.engine.ngo_grading import may_move_incubation
from comity.foundation.audit import record_audit
from comity.foundation.services import Actor, lock, require, service
from comity.ngos.models import HostedEntry, Incubation, OrganisationProfile, SupportGiven, SupportKind
from comity.ngos.selectors import hosted_balance
from comity.ngos.services.common import _parties, _user_id
from comity.structure.models import GovernanceSubject

#: A single hosted-money entry is at most CNY 1,000,000 either way.
MAX_ENTRY_FEN = 100_000_000


@service
def apply_for_incubation(
    actor: Actor, profile: OrganisationProfile, *, incubator: GovernanceSubject, note: str = ""
) -> Incubation:
    """Enter an organisation for an incubator (committee staff, on the organisation's request)."""
    require(actor, "ngos.manage_incubation", profile)
    profile = lock(profile, "subject", "community")
    if incubator.pk == profile.subject_id or incubator.street_id != profile.subject.street_id:
        raise ValidationError({"incubator": [_("The incubator is another subject of the same street.")]})
    if Incubation.objects.filter(profile=profile, stage__in=["applied", "incubating"]).exists():
        raise ValidationError(_("This organisation has an incubation under way."))
    incubation = Incubation.objects.create(
        community_id=profile.community_id,
        profile=profile,
        incubator=incubator,
        applied_on=timezone.localdate(),
        note=note,
        moved_by_id=_user_id(actor),
    )
    record_audit(
        actor=actor,
        action="ngos.incubation_applied",
        obj=incubation,
        community=profile.community,
        summary=gettext_noop("%(name)s applied to the incubator %(incubator)s"),
        params={"name": profile.subject.name, "incubator": incubator.name},
    )
    return incubation


@service
def move_incubation(actor: Actor, incubation: Incubation, *, stage: str, note: str = "") -> Incubation:
    """One step of the stage machine, by a party the engine allows for it."""
    require(actor, "ngos.move_incubation", incubation)
    incubation = lock(incubation, "profile__subject", "community", "incubator")
    if not may_move_incubation(incubation.stage, stage, _parties(actor, incubation)):
        raise PermissionDenied
    today = timezone.localdate()
    before = incubation.stage
    incubation.stage = stage
    if stage == Incubation.Stage.INCUBATING:
        incubation.started_on = today
    else:
        incubation.ended_on = today
    if note:
        incubation.note = note
    incubation.moved_by_id = _user_id(actor)
    incubation.save()
    record_audit(
        actor=actor,
        action="ngos.incubation_moved",
        obj=incubation,
        community=incubation.community,
        summary=gettext_noop("Incubation of %(name)s: %(stage)s"),
        params={"name": incubation.profile.subject.name, "stage": stage},
        changes={"stage": [before, stage]},
    )
    return incubation


@service
def record_support(
    actor: Actor, incubation: Incubation, *, kind: str, description: str, amount_fen: int = 0, given_on: date
) -> SupportGiven:
    """Support the incubator gave: space, training, seed money (with its amount) or fiscal hosting."""
    require(actor, "ngos.manage_incubation", incubation)
    incubation = lock(incubation, "profile__subject", "community")
    if incubation.stage != Incubation.Stage.INCUBATING:
        raise ValidationError(_("Support is recorded while the organisation is incubating."))
    if kind == SupportKind.SEED_MONEY and not 0 < amount_fen <= MAX_ENTRY_FEN:
        raise ValidationError({"amount": [_("Seed money between CNY 0.01 and CNY 1,000,000.")]})
    if kind != SupportKind.SEED_MONEY:
        amount_fen = 0
    support = SupportGiven.objects.create(
        community_id=incubation.community_id,
        incubation=incubation,
        kind=kind,
        description=description,
        amount_fen=amount_fen,
        given_on=given_on,
        recorded_by_id=_user_id(actor),
    )
    if kind == SupportKind.FISCAL_HOSTING:
        profile = lock(incubation.profile)
        profile.fiscal_host_id = incubation.incubator_id
        profile.save(update_fields=["fiscal_host"])
    record_audit(
        actor=actor,
        action="ngos.support_recorded",
        obj=support,
        community=incubation.community,
        summary=gettext_noop("Support for %(name)s: %(kind)s"),
        params={"name": incubation.profile.subject.name, "kind": kind},
    )
    return support


@service
def record_hosted_money(
    actor: Actor, profile: OrganisationProfile, *, amount_fen: int, description: str, on: date
) -> HostedEntry:
    """Money in (positive) or out (negative) of what the fiscal host holds for the group; never below zero."""
    require(actor, "ngos.record_hosted_money", profile)
    profile = lock(profile, "subject", "community")
    if profile.fiscal_host_id is None:
        raise ValidationError(_("No incubator holds this organisation's money."))
    if amount_fen == 0 or abs(amount_fen) > MAX_ENTRY_FEN:
        raise ValidationError({"amount": [_("An amount between CNY 0.01 and CNY 1,000,000, in or out.")]})
    balance = hosted_balance(profile) + amount_fen
    if balance < 0:
        raise ValidationError(
            {
                "amount": [
                    _("Only CNY %(balance)s is held.")
                    % {"balance": yuan_text(fen_to_yuan(hosted_balance(profile)))}
                ]
            }
        )
    entry = HostedEntry.objects.create(
        community_id=profile.community_id,
        profile=profile,
        host_id=profile.fiscal_host_id,
        amount_fen=amount_fen,
        balance_fen=balance,
        description=description,
        on=on,
        recorded_by_id=_user_id(actor),
    )
    record_audit(
        actor=actor,
        action="ngos.hosted_money",
        obj=entry,
        community=profile.community,
        summary=gettext_noop("Hosted money of %(name)s: %(amount)s fen, balance %(balance)s fen"),
        params={"name": profile.subject.name, "amount": amount_fen, "balance": balance},
    )
    return entry
