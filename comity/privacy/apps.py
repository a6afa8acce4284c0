from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "comity.privacy"
    label = "privacy"
    verbose_name = _("Personal information")

    def ready(self) -> None:
        # Registers the object-level permissions (django-rules predicates) and the privacy app's own holdings
        # (consents, requests, the access log), and publishes a new notice after migrate when the register changed.
        from comity.privacy import permissions, personal_data, signals  # noqa: F401
