from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppealsConfig(AppConfig):
    name = "comity.appeals"
    label = "appeals"
    verbose_name = _("Appeals")

    def ready(self) -> None:
        # Registers the object-level permissions (django-rules predicates) and the rates cache's signals.
        from comity.appeals import permissions, permissions_following, permissions_rates, rates_cache  # noqa: F401
