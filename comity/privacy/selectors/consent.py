"""Reads of consents: a person's consent to each consent-based category, and which are to be asked again."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from comity.engine.privacy import BY_CODE, Basis, Category, is_minor
from comity.privacy.models import Consent, NoticeVersion
from comity.privacy.register import WORDS, consent_categories, entry
from comity.privacy.selectors.notice import current_notice
from comity.structure.models import Community, Person

#: A guardian is an adult of the child's household.
ADULT_AGE = 18


def consent_category(code: str) -> Category:
    """The register's category of that code when consent is its basis; ``ValidationError`` otherwise."""
    item = BY_CODE.get(code)
    if item is None or item.basis != Basis.CONSENT:
        raise ValidationError({"category": [_("This is not something we ask your consent for.")]})
    return item


def consequences(code: str) -> str:
    """What changes when consent to this category is withdrawn, in the reader's language."""
    words = WORDS.get(code)
    return str(words.withdrawal) if words is not None and words.withdrawal else ""


def may_withdraw(actor: Any, consent: Consent) -> bool:
    """The person themself, or staff who record consent in the person's community."""
    if not getattr(actor, "is_authenticated", False):
        return False
    own = consent.person.user_id is not None and consent.person.user_id == actor.pk
    return own or bool(actor.has_perm("privacy.record_consent", consent.community))


@dataclass(frozen=True)
class ConsentRow:
    """One consent-based category as a person sees it: the notice's words and their standing consent."""

    code: str
    words: dict[str, Any]
    consent: Consent | None
    asked_again: bool

    @property
    def given(self) -> bool:
        return self.consent is not None


def notice_fingerprints(notice: NoticeVersion | None = None) -> dict[str, str]:
    """Each category's fingerprint as the notice (by default the current one) published it; none before the first
    notice is published."""
    notice = notice or current_notice()
    if notice is None:
        return {}
    return {str(item["code"]): str(item.get("fingerprint", "")) for item in notice.register}


def is_asked_again(consent: Consent, fingerprints: dict[str, str]) -> bool:
    """A standing consent given to other purposes than the current notice's is to be asked again."""
    current = fingerprints.get(consent.category)
    return consent.withdrawn_at is None and current is not None and consent.fingerprint != current


def standing_consents(person: Person) -> dict[str, Consent]:
    rows = Consent.objects.filter(person=person, withdrawn_at__isnull=True).select_related(
        "notice", "guardian"
    )
    return {consent.category: consent for consent in rows}


def consent_rows(person: Person) -> list[ConsentRow]:
    """Every consent-based category of the register with the person's standing consent, in the notice's order."""
    fingerprints = notice_fingerprints()
    standing = standing_consents(person)
    rows = []
    for item in consent_categories():
        consent = standing.get(item.code)
        rows.append(
            ConsentRow(
                code=item.code,
                words=entry(item),
                consent=consent,
                asked_again=consent is not None and is_asked_again(consent, fingerprints),
            )
        )
    return rows


def asked_again(person: Person) -> list[Consent]:
    """The person's standing consents whose purposes have changed since they gave them."""
    fingerprints = notice_fingerprints()
    return [
        consent for consent in standing_consents(person).values() if is_asked_again(consent, fingerprints)
    ]


def consent_history(person: Person, limit: int = 50) -> list[Consent]:
    """The person's consents, standing and withdrawn, newest first."""
    return list(
        Consent.objects.filter(person=person).select_related("notice", "guardian")[: max(1, min(limit, 200))]
    )


def get_person_in_community(community: Community, person_id: int) -> Person:
    """A person of the community's register, or ``Http404``."""
    person = (
        Person.objects.select_related("household__unit", "community")
        .filter(community=community, pk=person_id)
        .first()
    )
    if person is None:
        raise Http404
    return person


def possible_guardians(person: Person) -> list[Person]:
    """The other people of a child's household who may consent for them (adults by their year of birth)."""
    if person.household_id is None:
        return []
    this_year = timezone.localdate().year
    people = Person.objects.filter(
        household_id=person.household_id, community_id=person.community_id
    ).exclude(pk=person.pk)
    adults = people.filter(Q(birth_year__isnull=False) & Q(birth_year__lte=this_year - ADULT_AGE)).order_by(
        "full_name"
    )
    return list(adults[:20])


def person_is_minor(person: Person) -> bool:
    return is_minor(person.birth_year, timezone.localdate().year)
