"""The consultations app's personal information: statements and votes (participation), and who ran and
moderated a consultation (staff records).

A participant's statements and votes stay with their consultation: the opinion map and the report are built from
them. A granted deletion takes the participant's name off: a statement loses its author, and a vote keeps its
value under a number of its own in that consultation (as a participant of an imported Pol.is conversation has),
so that the opinion map still sees one participant and no account is linked to it."""

from typing import Any

from django.db.models import Max, QuerySet
from django.utils.translation import gettext_lazy as _

from comity.consultations.models import Consultation, Vote
from comity.consultations.services import mark_analysis_dirty
from comity.engine.privacy import Ending
from comity.foundation.personal_data import Holding, Retention, declare

WITH_CONSULTATION = _("kept with its consultation: the opinion map and the report are built from it")
CONSULTATION_RECORD = _("the record of the consultation the committee held")


def pseudonymise_votes(votes: QuerySet[Any]) -> int:
    """Unlink these votes from their participants' accounts: each participant's votes in a consultation get one
    new number there (``imported_participant``, which the opinion map keeps apart from accounts), and the map is
    computed again without the account. Returns how many votes changed."""
    changed = 0
    pairs = (
        votes.filter(participant__isnull=False)
        .order_by()
        .values_list("consultation_id", "participant_id")
        .distinct()
    )
    for consultation_id, participant_id in list(pairs):
        top = Vote.objects.filter(consultation_id=consultation_id).aggregate(top=Max("imported_participant"))[
            "top"
        ]
        changed += votes.filter(consultation_id=consultation_id, participant_id=participant_id).update(
            participant=None, imported_participant=(top or 0) + 1
        )
        mark_analysis_dirty(Consultation.objects.get(pk=consultation_id))
    return changed


declare(
    Holding(
        "consultations.Consultation",
        "staff_records",
        subject=(),
        actors=("created_by",),
        retention=Retention(None, ending=Ending.KEEP, reason=CONSULTATION_RECORD),
    ),
    Holding(
        "consultations.Statement",
        "participation",
        subject=("author",),
        actors=("moderated_by",),
        retention=Retention(None, ending=Ending.KEEP, reason=WITH_CONSULTATION),
        erasure=Retention(None, ending=Ending.ANONYMISE, fields=("author",)),
    ),
    Holding(
        "consultations.Vote",
        "participation",
        subject=("participant",),
        retention=Retention(None, ending=Ending.KEEP, reason=WITH_CONSULTATION),
        erasure=Retention(None, ending=Ending.ANONYMISE, eraser=pseudonymise_votes),
    ),
    Holding(
        "consultations.DecisionDraft",
        "staff_records",
        subject=(),
        actors=("created_by",),
        retention=Retention(None, ending=Ending.KEEP, reason=CONSULTATION_RECORD),
    ),
)
