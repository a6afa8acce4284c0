from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StructureConfig(AppConfig):
    name = "comity.structure"
    label = "structure"
    verbose_name = _("Governance structure")

    def ready(self) -> None:
        # Registers the object-level permissions (django-rules predicates).
        # A user's roles are cached between requests (scope.py): a write of the rows they come from makes the
        # cached roles stale.
        from django.db.models.signals import post_delete, post_save

        from comity.structure import permissions  # noqa: F401
        from comity.structure.models import Membership, Ownership, Person
        from comity.structure.scope import roles_changed

        for model in (Person, Ownership, Membership):
            post_save.connect(roles_changed, sender=model, dispatch_uid=f"comity.roles.{model.__name__}.save")
            post_delete.connect(
                roles_changed, sender=model, dispatch_uid=f"comity.roles.{model.__name__}.delete"
            )
