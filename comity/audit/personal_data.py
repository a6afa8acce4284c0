"""The audit log's personal information: who made each change."""

from django.utils.translation import gettext_lazy as _

from comity.engine.privacy import Ending
from comity.foundation.personal_data import Holding, Retention, declare

declare(
    Holding(
        "audit.AuditEntry",
        "staff_records",
        subject=(),
        actors=("actor",),
        retention=Retention(
            None,
            ending=Ending.KEEP,
            reason=_(
                "the audit log is the record of who changed what, kept as long as the records it describes"
            ),
        ),
    ),
)
