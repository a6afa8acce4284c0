"""The decisions app's personal information: the frozen register of electors, how each voted, proxies, objections
and minority statements, and the staff who ran the vote.

A decision's record is kept under the law (Civil Code Arts. 278–280: owners may inspect it and ask a court to
revoke a decision): nothing of it expires. A granted deletion pseudonymises the person's electors in a decided (or
cancelled) vote — their name, units and register key go, the person is taken off the elector, and the pseudonym the
ballot log names them by stays (ADR 0012), so the log still verifies and the count still adds up. While the vote is
open the elector is kept: the register is frozen until it closes.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from comity.decisions.models import DecisionStatus, Elector
from comity.engine.privacy import Ending
from comity.foundation.personal_data import Holding, Retention, declare

DECISION_RECORD = _("part of the decision's record, which owners may inspect and a court may ask for")


def pseudonymise_electors(rows: models.QuerySet[Any]) -> int:
    """Blank the electors' names and units and replace their register keys (which carry the registry's person and
    household ids) by their pseudonym. The ballot log holds pseudonyms only and the stored result names affected
    owners by pseudonym (``computing.without_keys``), so neither changes."""
    changed = 0
    for pk, pseudonym in rows.values_list("pk", "pseudonym"):
        changed += Elector.objects.filter(pk=pk).update(label="", units="", key=f"x:{pseudonym or pk}")
    return changed


declare(
    Holding(
        "decisions.Elector",
        "ballots",
        subject=("persons",),
        retention=Retention(
            None,
            ending=Ending.KEEP,
            reason=_("the register of a decision is kept as the record of who could vote"),
        ),
        erasure=Retention(
            None,
            ending=Ending.ANONYMISE,
            fields=("label", "units"),
            eraser=pseudonymise_electors,
            hold={"decision__status": DecisionStatus.OPEN},
            hold_reason=_("the vote is still open: ask again after it closes"),
            reason=_(
                "your ballot in a decided vote is kept under the law, but your name and units were taken off it: "
                "the ballot log names it by its pseudonym only, and still verifies"
            ),
        ),
    ),
    Holding(
        "decisions.Participation",
        "ballots",
        subject=("elector__persons",),
        actors=("cast_by", "checked_by"),
        retention=Retention(None, ending=Ending.KEEP, reason=DECISION_RECORD),
    ),
    Holding(
        "decisions.Ballot",
        "ballots",
        subject=("participation__elector__persons",),
        exclude=("receipt_hash",),
        retention=Retention(None, ending=Ending.KEEP, reason=DECISION_RECORD),
    ),
    Holding(
        "decisions.ProxyAuthorization",
        "ballots",
        subject=("proxy", "elector__persons"),
        actors=("recorded_by",),
        retention=Retention(
            None,
            ending=Ending.KEEP,
            reason=_("a written proxy authorization is part of the decision's record"),
        ),
    ),
    Holding(
        "decisions.Objection",
        "ballots",
        subject=("author", "elector__persons"),
        retention=Retention(None, ending=Ending.KEEP, reason=DECISION_RECORD),
    ),
    Holding(
        "decisions.MinorityStatement",
        "ballots",
        subject=("author", "elector__persons"),
        retention=Retention(None, ending=Ending.KEEP, reason=DECISION_RECORD),
    ),
    Holding(
        "decisions.Mediation",
        "staff_records",
        subject=(),
        actors=("recorded_by",),
        retention=Retention(None, ending=Ending.KEEP, reason=DECISION_RECORD),
    ),
    Holding(
        "decisions.Decision",
        "staff_records",
        subject=(),
        actors=("created_by",),
        retention=Retention(None, ending=Ending.KEEP, reason=DECISION_RECORD),
    ),
)
