"""Importing the registry from a spreadsheet: read the upload, validate it, write it all or nothing.

The engine (:mod:`comity.engine.registry_import`) checks the table. This module reads CSV and XLSX uploads,
translates the engine's error codes into the user's language, checks the rows against the database and
writes them in one transaction with one audit entry. How rows meet the database, within the community:

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

import csv
import io
import os
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import IO, Any

import openpyxl
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from comity.audit.services import record_audit
from comity.engine.registry_import import (
    COLUMN_BY_KEY,
    COLUMNS,
    OwnerRecord,
    RegistryRecord,
    RowError,
    choice_labels,
    is_chinese,
    template_csv_bytes,
    template_header,
    template_rows,
    validate_registry,
)
from comity.structure.models import Area, AreaKind, Community, HolderKind, Household, Ownership, Person, Unit

KINDS = ("zones", "buildings", "stairwells", "units", "persons", "households", "ownerships")
KIND_LABELS = {
    "zones": gettext_lazy("Zones and courtyards"),
    "buildings": gettext_lazy("Buildings"),
    "stairwells": gettext_lazy("Stairwells"),
    "units": gettext_lazy("Units"),
    "persons": gettext_lazy("Owners (persons)"),
    "households": gettext_lazy("Households"),
    "ownerships": gettext_lazy("Ownerships"),
}
BATCH_SIZE = 500
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_XLSX_ERRORS = (
    zipfile.BadZipFile,
    InvalidFileException,
    KeyError,
    OSError,
    ValueError,
    TypeError,
    SyntaxError,
)


@dataclass(frozen=True)
class ImportProblem:
    """One problem, ready to show: spreadsheet row (None for the whole file), column, translated message."""

    row: int | None
    column: str
    message: str


@dataclass
class ImportReport:
    file_name: str
    dry_run: bool = False
    rows: int = 0
    created: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    updated: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    ended_ownerships: int = 0
    errors: list[ImportProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def counts(self) -> list[tuple[str, int, int]]:
        """(translated kind, created, updated) for each kind of record, for the summary table."""
        return [(str(KIND_LABELS[kind]), self.created[kind], self.updated[kind]) for kind in KINDS]


class _FileProblem(Exception):
    """The upload cannot be read as a table; carries the translated message."""


# ---------------------------------------------------------------------------------------------- messages


def _error_templates() -> dict[str, str]:
    """One translatable message per engine error code; params are interpolated %(name)s-style."""
    return {
        "no_header": _("The file is empty: its first row must hold the column headers."),
        "no_data": _("The file has a header row but no data."),
        "unknown_column": _("Unknown column “%(header)s”. Use the template's headers, or delete the column."),
        "duplicate_column": _("The column “%(header)s” appears twice."),
        "missing_column": _("The required column “%(header)s” is missing."),
        "too_many_rows": _("The file has more than %(limit)s rows. Split it into smaller files."),
        "value_without_header": _("This cell has a value, but its column has no header."),
        "required": _("This cell must be filled in."),
        "too_long": _("This value is too long: at most %(max)s characters."),
        "not_a_number": _("“%(value)s” is not a number."),
        "not_a_whole_number": _("“%(value)s” is not a whole number."),
        "out_of_range": _("%(value)s is out of range: give a number from %(min)s to %(max)s."),
        "area_not_positive": _("The area must be more than 0 m²."),
        "area_too_large": _("The area must be at most %(max)s m²."),
        "area_too_precise": _("Give the area with at most two decimals, e.g. 72.50."),
        "invalid_choice": _("“%(value)s” is not allowed here. Use one of: %(choices)s."),
        "share_out_of_range": _("The share must be more than 0 and at most 1, e.g. 0.5, 50%% or 1/2."),
        "share_too_precise": _(
            "Give the share as a simple fraction or with at most four decimals, e.g. 1/3 or 0.25."
        ),
        "invalid_phone": _("“%(value)s” is not a phone number."),
        "owner_name_required": _("Give the owner's name (only a developer may be left unnamed)."),
        "building_conflict": _(
            "Building %(building)s: “%(value)s” here, but “%(other)s” in row %(first_row)s."
        ),
        "zone_conflict": _("Zone %(zone)s: “%(value)s” here, but “%(other)s” in row %(first_row)s."),
        "unit_conflict": _(
            "Unit %(building)s-%(unit)s: “%(value)s” here, but “%(other)s” in row %(first_row)s."
        ),
        "duplicate_unit": _(
            "Unit %(building)s-%(unit)s is already in row %(first_row)s. Use one row per owner, "
            "and only one row for a unit without owners."
        ),
        "duplicate_owner": _(
            "%(owner)s is already an owner of unit %(building)s-%(unit)s in row %(first_row)s."
        ),
        "shares_do_not_add_up": _(
            "The owners' shares of unit %(building)s-%(unit)s add up to %(total)s, not 1."
        ),
        "floor_above_top": _("Floor %(floor)s is above the top floor of the building (%(floors)s)."),
        "stairwell_in_other_building": _("Stairwell %(stairwell)s already belongs to building %(other)s."),
    }


class _Params(dict[str, str]):
    """Interpolation params that show a missing name as blank rather than failing the whole report."""

    def __missing__(self, key: str) -> str:
        return ""


def _column_label(column: str, index: int | None, columns: dict[str, tuple[int, str]]) -> str:
    """The column as the user sees it: its letter and the header written in the file, e.g. "J · 专有面积"."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    header = columns[column][1] if column in columns else ""
    if not header and column:
        header = COLUMN_BY_KEY[column].header(language)
    if index is None:
        return header
    return f"{get_column_letter(index + 1)} · {header}" if header else get_column_letter(index + 1)


def describe_error(error: RowError, columns: dict[str, tuple[int, str]]) -> ImportProblem:
    """Translate an engine error into the active language."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    params = _Params(error.params)
    if error.code == "missing_column":
        column = COLUMN_BY_KEY[error.column]
        params["header"] = (
            f"{column.header(language)} / {column.header('en' if is_chinese(language) else 'zh')}"
        )
    if error.code == "invalid_choice":
        params["choices"] = " / ".join(choice_labels(error.column, language))
    message = _error_templates()[error.code] % params
    return ImportProblem(error.row, _column_label(error.column, error.column_index, columns), message)


# ---------------------------------------------------------------------------------------------- reading


def _cell_text(value: Any) -> str:
    """A cell as the text a person would read: 72.5 not 72.50000001, 301 not 301.0, dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else format(Decimal(repr(value)), "f")
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 from Excel's "Unicode text", else GB18030, a superset of the
    GBK that Chinese Excel writes CSV in."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _FileProblem(_("The file is not a text file in UTF-8 or GBK. Save it as “CSV UTF-8” or as XLSX."))


def _xlsx_rows(rows: Iterator[tuple[Any, ...]]) -> Iterator[list[str]]:
    """Rows as text; a workbook that breaks while being read is reported as unreadable, like a bad file."""
    try:
        for row in rows:
            yield [_cell_text(value) for value in row]
    except _XLSX_ERRORS as exc:
        raise _FileProblem(_("The file could not be read as an Excel workbook (XLSX).")) from exc


def _csv_table(data: bytes) -> tuple[list[str], Iterator[list[str]]]:
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count) if any(d in first_line for d in ",;\t") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return next(reader, []), reader


@contextmanager
def _open_table(data: bytes, name: str) -> Iterator[tuple[Sequence[str], Iterator[Sequence[str]]]]:
    """The header and the rows of the upload: the first sheet of an XLSX workbook, or a CSV file."""
    extension = os.path.splitext(name)[1].lower()
    if data.startswith(b"PK\x03\x04"):
        try:
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except _XLSX_ERRORS as exc:
            raise _FileProblem(_("The file could not be read as an Excel workbook (XLSX).")) from exc
        try:
            rows = _xlsx_rows(workbook.worksheets[0].iter_rows(values_only=True))
            yield next(rows, []), rows
        finally:
            workbook.close()
    elif extension in {".csv", ".txt"} and not data.startswith(b"\xd0\xcf\x11\xe0"):
        yield _csv_table(data)
    elif extension == ".xlsx":
        raise _FileProblem(_("The file could not be read as an Excel workbook (XLSX)."))
    else:
        raise _FileProblem(
            _("Upload a CSV or XLSX file. Older Excel files (.xls) must first be saved as .xlsx.")
        )


def _read_upload(uploaded_file: IO[bytes] | Any) -> bytes:
    limit = settings.COMITY_IMPORT_MAX_BYTES
    size = getattr(uploaded_file, "size", None)
    if hasattr(uploaded_file, "seek"):
        uploaded_file.seek(0)
    data = b"" if size is not None and size > limit else uploaded_file.read(limit + 1)
    if (size is not None and size > limit) or len(data) > limit:
        raise _FileProblem(
            _("The file is too large: at most %(size)s. Split it into smaller files.")
            % {"size": filesizeformat(limit)}
        )
    return data


# ---------------------------------------------------------------------------------------------- writing


def _apply(obj: Any, changes: dict[str, Any]) -> bool:
    """Set the fields that differ and save only those; report whether anything changed."""
    changed = [name for name, value in changes.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, changes[name])
    if changed:
        obj.save(update_fields=[name.removesuffix("_id") for name in changed])
    return bool(changed)


class _RegistryWriter:
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
                    (record, "stairwell", _error_templates()["stairwell_in_other_building"] % params)
                )
            floors = record.floors or (building.floors if building else None)
            if floors and record.floor > floors and record.unit_key not in seen:
                seen.add(record.unit_key)
                params = {"floor": str(record.floor), "floors": str(floors)}
                problems.append((record, "floor", _error_templates()["floor_above_top"] % params))
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
            if (person is None or person.household_id is None) and unit.pk not in self.households
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
                if person.household_id is None:
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


# ---------------------------------------------------------------------------------------------- service


def import_registry(
    actor: Any, community: Community, uploaded_file: IO[bytes] | Any, *, dry_run: bool = False
) -> ImportReport:
    """Import buildings, units and owners from a CSV or XLSX file: every row, or nothing.

    With ``dry_run`` the import runs to the end, audit entry included, and is then rolled back, so the report
    shows exactly what an import would create and update.
    """
    if not actor.has_perm("structure.import_registry", community):
        raise PermissionDenied
    report = ImportReport(
        file_name=os.path.basename(getattr(uploaded_file, "name", "") or ""), dry_run=dry_run
    )
    try:
        with _open_table(_read_upload(uploaded_file), report.file_name) as (header, rows):
            result = validate_registry(header, rows)
    except _FileProblem as problem:
        report.errors.append(ImportProblem(None, "", str(problem)))
        return report
    columns = dict(result.columns)
    report.errors = [describe_error(error, columns) for error in result.errors]
    if not result.ok:
        return report
    report.rows = len(result.records)
    with transaction.atomic():
        # One import at a time per community, so two uploads cannot both create the same building.
        Community.objects.select_for_update().only("pk").get(pk=community.pk)
        writer = _RegistryWriter(community, report)
        for record, column, message in writer.check(result.records):
            index = columns[column][0] if column in columns else None
            report.errors.append(ImportProblem(record.row, _column_label(column, index, columns), message))
        if report.errors:
            return report
        writer.write(result.records)
        _audit(actor, community, report)
        if dry_run:
            transaction.set_rollback(True)
    return report


def _audit(actor: Any, community: Community, report: ImportReport) -> None:
    created, updated = sum(report.created.values()), sum(report.updated.values())
    record_audit(
        actor=actor,
        action="registry.import",
        community=community,
        summary=_("Imported %(file)s: %(rows)s rows, %(created)s records created, %(updated)s updated")
        % {"file": report.file_name, "rows": report.rows, "created": created, "updated": updated},
        changes={
            "file": report.file_name,
            "rows": report.rows,
            "created": report.created,
            "updated": report.updated,
            "ended_ownerships": report.ended_ownerships,
        },
    )


# ---------------------------------------------------------------------------------------------- template


def registry_template_csv(language: str) -> bytes:
    return template_csv_bytes(language)


def _column_help() -> dict[str, str]:
    """What to enter in each column, in the active language (the instructions sheet of the template)."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    choices = {
        key: " / ".join(choice_labels(key, language)) for key in ("area_source", "usage", "holder_kind")
    }
    return {
        "building": _("Building number as used on the ground, e.g. 7 (“7号楼” is read as 7)."),
        "building_name": _(
            "Name of the building. Blank keeps the existing name, or names a new one by its number."
        ),
        "floors": _("Number of floors of the building (1–200)."),
        "built_year": _("Year the building was completed."),
        "zone": _("Code of the zone or courtyard the building stands in, if any."),
        "zone_name": _("Name of that zone or courtyard."),
        "stairwell": _("Stairwell or entrance number within the building, e.g. 2 (stored as 7-2)."),
        "unit": _("Unit (room) number, e.g. 301."),
        "floor": _("Floor of the unit; a basement floor as -1 or B1."),
        "exclusive_area_m2": _(
            "Exclusive area in m², at most two decimals, e.g. 72.50, as on the property register."
        ),
        "area_source": _("Where the area comes from: %(choices)s. Blank means the property register.")
        % {"choices": choices["area_source"]},
        "usage": _("What the unit is used for: %(choices)s. Blank means residential.")
        % {"choices": choices["usage"]},
        "owner_name": _(
            "Full name of the owner, or name of the developer or organisation. Blank if none is known."
        ),
        "owner_phone": _("Phone number of the owner."),
        "owner_share": _(
            "The owner's share of the unit, e.g. %(examples)s. Blank means 1. A unit's shares add up to 1."
        )
        % {"examples": "1, 0.5, 50%, 1/2"},
        "holder_kind": _("Who holds the unit: %(choices)s. Blank means an individual.")
        % {"choices": choices["holder_kind"]},
        "notes": _("Your own notes; they are not imported."),
    }


def _instructions() -> list[str]:
    return [
        _("Fill in the first sheet: one row per owner. A unit with co-owners takes one row for each owner."),
        _("Replace the example rows with your own. Keep the header row, in English or in Chinese."),
        _("Buildings and units already registered are updated by their numbers; new ones are created."),
        _("If any row has a problem, nothing is imported: the page lists each problem by row and column."),
    ]


def registry_template_xlsx(language: str) -> bytes:
    """The template workbook: the registry sheet with example rows, and a sheet explaining each column."""
    with translation.override(language):
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        assert sheet is not None
        sheet.title = _("Registry")
        sheet.append(template_header(language))
        for row in template_rows(language):
            sheet.append(row)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for index, column in enumerate(COLUMNS, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = max(
                12, len(column.header(language)) * 2 + 4
            )
        sheet.freeze_panes = "A2"
        help_sheet = workbook.create_sheet(_("Instructions"))
        for line in _instructions():
            help_sheet.append([line])
        help_sheet.append([])
        help_sheet.append([_("Column"), _("Required"), _("What to enter")])
        texts = _column_help()
        for column in COLUMNS:
            help_sheet.append(
                [column.header(language), _("yes") if column.required else _("no"), texts[column.key]]
            )
        help_sheet.column_dimensions["A"].width = 20
        help_sheet.column_dimensions["C"].width = 90
        buffer = io.BytesIO()
        workbook.save(buffer)
    return buffer.getvalue()
