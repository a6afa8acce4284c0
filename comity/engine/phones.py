"""Mainland Chinese phone numbers as people type them, checked and stored in one spelling.

* **Mobile:** 11 digits ``1[3-9]xxxxxxxxx`` (the MIIT numbering plan's mobile blocks), optionally after the
  country code ``+86``, ``86`` or ``0086``, with spaces, dashes, dots or brackets anywhere. Stored as the
  11 digits: ``+86 139-1234-5678`` → ``13912345678``.
* **Landline:** the trunk prefix 0 and an area code, then the local number — three-digit area codes
  (``010`` Beijing, ``02x``) take 8 local digits, four-digit ones (``0755`` Shenzhen, ``0571`` …) 7 or 8 —
  optionally with an extension after ``转``, ``分机``, ``ext``, ``x``, ``#`` or a further dash. Stored as
  ``010-12345678`` or ``0755-1234567-801``. With the country code the trunk 0 is dropped (``+86 10 1234 5678``).

Numbers without an area code, short service numbers and foreign numbers are refused with :class:`PhoneError`,
so a person is asked to type the number a caller would dial.
"""

from __future__ import annotations

import re
import unicodedata

_SEPARATORS = re.compile(r"[\s\-.()（）·/]+")
_EXTENSION = re.compile(r"^(?P<main>.+?)(?:转|分机|ext\.?|x|#)(?P<ext>\d{1,6})$", re.IGNORECASE)
_COUNTRY = re.compile(r"^(?:\+86|0086|86)(?=\d{10,})")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0(?P<area>10|2\d|[3-9]\d{2})(?P<local>\d{7,8})$")
_DASHED_EXTENSION = re.compile(r"^(?P<main>[+\d][\d\s.()（）]*-[\d\s]+)-(?P<ext>\d{1,6})$")

#: The most a stored number takes: "0755-12345678-123456".
MAX_STORED = 20


class PhoneError(ValueError):
    """The text is not a mainland mobile or landline number."""


def normalise_phone(text: str) -> str:
    """The number in its stored spelling, or :class:`PhoneError`. Empty text stays empty."""
    text = unicodedata.normalize("NFKC", text).strip()
    if not text:
        return ""
    if len(text) > 40:
        raise PhoneError(text)
    extension = ""
    if match := _EXTENSION.match(text.replace(" ", "")):
        text, extension = match.group("main"), match.group("ext")
    elif match := _DASHED_EXTENSION.match(text):
        candidate = _SEPARATORS.sub("", match.group("main"))
        if _LANDLINE.match(_COUNTRY.sub("0", candidate, count=1) if candidate[:1] != "0" else candidate):
            text, extension = match.group("main"), match.group("ext")
    digits = _SEPARATORS.sub("", text)
    international = bool(_COUNTRY.match(digits))
    if international:
        digits = _COUNTRY.sub("", digits, count=1)
    if not extension and _MOBILE.match(digits):
        return digits
    if international and not digits.startswith("0"):
        digits = "0" + digits
    if landline := _LANDLINE.match(digits):
        area, local = landline.group("area"), landline.group("local")
        if len(area) == 2 and len(local) != 8:
            raise PhoneError(text)
        stored = f"0{area}-{local}"
        return f"{stored}-{extension}" if extension else stored
    raise PhoneError(text)


def is_phone(text: str) -> bool:
    try:
        normalise_phone(text)
    except PhoneError:
        return False
    return True
