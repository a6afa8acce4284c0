"""The outbox: work is written with the change that needs it, published after the commit, never lost and never
done twice — and a request never waits on a broker that is down."""

from __future__ import annotations

import datetime
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from io import StringIO
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from celery import shared_task
from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.urls import reverse
from django.utils import timezone
from health_check.exceptions import ServiceUnavailable

from comity.config.celery import app
from comity.consultations import services as consultations
from comity.consultations import tasks as consultation_tasks
from comity.consultations.models import Analysis
from comity.jobs import services
from comity.jobs.health import OutboxBacklogCheck, WorkerHeartbeatCheck
from comity.jobs.heartbeat import record_heartbeat
from comity.jobs.locks import _advisory_key, run_alone
from comity.jobs.models import Job
from comity.jobs.services.common import _reset_breaker
from comity.notifications import tasks as notification_tasks
from comity.notifications.models import Delivery, DeliveryStatus, Notification
from comity.notifications.services import notify

from ..cast import World
from ..conftest import CAST
from .consultations import make_consultation

#: A port of this helper's range that nothing listens on: the broker "down".
CLOSED_PORT = 7199
RAN: list[Any] = []


@shared_task(name="tests.jobs.note")
def note(value: Any) -> None:
    RAN.append(value)


@pytest.fixture(autouse=True)
def _fresh() -> Iterator[None]:
    RAN.clear()
    _reset_breaker()
    yield
    _reset_breaker()


def _use_broker(url: str) -> None:
    """Point Celery at ``url`` with eager mode off, dropping the pools bound to the previous broker."""
    app.conf.broker_url = url
    app.conf.task_always_eager = False
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def broker_down() -> Iterator[None]:
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", CLOSED_PORT)) != 0, "the test's closed port is in use"
    previous = (app.conf.broker_url, app.conf.task_always_eager)
    _use_broker(f"redis://127.0.0.1:{CLOSED_PORT}/0")
    try:
        yield
    finally:
        _drain()
        _use_broker(previous[0])
        app.conf.task_always_eager = previous[1]


def _drain() -> list[tuple[str, list[Any], dict[str, Any]]]:
    """Take every message off the in-memory broker's queue: what a worker would receive, in order."""
    if not app.conf.broker_url.startswith("memory://"):
        return []
    messages = []
    with app.connection_for_read() as connection:
        queue = connection.SimpleQueue(app.conf.task_default_queue)
        while True:
            try:
                message = queue.get(block=False)
            except queue.Empty:
                break
            args, kwargs, _embed = message.decode()
            messages.append((message.headers["task"], args, kwargs))
            message.ack()
        queue.close()
    return messages


def _work(messages: list[tuple[str, list[Any], dict[str, Any]]]) -> None:
    """Run received messages as a worker would (each task's own code, in this process)."""
    for name, args, kwargs in messages:
        app.tasks[name].apply(args=args, kwargs=kwargs)


def _give_email(user: Any) -> Any:
    user.email = f"{user.username}@example.org"
    user.save(update_fields=["email"])
    return user


# --- Written with the change, published after it -----------------------------------------------------------


def test_a_job_is_written_in_the_callers_transaction_and_runs_after_the_commit(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        job = services.enqueue(note, "hello", community=world.harmony)
        assert Job.objects.filter(pk=job.pk, published_at__isnull=True).exists()
        assert RAN == []
    job.refresh_from_db()
    assert RAN == ["hello"]
    assert (job.task, job.args, job.community_id) == ("tests.jobs.note", ["hello"], world.harmony.pk)
    assert job.published_at is not None
    assert (job.attempts, job.last_error) == (1, "")


def test_a_rolled_back_change_leaves_no_job_and_publishes_nothing(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:

    def failing_change() -> None:
        with transaction.atomic():
            services.enqueue(note, "never", community=world.harmony)
            raise RuntimeError("the change failed")

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        failing_change()
    assert callbacks == []
    assert not Job.objects.exists()
    assert RAN == []


def test_the_same_work_queued_twice_in_one_change_is_one_job(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        first = services.enqueue(note, 1, community=world.harmony, dedupe_key="note:1")
        second = services.enqueue(note, 1, community=world.harmony, dedupe_key="note:1")
        services.enqueue(note, 1, community=world.harmony)  # no key: never merged
    assert first.pk == second.pk
    assert Job.objects.count() == 2
    assert RAN == [1, 1]


def test_a_vote_queues_the_opinion_map_through_the_outbox(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    consultation = make_consultation(world)
    with django_capture_on_commit_callbacks(execute=True):
        consultations.cast_vote(world.user("resident"), consultation.statements.get(number=0), 1)
    job = Job.objects.get(task="comity.consultations.recompute_analysis")
    assert (job.args, job.community_id, job.dedupe_key) == (
        [consultation.pk],
        consultation.community_id,
        f"analysis:{consultation.pk}",
    )
    assert job.published_at is not None
    assert Analysis.objects.get(consultation=consultation).votes_seen == 1


# --- The broker down: the request does not wait, nothing is lost --------------------------------------------


def test_with_the_broker_down_a_notification_returns_at_once_and_its_job_waits_for_the_sweep(
    world: World, django_capture_on_commit_callbacks: Any, mailoutbox: list[Any], broker_down: None
) -> None:
    resident, owner = _give_email(world.user("resident")), _give_email(world.user("owner"))
    started = time.monotonic()
    for user in (resident, owner):
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            notify(
                [user],
                kind="appeal.replied",
                summary="Your appeal %(number)s was replied to",
                params={"number": "A-1"},
                community=world.harmony,
            )
    # One connection attempt (refused at once), then the circuit breaker: the second request does not even try.
    assert time.monotonic() - started < 3
    jobs = list(Job.objects.order_by("pk"))
    assert [job.published_at for job in jobs] == [None, None]
    assert [job.attempts for job in jobs] == [1, 0]
    assert "OperationalError" in jobs[0].last_error
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.FAILED}
    assert mailoutbox == []

    # The broker is back: the sweep publishes both, oldest first; the retry of failed deliveries, running before
    # a worker got to them, queues them again. Each is published twice, and delivered once.
    _use_broker("memory://")
    assert services.publish_pending() == 2
    assert not Job.objects.filter(published_at__isnull=True).exists()
    assert notification_tasks.requeue_failed_deliveries() == 2
    received = _drain()
    deliveries = [jobs[0].args[0], jobs[1].args[0]]
    assert [(name, args[0]) for name, args, _kwargs in received] == [
        ("comity.notifications.tasks.deliver", delivery) for delivery in deliveries * 2
    ]
    _work(received)
    _work(received)  # and every message redelivered once more, as after a worker was killed
    assert sorted(message.to[0] for message in mailoutbox) == ["olga@example.org", "rui@example.org"]
    assert set(Delivery.objects.values_list("status", "attempts")) == {(DeliveryStatus.SENT, 1)}


def test_with_the_broker_down_a_vote_stands_and_its_map_is_computed_once_the_broker_is_back(
    world: World, django_capture_on_commit_callbacks: Any, broker_down: None
) -> None:
    consultation = make_consultation(world)
    Job.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        consultations.cast_vote(world.user("resident"), consultation.statements.get(number=0), 1)
    job = Job.objects.get(task="comity.consultations.recompute_analysis")
    assert job.published_at is None
    assert Analysis.objects.get(consultation=consultation).computed_at is None

    _use_broker("memory://")
    assert services.publish_pending() == 1
    received = _drain()
    _work(received)
    analysis = Analysis.objects.get(consultation=consultation)
    assert analysis.votes_seen == 1
    computed = analysis.computed_at
    _work(received)  # delivered again: the map is up to date, nothing is computed
    assert Analysis.objects.get(consultation=consultation).computed_at == computed


def test_with_the_broker_down_a_resident_votes_on_the_page_without_an_error(
    world: World, client_for: Any, django_capture_on_commit_callbacks: Any, broker_down: None
) -> None:
    consultation = make_consultation(world)
    statement = consultation.statements.get(number=1)
    url = reverse("consultations:detail", args=[world.harmony.pk, consultation.pk])
    client = client_for("resident")
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"step": "vote", "statement": statement.pk, "value": "1"})
    assert time.monotonic() - started < 3
    assert response.status_code == 302
    assert statement.votes.filter(participant=world.user("resident"), value=1).exists()
    job = Job.objects.get(task="comity.consultations.recompute_analysis", published_at__isnull=True)
    assert "OperationalError" in job.last_error


def test_the_breaker_lets_requests_try_again_once_the_sweep_has_reached_the_broker(
    world: World, broker_down: None
) -> None:
    first = services.enqueue(note, 1, community=world.harmony, after_commit=False)
    with pytest.raises(services.NotPublished, match="OperationalError"):
        services.publish(first.pk)
    second = services.enqueue(note, 2, community=world.harmony, after_commit=False)
    with pytest.raises(services.NotPublished, match="unreachable moments ago"):
        services.publish(second.pk)
    _use_broker("memory://")
    assert services.publish_pending(batch_size=1) == 2
    third = services.enqueue(note, 3, community=world.harmony, after_commit=False)
    services.publish(third.pk)
    assert [args for _name, args, _kwargs in _drain()] == [[1], [2], [3]]


def test_the_sweep_stops_at_a_broker_failure_and_keeps_the_rest_for_later(
    world: World, broker_down: None
) -> None:
    for value in range(3):
        services.enqueue(note, value, community=world.harmony, after_commit=False)
    assert services.publish_pending() == 0
    assert list(Job.objects.order_by("pk").values_list("attempts", flat=True)) == [1, 0, 0]


# --- Idempotent tasks -----------------------------------------------------------------------------------------


@contextmanager
def _held_by_another_worker(name: str) -> Iterator[None]:
    """The lock ``name`` held by another process: on PostgreSQL another connection (a session's advisory lock is
    its own to take again), on SQLite the cache entry every process would see."""
    if connection.vendor != "postgresql":
        with run_alone(name) as alone:
            assert alone
            yield
        return
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [_advisory_key(name)])
            assert cursor.fetchone()[0]
        yield
        with other.cursor() as cursor:  # the other worker finishes (its server process may outlive close())
            cursor.execute("SELECT pg_advisory_unlock(%s)", [_advisory_key(name)])
    finally:
        other.close()


def test_a_recomputation_run_while_another_runs_skips(world: World) -> None:
    consultation = make_consultation(world)
    Analysis.objects.filter(consultation=consultation).update(dirty=True)
    with _held_by_another_worker(f"consultations.analysis:{consultation.pk}"):
        assert consultation_tasks.recompute_analysis.delay(consultation.pk).get() is False
    assert Analysis.objects.get(consultation=consultation).computed_at is None
    assert consultation_tasks.recompute_analysis.delay(consultation.pk).get() is True
    assert consultation_tasks.recompute_analysis.delay(consultation.pk).get() is False


def test_a_computation_a_killed_worker_left_unfinished_is_swept_again(world: World) -> None:
    consultation = make_consultation(world)
    consultation_tasks.recompute_analysis.delay(consultation.pk)
    now = timezone.now()
    # A vote asked for a map; the computation cleared the flag, then its worker was killed before it wrote.
    Analysis.objects.filter(consultation=consultation).update(
        dirty=False,
        requested_at=now - datetime.timedelta(minutes=1),
        computed_at=now - datetime.timedelta(minutes=2),
    )
    assert consultation_tasks.recompute_dirty_analyses.delay().get() == 1
    assert consultation_tasks.recompute_dirty_analyses.delay().get() == 0


# --- Beat, health and status ----------------------------------------------------------------------------------


def test_beat_sweeps_the_outbox_retries_deliveries_and_beats_the_heart() -> None:
    tasks = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert tasks["comity.jobs.publish_pending"] == 30.0
    assert tasks["comity.jobs.heartbeat"] == 30.0
    assert tasks[notification_tasks.retry_failed_deliveries.name] == 300.0
    for name in tasks:
        assert name in app.tasks or name.startswith("comity."), name


def test_a_worker_that_dies_loses_no_task() -> None:
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1
    assert app.conf.task_publish_retry is False
    assert app.conf.broker_transport_options["max_retries"] == 0


def _check(check: Any) -> None:
    # As the health view runs under a synchronous server: thread-sensitive reads on this thread's connection.
    result = async_to_sync(check.get_result)()
    if result.error is not None:
        raise result.error


def test_the_heartbeat_check_wants_a_recent_heartbeat_from_a_worker(broker_down: None) -> None:
    check = WorkerHeartbeatCheck(max_age=datetime.timedelta(seconds=60))
    with pytest.raises(ServiceUnavailable, match="no worker heartbeat"):
        _check(check)
    record_heartbeat(time.time() - 120)
    with pytest.raises(ServiceUnavailable, match=r"12[01] s old"):
        _check(check)
    record_heartbeat()
    _check(check)


def test_the_backlog_check_fails_when_a_job_waited_too_long(world: World, broker_down: None) -> None:
    check = OutboxBacklogCheck(max_age=datetime.timedelta(minutes=5))
    _check(check)
    job = services.enqueue(note, 1, community=world.harmony, after_commit=False)
    _check(check)
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=6))
    with pytest.raises(ServiceUnavailable, match=r"waited 36\d s"):
        _check(check)


def test_both_checks_pass_when_tasks_run_inline(world: World) -> None:
    job = services.enqueue(note, 1, community=world.harmony, after_commit=False)
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - datetime.timedelta(hours=1))
    _check(WorkerHeartbeatCheck())
    _check(OutboxBacklogCheck())


def test_the_status_command_prints_the_backlog(world: World) -> None:
    services.enqueue(note, 1, community=world.harmony, after_commit=False)
    out = StringIO()
    with pytest.raises(SystemExit):
        call_command("jobs_status", "--check", stdout=out)
    assert out.getvalue().startswith("unpublished=1 oldest_unpublished_age=")
    call_command("publish_jobs", stdout=out)
    assert "published=1" in out.getvalue()
    out = StringIO()
    call_command("jobs_status", "--check", stdout=out)
    assert "unpublished=0" in out.getvalue()


def test_published_jobs_are_pruned_after_a_week(world: World) -> None:
    old = services.enqueue(note, 1, community=world.harmony, after_commit=False)
    services.publish(old.pk)
    Job.objects.filter(pk=old.pk).update(published_at=timezone.now() - datetime.timedelta(days=8))
    waiting = services.enqueue(note, 2, community=world.harmony, after_commit=False)
    assert services.prune_published() == 1
    assert list(Job.objects.values_list("pk", flat=True)) == [waiting.pk]


# --- Who reads the outbox -------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", CAST)
def test_only_platform_staff_read_the_outbox_in_the_admin(
    role: str, world: World, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        job = services.enqueue(note, "secret-argument", community=world.harmony)
    for url in (reverse("admin:jobs_job_changelist"), reverse("admin:jobs_job_change", args=[job.pk])):
        response = client_for(role).get(url)
        if role == "platform_staff":
            assert response.status_code == 200, url
            assert b"secret-argument" in response.content
        else:
            assert response.status_code == 302, (role, url)
            assert "/admin/login/" in response["Location"]
    # Read-only: nobody adds, changes or deletes a row by hand.
    staff = client_for("platform_staff")
    assert staff.get(reverse("admin:jobs_job_add")).status_code == 403
    assert staff.post(reverse("admin:jobs_job_delete", args=[job.pk]), {"post": "yes"}).status_code == 403
    assert Job.objects.filter(pk=job.pk, args=["secret-argument"]).exists()


def test_a_delivery_whose_task_the_broker_lost_is_queued_again_by_the_retry_sweep(
    world: World, mailoutbox: list[Any]
) -> None:
    resident = _give_email(world.user("resident"))
    notification = Notification.objects.create(
        recipient=resident, community=world.harmony, kind="appeal.replied", summary="Replied", params={}
    )
    lost = Delivery.objects.create(notification=notification, community=world.harmony, channel="email")
    recent = Delivery.objects.create(notification=notification, community=world.harmony, channel="email")
    Delivery.objects.filter(pk=lost.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=11))
    assert notification_tasks.retry_failed_deliveries.delay().get() == 1
    lost.refresh_from_db()
    recent.refresh_from_db()
    assert (lost.status, recent.status) == (DeliveryStatus.SENT, DeliveryStatus.PENDING)
    assert Job.objects.get().dedupe_key == f"delivery:{lost.pk}"
    assert len(mailoutbox) == 1


def test_a_notifications_deliveries_are_queued_together_each_with_its_job(
    world: World, django_capture_on_commit_callbacks: Any, mailoutbox: list[Any]
) -> None:
    users = [_give_email(world.user(role)) for role in ("resident", "owner", "grid_worker")]
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        notify(users, kind="appeal.replied", summary="Replied", params={}, community=world.harmony)
    deliveries = list(Delivery.objects.order_by("pk").values_list("pk", flat=True))
    jobs = Job.objects.order_by("pk")
    assert [job.dedupe_key for job in jobs] == [f"delivery:{pk}" for pk in deliveries]
    assert all(job.published_at is not None and job.community_id == world.harmony.pk for job in jobs)
    assert len(mailoutbox) == 3


def test_queueing_a_waiting_key_again_joins_the_waiting_job(world: World) -> None:
    waiting = services.enqueue(note, 1, community=world.harmony, dedupe_key="note:1", after_commit=False)
    jobs = services.enqueue_each(note, [[1], [2]], community=world.harmony, dedupe_keys=["note:1", "note:2"])
    assert jobs[0].pk == waiting.pk
    assert Job.objects.count() == 2
    assert services.publish_many([job.pk for job in jobs]) == {}
    assert RAN == [1, 2]
