from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "comity.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        # Registers the object-level permissions (django-rules predicates), the personal information the app holds
        # and the receivers that make the bell's
        # cached count stale when a notification is saved or deleted one by one.
        from comity.notifications import badge, permissions, personal_data  # noqa: F401
