"""The privacy app's own personal information: consents, requests, the access log and its alerts."""

from django.utils.translation import gettext_lazy as _

from comity.engine.privacy import Ending
from comity.foundation.personal_data import Holding, Retention, declare

declare(
    Holding(
        "privacy.Consent",
        "account",
        subject=("person", "guardian"),
        actors=("recorded_by", "withdrawn_by"),
        retention=Retention(
            None,
            ending=Ending.KEEP,
            reason=_("the proof of consent, kept while the person is in the register"),
        ),
    ),
    Holding(
        "privacy.RightsRequest",
        "account",
        subject=("person", "user"),
        actors=("recorded_by", "answered_by"),
        retention=Retention(3 * 365, "answered_at", Ending.DELETE, only={"answered_at__isnull": False}),
        erasure=Retention(
            None, ending=Ending.KEEP, reason=_("the record of how the request was answered (PIPL Art. 50)")
        ),
    ),
    Holding(
        "privacy.AccessRecord",
        "access_log",
        subject=("person",),
        actors=("viewer",),
        retention=Retention(3 * 365, "at", Ending.DELETE),
        erasure=Retention(
            None, ending=Ending.KEEP, reason=_("the security log of who read personal data (PIPL Art. 51)")
        ),
    ),
    Holding(
        "privacy.AccessAlert",
        "staff_records",
        subject=(),
        actors=("viewer", "reviewed_by"),
        retention=Retention(3 * 365, "raised_at", Ending.DELETE),
    ),
)
