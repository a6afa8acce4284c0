"""Notifications: written only after the caller commits, sent in the recipient's language, never in the way."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from smtplib import SMTPException
from typing import Any
from unittest import mock

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_noop

from comity.audit.models import AuditEntry
from comity.foundation.audit import record_audit
from comity.notifications import channels as channels_module
from comity.notifications import tasks
from comity.notifications.channels import FakeSmsChannel, channel_for
from comity.notifications.models import Delivery, DeliveryStatus, Notification, OutboxMessage
from comity.notifications.services import MAX_ATTEMPTS, notify
from comity.structure.models import Person

from ..cast import World
from ..conftest import CAST
from ..factories import UserFactory

#: A message that already has a Chinese translation (an audit summary), to check the language plumbing.
TRANSLATED = gettext_noop("Removed responsibility for %(category)s")
TRANSLATED_ZH = "删除职责：Lifts"
REPLIED = gettext_noop("Your appeal %(number)s was replied to")
LOGGED_IN = [role for role in CAST if role != "anonymous"]


def _give_email(user: Any, address: str, language: str = "") -> Any:
    user.email = address
    user.preferred_language = language
    user.save(update_fields=["email", "preferred_language"])
    return user


def _give_phone(user: Any, phone: str) -> None:
    Person.objects.filter(user=user).update(phone=phone)


def _notify_now(capture: Any, recipients: list[Any], **kwargs: Any) -> None:
    """Notify as a service would, inside its transaction, and run the on-commit callbacks."""
    kwargs.setdefault("kind", "appeal.replied")
    kwargs.setdefault("summary", REPLIED)
    kwargs.setdefault("params", {"number": "A-7"})
    with capture(execute=True), transaction.atomic():
        notify(recipients, **kwargs)


def _notification_for(
    user: Any, *, url: str = "/c/1/", summary: str = REPLIED, **params: Any
) -> Notification:
    return Notification.objects.create(
        recipient=user, kind="appeal.replied", summary=summary, params=params or {"number": "A-1"}, url=url
    )


# --- After commit, and never in the caller's way ---------------------------------------------------------


def test_nothing_is_created_when_the_callers_transaction_rolls_back(
    world: World, django_capture_on_commit_callbacks: Any, mailoutbox: list[Any]
) -> None:
    resident = _give_email(world.user("resident"), "rui@example.org")

    def failing_service() -> None:
        with transaction.atomic():
            notify([resident], kind="appeal.replied", summary=REPLIED, params={"number": "A-7"})
            raise RuntimeError("the service failed after notifying")

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        failing_service()
    assert callbacks == []
    assert Notification.objects.count() == 0
    assert Delivery.objects.count() == 0
    assert mailoutbox == []


def test_in_app_notification_is_created_only_after_commit(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    resident = world.user("resident")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            notify(
                [resident],
                kind="appeal.replied",
                summary=REPLIED,
                params={"number": "A-7"},
                url="/appeals/7/",
                community=world.harmony,
                channels=["in_app"],
            )
        assert Notification.objects.count() == 0
    # one callback creates it (the others bump the recipient's cached bell count: comity.notifications.badge)
    assert [callback.func.__name__ for callback in callbacks if callback.func.__name__ != "_bump"] == [
        "_create_and_queue"
    ]
    notification = Notification.objects.get()
    assert (notification.recipient, notification.community, notification.kind) == (
        resident,
        world.harmony,
        "appeal.replied",
    )
    assert (notification.summary, notification.params, notification.url) == (
        REPLIED,
        {"number": "A-7"},
        "/appeals/7/",
    )
    assert notification.in_app is True
    assert notification.read_at is None
    assert notification.text == "Your appeal A-7 was replied to"
    assert Delivery.objects.count() == 0


def test_inactive_users_none_and_duplicates_are_skipped(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    resident, owner = world.user("resident"), world.user("owner")
    gone = UserFactory(username="gone", is_active=False)
    _notify_now(django_capture_on_commit_callbacks, [resident, None, owner, resident, gone])
    assert sorted(Notification.objects.values_list("recipient__username", flat=True)) == ["olga", "rui"]


def test_recipients_without_email_or_phone_skip_those_channels(
    world: World, django_capture_on_commit_callbacks: Any, mailoutbox: list[Any]
) -> None:
    resident = _give_email(world.user("resident"), "rui@example.org")
    owner = world.user("owner")
    _give_phone(owner, "13800000002")
    _notify_now(
        django_capture_on_commit_callbacks, [resident, owner], channels=("in_app", "email", "sms", "fax")
    )
    assert sorted(Delivery.objects.values_list("notification__recipient__username", "channel")) == [
        ("olga", "sms"),
        ("rui", "email"),
    ]
    assert [message.to for message in mailoutbox] == [["rui@example.org"]]
    assert list(OutboxMessage.objects.values_list("phone", flat=True)) == ["13800000002"]


def test_a_failing_channel_marks_the_delivery_failed_without_raising_or_rolling_back(
    world: World, django_capture_on_commit_callbacks: Any, caplog: Any
) -> None:
    resident = _give_email(world.user("resident"), "rui@example.org")
    broken = mock.patch.object(channels_module, "send_mail", side_effect=SMTPException("connection refused"))
    with (
        broken,
        caplog.at_level(logging.WARNING, logger="comity.notifications"),
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
    ):
        record_audit(actor=resident, action="appeal.reply", summary=REPLIED, params={"number": "A-7"})
        notify([resident], kind="appeal.replied", summary=REPLIED, params={"number": "A-7"})
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == 1
    assert delivery.last_error == "SMTPException: connection refused"
    assert delivery.sent_at is None
    # The caller's work and the in-app notification stand.
    assert AuditEntry.objects.filter(action="appeal.reply").count() == 1
    assert Notification.objects.filter(recipient=resident).count() == 1
    assert "connection refused" in caplog.text


def test_an_error_while_creating_rows_is_logged_not_raised(
    world: World, django_capture_on_commit_callbacks: Any, caplog: Any
) -> None:
    resident = world.user("resident")
    broken = mock.patch.object(Notification.objects, "bulk_create", side_effect=RuntimeError("disk full"))
    with (
        broken,
        caplog.at_level(logging.ERROR, logger="comity.notifications"),
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
    ):
        record_audit(actor=resident, action="appeal.reply", summary=REPLIED, params={"number": "A-7"})
        notify([resident], kind="appeal.replied", summary=REPLIED, params={"number": "A-7"})
    assert AuditEntry.objects.filter(action="appeal.reply").count() == 1
    assert Notification.objects.count() == 0
    assert "Could not create the notification appeal.replied" in caplog.text
    assert "disk full" in caplog.text


def test_a_broker_that_refuses_the_task_leaves_the_delivery_failed_for_a_retry(
    world: World, django_capture_on_commit_callbacks: Any, mailoutbox: list[Any]
) -> None:
    resident = _give_email(world.user("resident"), "rui@example.org")
    with mock.patch.object(tasks.deliver, "delay", side_effect=ConnectionError("broker down")):
        _notify_now(django_capture_on_commit_callbacks, [resident])
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 0)
    assert delivery.last_error == "ConnectionError: broker down"
    assert mailoutbox == []

    call_command("retry_notifications")

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 1)
    assert len(mailoutbox) == 1


def test_a_worker_keeps_a_failed_delivery_pending_and_raises_so_celery_retries(world: World) -> None:
    resident = _give_email(world.user("resident"), "rui@example.org")
    delivery = Delivery.objects.create(notification=_notification_for(resident), channel="email")
    with (
        mock.patch.object(channels_module, "send_mail", side_effect=SMTPException("busy")),
        pytest.raises(SMTPException),
    ):
        tasks.attempt_delivery(delivery.pk, retry_later=True)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == (
        DeliveryStatus.PENDING,
        1,
        "SMTPException: busy",
    )


def test_the_delivery_task_retries_with_exponential_backoff_five_times() -> None:
    assert tasks.deliver.autoretry_for == (Exception,)
    assert tasks.deliver.retry_backoff is True
    assert tasks.deliver.max_retries == 5
    assert tasks.deliver.name == "comity.notifications.tasks.deliver"


def test_a_sent_delivery_is_not_sent_twice(world: World, mailoutbox: list[Any]) -> None:
    resident = _give_email(world.user("resident"), "rui@example.org")
    delivery = Delivery.objects.create(notification=_notification_for(resident), channel="email")
    tasks.deliver.delay(delivery.pk)
    tasks.deliver.delay(delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 1)
    assert delivery.sent_at is not None
    assert len(mailoutbox) == 1


# --- Retries ---------------------------------------------------------------------------------------------


def test_retry_command_resends_failed_deliveries_and_leaves_exhausted_ones(
    world: World, django_capture_on_commit_callbacks: Any, mailoutbox: list[Any], capsys: Any
) -> None:
    resident = _give_email(world.user("resident"), "rui@example.org")
    owner = _give_email(world.user("owner"), "olga@example.org")
    with mock.patch.object(channels_module, "send_mail", side_effect=SMTPException("down")):
        _notify_now(django_capture_on_commit_callbacks, [resident, owner])
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.FAILED}
    exhausted = Delivery.objects.get(notification__recipient=owner)
    Delivery.objects.filter(pk=exhausted.pk).update(attempts=MAX_ATTEMPTS)

    call_command("retry_notifications")

    retried = Delivery.objects.get(notification__recipient=resident)
    assert (retried.status, retried.attempts, retried.last_error) == (DeliveryStatus.SENT, 2, "")
    exhausted.refresh_from_db()
    assert (exhausted.status, exhausted.attempts) == (DeliveryStatus.FAILED, MAX_ATTEMPTS)
    assert [message.to for message in mailoutbox] == [["rui@example.org"]]
    assert "Re-queued 1 failed delivery." in capsys.readouterr().out


def test_retry_task_requeues_failed_deliveries(world: World, mailoutbox: list[Any]) -> None:
    resident = _give_email(world.user("resident"), "rui@example.org")
    delivery = Delivery.objects.create(
        notification=_notification_for(resident), channel="email", status=DeliveryStatus.FAILED, attempts=3
    )
    assert tasks.retry_failed_deliveries.delay().get() == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 4)
    assert len(mailoutbox) == 1


# --- Languages and e-mail --------------------------------------------------------------------------------


def test_email_goes_out_in_each_recipients_language(
    world: World, django_capture_on_commit_callbacks: Any, mailoutbox: list[Any], settings: Any
) -> None:
    settings.COMITY_SITE_URL = "https://comity.example.org/"
    chinese = _give_email(world.user("resident"), "rui@example.org", language="zh-hans")
    english = _give_email(world.user("owner"), "olga@example.org", language="")
    _notify_now(
        django_capture_on_commit_callbacks,
        [chinese, english],
        kind="responsibility.removed",
        summary=TRANSLATED,
        params={"category": "Lifts"},
        url="/c/1/matrix/",
    )
    by_address = {message.to[0]: message for message in mailoutbox}
    assert set(by_address) == {"rui@example.org", "olga@example.org"}
    assert TRANSLATED_ZH in by_address["rui@example.org"].subject
    assert by_address["rui@example.org"].body.startswith(TRANSLATED_ZH)
    assert "Removed responsibility for Lifts" in by_address["olga@example.org"].subject
    assert by_address["olga@example.org"].body.startswith("Removed responsibility for Lifts")
    for message in mailoutbox:
        assert "https://comity.example.org/c/1/matrix/" in message.body
    # The language of the request that notified is left alone.
    assert translation.get_language() == "en"


def test_channels_run_in_the_recipients_language_or_the_site_default(
    world: World, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.LANGUAGE_CODE = "zh-hans"
    chinese = _give_email(world.user("resident"), "rui@example.org", language="zh-hans")
    english = _give_email(world.user("owner"), "olga@example.org", language="en")
    unset = _give_email(world.user("grid_worker"), "gao@example.org", language="")
    seen: dict[str, str | None] = {}

    def record_language(subject: str, body: str, sender: Any, to: list[str], **kwargs: Any) -> int:
        seen[to[0]] = translation.get_language()
        return 1

    with mock.patch.object(channels_module, "send_mail", side_effect=record_language):
        _notify_now(django_capture_on_commit_callbacks, [chinese, english, unset])
    assert seen == {"rui@example.org": "zh-hans", "olga@example.org": "en", "gao@example.org": "zh-hans"}
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}


def test_the_page_shows_a_notification_in_the_readers_language(world: World) -> None:
    notification = _notification_for(world.user("resident"), summary=TRANSLATED, category="Lifts")
    assert notification.text == "Removed responsibility for Lifts"
    assert notification.text_in("zh-hans") == TRANSLATED_ZH
    with translation.override("zh-hans"):
        assert notification.text == TRANSLATED_ZH


def test_a_broken_template_shows_as_written_rather_than_failing(world: World) -> None:
    notification = Notification.objects.create(
        recipient=world.user("resident"), kind="x", summary="Appeal %(number)s", params={"other": 1}
    )
    assert notification.text == "Appeal %(number)s"


# --- The fake SMS channel --------------------------------------------------------------------------------


def test_fake_sms_channel_stores_the_message_in_the_outbox_instead_of_sending(
    world: World, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.COMITY_SITE_URL = "https://comity.example.org"
    resident = world.user("resident")
    resident.preferred_language = "zh-hans"
    resident.save(update_fields=["preferred_language"])
    _give_phone(resident, "13800000001")
    _notify_now(
        django_capture_on_commit_callbacks,
        [resident],
        summary=TRANSLATED,
        params={"category": "Lifts"},
        url="/c/1/",
        channels=["sms"],
    )
    message = OutboxMessage.objects.get()
    assert message.phone == "13800000001"
    assert message.text == f"{TRANSLATED_ZH} https://comity.example.org/c/1/"
    assert message.channel == FakeSmsChannel.label
    assert "not sent" in message.channel
    delivery = Delivery.objects.get()
    assert (delivery.channel, delivery.status, delivery.attempts) == ("sms", DeliveryStatus.SENT, 1)
    assert message.delivery == delivery
    # SMS only: the notification is not shown in the app.
    assert Notification.objects.get().in_app is False


def test_deliveries_and_outbox_messages_carry_their_notifications_community(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    resident = _give_email(world.user("resident"), "rui@example.org")
    _give_phone(resident, "13800000001")
    _notify_now(
        django_capture_on_commit_callbacks, [resident], community=world.harmony, channels=["email", "sms"]
    )
    assert {delivery.community_id for delivery in Delivery.objects.all()} == {world.harmony.pk}
    assert OutboxMessage.objects.get().community_id == world.harmony.pk
    Delivery.objects.all().delete()
    _notify_now(django_capture_on_commit_callbacks, [resident], channels=["email"])
    assert Delivery.objects.get().community_id is None


def test_fake_sms_channel_is_labelled_as_a_development_fake() -> None:
    assert "NOT connected to any SMS or messaging provider" in (FakeSmsChannel.__doc__ or "")
    assert isinstance(channel_for("sms"), FakeSmsChannel)


def test_sms_backend_is_chosen_by_setting(world: World, settings: Any) -> None:
    settings.COMITY_SMS_BACKEND = "tests.apps.test_notifications.RecordingSmsChannel"
    resident = world.user("resident")
    _give_phone(resident, "13800000001")
    delivery = Delivery.objects.create(notification=_notification_for(resident), channel="sms")
    RecordingSmsChannel.sent.clear()
    tasks.deliver.delay(delivery.pk)
    assert RecordingSmsChannel.sent == [delivery.pk]
    assert OutboxMessage.objects.count() == 0


class RecordingSmsChannel:
    """A stand-in provider for :func:`test_sms_backend_is_chosen_by_setting`."""

    name = "sms"
    sent: list[int] = []

    def send(self, delivery: Delivery) -> None:
        self.sent.append(delivery.pk)


# --- Pages: permissions for every member of the cast -----------------------------------------------------


@pytest.mark.parametrize("role", CAST)
def test_inbox_shows_each_user_only_their_own_notifications(role: str, world: World, client_for: Any) -> None:
    _notification_for(world.user("resident"), number="RUI-1")
    if role != "resident" and world.user(role) is not None:
        _notification_for(world.user(role), number=f"{role.upper()}-1")
    response = client_for(role).get(reverse("notifications:inbox"))
    if role == "anonymous":
        assert response.status_code == 302
        assert "/login/" in response["Location"]
        return
    assert response.status_code == 200
    body = response.content.decode()
    assert f"Your appeal {role.upper() if role != 'resident' else 'RUI'}-1 was replied to" in body
    assert ("RUI-1" in body) is (role == "resident")


@pytest.mark.parametrize("role", CAST)
def test_marking_ones_own_notification_read_opens_its_link(role: str, world: World, client_for: Any) -> None:
    user = world.user(role)
    notification = _notification_for(user, url="/appeals/9/") if user is not None else None
    url = reverse("notifications:read", args=[notification.pk if notification else 1])
    response = client_for(role).post(url)
    if role == "anonymous":
        assert response.status_code == 302
        assert "/login/" in response["Location"]
        return
    assert response.status_code == 302
    assert response["Location"] == "/appeals/9/"
    assert notification is not None
    notification.refresh_from_db()
    assert notification.read_at is not None


@pytest.mark.parametrize("role", CAST)
def test_nobody_can_mark_another_users_notification_read(role: str, world: World, client_for: Any) -> None:
    victim = world.user("resident") if role != "resident" else world.user("owner")
    notification = _notification_for(victim)
    response = client_for(role).post(reverse("notifications:read", args=[notification.pk]))
    if role == "anonymous":
        assert response.status_code == 302
        assert "/login/" in response["Location"]
    else:
        assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


@pytest.mark.parametrize("role", CAST)
def test_read_all_marks_only_ones_own_notifications(role: str, world: World, client_for: Any) -> None:
    others = _notification_for(world.user("owner") if role != "owner" else world.user("resident"))
    user = world.user(role)
    own = [_notification_for(user), _notification_for(user)] if user is not None else []
    response = client_for(role).post(reverse("notifications:read_all"))
    if role == "anonymous":
        assert response.status_code == 302
        assert "/login/" in response["Location"]
    else:
        assert response.status_code == 302
        assert response["Location"] == reverse("notifications:inbox")
    assert all(n.read_at is not None for n in Notification.objects.filter(pk__in=[n.pk for n in own]))
    others.refresh_from_db()
    assert others.read_at is None


@pytest.mark.parametrize("role", CAST)
def test_fake_sms_outbox_is_for_staff_only(role: str, world: World, client_for: Any) -> None:
    OutboxMessage.objects.create(phone="13800000001", text="Your appeal A-1 was replied to", channel="fake")
    response = client_for(role).get(reverse("notifications:outbox"))
    if role == "anonymous":
        assert response.status_code == 302
        assert "/login/" in response["Location"]
    elif role == "platform_staff":
        assert response.status_code == 200
        body = response.content.decode()
        assert "13800000001" in body
        assert "NOT connected to any SMS or messaging provider" in body
    else:
        assert response.status_code == 403
        assert "13800000001" not in response.content.decode()


def test_staff_who_are_not_superusers_see_the_outbox(world: World, client: Any) -> None:
    client.force_login(UserFactory(username="ops", is_staff=True))
    assert client.get(reverse("notifications:outbox")).status_code == 200


@pytest.mark.parametrize("name", ["read_all", "read"])
def test_marking_read_needs_a_post(name: str, world: World, client_for: Any) -> None:
    notification = _notification_for(world.user("resident"))
    args = [notification.pk] if name == "read" else []
    response = client_for("resident").get(reverse(f"notifications:{name}", args=args))
    assert response.status_code == 405
    notification.refresh_from_db()
    assert notification.read_at is None


# --- Pages: what they show -------------------------------------------------------------------------------


def test_inbox_lists_newest_first_highlights_unread_and_paginates(
    world: World, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    resident = world.user("resident")
    start = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    created = []
    for index in range(25):
        with time_machine.travel(start + timedelta(minutes=index), tick=False):
            created.append(_notification_for(resident, url=f"/appeals/{index}/", number=f"N{index:02}"))
    Notification.objects.filter(pk=created[24].pk).update(read_at=start + timedelta(hours=1))
    client = client_for("resident")
    with django_assert_max_num_queries(12):
        body = client.get(reverse("notifications:inbox")).content.decode()
    shown = [f"N{index:02}" for index in range(25) if f"Your appeal N{index:02} was" in body]
    assert shown == [f"N{index:02}" for index in range(5, 25)]
    assert body.index("N24") < body.index("N23") < body.index("N05")
    assert f'class="card" id="notification-{created[24].pk}"' in body
    assert f'class="card card--highlight" id="notification-{created[23].pk}"' in body
    assert 'href="/appeals/24/"' in body
    assert reverse("notifications:read", args=[created[23].pk]) in body
    assert "24 unread notifications" in body
    second = client.get(reverse("notifications:inbox") + "?page=2").content.decode()
    assert [f"N{index:02}" for index in range(25) if f"Your appeal N{index:02} was" in second] == [
        f"N{index:02}" for index in range(5)
    ]


def test_inbox_leaves_out_notifications_sent_only_by_email_or_sms(world: World, client_for: Any) -> None:
    resident = world.user("resident")
    hidden = _notification_for(resident, number="SMS-ONLY")
    Notification.objects.filter(pk=hidden.pk).update(in_app=False)
    _notification_for(resident, number="SHOWN")
    body = client_for("resident").get(reverse("notifications:inbox")).content.decode()
    assert "SHOWN" in body
    assert "SMS-ONLY" not in body
    assert "1 unread notification" in body


def test_links_off_the_site_are_not_followed(world: World, client_for: Any) -> None:
    resident = world.user("resident")
    external = _notification_for(resident, url="https://evil.example/")
    script = _notification_for(resident, url="javascript:alert(1)")
    client = client_for("resident")
    for notification in (external, script):
        response = client.post(reverse("notifications:read", args=[notification.pk]))
        assert response["Location"] == reverse("notifications:inbox")
    assert "javascript:" not in client.get(reverse("notifications:inbox")).content.decode()


def test_navigation_shows_the_unread_count_with_one_query(world: World, client_for: Any) -> None:
    resident = world.user("resident")
    _notification_for(resident)
    _notification_for(resident)
    read = _notification_for(resident)
    Notification.objects.filter(pk=read.pk).update(read_at=read.created_at)
    _notification_for(world.user("owner"))
    client = client_for("resident")
    with CaptureQueriesContext(connection) as queries:
        body = client.get(reverse("web:me")).content.decode()
    assert len([q for q in queries if "notifications_notification" in q["sql"]]) == 1
    assert 'id="unread-badge">2<' in body
    assert reverse("notifications:inbox") in body

    client.post(reverse("notifications:read_all"))
    assert 'id="unread-badge"' not in client.get(reverse("web:me")).content.decode()


def test_admin_labels_the_outbox_as_a_development_fake(world: World, client_for: Any) -> None:
    resident = world.user("resident")
    notification = _notification_for(resident)
    delivery = Delivery.objects.create(notification=notification, channel="sms", status=DeliveryStatus.SENT)
    OutboxMessage.objects.create(phone="13800000001", text="hello", channel="fake", delivery=delivery)
    client = client_for("platform_staff")
    outbox = client.get(reverse("admin:notifications_outboxmessage_changelist")).content.decode()
    assert "NOT connected to any SMS or messaging provider" in outbox
    assert "13800000001" in outbox
    detail = client.get(reverse("admin:notifications_notification_change", args=[notification.pk]))
    assert detail.status_code == 200
    assert "Your appeal A-1 was replied to" in detail.content.decode()
    assert client.get(reverse("admin:notifications_delivery_changelist")).status_code == 200
