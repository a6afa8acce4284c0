"""Parsing one cell of the registry sheet into a value, or a coded problem.

Cells arrive as text typed by people: full-width digits, "7号楼" for building 7, "50%" for a half share,
"B1" for the first basement floor. Each column has a parser that normalises such spellings or raises
:class:`CellError` with an :class:`~comity.engine.registry_import.schema.ErrorCode`.

The exclusive area (专有部分面积) is in m², positive, with at most two decimals, and fits the model's
``Decimal(9, 2)``; its source is the property register, else a survey, else the sale contract, the order of the
Supreme People's Court interpretation on building ownership (法释〔2009〕7号, art. 8). Shares are exact
fractions of a unit (Civil Code arts. 297–298).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from decimal import Decimal
from fractions import Fraction

from comity.engine.phones import PhoneError, normalise_phone
from comity.engine.registry_import.schema import (
    CHOICES,
    FLOOR_RANGE,
    FLOORS_RANGE,
    MAX_AREA,
    MAX_CODE,
    MAX_NAME,
    MAX_PHONE,
    MAX_SHARE_DENOMINATOR,
    MAX_UNIT_NUMBER,
    YEAR_RANGE,
    ErrorCode,
)

Cell = str | int | Decimal | Fraction


class CellError(Exception):
    def __init__(self, code: ErrorCode, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = {name: str(value) for name, value in params.items()}


def clean(text: str) -> str:
    """NFKC turns full-width digits, letters and punctuation (１２３，．) into ASCII; spaces collapse."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def _strip_suffix(text: str, suffixes: Sequence[str]) -> str:
    for suffix in suffixes:
        if text.lower().endswith(suffix.lower()) and len(text) > len(suffix):
            return text[: -len(suffix)].strip()
    return text


def _text(limit: int) -> Callable[[str], Cell]:
    def parse(text: str) -> Cell:
        if len(text) > limit:
            raise CellError(ErrorCode.TOO_LONG, max=limit)
        return text

    return parse


def _code(limit: int, suffixes: Sequence[str] = ()) -> Callable[[str], Cell]:
    """Codes drop the words people add on the ground: "7号楼" → "7", "2单元" → "2", "301室" → "301"."""
    as_text = _text(limit)
    return lambda text: as_text(_strip_suffix(text, suffixes))


_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_DECIMAL = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


def format_fraction(value: Fraction) -> str:
    """A fraction as people wrote it: a decimal when it has one ("0.9"), else "a/b" ("2/3")."""
    denominator = value.denominator
    for factor in (2, 5):
        while denominator % factor == 0:
            denominator //= factor
    if denominator != 1:
        return f"{value.numerator}/{value.denominator}"
    text = format(Decimal(value.numerator) / Decimal(value.denominator), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def parse_decimal(text: str) -> Decimal:
    """A plain decimal number; commas only as thousands separators ("1,234.5"), never as decimal point."""
    compact = clean(text).replace(" ", "")
    if _THOUSANDS.match(compact):
        compact = compact.replace(",", "")
    if not _DECIMAL.match(compact):
        raise CellError(ErrorCode.NOT_A_NUMBER, value=text)
    return Decimal(compact)


def _whole(low: int, high: int, suffixes: Sequence[str] = ()) -> Callable[[str], Cell]:
    """Whole numbers, also "6.0" as Excel writes them, "6层", and "B1" for the first basement floor."""

    def parse(text: str) -> Cell:
        text = _strip_suffix(text, suffixes)
        basement = re.fullmatch(r"[Bb](\d+)", text)
        text = f"-{basement.group(1)}" if basement and low < 0 else text
        try:
            number = parse_decimal(text)
        except CellError:
            number = Decimal("NaN")
        if not number.is_finite() or number != number.to_integral_value():
            raise CellError(ErrorCode.NOT_A_WHOLE_NUMBER, value=text)
        if not low <= number <= high:
            raise CellError(ErrorCode.OUT_OF_RANGE, value=int(number), min=low, max=high)
        return int(number)

    return parse


def _area(text: str) -> Cell:
    area = parse_decimal(_strip_suffix(text, ("m2", "平方米", "平米")))
    if area <= 0:
        raise CellError(ErrorCode.AREA_NOT_POSITIVE, value=text)
    if area > MAX_AREA:
        raise CellError(ErrorCode.AREA_TOO_LARGE, value=text, max=MAX_AREA)
    if area != area.quantize(Decimal("0.01")):
        raise CellError(ErrorCode.AREA_TOO_PRECISE, value=text)
    return area.quantize(Decimal("0.01"))


def _share(text: str) -> Cell:
    """A fraction of the unit: "0.5", "50%" or "1/2", kept as an exact fraction (thirds stay thirds)."""
    compact = text.replace(" ", "").replace("⁄", "/")
    try:
        if compact.endswith("%"):
            share = Fraction(parse_decimal(compact[:-1])) / 100
        elif "/" in compact:
            top, bottom = compact.split("/", 1)
            share = Fraction(parse_decimal(top)) / Fraction(parse_decimal(bottom))
        else:
            share = Fraction(parse_decimal(compact))
    except (CellError, ZeroDivisionError) as exc:
        raise CellError(ErrorCode.NOT_A_NUMBER, value=text) from exc
    if not 0 < share <= 1:
        raise CellError(ErrorCode.SHARE_OUT_OF_RANGE, value=text)
    if share.denominator > MAX_SHARE_DENOMINATOR:
        raise CellError(ErrorCode.SHARE_TOO_PRECISE, value=text)
    return share


def _phone(text: str) -> Cell:
    """A mainland mobile or landline number, stored in one spelling (:mod:`comity.engine.phones`)."""
    try:
        return _text(MAX_PHONE)(normalise_phone(text))
    except PhoneError:
        raise CellError(ErrorCode.INVALID_PHONE, value=text) from None


def _choice(key: str) -> Callable[[str], Cell]:
    spellings = {
        spelling.casefold(): value for value, zh in CHOICES[key].items() for spelling in (value, *zh)
    }

    def parse(text: str) -> Cell:
        try:
            return spellings[text.casefold()]
        except KeyError:
            raise CellError(ErrorCode.INVALID_CHOICE, value=text) from None

    return parse


PARSERS: dict[str, Callable[[str], Cell]] = {
    "building": _code(MAX_CODE, ("号楼", "栋", "幢", "号")),
    "building_name": _text(MAX_NAME),
    "floors": _whole(*FLOORS_RANGE, ("层",)),
    "built_year": _whole(*YEAR_RANGE, ("年",)),
    "zone": _code(MAX_CODE),
    "zone_name": _text(MAX_NAME),
    "stairwell": _code(MAX_CODE, ("号门", "单元", "门")),
    "unit": _code(MAX_UNIT_NUMBER, ("室", "号")),
    "floor": _whole(*FLOOR_RANGE, ("层", "楼", "F")),
    "exclusive_area_m2": _area,
    "area_source": _choice("area_source"),
    "usage": _choice("usage"),
    "owner_name": _text(MAX_NAME),
    "owner_phone": _phone,
    "owner_share": _share,
    "holder_kind": _choice("holder_kind"),
    "notes": str,
}
