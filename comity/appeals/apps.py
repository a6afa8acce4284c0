from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppealsConfig(AppConfig):
    name = "comity.appeals"
    label = "appeals"
    verbose_name = _("Appeals")

    def ready(self) -> None:
        # Registers the object-level permissions (django-rules predicates) and the rates cache's signals.
        from comity.appeals import permissions, personal_data  # noqa: F401
        from comity.appeals.following import permissions as following_permissions  # noqa: F401
        from comity.appeals.rates import cache  # noqa: F401
        from comity.appeals.rates import permissions as rates_permissions  # noqa: F401
