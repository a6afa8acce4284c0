"""Reading a registry upload into a table of text: the first sheet of an XLSX workbook, or a CSV file.

Files come from Excel as often as not, so the reader accepts CSV in UTF-8 (with or without byte-order mark),
UTF-16 or GBK, guesses the delimiter, and reads every cell as the text a person would see in it. Anything
that cannot be read raises :class:`FileProblem` with a message in the user's language.
"""

from __future__ import annotations

import csv
import io
import os
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
from openpyxl.utils.exceptions import InvalidFileException

_XLSX_ERRORS = (
    zipfile.BadZipFile,
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
    raise FileProblem(_("The file is not a text file in UTF-8 or GBK. Save it as “CSV UTF-8” or as XLSX."))


def _xlsx_rows(rows: Iterator[tuple[Any, ...]]) -> Iterator[list[str]]:
    """Rows as text; a workbook that breaks while being read is reported as unreadable, like a bad file."""
    try:
        for row in rows:
            yield [_cell_text(value) for value in row]
    except _XLSX_ERRORS as exc:
        raise FileProblem(_("The file could not be read as an Excel workbook (XLSX).")) from exc


def _csv_table(data: bytes) -> tuple[list[str], Iterator[list[str]]]:
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count) if any(d in first_line for d in ",;\t") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return next(reader, []), reader


@contextmanager
def open_table(data: bytes, name: str) -> Iterator[tuple[Sequence[str], Iterator[Sequence[str]]]]:
    """The header and the rows of the upload: the first sheet of an XLSX workbook, or a CSV file."""
    extension = os.path.splitext(name)[1].lower()
    if data.startswith(b"PK\x03\x04"):
        try:
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except _XLSX_ERRORS as exc:
            raise FileProblem(_("The file could not be read as an Excel workbook (XLSX).")) from exc
        try:
            rows = _xlsx_rows(workbook.worksheets[0].iter_rows(values_only=True))
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
