"""Cells that are safe to open in a spreadsheet: no text an export writes may run as a formula.

Excel, LibreOffice and WPS treat a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula, and some of
them also a cell that starts with a tab or a carriage return, or with the full-width ``＝＋－＠`` that Chinese
input methods type. A statement ``=HYPERLINK("http://…")`` or an owner named ``=cmd|' /C calc'!A0`` would then
run in the spreadsheet of whoever opens the export (CSV injection; OWASP, "CSV Injection"). Every export writes
its text through :func:`neutralise_cell`, which puts an apostrophe in front of such text, as a spreadsheet does
when a person types ``'=1+1``. Plain numbers such as ``-1`` or ``+3.5`` are left alone: numbers stay numbers.

An importer that reads the exports back calls :func:`restore_cell`, which removes exactly the apostrophe that
:func:`neutralise_cell` added, so an export → import round trip is lossless. Text that already starts with an
apostrophe followed by a formula character gets a second one, so that the pair of functions is exact.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

#: The first characters that make a spreadsheet read a cell as a formula (or as a command, for ``@``).
FORMULA_TRIGGERS = frozenset("=+-@\t\r\n＝＋－＠")

_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?%?")


def _looks_like_formula(text: str) -> bool:
    return text[:1] in FORMULA_TRIGGERS and not _PLAIN_NUMBER.fullmatch(text)


def _is_escaped(text: str) -> bool:
    """Text that :func:`neutralise_cell` produced: apostrophes, then a formula-leading character."""
    if not text.startswith("'"):
        return False
    rest = text.lstrip("'")
    return _looks_like_formula(rest)


def neutralise_cell(value: object) -> object:
    """The value with any formula-leading text made inert; numbers, dates and ``None`` pass unchanged."""
    if not isinstance(value, str):
        return value
    if _looks_like_formula(value) or _is_escaped(value):
        return "'" + value
    return value


def neutralise_row(row: Sequence[object]) -> list[object]:
    return [neutralise_cell(value) for value in row]


def restore_cell(text: str) -> str:
    """Undo :func:`neutralise_cell` for a text cell read back from an export."""
    return text[1:] if _is_escaped(text) else text
