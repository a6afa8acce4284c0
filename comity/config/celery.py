"""Celery application.

Production runs workers and beat against Redis (``CELERY_BROKER_URL``); the embedded demo and the tests run tasks
inline (``CELERY_TASK_ALWAYS_EAGER``), so nothing but Python is needed to try Comity. Work a change needs is
queued through the transactional outbox of ``comity.jobs`` (``docs/jobs.md``): written with the change, published
after its commit, swept by beat when the broker missed it. The settings that keep a dying worker from losing a
task (acks late, reject on worker lost, prefetch 1) and a request from waiting on a broker that is down are the
``CELERY_*`` settings in ``comity/config/settings.py``.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comity.config.settings")

app = Celery("comity")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
