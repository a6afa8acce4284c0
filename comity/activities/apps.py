from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "comity.activities"
    label = "activities"
    verbose_name = _("Activities")

    def ready(self) -> None:
        # Registers the object-level permissions (django-rules predicates).
        from comity.activities import permissions, personal_data  # noqa: F401
