"""Spreadsheet import of a community registry: the column schema and pure validation of the rows.

Residents' committees keep their registry of buildings, units and owners in spreadsheets. The caller reads
a CSV or XLSX file into a header row and data rows of strings; :func:`validate_registry` returns either one
normalised :class:`RegistryRecord` per row or every problem found, so that an import is all or nothing.
Problems carry a code and parameters rather than a message: the Django side translates the codes. Row
numbers follow the spreadsheet, where the header is row 1.

Rules, and where they come from:

* the exclusive area (专有部分面积) is in m², positive, with at most two decimals, and fits the model's
  ``Decimal(9, 2)``; its source is the property register, else a survey, else the sale contract, the order of
  the Supreme People's Court interpretation on building ownership (法释〔2009〕7号, art. 8);
* co-owners hold a unit by shares (Civil Code arts. 297–298): one row per owner, and the shares of a unit add
  up to exactly 1. Rows that repeat a unit must agree on it; blank cells in repeated rows inherit the unit's
  values, because merged cells in Excel arrive blank;
* stairwells are numbered within their building, so a stairwell "2" of building "7" is stored as "7-2"
  (area codes are unique per community and kind).

The package is split by concern: :mod:`.schema` (columns, headers, choices, error codes, records and the
template), :mod:`.cells` (parsing one cell) and :mod:`.validate` (rows, and the checks across rows).
"""

from __future__ import annotations

from comity.engine.registry_import.cells import PARSERS, Cell, format_fraction, parse_decimal
from comity.engine.registry_import.schema import (
    BUILDING_FIELDS,
    CHOICES,
    COLUMN_BY_KEY,
    COLUMNS,
    DEFAULTS,
    FLOOR_RANGE,
    FLOORS_RANGE,
    MAX_AREA,
    MAX_CODE,
    MAX_NAME,
    MAX_PHONE,
    MAX_ROWS,
    MAX_SHARE_DENOMINATOR,
    MAX_UNIT_NUMBER,
    OWNER_FIELDS,
    UNIT_FIELDS,
    YEAR_RANGE,
    Column,
    ErrorCode,
    OwnerRecord,
    RegistryRecord,
    RowError,
    ValidationResult,
    choice_labels,
    is_chinese,
    normalise_header,
    template_csv_bytes,
    template_header,
    template_rows,
)
from comity.engine.registry_import.validate import stairwell_code, validate_registry

__all__ = [
    "BUILDING_FIELDS",
    "CHOICES",
    "COLUMNS",
    "COLUMN_BY_KEY",
    "DEFAULTS",
    "FLOORS_RANGE",
    "FLOOR_RANGE",
    "MAX_AREA",
    "MAX_CODE",
    "MAX_NAME",
    "MAX_PHONE",
    "MAX_ROWS",
    "MAX_SHARE_DENOMINATOR",
    "MAX_UNIT_NUMBER",
    "OWNER_FIELDS",
    "PARSERS",
    "UNIT_FIELDS",
    "YEAR_RANGE",
    "Cell",
    "Column",
    "ErrorCode",
    "OwnerRecord",
    "RegistryRecord",
    "RowError",
    "ValidationResult",
    "choice_labels",
    "format_fraction",
    "is_chinese",
    "normalise_header",
    "parse_decimal",
    "stairwell_code",
    "template_csv_bytes",
    "template_header",
    "template_rows",
    "validate_registry",
]
