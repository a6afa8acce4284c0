from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VolunteersConfig(AppConfig):
    name = "comity.volunteers"
    label = "volunteers"
    verbose_name = _("Volunteers and the time bank")

    def ready(self) -> None:
        # Registers the object-level permissions (django-rules predicates) and declares the personal information.
        from comity.volunteers import permissions, personal_data  # noqa: F401
