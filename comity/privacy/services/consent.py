"""Consent where consent is the legal basis (PIPL Arts. 13 (1), 14–15, 29, 31).

A person gives or withdraws consent to one consent-based category of the register at a time, under the current
notice; each sensitive category (care needs, children) is asked on its own (Art. 29). A child under 14 cannot
consent: a parent or guardian of the same household does (Art. 31), in person, entered by staff. Residents
without an account or a phone consent in person or on paper, and staff record it (``record_consent``).
Withdrawing takes effect at once: withdrawing the contact consent removes the phone number from the register.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from comity.engine.privacy import Category, is_minor, mask_phone
from comity.foundation.audit import record_audit
from comity.foundation.services import Actor, lock, require, service
from comity.privacy.models import Channel, Consent
from comity.privacy.register import purposes_fingerprint
from comity.privacy.selectors.consent import ADULT_AGE, consent_category, may_withdraw
from comity.privacy.selectors.notice import current_notice
from comity.privacy.services.notice import publish_notice
from comity.structure.models import Person

#: The categories whose withdrawal blanks fields of the person's record at once.
BLANKED_ON_WITHDRAWAL: dict[str, tuple[str, ...]] = {"contact": ("phone",)}
STAFF_CHANNELS = (Channel.ASSISTED, Channel.PAPER)


def _this_year() -> int:
    return timezone.localdate().year


def _is_adult(person: Person) -> bool:
    return person.birth_year is not None and _this_year() - person.birth_year >= ADULT_AGE


def _check_subject(person: Person, item: Category, guardian: Person | None) -> None:
    """A child's consent only through a guardian of the household; the "minors" category only for a child."""
    minor = is_minor(person.birth_year, _this_year())
    if item.code == "minors" and not minor:
        raise ValidationError({"category": [_("This consent is for a child under 14.")]})
    if not minor:
        if guardian is not None:
            raise ValidationError({"guardian": [_("Only a child under 14 consents through a guardian.")]})
        return
    if guardian is None:
        raise ValidationError(
            {
                "guardian": [
                    _("A child under 14 cannot consent: a parent or guardian of the household consents.")
                ]
            }
        )
    if (
        guardian.pk == person.pk
        or guardian.community_id != person.community_id
        or person.household_id is None
        or guardian.household_id != person.household_id
    ):
        raise ValidationError({"guardian": [_("The guardian must be registered in the child's household.")]})
    if not _is_adult(guardian):
        raise ValidationError(
            {"guardian": [_("The guardian must be an adult with a year of birth on record.")]}
        )


def _standing(person: Person, code: str) -> Consent | None:
    return (
        Consent.objects.select_for_update()
        .filter(person=person, category=code, withdrawn_at__isnull=True)
        .first()
    )


def _consent(
    actor: Actor,
    person: Person,
    item: Category,
    *,
    channel: str,
    step: str,
    document: str = "",
    guardian: Person | None = None,
) -> Consent:
    person = lock(person, "community")
    notice = current_notice() or publish_notice(None)
    fingerprint = purposes_fingerprint(item.code)
    standing = _standing(person, item.code)
    if standing is not None and standing.fingerprint == fingerprint:
        return standing  # given already, to the same purposes: sending it twice changes nothing
    now = timezone.now()
    if standing is not None:
        # Asked again after the purposes changed: the old consent ends where the new one starts.
        standing.withdrawn_at = now
        standing.withdrawn_by_id = actor.pk if getattr(actor, "is_authenticated", False) else None
        standing.save(update_fields=["withdrawn_at", "withdrawn_by"])
    consent = Consent.objects.create(
        community=person.community,
        person=person,
        category=item.code,
        notice=notice,
        fingerprint=fingerprint,
        channel=channel,
        guardian=guardian,
        recorded_by_id=actor.pk if getattr(actor, "is_authenticated", False) else None,
        document=document,
        given_at=now,
    )
    record_audit(
        actor=actor,
        action=f"privacy.{step}",
        obj=consent,
        community=person.community,
        summary=gettext_noop("Consent to %(category)s given under notice version %(number)s"),
        params={"category": item.code, "number": notice.number},
        changes={"channel": channel, "renewed": standing is not None},
    )
    return consent


@service
def give_consent(actor: Actor, person: Person, category: str) -> Consent:
    """The person themself consents online, under the current notice."""
    if not getattr(actor, "is_authenticated", False) or person.user_id is None or person.user_id != actor.pk:
        raise PermissionDenied
    require(actor, "privacy.manage_own_data")
    item = consent_category(category)
    if is_minor(person.birth_year, _this_year()):
        raise ValidationError(
            {
                "category": [
                    _("A child under 14 cannot consent: a parent or guardian consents at the committee.")
                ]
            }
        )
    _check_subject(person, item, None)
    return _consent(actor, person, item, channel=Channel.ONLINE, step="give_consent")


@service
def record_consent(
    actor: Actor,
    person: Person,
    category: str,
    channel: str,
    document: str = "",
    guardian: Person | None = None,
) -> Consent:
    """Staff record a consent given in person or on a signed paper form (the form's number kept)."""
    require(actor, "privacy.record_consent", person.community)
    item = consent_category(category)
    if channel not in STAFF_CHANNELS:
        raise ValidationError({"channel": [_("Choose in person or on a signed paper form.")]})
    document = document.strip()
    if len(document) > 120:
        raise ValidationError({"document": [_("Write at most 120 characters.")]})
    if channel == Channel.PAPER and not document:
        raise ValidationError({"document": [_("Write where the signed form is kept, e.g. its number.")]})
    _check_subject(person, item, guardian)
    return _consent(
        actor, person, item, channel=channel, step="record_consent", document=document, guardian=guardian
    )


@service
def withdraw_consent(actor: Actor, consent: Consent) -> Consent:
    """End a consent now. What depends on it stops: withdrawing the contact consent blanks the phone number."""
    consent = lock(consent, "person", "community")
    if not may_withdraw(actor, consent):
        raise PermissionDenied
    if consent.withdrawn_at is not None:
        raise ValidationError(_("This consent was already withdrawn."))
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_by_id = actor.pk
    consent.save(update_fields=["withdrawn_at", "withdrawn_by"])
    changes: dict[str, Any] = {}
    fields = BLANKED_ON_WITHDRAWAL.get(consent.category, ())
    if fields:
        person = lock(consent.person)
        before = {name: getattr(person, name) for name in fields}
        for name in fields:
            setattr(person, name, "")
        person.save(update_fields=list(fields))
        # The audit says a number was removed, not which: the person asked for it to be gone.
        changes = {name: [mask_phone(value), ""] for name, value in before.items() if value}
    record_audit(
        actor=actor,
        action="privacy.withdraw_consent",
        obj=consent,
        community=consent.community,
        summary=gettext_noop("Consent to %(category)s withdrawn"),
        params={"category": consent.category},
        changes=changes,
    )
    return consent
