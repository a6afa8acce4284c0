"""Writing a validated registry to the database, within one community.

How rows meet the database:

* zones, buildings and stairwells are matched by code; missing ones are created, existing ones take the
  name, floors, year and zone the file gives (blank cells change nothing);
* units are matched by building and number; new ones are created, existing ones take the file's floor,
  area, source of the area, usage and stairwell;
* a person owner is matched to a person of the community with the same full name who lives in or owns the
  unit (so a re-import creates no duplicates), else recorded as a resident with a household in the unit
  (the register names no other address; staff correct non-resident owners afterwards). When the file
  lists a unit's owners, that list is the register: matching ownerships are updated, new ones created, and
  current ownerships the file no longer lists are ended the day before (never deleted, to keep history).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from comity.engine.registry_import import OwnerRecord, RegistryRecord
from comity.structure.import_messages import ImportReport, error_templates
from comity.structure.models import Area, AreaKind, Community, HolderKind, Household, Ownership, Person, Unit
from comity.structure.scope import roles_changed

BATCH_SIZE = 500


def _apply(obj: Any, changes: dict[str, Any]) -> bool:
    """Set the fields that differ and save only those; report whether anything changed."""
    changed = [name for name, value in changes.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, changes[name])
    if changed:
        obj.save(update_fields=[name.removesuffix("_id") for name in changed])
    return bool(changed)


class RegistryWriter:
    """Upserts the records of one import; loads the community's registry once so that rows cost no reads."""

    def __init__(self, community: Community, report: ImportReport) -> None:
        self.community, self.report = community, report
        self.today = timezone.localdate()
        kinds = [AreaKind.ZONE, AreaKind.BUILDING, AreaKind.STAIRWELL]
        self.areas = {(a.kind, a.code): a for a in Area.objects.filter(community=community, kind__in=kinds)}
        self.units = {(u.building_id, u.number): u for u in Unit.objects.filter(community=community)}
        self.persons: dict[str, list[Person]] = {}
        for person in Person.objects.filter(community=community).order_by("pk"):
            self.persons.setdefault(person.full_name, []).append(person)
        self.household_unit = dict(Household.objects.filter(community=community).values_list("pk", "unit_id"))
        self.households: dict[int, Household] = {}  # each unit's first household, where owners join
        for household in Household.objects.filter(community=community, unit__isnull=False).order_by("-pk"):
            if household.unit_id is not None:
                self.households[household.unit_id] = household
        self.ownerships: dict[int, list[Ownership]] = {}
        for ownership in Ownership.objects.filter(community=community).order_by("pk"):
            self.ownerships.setdefault(ownership.unit_id, []).append(ownership)

    def check(self, records: Sequence[RegistryRecord]) -> list[tuple[RegistryRecord, str, str]]:
        """Problems only the database reveals, once per stairwell or unit: (first record, column, message)."""
        problems: list[tuple[RegistryRecord, str, str]] = []
        seen: set[object] = set()
        for record in records:
            building = self.areas.get((AreaKind.BUILDING, record.building_code))
            stairwell = self.areas.get((AreaKind.STAIRWELL, record.stairwell_code))
            if (
                stairwell
                and (building is None or stairwell.parent_id != building.pk)
                and stairwell not in seen
            ):
                seen.add(stairwell)
                params = {
                    "stairwell": record.stairwell_code,
                    "other": stairwell.parent.code if stairwell.parent else "",
                }
                problems.append(
                    (record, "stairwell", error_templates()["stairwell_in_other_building"] % params)
                )
            floors = record.floors or (building.floors if building else None)
            if floors and record.floor > floors and record.unit_key not in seen:
                seen.add(record.unit_key)
                params = {"floor": str(record.floor), "floors": str(floors)}
                problems.append((record, "floor", error_templates()["floor_above_top"] % params))
        return problems

    def _area(self, kind: str, code: str, plural: str, name: str, default_name: str, **fields: Any) -> Area:
        changes = {key: value for key, value in fields.items() if value is not None}
        area = self.areas.get((kind, code))
        if area is None:
            area = Area.objects.create(
                community=self.community, kind=kind, code=code, name=name or default_name, **changes
            )
            self.areas[(kind, code)] = area
            self.report.created[plural] += 1
        elif _apply(area, {**changes, **({"name": name} if name else {})}):
            self.report.updated[plural] += 1
        return area

    def write(self, records: Sequence[RegistryRecord]) -> None:
        """Write in phases, new objects of each kind in bulk: units, households, persons, ownerships."""
        units = self._write_units(records)
        owners = [(units[r.unit_key], r.owner) for r in records if r.owner is not None]
        persons = self._write_persons(
            [(unit, owner) for unit, owner in owners if owner.holder_kind == HolderKind.PERSON]
        )
        by_unit: dict[int, tuple[Unit, list[OwnerRecord]]] = {}
        for unit, owner in owners:
            by_unit.setdefault(unit.pk, (unit, []))[1].append(owner)
        new_ownerships: list[Ownership] = []
        for unit, unit_owners in by_unit.values():
            new_ownerships += self._reconcile_owners(unit, unit_owners, persons)
        Ownership.objects.bulk_create(new_ownerships, batch_size=BATCH_SIZE)
        roles_changed()  # bulk_create sends no post_save: owners' cached roles (scope.py) are stale
        self.report.created["ownerships"] += len(new_ownerships)

    def _write_units(self, records: Sequence[RegistryRecord]) -> dict[tuple[str, str], Unit]:
        units: dict[tuple[str, str], Unit] = {}
        new_units: list[Unit] = []
        for record in records:
            if record.unit_key in units:
                continue
            building, fields = self._unit_fields(record)
            unit = self.units.get((building.pk, record.unit_number))
            if unit is None:
                unit = Unit(community=self.community, building=building, number=record.unit_number, **fields)
                new_units.append(unit)
            elif _apply(unit, fields):
                self.report.updated["units"] += 1
            units[record.unit_key] = unit
        Unit.objects.bulk_create(new_units, batch_size=BATCH_SIZE)
        self.report.created["units"] += len(new_units)
        return units

    def _unit_fields(self, record: RegistryRecord) -> tuple[Area, dict[str, Any]]:
        """Upsert the unit's zone, building and stairwell; return the building and the unit's fields."""
        zone = None
        if record.zone_code:
            label = _("Zone %(code)s") % {"code": record.zone_code}
            zone = self._area(AreaKind.ZONE, record.zone_code, "zones", record.zone_name, label)
        building = self._area(
            AreaKind.BUILDING,
            record.building_code,
            "buildings",
            record.building_name,
            _("Building %(code)s") % {"code": record.building_code},
            parent_id=zone.pk if zone else None,
            floors=record.floors,
            built_year=record.built_year,
        )
        fields: dict[str, Any] = {
            "floor": record.floor,
            "exclusive_area": record.exclusive_area,
            "area_source": record.area_source,
            "usage": record.usage,
        }
        if record.stairwell_code:
            label = _("Stairwell %(code)s") % {"code": record.stairwell_code}
            stairwell = self._area(
                AreaKind.STAIRWELL, record.stairwell_code, "stairwells", "", label, parent_id=building.pk
            )
            fields["stairwell_id"] = stairwell.pk
        return building, fields

    def _write_persons(self, owners: list[tuple[Unit, OwnerRecord]]) -> dict[tuple[int, str], Person]:
        """Match each person owner by full name and unit, else create them with a household in the unit."""
        matches = {
            (unit.pk, owner.name): (unit, owner, self._match_person(unit, owner.name))
            for unit, owner in owners
        }
        homeless = {
            unit.pk: unit
            for unit, _owner, person in matches.values()
            if (person is None or _lives_here_without_household(person)) and unit.pk not in self.households
        }
        new_households = {pk: Household(community=self.community, unit=unit) for pk, unit in homeless.items()}
        Household.objects.bulk_create(new_households.values(), batch_size=BATCH_SIZE)
        self.households.update(new_households)
        self.report.created["households"] += len(new_households)
        persons: dict[tuple[int, str], Person] = {}
        new_persons: list[Person] = []
        for key, (unit, owner, person) in matches.items():
            if person is None:
                household = self.households[unit.pk]
                person = Person(
                    community=self.community, full_name=owner.name, phone=owner.phone, household=household
                )
                new_persons.append(person)
            else:
                changes: dict[str, Any] = {"phone": owner.phone} if owner.phone else {}
                if _lives_here_without_household(person):
                    changes["household_id"] = self.households[unit.pk].pk
                self.report.updated["persons"] += _apply(person, changes)
            persons[key] = person
        Person.objects.bulk_create(new_persons, batch_size=BATCH_SIZE)
        self.report.created["persons"] += len(new_persons)
        return persons

    def _match_person(self, unit: Unit, name: str) -> Person | None:
        owner_ids = {o.person_id for o in self.ownerships.get(unit.pk, [])}
        for person in self.persons.get(name, []):
            household_unit = self.household_unit.get(person.household_id) if person.household_id else None
            if household_unit == unit.pk or person.pk in owner_ids:
                return person
        return None

    def _reconcile_owners(
        self, unit: Unit, owners: list[OwnerRecord], persons: dict[tuple[int, str], Person]
    ) -> list[Ownership]:
        """Make the unit's current ownerships the file's: update matches, end the rest, return new ones."""
        active = [o for o in self.ownerships.get(unit.pk, []) if o.until is None or o.until >= self.today]
        kept: set[int] = set()
        new: list[Ownership] = []
        for owner in owners:
            person = persons.get((unit.pk, owner.name)) if owner.holder_kind == HolderKind.PERSON else None
            fields = {
                "holder_kind": owner.holder_kind,
                "share_numerator": owner.share.numerator,
                "share_denominator": owner.share.denominator,
                "holder_name": "" if person else owner.name,
            }
            match = next((o for o in active if o.pk not in kept and _holds(o, person, fields)), None)
            if match is None:
                new.append(Ownership(community=self.community, unit=unit, person=person, **fields))
                continue
            kept.add(match.pk)
            self.report.updated["ownerships"] += _apply(match, fields)
        for ownership in active:
            if ownership.pk not in kept:
                _apply(ownership, {"until": self.today - timedelta(days=1)})
                self.report.ended_ownerships += 1
        return new


def _holds(ownership: Ownership, person: Person | None, fields: dict[str, Any]) -> bool:
    """The same holder: the same person, or a developer or organisation of the same name."""
    if person is not None:
        return ownership.person_id == person.pk
    return ownership.person_id is None and (ownership.holder_kind, ownership.holder_name) == (
        fields["holder_kind"],
        fields["holder_name"],
    )


def _lives_here_without_household(person: Person) -> bool:
    """A resident owner with no household yet joins the unit's; a non-resident owner (who lives elsewhere) never."""
    return person.household_id is None and person.is_resident
