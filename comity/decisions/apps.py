from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DecisionsConfig(AppConfig):
    name = "comity.decisions"
    label = "decisions"
    verbose_name = _("Decisions")

    def ready(self) -> None:
        # Registers the object-level permissions (django-rules predicates).
        from comity.decisions import permissions, personal_data  # noqa: F401
