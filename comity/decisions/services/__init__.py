"""Writes to decisions. Each service: one transaction, a permission check first, clear refusals in the user's
language (``ValidationError`` keyed by form field, or ``PermissionDenied``) and an audit entry — except ballots,
which go to the decision's hash-chained ballot log instead of the staff-readable audit log.
"""

from comity.decisions.services.parties import (
    add_minority_statement,
    record_mediation,
    submit_objection,
    withdraw_objection,
)
from comity.decisions.services.running import (
    add_affected_unit,
    cancel_decision,
    close_decision,
    close_now,
    create_decision,
    extend_voting,
    open_voting,
    record_proxy,
    remove_affected_unit,
    save_minutes,
    set_cost_plan,
    update_decision,
)
from comity.decisions.services.voting import (
    cast_ballot,
    check_paper_ballot,
    check_receipt,
    electors_for,
    enter_paper_ballot,
)

__all__ = [
    "add_affected_unit",
    "add_minority_statement",
    "cancel_decision",
    "cast_ballot",
    "check_paper_ballot",
    "check_receipt",
    "close_decision",
    "close_now",
    "create_decision",
    "electors_for",
    "enter_paper_ballot",
    "extend_voting",
    "open_voting",
    "record_mediation",
    "record_proxy",
    "remove_affected_unit",
    "save_minutes",
    "set_cost_plan",
    "submit_objection",
    "update_decision",
    "withdraw_objection",
]
