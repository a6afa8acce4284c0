"""The register of a decision: who may vote, with what weight, built from the registry when voting opens.

Owners are counted as the Supreme People's Court interpretation says (``comity.engine.owners``): the co-owners of a
unit hold its one vote together; one buyer of several units votes once with the area of all of them; the
developer's unsold or undelivered units together are one owner. A unit with no owner on record stays in the
register with nobody who can vote for it: its area belongs to the building whatever the registry knows, so the
thresholds are measured against the true total (staff are told how many such units there are).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from comity.decisions.models import Decision
from comity.engine.decisions.rules import Electorate, get_rule
from comity.structure.models import (
    HolderKind,
    Household,
    Membership,
    MembershipRole,
    Ownership,
    Person,
    Unit,
)
from comity.structure.selectors import areas_within

ADULT_AGE = 18


@dataclass
class Entry:
    """One future :class:`~comity.decisions.models.Elector`."""

    key: str
    label: str
    units: list[str] = field(default_factory=list)
    unit_ids: list[int] = field(default_factory=list)
    building: str = ""
    area: Decimal = Decimal("0")
    person_ids: list[int] = field(default_factory=list)
    developer: bool = False


@dataclass
class Register:
    entries: list[Entry]
    #: Units of the scope with no owner on record (owners' decisions only).
    unowned: int = 0
    #: Adults whose year of birth is unknown, included (residents' meetings only).
    age_unknown: int = 0


def units_in_scope(decision: Decision) -> QuerySet[Unit]:
    units = Unit.objects.filter(community_id=decision.community_id)
    area = decision.area
    if area is not None:
        inside = areas_within(area)
        units = units.filter(Q(building_id__in=inside) | Q(stairwell_id__in=inside))
    return units.select_related("building", "stairwell").order_by("building__code", "number")


def build_register(decision: Decision) -> Register:
    rule = get_rule(decision.rule_name)
    if rule.electorate == Electorate.OWNERS:
        return _owners(decision)
    if rule.electorate == Electorate.ADULT_RESIDENTS:
        return _adults(decision)
    if rule.electorate == Electorate.HOUSEHOLDS:
        return _households(decision)
    return _members(decision)


def _owners(decision: Decision) -> Register:
    today = timezone.localdate()
    units = list(units_in_scope(decision))
    holdings: dict[int, list[Ownership]] = defaultdict(list)
    for ownership in (
        Ownership.objects.filter(unit__in=units)
        .filter(Q(until__isnull=True) | Q(until__gte=today))
        .filter(Q(since__isnull=True) | Q(since__lte=today))
        .select_related("person")
    ):
        holdings[ownership.unit_id].append(ownership)
    parties: dict[str, Entry] = {}
    unowned = 0
    for unit in units:
        held = holdings.get(unit.pk, [])
        if not held:
            unowned += 1
            people: list[int] = []
            key, label, developer = f"u:{unit.pk}", "", False  # named on display, in the reader's language
        elif any(o.holder_kind == HolderKind.DEVELOPER for o in held):
            people = []
            key, label, developer = "developer", holder_name(held), True
        else:
            names = sorted(
                (
                    o.person.full_name if o.person else o.holder_name,
                    f"p{o.person_id}" if o.person else f"o{o.holder_name}",
                )
                for o in held
            )
            key = "o:" + "+".join(ident for _name, ident in names)
            label = " · ".join(name for name, _ident in names)
            people = sorted(o.person_id for o in held if o.person_id)
            developer = False
        entry = parties.setdefault(key, Entry(key=key, label=label, person_ids=people, developer=developer))
        entry.units.append(str(unit))
        entry.unit_ids.append(unit.pk)
        entry.area += unit.exclusive_area
        if not entry.building:
            entry.building = unit.building.code
    return Register(entries=list(parties.values()), unowned=unowned)


def holder_name(held: list[Ownership]) -> str:
    return next((o.holder_name for o in held if o.holder_name), "")


def _resident_people(decision: Decision) -> QuerySet[Person]:
    people = Person.objects.filter(
        community_id=decision.community_id,
        is_resident=True,
        verified_at__isnull=False,
    ).select_related("household__unit__building")
    if decision.area is not None:
        people = people.filter(household__unit__in=units_in_scope(decision))
    return people.order_by("household__unit__building__code", "household__unit__number", "pk")


def _adults(decision: Decision) -> Register:
    year = timezone.localdate().year
    entries, unknown = [], 0
    for person in _resident_people(decision):
        if person.birth_year is None:
            unknown += 1
        elif year - person.birth_year < ADULT_AGE:
            continue
        unit = person.household.unit if person.household and person.household.unit else None
        entries.append(
            Entry(
                key=f"r:{person.pk}",
                label=person.full_name,
                units=[str(unit)] if unit else [],
                unit_ids=[unit.pk] if unit else [],
                building=unit.building.code if unit else "",
                person_ids=[person.pk],
            )
        )
    return Register(entries=entries, age_unknown=unknown)


def _households(decision: Decision) -> Register:
    year = timezone.localdate().year
    households = Household.objects.filter(community_id=decision.community_id).select_related("unit__building")
    if decision.area is not None:
        households = households.filter(unit__in=units_in_scope(decision))
    adults: dict[int, list[int]] = defaultdict(list)
    for person in _resident_people(decision):
        if person.household_id and (person.birth_year is None or year - person.birth_year >= ADULT_AGE):
            adults[person.household_id].append(person.pk)
    entries = []
    for household in households.order_by("unit__building__code", "unit__number", "pk"):
        unit = household.unit
        entries.append(
            Entry(
                key=f"h:{household.pk}",
                label=household.name or (str(unit) if unit else _("household %(id)s") % {"id": household.pk}),
                units=[str(unit)] if unit else [],
                unit_ids=[unit.pk] if unit else [],
                building=unit.building.code if unit else "",
                person_ids=adults.get(household.pk, []),
            )
        )
    return Register(entries=entries)


def _members(decision: Decision) -> Register:
    today = timezone.localdate()
    subject_id = decision.subject_id
    memberships = (
        Membership.objects.filter(
            subject_id=subject_id, role__in=[MembershipRole.CHAIR, MembershipRole.MEMBER]
        )
        .filter(started_on__lte=today)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=today))
        .select_related("person")
        .order_by("person__full_name", "person_id")
    )
    entries: dict[str, Entry] = {}
    for membership in memberships:
        key = f"m:{membership.person_id}"
        entries.setdefault(
            key, Entry(key=key, label=membership.person.full_name, person_ids=[membership.person_id])
        )
    return Register(entries=list(entries.values()))
