from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BudgetingConfig(AppConfig):
    name = "comity.budgeting"
    label = "budgeting"
    verbose_name = _("Community funds and participatory budgeting")

    def ready(self) -> None:
        # Registers the object-level permissions (django-rules predicates) and the personal information the app holds.
        from comity.budgeting import permissions, personal_data  # noqa: F401
