"""Ways to reach a recipient outside the app. Each channel sends one :class:`Delivery` and raises on failure.

A real SMS or messaging-app provider is plugged in by writing a class with the same two members as
:class:`Channel` and naming it in the ``COMITY_SMS_BACKEND`` setting (see ``docs/notifications.md``).
"""

from __future__ import annotations

from typing import Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string
from django.utils.translation import gettext, override

from comity.notifications.models import Delivery, OutboxMessage, language_of
from comity.structure.models import Person

EMAIL = "email"
SMS = "sms"
#: The external channels, in the order they are tried. In-app notifications are the Notification rows themselves.
EXTERNAL_CHANNELS = (EMAIL, SMS)


class Channel(Protocol):
    name: str

    def send(self, delivery: Delivery) -> None:
        """Send the delivery's notification to its recipient; raise on any failure so it is retried."""
        ...


def absolute_link(url: str) -> str:
    """Links in e-mails and SMS must work outside the browser session: prefix the site's address."""
    if not url or url.startswith(("http://", "https://")):
        return url
    return settings.COMITY_SITE_URL.rstrip("/") + "/" + url.lstrip("/")


def phone_of(user_id: int) -> str:
    """The phone number on the registry record linked to the account, or ``""``."""
    phone = (
        Person.objects.filter(user_id=user_id)
        .exclude(phone="")
        .order_by("pk")
        .values_list("phone", flat=True)
        .first()
    )
    return phone or ""


class EmailChannel:
    name = EMAIL

    def send(self, delivery: Delivery) -> None:
        notification = delivery.notification
        recipient = notification.recipient
        if not recipient.email:
            raise ValueError("The recipient has no e-mail address.")
        with override(language_of(recipient)):
            text = notification.text
            subject = gettext("Comity: %(text)s") % {"text": text}
            lines = [text]
            link = absolute_link(notification.url)
            if link:
                lines += ["", gettext("Open: %(link)s") % {"link": link}]
            lines += [
                "",
                "—",
                gettext("You receive this e-mail because you have an account on Comity."),
            ]
            body = "\n".join(lines)
            # A subject must be one line.
            send_mail(" ".join(subject.split())[:200], body, None, [recipient.email], fail_silently=False)


class FakeSmsChannel:
    """DEVELOPMENT FAKE — NOT connected to any SMS or messaging provider.

    It only stores each message it would have sent as an :class:`OutboxMessage`, so that tests, the demo and
    staff (``/notifications/outbox/``) can see what recipients would receive. Production replaces it with a
    real provider through the ``COMITY_SMS_BACKEND`` setting.
    """

    name = SMS
    label = "fake-sms (development, not sent)"

    def send(self, delivery: Delivery) -> None:
        notification = delivery.notification
        phone = phone_of(notification.recipient_id)
        if not phone:
            raise ValueError("The recipient has no phone number.")
        OutboxMessage.objects.create(
            community_id=notification.community_id,
            phone=phone,
            text=sms_text(delivery),
            channel=self.label,
            delivery=delivery,
        )


def sms_text(delivery: Delivery) -> str:
    """A short message in the recipient's language: the text and the link."""
    notification = delivery.notification
    text = notification.text_in(language_of(notification.recipient))
    link = absolute_link(notification.url)
    return f"{text} {link}" if link else text


def channel_for(name: str) -> Channel:
    """The channel that sends deliveries named ``name``; ``KeyError`` for an unknown name."""
    if name == EMAIL:
        return EmailChannel()
    if name == SMS:
        backend: type[Channel] = import_string(settings.COMITY_SMS_BACKEND)
        return backend()
    raise KeyError(name)
