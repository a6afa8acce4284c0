"""Who took part in a consultation, against the registry: voters by building and by age group.

The **registry** of a consultation is everyone the community's register says may take part: residents living in
a unit inside the consultation's area (or anywhere in the community when it has no area), and owners of a unit
inside it (a non-resident owner is counted at the building of the unit they own), the same people
:mod:`comity.consultations.permissions` lets vote. Residents of the register need no account: the point is to see
who is *not* taking part. Children known to be under 18 are left out of both counts. A **voter** is a user who
voted at least once; participants of an imported Pol.is conversation have no account and are left out (and
counted separately), and so are voters the register does not place inside the area (e.g. someone who moved out
after voting).

A group (a building, an age group) is **under-represented** while the consultation is open when its share of
the voters is below half its share of the registry and it has at least :data:`MIN_REGISTRY_FOR_FLAG` people on
the register — early enough for the residents' committee to knock on doors. The comparison is exact
(fractions). Documented in ``docs/algorithms/representation-gaps.md``.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from comity.consultations.models import Consultation, ConsultationStatus, Vote
from comity.foundation.caching import cached_for_community
from comity.structure.models import Area, HolderKind, Ownership, Person
from comity.structure.selectors import areas_within

#: A group's share of the voters below this part of its share of the registry is flagged.
UNDER_REPRESENTED_RATIO = Fraction(1, 2)
#: Groups with fewer people on the register are never flagged: one absent household is not a pattern.
MIN_REGISTRY_FOR_FLAG = 5
#: Adults only: ages are counted as (the year the consultation opened − year of birth).
ADULT_AGE = 18
#: Age groups (first age, last age or ``None`` for "and older").
AGE_BANDS: tuple[tuple[int, int | None], ...] = ((18, 34), (35, 49), (50, 64), (65, 79), (80, None))

NO_UNIT = "none"
UNKNOWN_AGE = "unknown"


@dataclass(frozen=True)
class Row:
    """One building or age group: people on the register, voters among them, and the shares of each."""

    key: str
    label: str
    registry: int
    voters: int
    registry_share: Fraction | None
    voter_share: Fraction | None
    rate: Fraction | None
    under_represented: bool
    #: Rows for "no flat on record" or "year of birth not recorded" are shown but never flagged.
    comparable: bool = True

    @property
    def rate_percent(self) -> int | None:
        return None if self.rate is None else round(100 * self.rate)

    @property
    def registry_percent(self) -> int | None:
        return None if self.registry_share is None else round(100 * self.registry_share)

    @property
    def voter_percent(self) -> int | None:
        return None if self.voter_share is None else round(100 * self.voter_share)


@dataclass(frozen=True)
class ParticipationStats:
    registry_total: int
    #: Voters matched to the registry (the denominator of the voters' shares).
    voters_in_registry: int
    #: Users who voted but whom the register does not place inside the area (or children under 18).
    voters_outside: int
    imported_participants: int
    #: Whether under-represented groups are flagged (only while the consultation is open).
    flagging: bool
    by_building: list[Row]
    by_age: list[Row]

    @property
    def voters_total(self) -> int:
        return self.voters_in_registry + self.voters_outside

    @property
    def rate(self) -> Fraction | None:
        return Fraction(self.voters_in_registry, self.registry_total) if self.registry_total else None

    @property
    def rate_percent(self) -> int | None:
        return None if self.rate is None else round(100 * self.rate)

    @property
    def flagged(self) -> list[Row]:
        return [row for row in [*self.by_building, *self.by_age] if row.under_represented]


@dataclass(frozen=True)
class _Member:
    building_id: int | None
    birth_year: int | None


def natural_key(code: str) -> tuple[Any, ...]:
    """Building codes in the order people count them: 2 before 10, 3-1 before 3-2."""
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.findall(r"\d+|\D+", code)
    )


def age_band(birth_year: int | None, year: int) -> str:
    """The key of a person's age group in ``year``: "18-34" … "80+", ``unknown``, or ``""`` for a child."""
    if birth_year is None:
        return UNKNOWN_AGE
    age = year - birth_year
    if age < ADULT_AGE:
        return ""
    for first, last in AGE_BANDS:
        if last is None or age <= last:
            return f"{first}+" if last is None else f"{first}-{last}"
    return UNKNOWN_AGE  # pragma: no cover - the last band is open-ended


def _age_label(key: str) -> str:
    if key == UNKNOWN_AGE:
        return _("Year of birth not recorded")
    if key.endswith("+"):
        return _("%(age)s and older") % {"age": key[:-1]}
    first, last = key.split("-")
    return _("%(first)s to %(last)s") % {"first": first, "last": last}


def registry_of(consultation: Consultation) -> dict[int, _Member]:
    """Person id → where they count (building) and their year of birth, for everyone who may take part."""
    inside = (
        areas_within(consultation.area) if consultation.area_id is not None and consultation.area else None
    )
    residents = Person.objects.filter(community_id=consultation.community_id, is_resident=True)
    if inside is not None:
        residents = residents.filter(
            Q(household__unit__building_id__in=inside) | Q(household__unit__stairwell_id__in=inside)
        )
    members = {
        person_id: _Member(building_id, birth_year)
        for person_id, building_id, birth_year in residents.values_list(
            "pk", "household__unit__building_id", "birth_year"
        )
    }
    today = timezone.localdate()
    owners = Ownership.objects.filter(
        community_id=consultation.community_id, holder_kind=HolderKind.PERSON, person__isnull=False
    ).filter(Q(until__isnull=True) | Q(until__gte=today))
    if inside is not None:
        owners = owners.filter(Q(unit__building_id__in=inside) | Q(unit__stairwell_id__in=inside))
    rows = owners.order_by("person_id", "unit_id").values_list(
        "person_id", "unit__building_id", "person__birth_year"
    )
    for person_id, building_id, birth_year in rows:
        if person_id not in members:
            members[person_id] = _Member(building_id, birth_year)
    return members


def _rows(
    registry: Counter[str],
    voters: Counter[str],
    labels: dict[str, str],
    order: list[str],
    *,
    registry_total: int,
    voters_total: int,
    flagging: bool,
    incomparable: set[str],
) -> list[Row]:
    rows = []
    for key in order:
        people, voted = registry[key], voters[key]
        comparable = key not in incomparable
        under = (
            flagging
            and comparable
            and voters_total > 0
            and people >= MIN_REGISTRY_FOR_FLAG
            and Fraction(voted, voters_total) < UNDER_REPRESENTED_RATIO * Fraction(people, registry_total)
        )
        rows.append(
            Row(
                key=key,
                label=labels[key],
                registry=people,
                voters=voted,
                registry_share=Fraction(people, registry_total) if registry_total else None,
                voter_share=Fraction(voted, voters_total) if voters_total else None,
                rate=Fraction(voted, people) if people else None,
                under_represented=under,
                comparable=comparable,
            )
        )
    return rows


#: Seconds the participation figures stay cached at most.
PARTICIPATION_TIMEOUT = 600


def participation_stats(consultation: Consultation) -> ParticipationStats:
    """Voters against the registry, by building and by age group, with under-represented groups flagged.

    The figures read every resident and owner of the community, so they are cached per community (under its data
    version: an import of the registry or a confirmed claim shows at once), per language and day, and per the
    consultation's status and votes (their number and the newest one's id: votes are written without an audit
    entry, so they do not bump the community's version).
    """
    votes = Vote.objects.filter(consultation=consultation).aggregate(n=Count("id"), last=Max("id"))
    return cached_for_community(
        consultation.community_id,
        "participation",
        consultation.pk,
        consultation.status,
        votes["n"],
        votes["last"],
        get_language() or "",
        timezone.localdate().isoformat(),
        compute=lambda: _participation_stats(consultation),
        timeout=PARTICIPATION_TIMEOUT,
    )


def _participation_stats(consultation: Consultation) -> ParticipationStats:
    year = timezone.localtime(consultation.opens_at).year
    registry = {
        person_id: member
        for person_id, member in registry_of(consultation).items()
        if age_band(member.birth_year, year)
    }
    voter_ids = set(
        Vote.objects.filter(consultation=consultation, participant__isnull=False)
        .values_list("participant_id", flat=True)
        .distinct()
    )
    # The voter's person in this community: a login may be a person in several (tests/apps/test_community_isolation.py).
    person_of_voter = dict(
        Person.objects.filter(community_id=consultation.community_id, user_id__in=voter_ids).values_list(
            "user_id", "pk"
        )
    )
    voting_people = {person_of_voter[u] for u in voter_ids if person_of_voter.get(u) in registry}
    imported = (
        Vote.objects.filter(consultation=consultation, imported_participant__isnull=False)
        .values("imported_participant")
        .distinct()
        .count()
    )

    def building_key(member: _Member) -> str:
        return str(member.building_id) if member.building_id is not None else NO_UNIT

    registry_buildings = Counter(building_key(m) for m in registry.values())
    voter_buildings = Counter(building_key(registry[p]) for p in voting_people)
    buildings = {
        str(pk): (code, name)
        for pk, code, name in Area.objects.filter(
            pk__in=[m.building_id for m in registry.values() if m.building_id is not None]
        ).values_list("pk", "code", "name")
    }
    building_order = sorted(
        (key for key in registry_buildings if key != NO_UNIT), key=lambda k: natural_key(buildings[k][0])
    )
    building_labels = {key: buildings[key][1] for key in building_order}
    if NO_UNIT in registry_buildings:
        building_order.append(NO_UNIT)
        building_labels[NO_UNIT] = _("No flat on record")

    registry_ages = Counter(age_band(m.birth_year, year) for m in registry.values())
    voter_ages = Counter(age_band(registry[p].birth_year, year) for p in voting_people)
    bands = [f"{a}+" if b is None else f"{a}-{b}" for a, b in AGE_BANDS]
    age_order = [key for key in [*bands, UNKNOWN_AGE] if registry_ages[key]]
    flagging = consultation.status == ConsultationStatus.OPEN
    totals: dict[str, Any] = {
        "registry_total": len(registry),
        "voters_total": len(voting_people),
        "flagging": flagging,
    }
    return ParticipationStats(
        registry_total=len(registry),
        voters_in_registry=len(voting_people),
        voters_outside=len(voter_ids) - len(voting_people),
        imported_participants=imported,
        flagging=flagging,
        by_building=_rows(
            registry_buildings,
            voter_buildings,
            building_labels,
            building_order,
            incomparable={NO_UNIT},
            **totals,
        ),
        by_age=_rows(
            registry_ages,
            voter_ages,
            {key: _age_label(key) for key in age_order},
            age_order,
            incomparable={UNKNOWN_AGE},
            **totals,
        ),
    )
