"""Corrections to a person's record in the registry, as the committee carries out a resident's request to correct
their data (PIPL Art. 46) or fixes a mistake it finds itself."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from comity.foundation.audit import record_audit
from comity.foundation.services import Actor, lock, require, service
from comity.structure.fields import clean_phone
from comity.structure.models import Gender, Person
from comity.structure.models.common import BIRTH_YEAR_RANGE

#: The fields of a person's record a correction may change.
CORRECTABLE_FIELDS = ("full_name", "phone", "birth_year", "gender")
NAME_MAX = 120


def _clean_correction(field: str, value: Any) -> Any:
    """The value as the registry stores it, or ``ValidationError`` keyed by ``field`` in the reader's language."""
    if field not in CORRECTABLE_FIELDS:
        raise ValidationError({"field": [_("Choose what to correct.")]})
    text = str(value if value is not None else "").strip()
    if field == "full_name":
        if not text:
            raise ValidationError({field: [_("Enter the full name.")]})
        if len(text) > NAME_MAX:
            raise ValidationError({field: [_("A name has at most %(max)d characters.") % {"max": NAME_MAX}]})
        return text
    if field == "phone":
        try:
            return clean_phone(text)
        except ValidationError as error:
            raise ValidationError({field: error.messages}) from None
    if field == "birth_year":
        if not text:
            return None
        low, high = BIRTH_YEAR_RANGE
        high = min(high, timezone.localdate().year)
        try:
            year = int(text)
        except ValueError:
            year = None
        if year is None or not low <= year <= high:
            raise ValidationError(
                {field: [_("Enter a year of birth from %(low)d to %(high)d.") % {"low": low, "high": high}]}
            )
        return year
    if text not in Gender.values:
        raise ValidationError({field: [_("Choose female, male or not stated.")]})
    return text


@service
def correct_person(actor: Actor, person: Person, field: str, value: Any) -> Person:
    """Change one field of a person's record; the audit entry keeps the value before and after."""
    require(actor, "structure.import_registry", person.community)
    cleaned = _clean_correction(field, value)
    person = lock(person, "community")
    before = getattr(person, field)
    if before == cleaned:
        return person
    setattr(person, field, cleaned)
    person.save(update_fields=[field])
    record_audit(
        actor=actor,
        action="person.correct",
        obj=person,
        community=person.community,
        summary=gettext_noop("Record of %(name)s corrected"),
        params={"name": person.full_name},
        changes={field: [before, cleaned]},
    )
    return person
