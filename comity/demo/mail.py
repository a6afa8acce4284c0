"""The demo's e-mail backend: e-mails are kept on the staff outbox page (``/notifications/outbox/``), not sent
and not printed.

Generating the demo street notifies residents at every step of hundreds of appeals; Django's console backend
would print each of those e-mails into the terminal before the logins. Here each e-mail becomes one row of the
development outbox (:class:`~comity.notifications.models.OutboxMessage`), marked with its own channel so that it
is never mistaken for an SMS: the recipient's address where the outbox shows the number, the subject and the
body as the text.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMessage

from comity.notifications.models import OutboxMessage

CHANNEL = "e-mail (demo, not sent)"
OUTBOX_BACKEND = "comity.demo.mail.OutboxEmailBackend"
#: The outbox's address column is as wide as a phone number; the full addresses are in the text.
ADDRESS_WIDTH = OutboxMessage._meta.get_field("phone").max_length or 32


def _short(address: str) -> str:
    return address if len(address) <= ADDRESS_WIDTH else address[: ADDRESS_WIDTH - 1] + "…"


class OutboxEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        rows = []
        for message in email_messages:
            recipients = list(message.recipients())
            if not recipients:
                continue
            body = message.body if isinstance(message.body, str) else str(message.body)
            text = f"To: {', '.join(recipients)}\nSubject: {message.subject}\n\n{body}"
            rows.append(OutboxMessage(phone=_short(recipients[0]), text=text, channel=CHANNEL))
        OutboxMessage.objects.bulk_create(rows)
        return len(rows)


def forget_demo_emails(**filters: Any) -> int:
    """Delete the e-mails this backend kept (a reset of the demo starts with an empty outbox of e-mails)."""
    deleted, _ = OutboxMessage.objects.filter(channel=CHANNEL, **filters).delete()
    return deleted
