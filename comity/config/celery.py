"""Celery application.

Production runs workers against Redis (``CELERY_BROKER_URL``); the embedded demo and the tests run tasks
inline (``CELERY_TASK_ALWAYS_EAGER``), so nothing but Python is needed to try Comity.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comity.config.settings")

app = Celery("comity")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
