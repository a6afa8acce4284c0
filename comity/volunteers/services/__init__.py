"""Writes of the volunteers app: hours (``hours``) and the time bank (``bank``); import each from its module."""

from comity.volunteers.services.bank import post_roll, redeem, set_policy, transfer
from comity.volunteers.services.hours import (
    record_activity_hours,
    record_hours,
    reject_hours,
    revoke_hours,
    verify_hours,
)

__all__ = [
    "post_roll",
    "record_activity_hours",
    "record_hours",
    "redeem",
    "reject_hours",
    "revoke_hours",
    "set_policy",
    "transfer",
    "verify_hours",
]
