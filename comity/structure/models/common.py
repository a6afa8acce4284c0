"""What the registry's tables share: ranges, validators, and time limits in words."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import ngettext

#: Years of birth a living person can have.
BIRTH_YEAR_RANGE = (1900, 2100)


def between(low: int | Decimal, high: int | Decimal) -> list[MinValueValidator | MaxValueValidator]:
    return [MinValueValidator(low), MaxValueValidator(high)]


def format_hours(hours: int) -> str:
    """A time limit in words: whole days from two days up, hours below."""
    if hours >= 48 and hours % 24 == 0:
        days = hours // 24
        return ngettext("%(n)d day", "%(n)d days", days) % {"n": days}
    return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
