"""The ngos app's personal information: an organisation's contact person, and who filed, reviewed, decided,
recorded support, hosted money and grades (staff records of the organisations' register)."""

from django.utils.translation import gettext_lazy as _

from comity.engine.privacy import Ending
from comity.foundation.personal_data import Holding, Retention, declare

_REGISTER = _("the register of community organisations and its decisions, kept while the organisation exists")


def _staff(model: str, *actors: str) -> Holding:
    return Holding(
        model,
        "staff_records",
        subject=(),
        actors=actors,
        retention=Retention(None, ending=Ending.KEEP, reason=_REGISTER),
    )


declare(
    # The contact person's name and phone are the organisation's public contact, given by the organisation.
    Holding(
        "ngos.OrganisationProfile",
        "staff_records",
        subject=(),
        actors=("updated_by",),
        retention=Retention(None, ending=Ending.KEEP, reason=_REGISTER),
    ),
    _staff("ngos.Filing", "created_by", "submitted_by", "reviewed_by", "decided_by"),
    _staff("ngos.FilingDocument", "uploaded_by"),
    _staff("ngos.Incubation", "moved_by"),
    _staff("ngos.SupportGiven", "recorded_by"),
    _staff("ngos.HostedEntry", "recorded_by"),
    _staff("ngos.Grade", "recorded_by"),
)
