from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "comity.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # Registers the object-level permissions (django-rules predicates) and the idle-timeout clock.
        from comity.accounts import permissions, sessions  # noqa: F401
