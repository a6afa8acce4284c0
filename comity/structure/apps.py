from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StructureConfig(AppConfig):
    name = "comity.structure"
    label = "structure"
    verbose_name = _("Governance structure")

    def ready(self) -> None:
        # Registers the object-level permissions (django-rules predicates).
        from comity.structure import permissions  # noqa: F401
