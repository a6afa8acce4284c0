"""Writes to decisions. Each service: one transaction (``@service``), a permission check first, clear refusals in
the user's language (``ValidationError`` keyed by form field, or ``PermissionDenied``) and an audit entry — except
ballots, which go to the decision's hash-chained ballot log instead of the staff-readable audit log.

Reads (who may vote for whom, receipt checks, the lists the pages show) are in :mod:`comity.decisions.selectors`.
"""

from comity.decisions.services.drafting import (
    add_affected_unit,
    create_decision,
    remove_affected_unit,
    set_cost_plan,
    update_decision,
)
from comity.decisions.services.inputs import CostPlanData, DecisionData
from comity.decisions.services.parties import (
    add_minority_statement,
    record_mediation,
    submit_objection,
    withdraw_objection,
)
from comity.decisions.services.running import (
    Opened,
    cancel_decision,
    close_decision,
    close_now,
    extend_voting,
    open_voting,
    save_minutes,
)
from comity.decisions.services.voting import (
    cast_ballot,
    check_paper_ballot,
    enter_paper_ballot,
    record_proxy,
)

__all__ = [
    "CostPlanData",
    "DecisionData",
    "Opened",
    "add_affected_unit",
    "add_minority_statement",
    "cancel_decision",
    "cast_ballot",
    "check_paper_ballot",
    "close_decision",
    "close_now",
    "create_decision",
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
