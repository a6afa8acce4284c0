"""Residents' personal information (PIPL), framework-free: the processing register's categories, masking by role,
and the arithmetic of retention periods.

The register says, for each category of personal information Comity holds, on which legal basis it is processed
(PIPL Art. 13), whether it is sensitive (Art. 28), which roles may see it, and how long it is kept (Art. 19) and what
happens at the end. The words residents read — names, purposes, consequences of withdrawing — are translatable and
live beside the Django app (``comity/privacy/register.py``); the notice is generated from both and versioned.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum


class Basis(StrEnum):
    """The legal bases of PIPL Art. 13 that Comity relies on."""

    CONSENT = "consent"  # Art. 13 (1)
    CONTRACT = "contract"  # Art. 13 (2): necessary to provide the service the person asked for
    STATUTORY_DUTY = "statutory_duty"  # Art. 13 (3): the committee's and the owners' duties under law
    VITAL_INTERESTS = "vital_interests"  # Art. 13 (4): to protect life, health and property in an emergency


class Ending(StrEnum):
    """What happens to a record when its period is over, or when a deletion request is granted."""

    DELETE = "delete"
    ANONYMISE = "anonymise"  # the row stays (counts, rates and legal records still add up); who it was goes
    KEEP = "keep"  # a legal record: kept, with the reason said


#: Roles (``comity.engine.roles.Role`` values) plus "self" (the person themself).
SELF = "self"


@dataclass(frozen=True)
class Category:
    """One category of personal information in the processing register."""

    code: str
    basis: Basis
    #: Sensitive personal information (PIPL Art. 28): health, whereabouts, specific identities, minors under 14.
    sensitive: bool
    #: Who may see it in full, by role; everyone else sees it masked or not at all.
    visible_to: frozenset[str]
    #: Days it is kept after ``starts`` ("closed", "created", "left", "decided", "ended"); None while the
    #: record it belongs to lives.
    retention_days: int | None
    starts: str
    ending: Ending


STAFF = frozenset({"committee_staff", "street_official"})
SERVING = STAFF | {"grid_worker"}
#: Who reads the register itself: the committee and the community's grid workers (street officials see counts).
REGISTRY_READERS = frozenset({"committee_staff", "grid_worker"})

#: The register. Its order is the notice's order.
REGISTER: tuple[Category, ...] = (
    Category(
        "identity_home", Basis.STATUTORY_DUTY, False, SERVING | {SELF}, 3 * 365, "left", Ending.ANONYMISE
    ),
    Category("contact", Basis.CONSENT, False, SERVING | {SELF}, None, "left", Ending.DELETE),
    Category(
        "age_household", Basis.STATUTORY_DUTY, False, SERVING | {SELF}, 3 * 365, "left", Ending.ANONYMISE
    ),
    Category("minors", Basis.CONSENT, True, STAFF | {SELF}, None, "left", Ending.DELETE),
    Category("ownership", Basis.STATUTORY_DUTY, False, STAFF | {SELF}, 3 * 365, "ended", Ending.ANONYMISE),
    Category(
        "appeals",
        Basis.CONTRACT,
        False,
        SERVING | {"subject_staff", SELF},
        365,
        "closed",
        Ending.ANONYMISE,
    ),
    Category(
        "appeal_photos",
        Basis.CONSENT,
        False,
        SERVING | {"subject_staff", SELF},
        2 * 365,
        "closed",
        Ending.DELETE,
    ),
    Category("care_needs", Basis.CONSENT, True, SERVING | {SELF}, 365, "closed", Ending.ANONYMISE),
    Category("ballots", Basis.STATUTORY_DUTY, False, STAFF | {SELF}, None, "decided", Ending.KEEP),
    Category("participation", Basis.CONSENT, False, STAFF | {SELF}, None, "created", Ending.ANONYMISE),
    Category("activities", Basis.CONSENT, False, SERVING | {SELF}, 365, "ended", Ending.DELETE),
    Category("account", Basis.CONTRACT, False, frozenset({SELF}), 365, "created", Ending.DELETE),
    Category("staff_records", Basis.STATUTORY_DUTY, False, STAFF | {SELF}, None, "created", Ending.KEEP),
    Category("access_log", Basis.STATUTORY_DUTY, False, STAFF | {SELF}, 3 * 365, "created", Ending.DELETE),
)

BY_CODE: dict[str, Category] = {category.code: category for category in REGISTER}


def category(code: str) -> Category:
    """The register's category of that code (KeyError for a code the register does not have)."""
    return BY_CODE[code]


def fingerprint(purposes: Mapping[str, Iterable[str]]) -> str:
    """A hash of what residents consented to: each category's code, basis, sensitivity and purposes (in the
    source language). A new notice whose fingerprint for a consent-based category differs asks again."""
    content = {
        code: {
            "basis": str(BY_CODE[code].basis),
            "sensitive": BY_CODE[code].sensitive,
            "purposes": list(texts),
        }
        for code, texts in sorted(purposes.items())
    }
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def category_fingerprint(code: str, purposes: Iterable[str]) -> str:
    """The fingerprint of one category: what a consent to it was a consent to."""
    return fingerprint({code: purposes})


# --- Masking -------------------------------------------------------------------------------------------------------


def mask_phone(phone: str) -> str:
    """A phone number as those who may not see it read it: the first three and last four digits of a mainland
    mobile (``138****5678``), the last two of anything shorter; an empty number stays empty."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if not digits:
        return ""
    if len(digits) >= 11:
        return f"{digits[:3]}****{digits[-4:]}"
    if len(digits) > 4:
        return "*" * (len(digits) - 2) + digits[-2:]
    return "*" * len(digits)


def age_band(age: int | None, width: int = 10) -> str:
    """An age as a band of ``width`` years ("70–79"), "80+" from 80; "" when not known."""
    if age is None or age < 0:
        return ""
    if age >= 80:
        return "80+"
    low = age - age % width
    return f"{low}–{low + width - 1}"


MINOR_AGE = 14  # PIPL Art. 28, 31: the personal information of minors under 14 is sensitive


def is_minor(birth_year: int | None, this_year: int) -> bool:
    """Under 14 this year, counting by year of birth (the registry holds the year only); unknown is not a minor."""
    return birth_year is not None and this_year - birth_year < MINOR_AGE


# --- Retention -----------------------------------------------------------------------------------------------------


def retention_cutoff(now: datetime, days: int) -> datetime:
    """Records whose period started before this moment are past a period of ``days``."""
    return now - timedelta(days=days)


def past_period(started: date | datetime | None, days: int | None, today: date) -> bool:
    """Whether a record whose period started on ``started`` is past ``days`` on ``today`` (never, when either is
    None: the period has not started, or the record is kept while what it belongs to lives)."""
    if started is None or days is None:
        return False
    start = started.date() if isinstance(started, datetime) else started
    return (today - start).days > days
