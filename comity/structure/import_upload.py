"""Reading a registry upload into a table of text: the first sheet of an XLSX workbook, or a CSV file.

Files come from Excel as often as not, so the reader accepts CSV in UTF-8 (with or without byte-order mark),
UTF-16 (little- or big-endian, with a byte-order mark, or without one when the NUL bytes show it) or GBK/GB18030,
guesses the delimiter, and reads every cell as the text a person would see in it. Anything that cannot be read
raises :class:`FileProblem` with a message in the user's language: binary data, cells longer than the CSV
reader takes, unbalanced quotes, formulas (their values may be stale or missing), and workbooks that would
unpack to far more than their size (a "zip bomb"). Text that an export made inert with a leading apostrophe
(:mod:`comity.engine.spreadsheet`) is restored.
"""

from __future__ import annotations

import csv
import io
import os
import re
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any

import openpyxl
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.utils.exceptions import InvalidFileException

from comity.engine.spreadsheet import restore_cell

#: The longest cell the CSV reader accepts (Python's default ``csv.field_size_limit``).
MAX_CSV_CELL = 131_072
#: How much an XLSX upload may unpack to, as a multiple of the upload limit, and at least.
MAX_XLSX_EXPANSION, MIN_XLSX_UNPACKED = 20, 50 * 1024 * 1024
#: Characters no text table holds (and PostgreSQL cannot store NUL).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")

_XLSX_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    NotImplementedError,
    EOFError,
    IndexError,
    AttributeError,
    RecursionError,
    InvalidFileException,
    KeyError,
    OSError,
    ValueError,
    TypeError,
    SyntaxError,
)


class FileProblem(Exception):
    """The upload cannot be read as a table; carries the translated message."""


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
    if isinstance(value, str):
        return restore_cell(value)
    return str(value)


def _utf16_without_bom(data: bytes) -> str | None:
    """Excel and Notepad sometimes write UTF-16 without a byte-order mark: ASCII then has a NUL in every
    other byte, on the odd side for little-endian and on the even side for big-endian."""
    sample = data[:4096]
    if len(sample) < 4 or sample.count(0) < len(sample) // 4:
        return None
    odd_nuls, even_nuls = sample[1::2].count(0), sample[0::2].count(0)
    if odd_nuls > 3 * even_nuls:
        return "utf-16-le"
    if even_nuls > 3 * odd_nuls:
        return "utf-16-be"
    return None


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 from Excel's "Unicode text", else GB18030, a superset of the
    GBK that Chinese Excel writes CSV in. Text with NUL or other control characters is not a table."""
    not_text = FileProblem(
        _(
            "The file is not a text file in UTF-8, UTF-16 or GBK: it holds characters that are not text. "
            "Save it as “CSV UTF-8” or as XLSX."
        )
    )
    if data.startswith(b"\xef\xbb\xbf"):
        encodings: tuple[str, ...] = ("utf-8-sig",)
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ("utf-16",)
    elif utf16 := _utf16_without_bom(data):
        encodings = (utf16,)
    else:
        encodings = ("utf-8", "gb18030")
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _CONTROL.search(text):
            raise not_text
        return text
    raise not_text


def _xlsx_rows(
    rows: Iterator[tuple[Any, ...]], merged: dict[tuple[int, int], tuple[int, int]]
) -> Iterator[list[str]]:
    """Rows as text; a workbook that breaks while being read is reported as unreadable, like a bad file.

    A formula is refused: a workbook saved by another program may carry no value for it, or a stale one."""
    tops = set(merged.values())
    top_values: dict[tuple[int, int], str] = {}
    try:
        for number, row in enumerate(rows, start=1):
            cells = []
            for index, cell in enumerate(row, start=1):
                if (number, index) in merged:
                    cells.append(top_values.get(merged[number, index], ""))
                    continue
                if getattr(cell, "data_type", None) == "f":
                    raise FileProblem(
                        _(
                            "Row %(row)s, column %(column)s holds a formula (%(formula)s). Replace the formulas "
                            "with their values (copy, then Paste Special → Values) and upload the file again."
                        )
                        % {"row": number, "column": get_column_letter(index), "formula": str(cell.value)[:40]}
                    )
                text = _cell_text(getattr(cell, "value", None))
                if _CONTROL.search(text):
                    raise FileProblem(
                        _("Row %(row)s, column %(column)s holds characters that are not text.")
                        % {"row": number, "column": get_column_letter(index)}
                    )
                if (number, index) in tops:
                    top_values[number, index] = text
                cells.append(text)
            yield cells
    except _XLSX_ERRORS as exc:
        raise FileProblem(_("The file could not be read as an Excel workbook (XLSX).")) from exc


_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s[^>]*ref="([A-Z]+[0-9]+):([A-Z]+[0-9]+)"')


def _merged_ranges(data: bytes, sheet_path: str) -> dict[tuple[int, int], tuple[int, int]]:
    """Each cell of a merged range → the range's top-left cell, read from the sheet's ``<mergeCells>``
    (the streaming reader does not see them). A merged cell shows its top-left value on every row it spans,
    as the person who merged it sees it."""
    merged: dict[tuple[int, int], tuple[int, int]] = {}
    tail = b""
    with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open(sheet_path.lstrip("/")) as member:
        while chunk := member.read(1024 * 1024):
            text = tail + chunk
            for match in _MERGE.finditer(text):
                (first_col, first_row), (last_col, last_row) = (
                    coordinate_to_tuple(ref.decode())[::-1] for ref in match.groups()
                )
                if (last_row - first_row + 1) * (last_col - first_col + 1) > 100_000:
                    continue
                for row in range(first_row, last_row + 1):
                    for col in range(first_col, last_col + 1):
                        if (row, col) != (first_row, first_col):
                            merged[(row, col)] = (first_row, first_col)
            tail = text[-200:]
    return merged


def _check_unpacked_size(data: bytes) -> None:
    """Refuse a workbook that would unpack to far more than an honest spreadsheet of its size."""
    limit = max(MIN_XLSX_UNPACKED, MAX_XLSX_EXPANSION * settings.COMITY_IMPORT_MAX_BYTES)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise FileProblem(_("The file could not be read as an Excel workbook (XLSX).")) from exc
    if unpacked > limit:
        raise FileProblem(
            _(
                "The workbook would unpack to %(size)s, more than the %(limit)s an import reads. Save only the "
                "registry sheet, or split it into smaller files."
            )
            % {"size": filesizeformat(unpacked), "limit": filesizeformat(limit)}
        )


def _csv_rows(reader: Iterator[list[str]], line: Any) -> Iterator[list[str]]:
    """The CSV rows; a row the reader cannot take (a cell over its limit) is reported by its line."""
    while True:
        first_line = line() + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise FileProblem(
                _(
                    "Line %(line)s could not be read: a cell is longer than %(max)s characters, or a quote "
                    'mark (") opens a cell that never closes.'
                )
                % {"line": first_line, "max": f"{MAX_CSV_CELL:,}"}
            ) from exc
        yield row


def _csv_table(data: bytes) -> tuple[list[str], Iterator[list[str]]]:
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count) if any(d in first_line for d in ",;\t") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = _csv_rows(reader, lambda: reader.line_num)
    header = [restore_cell(cell) for cell in next(rows, [])]
    return header, ([restore_cell(cell) for cell in row] for row in rows)


@contextmanager
def open_table(data: bytes, name: str) -> Iterator[tuple[Sequence[str], Iterator[Sequence[str]]]]:
    """The header and the rows of the upload: the first sheet of an XLSX workbook, or a CSV file."""
    extension = os.path.splitext(name)[1].lower()
    if data.startswith(b"PK\x03\x04"):
        _check_unpacked_size(data)
        try:
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        except _XLSX_ERRORS as exc:
            raise FileProblem(_("The file could not be read as an Excel workbook (XLSX).")) from exc
        try:
            if not workbook.worksheets:
                raise FileProblem(_("The workbook has no sheet to read."))
            sheet = workbook.worksheets[0]
            try:
                merged = _merged_ranges(data, getattr(sheet, "_worksheet_path", ""))
            except _XLSX_ERRORS:
                merged = {}
            rows = _xlsx_rows(sheet.iter_rows(), merged)
            yield next(rows, []), rows
        finally:
            workbook.close()
    elif extension in {".csv", ".txt"} and not data.startswith(b"\xd0\xcf\x11\xe0"):
        yield _csv_table(data)
    elif extension == ".xlsx":
        raise FileProblem(_("The file could not be read as an Excel workbook (XLSX)."))
    else:
        raise FileProblem(
            _("Upload a CSV or XLSX file. Older Excel files (.xls) must first be saved as .xlsx.")
        )


def read_upload(uploaded_file: IO[bytes] | Any) -> bytes:
    limit = settings.COMITY_IMPORT_MAX_BYTES
    size = getattr(uploaded_file, "size", None)
    if hasattr(uploaded_file, "seek"):
        uploaded_file.seek(0)
    data = b"" if size is not None and size > limit else uploaded_file.read(limit + 1)
    if (size is not None and size > limit) or len(data) > limit:
        raise FileProblem(
            _("The file is too large: at most %(size)s. Split it into smaller files.")
            % {"size": filesizeformat(limit)}
        )
    return data
