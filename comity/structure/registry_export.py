"""Export a community's registry in the import template's format, so staff can edit it and import it again.

One row per owner (a unit with co-owners has a row for each; a unit without a registered owner has one row
with the owner columns empty), in the columns and spellings of the template for the chosen language. Exporting
then importing the same file changes nothing: ``tests/apps/test_registry_export.py`` checks the round trip.
Text that a spreadsheet would run as a formula (an owner named ``=cmd|…``) is written with a leading apostrophe
(:mod:`comity.engine.spreadsheet`), which the importer removes again.
"""

from __future__ import annotations

import csv
import io

import openpyxl
from django.db.models import Prefetch, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from openpyxl.styles import Font

from comity.engine.registry_import import CHOICES, COLUMNS, format_fraction, is_chinese, template_header
from comity.engine.spreadsheet import neutralise_row
from comity.engine.unit_address import natural_key
from comity.foundation.audit import record_audit
from comity.foundation.personal_data import Read
from comity.foundation.services import Actor
from comity.structure.models import AreaKind, Community, Ownership, Unit
from comity.structure.reads import note_reads_by, registry_person_ids


def _label(key: str, value: str, language: str) -> str:
    return CHOICES[key][value][0] if is_chinese(language) and value in CHOICES[key] else value


def _unit_cells(unit: Unit, language: str) -> dict[str, str]:
    building = unit.building
    zone = (
        building.parent
        if building.parent_id and building.parent and building.parent.kind == AreaKind.ZONE
        else None
    )
    stairwell = unit.stairwell.code if unit.stairwell else ""
    prefix = f"{building.code}-"
    return {
        "building": building.code,
        "building_name": building.name,
        "floors": str(building.floors or ""),
        "built_year": str(building.built_year or ""),
        "zone": zone.code if zone else "",
        "zone_name": zone.name if zone else "",
        "stairwell": stairwell[len(prefix) :] if stairwell.startswith(prefix) else stairwell,
        "unit": unit.number,
        "floor": str(unit.floor),
        "exclusive_area_m2": f"{unit.exclusive_area:.2f}",
        "area_source": _label("area_source", unit.area_source, language),
        "usage": _label("usage", unit.usage, language),
    }


def _owner_cells(ownership: Ownership, language: str) -> dict[str, str]:
    person = ownership.person
    return {
        "owner_name": person.full_name if person else ownership.holder_name,
        "owner_phone": person.phone if person else "",
        "owner_share": format_fraction(ownership.share),
        "holder_kind": _label("holder_kind", ownership.holder_kind, language),
    }


def registry_rows(community: Community, language: str) -> list[list[str]]:
    """The registry as rows of the template's columns (without the header)."""
    today = timezone.localdate()
    active = Ownership.objects.filter(Q(until__isnull=True) | Q(until__gte=today)).select_related("person")
    units = (
        Unit.objects.filter(community=community)
        .select_related("building", "building__parent", "stairwell")
        .prefetch_related(Prefetch("ownerships", queryset=active.order_by("pk")))
    )
    ordered = sorted(
        units,
        key=lambda u: (
            natural_key(u.building.code),
            natural_key(u.stairwell.code) if u.stairwell else (),
            u.floor,
            natural_key(u.number),
        ),
    )
    keys = [column.key for column in COLUMNS]
    rows = []
    for unit in ordered:
        base = _unit_cells(unit, language)
        owners: list[Ownership | None] = [*unit.ownerships.all()] or [None]
        for ownership in owners:
            cells = {**base, **(_owner_cells(ownership, language) if ownership else {})}
            rows.append([str(value) for value in neutralise_row([cells.get(key, "") for key in keys])])
    return rows


def _record(actor: Actor, community: Community, file_format: str, rows: int) -> None:
    # Who looked: one row per person the file holds, whoever exports it (the page, the API or the command line).
    note_reads_by(
        actor, community, registry_person_ids(community), Read.EXPORT, path=f"registry.{file_format}"
    )
    record_audit(
        actor=actor,
        action="registry.export",
        community=community,
        summary=gettext_noop("Exported the registry (%(rows)s rows, %(format)s)"),
        params={"rows": rows, "format": file_format},
        changes={"rows": rows, "format": file_format},
    )


def export_registry_csv(actor: Actor, community: Community, language: str) -> bytes:
    """CSV in UTF-8 with a byte-order mark (Excel needs it for Chinese). The export is audited: it holds
    personal data."""
    rows = registry_rows(community, language)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(template_header(language))
    writer.writerows(rows)
    _record(actor, community, "csv", len(rows))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def export_registry_xlsx(actor: Actor, community: Community, language: str) -> bytes:
    rows = registry_rows(community, language)
    with translation.override(language):
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        assert sheet is not None
        sheet.title = _("Registry")
        sheet.append(template_header(language))
        for row in rows:
            sheet.append(row)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    _record(actor, community, "xlsx", len(rows))
    return buffer.getvalue()
