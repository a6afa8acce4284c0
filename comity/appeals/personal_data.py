"""The appeals app's personal information: who asked and how to reach them, the photos, who follows a public
appeal or says it affects them too, the rating, and the staff who handled each step.

An appeal's contact on the case (name and phone) is anonymised a year after it was closed and its photos deleted
after two (the register's ``appeals`` and ``appeal_photos`` periods); what was asked and how it was handled stays,
without the name, so that the handling rates still add up. A granted deletion unlinks the requester from closed
appeals at once, and keeps an appeal that is still being handled until it ends.
"""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from comity.appeals.models import Attachment
from comity.engine.appeals import FINISHED_STATUSES, OPEN_STATUSES, TERMINAL_STATUSES
from comity.engine.privacy import Ending
from comity.foundation.personal_data import Holding, Retention, declare

YEAR = 365

#: Handling is over (closed, visited, rated): the periods count from ``closed_at``.
FINISHED = sorted(str(status) for status in FINISHED_STATUSES)
#: Handling is still owed: a deletion waits for the end of it.
STILL_HANDLED = sorted(str(status) for status in OPEN_STATUSES)
#: Withdrawn by the requester or merged into another appeal: ended without a closing time of their own.
ENDED_UNHANDLED = sorted(str(status) for status in TERMINAL_STATUSES)

STILL_OPEN = _("your appeal is still being handled: withdraw it, or ask again after it is closed")


def delete_photos(rows: models.QuerySet[Any]) -> int:
    """Delete the photos' rows, and their files from storage once the transaction commits (a rollback keeps both)."""
    photos = list(rows.only("pk", "file"))
    files = [(photo.file.storage, photo.file.name) for photo in photos if photo.file.name]
    _total, counts = Attachment.objects.filter(pk__in=[photo.pk for photo in photos]).delete()

    def remove_files() -> None:
        for storage, name in files:
            storage.delete(name)

    transaction.on_commit(remove_files)
    return counts.get(Attachment._meta.label, 0)


def unlink_requester_steps(rows: models.QuerySet[Any]) -> int:
    """Take the requester's own account off the steps they took on their appeals (submitted, rated, withdrew);
    the staff who took the other steps stay named."""
    return rows.filter(actor__isnull=False, actor=F("appeal__requester_user")).update(actor=None)


declare(
    # Before the appeal: its steps are found through the appeal's requester, whom the appeal's erasure unlinks.
    Holding(
        "appeals.AppealEvent",
        "appeals",
        subject=("appeal__requester", "appeal__requester_user"),
        actors=("actor",),
        retention=Retention(
            None, ending=Ending.KEEP, reason=_("the timeline of how an appeal was handled, and by whom")
        ),
        erasure=Retention(
            None,
            ending=Ending.ANONYMISE,
            fields=("actor",),
            eraser=unlink_requester_steps,
            hold={"appeal__status__in": STILL_HANDLED},
            hold_reason=STILL_OPEN,
            reason=_("the steps staff took on your appeals stay in their timelines, without your name"),
        ),
    ),
    Holding(
        "appeals.Appeal",
        "appeals",
        subject=("requester", "requester_user"),
        actors=("recorded_by",),
        retention=Retention(
            YEAR,
            "closed_at",
            Ending.ANONYMISE,
            fields=("contact_name", "contact_phone"),
            only={"status__in": FINISHED},
            # Withdrawn and merged appeals have no closing time (the rates count by it): from when received.
            also=(
                Retention(
                    YEAR,
                    "received_at",
                    Ending.ANONYMISE,
                    fields=("contact_name", "contact_phone"),
                    only={"status__in": ENDED_UNHANDLED},
                ),
            ),
        ),
        erasure=Retention(
            None,
            ending=Ending.ANONYMISE,
            fields=("requester", "requester_user", "contact_name", "contact_phone"),
            hold={"status__in": STILL_HANDLED},
            hold_reason=STILL_OPEN,
            reason=_(
                "what an appeal asked and how it was handled stays, without your name, so that the handling "
                "rates still add up"
            ),
        ),
    ),
    Holding(
        "appeals.Attachment",
        "appeal_photos",
        subject=("appeal__requester", "appeal__requester_user"),
        actors=("uploaded_by",),
        retention=Retention(
            2 * YEAR,
            "appeal__closed_at",
            Ending.DELETE,
            only={"appeal__status__in": FINISHED},
            eraser=delete_photos,
            also=(
                Retention(
                    2 * YEAR,
                    "appeal__received_at",
                    Ending.DELETE,
                    only={"appeal__status__in": ENDED_UNHANDLED},
                    eraser=delete_photos,
                ),
            ),
        ),
        erasure=Retention(
            None,
            ending=Ending.DELETE,
            eraser=delete_photos,
            hold={"appeal__status__in": STILL_HANDLED},
            hold_reason=STILL_OPEN,
        ),
    ),
    Holding(
        "appeals.AppealFollower",
        "participation",
        subject=("user",),
        # Nothing more is heard of an appeal a year after it was closed.
        retention=Retention(YEAR, "appeal__closed_at", Ending.DELETE, only={"appeal__status__in": FINISHED}),
    ),
    Holding(
        "appeals.AppealMeToo",
        "participation",
        subject=("user",),
        retention=Retention(
            None,
            ending=Ending.DELETE,
            reason=_("counted on the public appeal while it is shown; gone on request"),
        ),
    ),
    Holding(
        "appeals.Rating",
        "appeals",
        subject=("appeal__requester", "appeal__requester_user"),
        actors=("collected_by",),
        retention=Retention(YEAR, "rated_at", Ending.ANONYMISE, fields=("comment",)),
        erasure=Retention(
            None,
            ending=Ending.ANONYMISE,
            fields=("comment",),
            reason=_("your rating of the handling is counted in the rates, without your comment"),
        ),
    ),
    Holding(
        "appeals.Dispatch",
        "staff_records",
        subject=(),
        actors=("dispatched_by", "signed_for_by"),
        retention=Retention(
            None, ending=Ending.KEEP, reason=_("the record of who was sent an appeal and who signed for it")
        ),
    ),
)
