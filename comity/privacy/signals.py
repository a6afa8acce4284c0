"""A new privacy notice is published after ``migrate`` when the processing register changed (a deployment that
changes a purpose publishes the notice that asks again)."""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.dispatch import receiver

from comity.privacy.services.notice import publish_notice


@receiver(post_migrate)
def publish_after_migrate(sender: AppConfig, using: str = "default", plan: Any = None, **kwargs: Any) -> None:
    if sender.label != "privacy" or using != "default":
        return
    publish_notice(None)
