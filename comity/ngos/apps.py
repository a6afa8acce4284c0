from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NgosConfig(AppConfig):
    name = "comity.ngos"
    label = "ngos"
    verbose_name = _("Community organisations")

    def ready(self) -> None:
        # Registers the object-level permissions (django-rules predicates) and the personal data declarations.
        from comity.ngos import permissions, personal_data  # noqa: F401
