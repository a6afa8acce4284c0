"""Importing the registry from a spreadsheet: the template downloads, and the report's vocabulary.

The engine (:mod:`comity.engine.registry_import`) checks the table. The service that reads the upload,
validates it and writes it all or nothing is :func:`comity.structure.services.import_registry`;
:mod:`~comity.structure.import_upload` reads CSV and XLSX uploads, :mod:`~comity.structure.import_messages`
puts the engine's error codes in the user's language and holds the report, and
:mod:`~comity.structure.import_writer` checks the rows against the database and writes them, in one
transaction with one audit entry.
"""

from __future__ import annotations

import io

import openpyxl
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from comity.engine.registry_import import (
    COLUMNS,
    choice_labels,
    template_csv_bytes,
    template_header,
    template_rows,
)
from comity.structure.import_messages import ImportProblem, ImportReport, describe_error

# Re-exported under its former name, by which the tests check the catalogue.
from comity.structure.import_messages import error_templates as _error_templates  # noqa: F401

__all__ = [
    "XLSX_CONTENT_TYPE",
    "ImportProblem",
    "ImportReport",
    "describe_error",
    "registry_template_csv",
    "registry_template_xlsx",
]

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
