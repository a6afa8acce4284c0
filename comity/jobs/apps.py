from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "comity.jobs"
    label = "jobs"
    verbose_name = _("Background jobs")

    def ready(self) -> None:
        # Registers the permission of the outbox's admin pages (django-rules predicate).
        from comity.jobs import permissions  # noqa: F401
