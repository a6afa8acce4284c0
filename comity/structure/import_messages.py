"""What a registry import tells the user: the report of what it did, and each problem in their language.

The engine (:mod:`comity.engine.registry_import`) reports problems as codes with parameters; this module holds
the translatable message of every code, names the column the way the user sees it in their file, and defines
the :class:`ImportReport` that the import page and the command line show.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.utils import get_column_letter

from comity.engine.registry_import import COLUMN_BY_KEY, RowError, choice_labels, is_chinese

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


def error_templates() -> dict[str, str]:
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
        "invalid_phone": _(
            "“%(value)s” is not a phone number. Enter a mobile number such as 139 1234 5678, or a landline "
            "with its area code such as 010-12345678."
        ),
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


def column_label(column: str, index: int | None, columns: dict[str, tuple[int, str]]) -> str:
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
    message = error_templates()[error.code] % params
    return ImportProblem(error.row, column_label(error.column, error.column_index, columns), message)
