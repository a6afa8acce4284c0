"""Writes of the ngos app: profiles and catalogues (``profiles``), filings (``filing``), incubation and hosted
money (``incubation``), grades (``grading``)."""

from comity.ngos.services.filing import decide_filing, review_filing, save_filing
from comity.ngos.services.grading import record_grade
from comity.ngos.services.incubation import (
    apply_for_incubation,
    move_incubation,
    record_hosted_money,
    record_support,
)
from comity.ngos.services.profiles import add_offer, create_profile, update_profile, withdraw_offer

__all__ = [
    "add_offer",
    "apply_for_incubation",
    "create_profile",
    "decide_filing",
    "move_incubation",
    "record_grade",
    "record_hosted_money",
    "record_support",
    "review_filing",
    "save_filing",
    "update_profile",
    "withdraw_offer",
]
