from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    name = "comity.consultations"
    label = "consultations"
    verbose_name = _("Consultations")

    def ready(self) -> None:
        # Registers the object-level permissions (django-rules predicates) and the personal information the app holds.
        from comity.consultations import permissions, personal_data  # noqa: F401
