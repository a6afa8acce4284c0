"""The activities app's personal information: who registered for which activity, and whether they came."""

from django.utils.translation import gettext_lazy as _

from comity.engine.privacy import Ending
from comity.foundation.personal_data import Holding, Retention, declare

declare(
    Holding(
        "activities.Registration",
        "activities",
        subject=("person", "user"),
        actors=("recorded_by", "checked_in_by"),
        retention=Retention(365, "activity__ends_at", Ending.DELETE),
    ),
    Holding(
        "activities.Activity",
        "staff_records",
        subject=(),
        actors=("created_by",),
        retention=Retention(None, ending=Ending.KEEP, reason=_("the record of who announced an activity")),
    ),
)
