"""Exactly once, also at the same moment: two sweeps, two copies of a delivery, two runs of an opinion map.

On PostgreSQL (CI runs the suite there too) the threads start together and the row locks (``SKIP LOCKED``, the
delivery's ``FOR UPDATE``) and the advisory lock decide; SQLite allows one writer at a time, so there they run one
after another and the state checks decide.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any
from unittest import mock

import pytest
from django.db import connection, connections

from comity.consultations import tasks as consultation_tasks
from comity.consultations.models import Analysis
from comity.jobs import services
from comity.jobs.models import Job
from comity.jobs.services import publishing
from comity.notifications import channels as channels_module
from comity.notifications import tasks as notification_tasks
from comity.notifications.models import Delivery, DeliveryStatus, Notification

from ..cast import World
from .consultations import make_consultation

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _at_once(work: Callable[[], Any], copies: int) -> list[BaseException]:
    errors: list[BaseException] = []

    def run(barrier: threading.Barrier | None) -> None:
        try:
            if barrier is not None:
                barrier.wait(timeout=10)
            work()
        except BaseException as error:  # collected and asserted by the caller
            errors.append(error)
        finally:
            connections.close_all()

    if connection.vendor == "postgresql":
        barrier = threading.Barrier(copies)
        threads = [threading.Thread(target=run, args=(barrier,)) for _ in range(copies)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    else:
        for _ in range(copies):
            run(None)
    return errors


def test_two_sweeps_at_once_publish_every_job_once(world: World) -> None:
    jobs = [
        services.enqueue("tests.jobs.slow", value, community=world.harmony, after_commit=False)
        for value in range(12)
    ]
    sent: list[int] = []

    def slow_send(job: Job) -> None:
        time.sleep(0.02)
        sent.append(job.pk)

    with mock.patch.object(publishing, "_send", side_effect=slow_send):
        errors = _at_once(lambda: services.publish_pending(batch_size=4), copies=2)
    assert errors == []
    assert sorted(sent) == sorted(job.pk for job in jobs)
    assert not Job.objects.filter(published_at__isnull=True).exists()


def test_a_delivery_run_by_three_workers_at_once_is_sent_once(world: World, mailoutbox: list[Any]) -> None:
    resident = world.user("resident")
    resident.email = "rui@example.org"
    resident.save(update_fields=["email"])
    notification = Notification.objects.create(
        recipient=resident, kind="appeal.replied", summary="Replied", params={}, url="/"
    )
    delivery = Delivery.objects.create(notification=notification, channel="email")
    sends: list[str] = []
    real_send = channels_module.send_mail

    def slow_send_mail(*args: Any, **kwargs: Any) -> int:
        sends.append(kwargs.get("recipient_list", args[3] if len(args) > 3 else [""])[0])
        time.sleep(0.2)
        return int(real_send(*args, **kwargs))

    with mock.patch.object(channels_module, "send_mail", side_effect=slow_send_mail):
        errors = _at_once(lambda: notification_tasks.deliver.apply(args=[delivery.pk]), copies=3)
    assert errors == []
    assert sends == ["rui@example.org"]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 1)


def test_an_opinion_map_recomputed_by_two_workers_at_once_is_computed_once(world: World) -> None:
    consultation = make_consultation(world)
    Analysis.objects.filter(consultation=consultation).update(dirty=True)
    computed: list[int] = []
    real_compute = consultation_tasks.compute_analysis

    def slow_compute(consultation_id: int) -> Any:
        computed.append(consultation_id)
        time.sleep(0.3)
        return real_compute(consultation_id)

    with mock.patch.object(consultation_tasks, "compute_analysis", side_effect=slow_compute):
        errors = _at_once(
            lambda: consultation_tasks.recompute_analysis.apply(args=[consultation.pk]), copies=2
        )
    assert errors == []
    assert computed == [consultation.pk]
    assert not Analysis.objects.get(consultation=consultation).dirty
