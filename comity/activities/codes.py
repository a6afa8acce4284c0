"""The check-in code of a registration: what its QR code holds and what is printed under it.

``<activity>-<registration>-<mac>``: the mac is Django's signature of the two numbers under a salt that includes the
activity's random secret, shortened to ten letters and digits that read unambiguously aloud (base 32). A code copied
from another activity names that activity, so the scanner can say so; a guessed or altered code does not verify."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

from django.core import signing
from django.utils.crypto import constant_time_compare

from comity.activities.models import Activity, Registration

MAC_LENGTH = 10


def _mac(activity_id: int, secret: str, registration_id: int) -> str:
    signer = signing.Signer(salt=f"comity.activities.check_in.{secret}")
    signature = signer.signature(f"{activity_id}-{registration_id}")
    return base64.b32encode(hashlib.sha256(signature.encode()).digest()).decode()[:MAC_LENGTH]


def check_in_code(registration: Registration) -> str:
    activity = registration.activity
    return f"{activity.pk}-{registration.pk}-{_mac(activity.pk, activity.check_in_secret, registration.pk)}"


@dataclass(frozen=True)
class ParsedCode:
    activity_id: int
    registration_id: int
    mac: str


def parse(code: str) -> ParsedCode | None:
    """The parts of a code as scanned or typed (spaces ignored, letters in either case), or None if malformed."""
    parts = "".join(code.split()).upper().split("-")
    if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit() or len(parts[0]) > 12:
        return None
    if len(parts[1]) > 12 or len(parts[2]) != MAC_LENGTH:
        return None
    # Base 32 has no 0, 1 or 8: read as the letters they are mistaken for.
    return ParsedCode(int(parts[0]), int(parts[1]), parts[2].translate(str.maketrans("018", "OIB")))


def verifies(activity: Activity, parsed: ParsedCode) -> bool:
    expected = _mac(activity.pk, activity.check_in_secret, parsed.registration_id)
    return parsed.activity_id == activity.pk and constant_time_compare(expected, parsed.mac)
