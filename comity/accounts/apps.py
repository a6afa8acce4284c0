from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "comity.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # Registers the object-level permissions (django-rules predicates), the personal information the app holds,
        # the idle-timeout clock and the signals
        # that forget a cached account when it is saved (in every process, workers and commands included).
        from comity.accounts import authentication, permissions, personal_data, sessions  # noqa: F401
