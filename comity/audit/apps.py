from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "comity.audit"
    label = "audit"
    verbose_name = _("Audit log")

    def ready(self) -> None:
        # Registers the object-level permission (django-rules predicate) of the log page and the personal information
        # the log holds.
        from comity.audit import permissions, personal_data  # noqa: F401
